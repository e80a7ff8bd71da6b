package wxcrypt

import (
	"strconv"
	"strings"
	"testing"
)

// benchKey is the official test vector's EncodingAESKey (docs/wecom-protocol.md §3).
const benchKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

// message1K is a 1 KB callback body, the size the targets are stated for.
var message1K = []byte("<xml><Content><![CDATA[" + strings.Repeat("周报", 165) + "]]></Content></xml>")[:1024]

// What the endpoint does for every POSTed callback: verify the signature,
// then decrypt (target: 50 000 a second per core for 1 KB).
func BenchmarkVerifyDecrypt1K(b *testing.B) {
	c, err := New("QDG6eK", benchKey, "")
	if err != nil {
		b.Fatal(err)
	}
	encrypt, err := c.Encrypt(message1K)
	if err != nil {
		b.Fatal(err)
	}
	const ts, nonce = "1409659813", "1372623149"
	sig := Sign("QDG6eK", ts, nonce, encrypt)
	b.SetBytes(int64(len(message1K)))
	b.ReportAllocs()
	for b.Loop() {
		plain, err := c.Open(sig, ts, nonce, encrypt)
		if err != nil || len(plain) != len(message1K) {
			b.Fatalf("open: %v (%d bytes)", err, len(plain))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// What a passive reply costs: encrypt 1 KB, sign it and wrap it in the XML
// envelope.
func BenchmarkEncryptSeal1K(b *testing.B) {
	c, err := New("QDG6eK", benchKey, "")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(message1K)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body, err := c.SealXML(message1K, "1409659813", strconv.Itoa(i))
		if err != nil || len(body) < len(message1K) {
			b.Fatalf("seal: %v", err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// Encryption alone, without the envelope.
func BenchmarkEncrypt1K(b *testing.B) {
	c, err := New("QDG6eK", benchKey, "")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(message1K)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Encrypt(message1K); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// The whole inbound path of a callback's crypto: parse the XML envelope,
// verify, decrypt.
func BenchmarkParseVerifyDecrypt1K(b *testing.B) {
	c, err := New("QDG6eK", benchKey, "")
	if err != nil {
		b.Fatal(err)
	}
	encrypt, err := c.Encrypt(message1K)
	if err != nil {
		b.Fatal(err)
	}
	const ts, nonce = "1409659813", "1372623149"
	sig := Sign("QDG6eK", ts, nonce, encrypt)
	body := []byte("<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>")
	b.SetBytes(int64(len(message1K)))
	b.ReportAllocs()
	for b.Loop() {
		enc, err := ParseXML(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Open(sig, ts, nonce, enc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
