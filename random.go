package teambot

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomHex returns n random bytes as 2n lowercase hex digits, for nonces,
// lease tokens and ids that only need to be unique. crypto/rand does not
// fail (it crashes the program if the system cannot supply randomness).
func RandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
