package bot

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// KeySealer encrypts webhook keys for storage with AES-256-GCM under a key
// derived from a configured secret (an EncodingAESKey), so that the
// database alone never reveals them. If that secret changes, old sealed keys
// no longer open; the group robot's next callback brings the key again.
type KeySealer struct {
	aead cipher.AEAD
}

const sealPrefix = "v1:"

// NewKeySealer derives the sealing key from secret.
func NewKeySealer(secret string) (*KeySealer, error) {
	if secret == "" {
		return nil, errors.New("key sealer: empty secret")
	}
	k := sha256.Sum256([]byte("teambot webhook key sealing v1\x00" + secret))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &KeySealer{aead: aead}, nil
}

// Seal encrypts plain with a fresh nonce.
func (s *KeySealer) Seal(plain string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, []byte(plain), nil)
	return sealPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal produced.
func (s *KeySealer) Open(sealed string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, sealPrefix))
	if err != nil || !strings.HasPrefix(sealed, sealPrefix) || len(raw) < s.aead.NonceSize() {
		return "", errors.New("sealed key: malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("sealed key: does not open (sealed under another secret?)")
	}
	return string(plain), nil
}
