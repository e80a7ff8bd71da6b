package wxcrypt

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"testing"
)

// refSign is the signature computed the plain way: sort, join, hash.
func refSign(token, timestamp, nonce, encrypt string) string {
	parts := []string{token, timestamp, nonce, encrypt}
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// Sign feeds the values to SHA-1 through a fixed buffer; values of every size
// around that buffer's length, alone or together, must hash as if joined.
func TestSignAcrossBufferBoundaries(t *testing.T) {
	size := len(hasher{}.buf)
	for _, n := range []int{0, 1, 63, 64, 65, size - 1, size, size + 1, 2*size - 7, 2 * size, 3*size + 5, 100_000} {
		long := strings.Repeat("x", n)
		for _, a := range [][4]string{
			{"tok", "1409659813", "nonce", long},
			{long, "", "", ""},
			{long, long, long, long},
			{"", strings.Repeat("a", size/2), strings.Repeat("b", size/2+1), long},
		} {
			if got, want := Sign(a[0], a[1], a[2], a[3]), refSign(a[0], a[1], a[2], a[3]); got != want {
				t.Fatalf("n=%d: Sign = %s, want %s", n, got, want)
			}
		}
	}
}

func TestVerifyRejectsMalformedSignatures(t *testing.T) {
	c := vectorCrypto(t)
	for name, sig := range map[string]string{
		"one digit short":  vecPostSignature[:39],
		"one digit more":   vecPostSignature + "0",
		"trailing space":   vecPostSignature + " ",
		"raw digest bytes": string(mustHex(t, vecPostSignature)),
		"non-hex":          "g" + vecPostSignature[1:],
		"twice":            vecPostSignature + vecPostSignature,
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, c.Verify(sig, vecPostTimestamp, vecPostNonce, vecPostEncrypt), ErrSignature)
		})
	}
	if err := c.Verify(vecPostSignature, vecPostTimestamp, vecPostNonce, vecPostEncrypt); err != nil {
		t.Fatalf("vector signature: %v", err)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Decrypt works in place in a buffer of its own: each result is the
// caller's, untouched by later calls, and appending to it cannot overwrite
// anything another caller sees.
func TestDecryptResultIsCallers(t *testing.T) {
	c := vectorCrypto(t)
	a, err := c.Decrypt(vecPostEncrypt)
	if err != nil {
		t.Fatal(err)
	}
	if cap(a) != len(a) {
		t.Errorf("result has capacity %d beyond its %d bytes", cap(a), len(a))
	}
	for i := range a {
		a[i] = 0
	}
	b, err := c.Decrypt(vecPostEncrypt)
	if err != nil || string(b) != vecPostPlain {
		t.Fatalf("second Decrypt = %q, %v", b, err)
	}
	if &a[0] == &b[0] {
		t.Fatal("two calls returned the same memory")
	}
	_ = append(b, "more"...)
	if string(b) != vecPostPlain {
		t.Fatal("appending changed the result")
	}
}

// Padding and framing edges not covered by TestDecryptMalformed.
func TestDecryptPaddingEdges(t *testing.T) {
	c := newCrypto(t, "corp")
	full := plaintext(4, "abcd", "corp", nil) // 28 bytes
	cases := []struct {
		name  string
		plain []byte
		want  *Error // nil: decrypts to msg
		msg   string
	}{
		{"pad 4 to 32", append(full[:28:28], 4, 4, 4, 4), nil, "abcd"},
		{"whole block of 32", withPad(plaintext(12, "abcdefghijkl", "", nil)), ErrReceiveID, ""},
		{"pad 32 after 32 bytes", append(plaintext(8, "abcdefgh", "corp", nil), bytes.Repeat([]byte{32}, 32)...), nil, "abcdefgh"},
		{"pad 16 (AES block, not WeCom's)", append(plaintext(8, "abcdefgh", "corp", nil)[:32:32], bytes.Repeat([]byte{16}, 16)...), nil, "abcdefgh"},
		{"last pad byte 0 after a full block", append(full[:28:28], 1, 1, 1, 0), ErrDecrypt, ""},
		{"pad byte 32 over 16-byte ciphertext", bytes.Repeat([]byte{32}, 16), ErrDecrypt, ""},
		{"pad 48", append(full[:28:28], bytes.Repeat([]byte{48}, 36)...), ErrDecrypt, ""},
		{"length one beyond the data", withPad(plaintext(9, "abcd", "corp", nil)), ErrBuffer, ""},
		{"length 1<<31", withPad(plaintext(1<<31, "abcd", "corp", nil)), ErrBuffer, ""},
		{"length exactly the data, no receiveid left", withPad(plaintext(8, "abcd", "corp", nil)), ErrReceiveID, ""},
		{"header only after unpadding", withPad(plaintext(0, "", "", nil)), ErrReceiveID, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.plain)%16 != 0 {
				t.Fatalf("test plaintext is %d bytes", len(tc.plain))
			}
			msg, err := c.Decrypt(rawEncrypt(c, tc.plain))
			if tc.want == nil {
				if err != nil || string(msg) != tc.msg {
					t.Fatalf("Decrypt = %q, %v; want %q", msg, err, tc.msg)
				}
				return
			}
			if msg != nil {
				t.Errorf("message %q returned with the error", msg)
			}
			wantCode(t, err, tc.want)
		})
	}
}

// One Crypto serves concurrent callbacks; run with -race.
func TestConcurrentUse(t *testing.T) {
	c := newCrypto(t, "corp")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				msg := bytes.Repeat([]byte{byte('a' + g)}, 1+(g*97+i*31)%3000)
				enc, err := c.Encrypt(msg)
				if err != nil {
					t.Error(err)
					return
				}
				ts, nonce := "1700000000", strings.Repeat("n", i%40)
				sig := Sign("token", ts, nonce, enc)
				if sig != refSign("token", ts, nonce, enc) {
					t.Error("Sign differs from the joined hash")
					return
				}
				got, err := c.Open(sig, ts, nonce, enc)
				if err != nil || !bytes.Equal(got, msg) {
					t.Errorf("Open: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
