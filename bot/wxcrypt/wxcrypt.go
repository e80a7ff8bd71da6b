// Package wxcrypt implements WeCom's callback crypto, WXBizMsgCrypt
// (doc 90968): message signatures, AES-256-CBC encryption of callback and
// reply bodies, and the XML and JSON envelopes that carry them.
//
// One scheme serves all three ways in: the self-built app (receiveid is the
// CorpID), the AI bot and the group robot (receiveid is "").
package wxcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io"
	"math"
	"slices"
	"sync"
)

const (
	keyLen       = 32 // AES-256
	encodedKey   = 43 // characters of an EncodingAESKey
	randomLen    = 16 // random prefix of every plaintext
	lengthLen    = 4  // big-endian message length after it
	headerLen    = randomLen + lengthLen
	padBlockSize = 32 // WeCom pads PKCS#7-style to 32 bytes, not to the AES block
)

// errNotNew reports a Crypto that New did not create.
var errNotNew = wrap(ErrAESKey, "Crypto not created by New")

// Crypto signs, encrypts and decrypts for one callback configuration; create
// it with New. It is safe for concurrent use as long as Rand is.
type Crypto struct {
	// Rand supplies the 16 random bytes that start every encrypted message;
	// nil means crypto/rand.Reader.
	Rand io.Reader

	token     string
	block     cipher.Block // AES-256 with the decoded key
	iv        []byte       // the key's first 16 bytes
	receiveID string
}

// New returns a Crypto for a callback's Token and EncodingAESKey. receiveID is
// the CorpID for a self-built app and "" for the AI bot and the group robot.
// A key that is not 43 characters of base64 for 32 bytes yields ErrAESKey.
func New(token, encodingAESKey, receiveID string) (*Crypto, error) {
	if len(encodingAESKey) != encodedKey {
		return nil, wrap(ErrAESKey, "want %d characters, got %d", encodedKey, len(encodingAESKey))
	}
	// Not Strict: real keys have non-zero bits after the last full byte.
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil {
		return nil, wrap(ErrAESKey, "%v", err)
	}
	if len(key) != keyLen {
		return nil, wrap(ErrAESKey, "decodes to %d bytes, want %d", len(key), keyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, wrap(ErrAESKey, "%v", err)
	}
	return &Crypto{token: token, block: block, iv: key[:aes.BlockSize], receiveID: receiveID}, nil
}

// Sign returns WeCom's msg_signature: the lowercase hex SHA-1 of the four
// values sorted bytewise and concatenated without separators.
func Sign(token, timestamp, nonce, encrypt string) string {
	sum := digest(token, timestamp, nonce, encrypt)
	var h [2 * sha1.Size]byte
	hex.Encode(h[:], sum[:])
	return string(h[:])
}

// Verify checks a msg_signature in constant time; a mismatch is ErrSignature.
// Only Sign's exact output matches: 40 lowercase hex digits.
func (c *Crypto) Verify(signature, timestamp, nonce, encrypt string) error {
	sum := digest(c.token, timestamp, nonce, encrypt)
	// Our digest is hex-encoded on the stack rather than the signature
	// decoded: hex.Decode would also accept uppercase digits.
	var want [2 * sha1.Size]byte
	hex.Encode(want[:], sum[:])
	if subtle.ConstantTimeCompare([]byte(signature), want[:]) != 1 {
		return ErrSignature
	}
	return nil
}

// hasher is a reusable SHA-1 with a buffer to feed it strings through;
// hashers lends them out so that signing allocates nothing.
type hasher struct {
	h   hash.Hash
	buf [1024]byte // a multiple of SHA-1's 64-byte block
	sum [sha1.Size]byte
}

var hashers = sync.Pool{New: func() any { return &hasher{h: sha1.New()} }}

// digest is the SHA-1 of the four values sorted bytewise and concatenated,
// computed without building the concatenation: the values are copied through
// a pooled hasher's fixed buffer, so memory stays bounded whatever their size.
func digest(token, timestamp, nonce, encrypt string) [sha1.Size]byte {
	parts := [4]string{token, timestamp, nonce, encrypt}
	slices.Sort(parts[:])
	x := hashers.Get().(*hasher)
	x.h.Reset()
	n := 0
	for _, p := range parts {
		for len(p) > 0 {
			k := copy(x.buf[n:], p)
			n += k
			p = p[k:]
			if n == len(x.buf) {
				x.h.Write(x.buf[:])
				n = 0
			}
		}
	}
	x.h.Write(x.buf[:n])
	var sum [sha1.Size]byte
	copy(sum[:], x.h.Sum(x.sum[:0]))
	hashers.Put(x)
	return sum
}

// VerifyURL answers WeCom's GET URL verification: it verifies the signature
// over echostr (already URL-decoded by the caller) and returns the decrypted
// plaintext, to be sent back bare.
func (c *Crypto) VerifyURL(signature, timestamp, nonce, echostr string) ([]byte, error) {
	return c.Open(signature, timestamp, nonce, echostr)
}

// Open verifies the signature of a POSTed callback's encrypted field, then
// decrypts it.
func (c *Crypto) Open(signature, timestamp, nonce, encrypt string) ([]byte, error) {
	if err := c.Verify(signature, timestamp, nonce, encrypt); err != nil {
		return nil, err
	}
	return c.Decrypt(encrypt)
}

// Decrypt returns the message inside a base64 ciphertext:
// AES-256-CBC(16 random ‖ 4-byte big-endian length ‖ msg ‖ receiveid), padded
// to a multiple of 32 bytes. The trailing receiveid must be this Crypto's,
// unless this Crypto's is empty (the AI bot, the group robot): then any is
// accepted, as WeCom's official libraries do.
//
// The message is a slice of a buffer allocated for this call alone (the
// ciphertext is decoded into it and decrypted in place): it belongs to the
// caller, who may keep and modify it.
func (c *Crypto) Decrypt(encrypt string) ([]byte, error) {
	if c.block == nil {
		return nil, errNotNew
	}
	// The only allocation but the decrypter's: []byte(encrypt) is not
	// copied, since Decode only reads it.
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(encrypt)))
	n, err := base64.StdEncoding.Decode(buf, []byte(encrypt))
	if err != nil {
		return nil, wrap(ErrBase64Decode, "%v", err)
	}
	plain := buf[:n]
	if len(plain) == 0 || len(plain)%aes.BlockSize != 0 {
		return nil, wrap(ErrDecrypt, "ciphertext of %d bytes is not a positive multiple of %d", len(plain), aes.BlockSize)
	}
	cipher.NewCBCDecrypter(c.block, c.iv).CryptBlocks(plain, plain)

	plain, err = unpad(plain)
	if err != nil {
		return nil, err
	}
	msg, receiveID, err := split(plain)
	if err != nil {
		return nil, err
	}
	if c.receiveID != "" && subtle.ConstantTimeCompare(receiveID, []byte(c.receiveID)) != 1 {
		return nil, ErrReceiveID
	}
	return msg, nil
}

// Encrypt is the inverse of Decrypt; it reads 16 bytes from Rand.
func (c *Crypto) Encrypt(msg []byte) (string, error) {
	if c.block == nil {
		return "", errNotNew
	}
	if uint64(len(msg)) > math.MaxUint32 {
		return "", wrap(ErrEncrypt, "message of %d bytes is too long", len(msg))
	}
	n := headerLen + len(msg) + len(c.receiveID)
	pad := padBlockSize - n%padBlockSize
	plain := make([]byte, n+pad)
	if _, err := io.ReadFull(c.rand(), plain[:randomLen]); err != nil {
		return "", wrap(ErrEncrypt, "random bytes: %v", err)
	}
	binary.BigEndian.PutUint32(plain[randomLen:headerLen], uint32(len(msg)))
	copy(plain[headerLen:], msg)
	copy(plain[headerLen+len(msg):], c.receiveID)
	for i := n; i < len(plain); i++ {
		plain[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(c.block, c.iv).CryptBlocks(plain, plain)
	return base64.StdEncoding.EncodeToString(plain), nil
}

// unpad strips the PKCS#7-style padding (block size 32).
func unpad(plain []byte) ([]byte, error) {
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > padBlockSize || pad > len(plain) {
		return nil, wrap(ErrDecrypt, "invalid padding byte %d", pad)
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, wrap(ErrDecrypt, "inconsistent padding")
		}
	}
	return plain[:len(plain)-pad], nil
}

// split parses 16 random ‖ 4-byte length ‖ msg ‖ receiveid, checking the
// attacker-controlled length against the buffer before slicing.
func split(plain []byte) (msg, receiveID []byte, err error) {
	if len(plain) < headerLen {
		return nil, nil, wrap(ErrBuffer, "plaintext of %d bytes is shorter than its %d-byte header", len(plain), headerLen)
	}
	n := uint64(binary.BigEndian.Uint32(plain[randomLen:headerLen]))
	rest := plain[headerLen:]
	if n > uint64(len(rest)) {
		return nil, nil, wrap(ErrBuffer, "message length %d exceeds the %d bytes left", n, len(rest))
	}
	return rest[:n:n], rest[n:], nil
}

func (c *Crypto) rand() io.Reader {
	if c.Rand != nil {
		return c.Rand
	}
	return rand.Reader
}
