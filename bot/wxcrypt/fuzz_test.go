package wxcrypt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// decryptCodes are the only errors Decrypt may return.
var decryptCodes = []*Error{ErrBase64Decode, ErrDecrypt, ErrBuffer, ErrReceiveID}

func isOneOf(err error, codes ...*Error) bool {
	for _, c := range codes {
		if errors.Is(err, c) {
			return true
		}
	}
	return false
}

// FuzzDecrypt feeds Decrypt arbitrary base64 text and, to get past the AES
// layer, arbitrary plaintexts encrypted without any padding or framing.
func FuzzDecrypt(f *testing.F) {
	f.Add(vecPostEncrypt, []byte(nil))
	f.Add(vecEchoStr, []byte("0123456789abcdef\x00\x00\x00\x05hellowx5823bf96d3bd56c7\x07\x07\x07\x07\x07\x07\x07"))
	f.Add("", []byte{})
	f.Add("AAAA", []byte("0123456789abcdef\xff\xff\xff\xff\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c"))
	f.Add("////////////////////////////////////////////w==", bytes.Repeat([]byte{32}, 32))
	f.Add("P9nAzCzyDtyTWESHep1vC5X9xho", []byte("0123456789abcdef\x00\x00\x00\x00wx5823bf96d3bd56c7\x0e"))

	c, err := New(vecToken, vecKey, vecReceiveID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, encrypt string, plain []byte) {
		msg, err := c.Decrypt(encrypt)
		checkDecrypt(t, msg, err, len(encrypt))

		if len(plain) == 0 || len(plain) > 1<<16 {
			return
		}
		full := append(plain[:len(plain):len(plain)], make([]byte, (16-len(plain)%16)%16)...)
		msg, err = c.Decrypt(rawEncrypt(c, full))
		checkDecrypt(t, msg, err, len(full))
		if err != nil {
			return
		}
		// Success means the framing really said so.
		if n := binary.BigEndian.Uint32(full[16:20]); uint64(n) != uint64(len(msg)) {
			t.Fatalf("length field %d, message %d bytes", n, len(msg))
		}
		if !bytes.Equal(msg, full[20:20+len(msg)]) {
			t.Fatal("message is not the framed bytes")
		}
		if !bytes.HasPrefix(full[20+len(msg):], []byte(vecReceiveID)) {
			t.Fatal("receiveid not checked")
		}
		// And it survives a round trip.
		again, err := c.Encrypt(msg)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := c.Decrypt(again); err != nil || !bytes.Equal(back, msg) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func checkDecrypt(t *testing.T, msg []byte, err error, inputLen int) {
	t.Helper()
	if err != nil {
		if msg != nil {
			t.Fatalf("message returned with error %v", err)
		}
		if !isOneOf(err, decryptCodes...) {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if len(msg) > inputLen {
		t.Fatalf("%d-byte message from %d bytes of input", len(msg), inputLen)
	}
}

// FuzzOpen checks that a correct signature leads to decryption and that any
// change to the signed values is caught first.
func FuzzOpen(f *testing.F) {
	f.Add(vecPostTimestamp, vecPostNonce, vecPostEncrypt, uint8(0))
	f.Add(vecGetTimestamp, vecGetNonce, vecEchoStr, uint8(7))
	f.Add("", "", "", uint8(0))
	c, err := New(vecToken, vecKey, vecReceiveID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, timestamp, nonce, encrypt string, flip uint8) {
		sig := Sign(vecToken, timestamp, nonce, encrypt)
		msg, err := c.Open(sig, timestamp, nonce, encrypt)
		if errors.Is(err, ErrSignature) {
			t.Fatal("correct signature rejected")
		}
		checkDecrypt(t, msg, err, len(encrypt))

		bad := []byte(sig)
		i := int(flip) % len(bad)
		bad[i] ^= 1
		if _, err := c.Open(string(bad), timestamp, nonce, encrypt); !errors.Is(err, ErrSignature) {
			t.Fatalf("altered signature: %v", err)
		}
	})
}

// FuzzParseXML checks that no document panics the envelope parser and that
// whatever it returns is non-empty, trimmed text.
func FuzzParseXML(f *testing.F) {
	f.Add([]byte("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + vecPostEncrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"))
	f.Add([]byte("<xml><Encrypt>abc</Encrypt></xml>"))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x "y">]><xml><Encrypt>&x;</Encrypt></xml>`))
	f.Add([]byte("<xml><a><b><c><Encrypt>x</Encrypt></c></b></a></xml>"))
	f.Add([]byte("<xml><Encrypt><![CDATA[a]]]]><![CDATA[>b]]></Encrypt></xml>"))
	f.Add([]byte("<xml xmlns:w=\"u\"><w:Encrypt>a</w:Encrypt></xml>"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := ParseXML(body)
		if err != nil {
			if got != "" || !errors.Is(err, ErrParse) {
				t.Fatalf("ParseXML = %q, %v", got, err)
			}
			return
		}
		if got == "" || strings.TrimSpace(got) != got || !utf8.ValidString(got) {
			t.Fatalf("ParseXML = %q", got)
		}
		if len(got) > len(body) {
			t.Fatalf("%d bytes out of %d in", len(got), len(body))
		}
	})
}

// FuzzParseJSON does the same for JSON envelopes.
func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"encrypt":"` + vecPostEncrypt + `"}`))
	f.Add([]byte(`{"encrypt":"a","msgsignature":"s","timestamp":1641002400,"nonce":"n"}`))
	f.Add([]byte(`{"encrypt":1}`))
	f.Add([]byte(`{"ENCRYPT":"a\u0000"}`))
	f.Add([]byte(`[[[[{}]]]]`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := ParseJSON(body)
		if err != nil {
			if got != "" || !errors.Is(err, ErrParse) {
				t.Fatalf("ParseJSON = %q, %v", got, err)
			}
			return
		}
		if got == "" || strings.TrimSpace(got) != got {
			t.Fatalf("ParseJSON = %q", got)
		}
		// encoding/json turns each invalid UTF-8 byte into U+FFFD (3 bytes).
		limit := len(body)
		if !utf8.Valid(body) {
			limit *= 3
		}
		if len(got) > limit {
			t.Fatalf("%d bytes out of %d in", len(got), len(body))
		}
	})
}
