package wxcrypt

import (
	"bytes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// The official test vector (doc 90968 and WeCom's sample code).
const (
	vecToken     = "QDG6eK"
	vecReceiveID = "wx5823bf96d3bd56c7"
	vecKey       = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

	vecGetSignature = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	vecGetTimestamp = "1409659589"
	vecGetNonce     = "263014780"
	vecEchoStr      = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	vecEchoPlain    = "1616140317555161061"

	vecPostSignature = "477715d11cdb4164915debcba66cb864d751f3e6"
	vecPostTimestamp = "1409659813"
	vecPostNonce     = "1372623149"
	vecPostEncrypt   = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	vecPostPlain     = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n" +
		"<FromUserName><![CDATA[mycreate]]></FromUserName>\n" +
		"<CreateTime>1409659813</CreateTime>\n" +
		"<MsgType><![CDATA[text]]></MsgType>\n" +
		"<Content><![CDATA[hello]]></Content>\n" +
		"<MsgId>4561255354251345929</MsgId>\n" +
		"<AgentID>218</AgentID>\n" +
		"</xml>"
)

// A second key for tests that do not use the vector.
const testKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

func vectorCrypto(t testing.TB) *Crypto {
	t.Helper()
	c, err := New(vecToken, vecKey, vecReceiveID)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func newCrypto(t testing.TB, receiveID string) *Crypto {
	t.Helper()
	c, err := New("token", testKey, receiveID)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// rawEncrypt encrypts plain as is (no padding added), so that tests can
// build malformed plaintexts. len(plain) must be a multiple of 16.
func rawEncrypt(c *Crypto, plain []byte) string {
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(c.block, c.iv).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

// rawDecrypt decrypts without any checks, to look at the whole plaintext.
func rawDecrypt(t *testing.T, c *Crypto, encrypt string) []byte {
	t.Helper()
	ct, err := base64.StdEncoding.DecodeString(encrypt)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(c.block, c.iv).CryptBlocks(out, ct)
	return out
}

// plaintext builds 16 random ‖ length ‖ msg ‖ receiveID ‖ padding, with the
// length field and the padding given explicitly.
func plaintext(length uint32, msg, receiveID string, pad []byte) []byte {
	b := make([]byte, 16, 16+4+len(msg)+len(receiveID)+len(pad))
	b = binary.BigEndian.AppendUint32(b, length)
	b = append(b, msg...)
	b = append(b, receiveID...)
	return append(b, pad...)
}

// padding returns the correct WeCom padding for n bytes of content.
func padding(n int) []byte {
	p := 32 - n%32
	return bytes.Repeat([]byte{byte(p)}, p)
}

func wantCode(t *testing.T, err error, want *Error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want code %d (%s)", err, want.Code, want.Msg)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != want.Code {
		t.Fatalf("errors.As(%v) did not yield code %d", err, want.Code)
	}
}

func TestVectorVerifyURL(t *testing.T) {
	c := vectorCrypto(t)
	got, err := c.VerifyURL(vecGetSignature, vecGetTimestamp, vecGetNonce, vecEchoStr)
	if err != nil {
		t.Fatalf("VerifyURL: %v", err)
	}
	if string(got) != vecEchoPlain {
		t.Fatalf("VerifyURL = %q, want %q", got, vecEchoPlain)
	}
}

func TestVectorVerifyURLFromEncodedQuery(t *testing.T) {
	// WeCom URL-encodes echostr ('+' '/' '=' become %2B %2F %3D).
	raw := "msg_signature=" + vecGetSignature + "&timestamp=" + vecGetTimestamp +
		"&nonce=" + vecGetNonce + "&echostr=" + url.QueryEscape(vecEchoStr)
	if !strings.Contains(raw, "%2B") || !strings.Contains(raw, "%2F") || !strings.Contains(raw, "%3D") {
		t.Fatalf("query not encoded as WeCom sends it: %s", raw)
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := vectorCrypto(t).VerifyURL(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), q.Get("echostr"))
	if err != nil {
		t.Fatalf("VerifyURL: %v", err)
	}
	if string(got) != vecEchoPlain {
		t.Fatalf("VerifyURL = %q, want %q", got, vecEchoPlain)
	}
}

func TestVectorOpen(t *testing.T) {
	got, err := vectorCrypto(t).Open(vecPostSignature, vecPostTimestamp, vecPostNonce, vecPostEncrypt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if len(got) != 284 {
		t.Errorf("plaintext is %d bytes, want 284", len(got))
	}
	if string(got) != vecPostPlain {
		t.Fatalf("Open = %q, want %q", got, vecPostPlain)
	}
	for _, want := range []string{"<FromUserName><![CDATA[mycreate]]></FromUserName>", "<Content><![CDATA[hello]]></Content>",
		"<MsgId>4561255354251345929</MsgId>", "<AgentID>218</AgentID>"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("plaintext lacks %s", want)
		}
	}
}

func TestVectorOpenFromXMLEnvelope(t *testing.T) {
	body := "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + vecPostEncrypt +
		"]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
	encrypt, err := ParseXML([]byte(body))
	if err != nil {
		t.Fatalf("ParseXML: %v", err)
	}
	got, err := vectorCrypto(t).Open(vecPostSignature, vecPostTimestamp, vecPostNonce, encrypt)
	if err != nil || string(got) != vecPostPlain {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

func TestVectorReencrypt(t *testing.T) {
	for _, tc := range []struct{ name, encrypt string }{
		{"POST", vecPostEncrypt},
		{"GET", vecEchoStr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := vectorCrypto(t)
			msg, err := c.Decrypt(tc.encrypt)
			if err != nil {
				t.Fatal(err)
			}
			random := rawDecrypt(t, c, tc.encrypt)[:16]
			c.Rand = bytes.NewReader(random)
			got, err := c.Encrypt(msg)
			if err != nil {
				t.Fatalf("Encrypt: %v", err)
			}
			if got != tc.encrypt {
				t.Fatalf("Encrypt =\n%s\nwant\n%s", got, tc.encrypt)
			}
		})
	}
}

func TestVectorSign(t *testing.T) {
	if got := Sign(vecToken, vecGetTimestamp, vecGetNonce, vecEchoStr); got != vecGetSignature {
		t.Errorf("GET signature = %s, want %s", got, vecGetSignature)
	}
	if got := Sign(vecToken, vecPostTimestamp, vecPostNonce, vecPostEncrypt); got != vecPostSignature {
		t.Errorf("POST signature = %s, want %s", got, vecPostSignature)
	}
	// The order of the arguments does not matter: the values are sorted.
	if Sign("a", "b", "c", "d") != Sign("d", "c", "b", "a") {
		t.Error("Sign depends on argument order")
	}
}

func TestVerifyRejects(t *testing.T) {
	c := vectorCrypto(t)
	cases := map[string][4]string{
		"signature flipped": {strings.Replace(vecPostSignature, "4", "5", 1), vecPostTimestamp, vecPostNonce, vecPostEncrypt},
		"uppercase hex":     {strings.ToUpper(vecPostSignature), vecPostTimestamp, vecPostNonce, vecPostEncrypt},
		"empty signature":   {"", vecPostTimestamp, vecPostNonce, vecPostEncrypt},
		"timestamp changed": {vecPostSignature, "1409659814", vecPostNonce, vecPostEncrypt},
		"nonce changed":     {vecPostSignature, vecPostTimestamp, "1372623148", vecPostEncrypt},
		"encrypt changed":   {vecPostSignature, vecPostTimestamp, vecPostNonce, vecEchoStr},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := c.Open(a[0], a[1], a[2], a[3])
			wantCode(t, err, ErrSignature)
			_, err = c.VerifyURL(a[0], a[1], a[2], a[3])
			wantCode(t, err, ErrSignature)
		})
	}
	other, err := New("other", vecKey, vecReceiveID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.Open(vecPostSignature, vecPostTimestamp, vecPostNonce, vecPostEncrypt)
	wantCode(t, err, ErrSignature)
}

func TestNewKeys(t *testing.T) {
	if _, err := New("t", vecKey, ""); err != nil {
		t.Fatalf("real key with non-zero trailing bits rejected: %v", err)
	}
	for name, key := range map[string]string{
		"empty":        "",
		"42 chars":     vecKey[:42],
		"44 chars":     vecKey + "A",
		"padded":       vecKey[:42] + "=",
		"invalid char": vecKey[:10] + "!" + vecKey[11:],
		"newline":      vecKey[:42] + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New("t", key, "")
			wantCode(t, err, ErrAESKey)
		})
	}
}

func TestDecryptWrongReceiveID(t *testing.T) {
	for _, id := range []string{"wx5823bf96d3bd56c8", "wx5823bf96d3bd56c", "wx5823bf96d3bd56c7x"} {
		c, err := New(vecToken, vecKey, id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Decrypt(vecPostEncrypt)
		wantCode(t, err, ErrReceiveID)
		_, err = c.Open(vecPostSignature, vecPostTimestamp, vecPostNonce, vecPostEncrypt)
		wantCode(t, err, ErrReceiveID)
	}
}

// With an empty receiveid configured (the AI bot, the group robot) any
// receiveid inside is accepted, as WeCom's official libraries do: the
// official vector, sealed for its CorpID, opens.
func TestDecryptAnyReceiveIDWhenNoneConfigured(t *testing.T) {
	c, err := New(vecToken, vecKey, "")
	if err != nil {
		t.Fatal(err)
	}
	msg, err := c.Open(vecPostSignature, vecPostTimestamp, vecPostNonce, vecPostEncrypt)
	if err != nil || !bytes.Contains(msg, []byte("<FromUserName><![CDATA[mycreate]]></FromUserName>")) {
		t.Fatalf("Open with receiveid \"\" = %q, %v; want the vector's message", msg, err)
	}
}

func TestDecryptMalformed(t *testing.T) {
	c := newCrypto(t, "corp")
	good := plaintext(5, "hello", "corp", nil)
	good = append(good, padding(len(good))...)
	if msg, err := c.Decrypt(rawEncrypt(c, good)); err != nil || string(msg) != "hello" {
		t.Fatalf("well-formed plaintext: %q, %v", msg, err)
	}

	content := plaintext(1, "h", "corp", nil) // 25 bytes, unpadded
	cases := []struct {
		name  string
		plain []byte
		want  *Error
	}{
		{"pad byte 0", append(content[:25:25], make([]byte, 7)...), ErrDecrypt},
		{"pad byte 33", append(content[:25:25], bytes.Repeat([]byte{33}, 39)...), ErrDecrypt},
		{"pad byte 255", append(content[:25:25], bytes.Repeat([]byte{255}, 7)...), ErrDecrypt},
		{"inconsistent pad", append(content[:25:25], 7, 7, 7, 6, 7, 7, 7), ErrDecrypt},
		{"pad longer than plaintext", bytes.Repeat([]byte{32}, 16), ErrDecrypt},
		{"length beyond buffer", withPad(plaintext(6, "hello", "", nil)), ErrBuffer},
		{"length 0xFFFFFFFF", withPad(plaintext(0xFFFFFFFF, "hello", "corp", nil)), ErrBuffer},
		{"shorter than header", withPad(make([]byte, 19)), ErrBuffer},
		{"length eats receiveid", withPad(plaintext(9, "hello", "corp", nil)), ErrReceiveID},
		{"receiveid missing", withPad(plaintext(5, "hello", "", nil)), ErrReceiveID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.plain)%16 != 0 {
				t.Fatalf("test plaintext is %d bytes", len(tc.plain))
			}
			_, err := c.Decrypt(rawEncrypt(c, tc.plain))
			wantCode(t, err, tc.want)
		})
	}
}

func withPad(b []byte) []byte { return append(b, padding(len(b))...) }

func TestDecryptBadCiphertext(t *testing.T) {
	c := vectorCrypto(t)
	cases := []struct {
		name, encrypt string
		want          *Error
	}{
		{"truncated base64", vecPostEncrypt[:len(vecPostEncrypt)-3], ErrBase64Decode},
		{"bad base64 char", "!!!!" + vecPostEncrypt[4:], ErrBase64Decode},
		{"missing padding", strings.TrimRight(vecEchoStr, "="), ErrBase64Decode},
		{"empty", "", ErrDecrypt},
		{"17 bytes", base64.StdEncoding.EncodeToString(make([]byte, 17)), ErrDecrypt},
		{"15 bytes", base64.StdEncoding.EncodeToString(make([]byte, 15)), ErrDecrypt},
		{"one block of garbage", base64.StdEncoding.EncodeToString(make([]byte, 16)), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Decrypt(tc.encrypt)
			if tc.want == nil {
				if err == nil {
					t.Fatal("garbage decrypted without error")
				}
				return
			}
			wantCode(t, err, tc.want)
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for _, receiveID := range []string{"", "wwcorp0123456789"} {
		c := newCrypto(t, receiveID)
		for _, n := range []int{0, 1, 11, 12, 13, 27, 28, 29, 31, 32, 33, 64, 1000, 100_000} {
			msg := bytes.Repeat([]byte("团队x"), n)[:n]
			enc, err := c.Encrypt(msg)
			if err != nil {
				t.Fatalf("Encrypt(%d bytes): %v", n, err)
			}
			ct, _ := base64.StdEncoding.DecodeString(enc)
			if len(ct)%32 != 0 {
				t.Errorf("ciphertext of %d bytes is not padded to 32", len(ct))
			}
			got, err := c.Decrypt(enc)
			if err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("receiveID %q, %d bytes: Decrypt = %d bytes, %v", receiveID, n, len(got), err)
			}
			sig := Sign("token", "1700000000", "nonce", enc)
			if got, err := c.Open(sig, "1700000000", "nonce", enc); err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("Open: %v", err)
			}
		}
	}
}

func TestEncryptIsRandomized(t *testing.T) {
	c := newCrypto(t, "")
	a, _ := c.Encrypt([]byte("same"))
	b, _ := c.Encrypt([]byte("same"))
	if a == b {
		t.Fatal("two encryptions of one message are equal")
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestEncryptRandFails(t *testing.T) {
	c := newCrypto(t, "")
	c.Rand = failingReader{}
	_, err := c.Encrypt([]byte("x"))
	wantCode(t, err, ErrEncrypt)
	_, err = c.SealJSON([]byte("x"), "1", "n")
	wantCode(t, err, ErrEncrypt)
}

func TestZeroCrypto(t *testing.T) {
	var c Crypto
	_, err := c.Decrypt(vecPostEncrypt)
	wantCode(t, err, ErrAESKey)
	_, err = c.Encrypt([]byte("x"))
	wantCode(t, err, ErrAESKey)
}

func TestErrorCodes(t *testing.T) {
	all := []*Error{ErrSignature, ErrParse, ErrSHA, ErrAESKey, ErrReceiveID, ErrEncrypt,
		ErrDecrypt, ErrBuffer, ErrBase64Encode, ErrBase64Decode, ErrBuildReply}
	for i, e := range all {
		if want := -40001 - i; e.Code != want {
			t.Errorf("%s has code %d, want %d", e.Msg, e.Code, want)
		}
		for j, other := range all {
			if errors.Is(e, other) != (i == j) {
				t.Errorf("errors.Is(%d, %d) = %v", e.Code, other.Code, !(i == j))
			}
		}
	}
	err := wrap(ErrBuffer, "detail %d", 7)
	if !errors.Is(err, ErrBuffer) || errors.Is(err, ErrDecrypt) {
		t.Error("wrapped error does not match by code")
	}
	if got := err.Error(); !strings.Contains(got, "-40008") || !strings.Contains(got, "detail 7") {
		t.Errorf("Error() = %q", got)
	}
	var nilErr *Error
	if ErrBuffer.Is(nilErr) {
		t.Error("matches a nil *Error")
	}
}
