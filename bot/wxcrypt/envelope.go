package wxcrypt

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"teambot/bot/wecom"
)

// ParseXML returns the Encrypt element of an <xml> envelope, such as
//
//	<xml><ToUserName>…</ToUserName><AgentID>…</AgentID><Encrypt><![CDATA[…]]></Encrypt></xml>
//
// Other elements are ignored, in any order, and decoding stops once Encrypt
// has been read. A malformed document, a DOCTYPE, undeclared entities, deep
// nesting, or a missing or empty Encrypt yields ErrParse.
func ParseXML(body []byte) (string, error) {
	d := wecom.NewXMLDecoder(body) // refuses DOCTYPEs and deep nesting
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return "", wrap(ErrParse, "no <xml> element")
		}
		if err != nil {
			return "", wrap(ErrParse, "%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && t.Name.Local != "xml":
				return "", wrap(ErrParse, "root element is <%s>, want <xml>", t.Name.Local)
			case depth == 2 && t.Name.Local == "Encrypt":
				return encryptText(d)
			}
		case xml.EndElement:
			depth--
			if depth == 0 {
				return "", wrap(ErrParse, "no Encrypt element")
			}
		}
	}
}

// encryptText reads the character data of the Encrypt element just opened,
// up to its end tag.
func encryptText(d *xml.Decoder) (string, error) {
	var sb strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", wrap(ErrParse, "in Encrypt: %v", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.EndElement:
			s := strings.TrimSpace(sb.String())
			if s == "" {
				return "", wrap(ErrParse, "empty Encrypt")
			}
			return s, nil
		case xml.StartElement:
			return "", wrap(ErrParse, "element <%s> inside Encrypt", t.Name.Local)
		}
	}
}

// ParseJSON returns the "encrypt" field of a JSON envelope {"encrypt": "…"}.
// Other fields are ignored. Malformed JSON, or a missing, empty or
// non-string encrypt, yields ErrParse.
func ParseJSON(body []byte) (string, error) {
	var env struct {
		Encrypt *string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return "", wrap(ErrParse, "%v", err)
	}
	if env.Encrypt == nil {
		return "", wrap(ErrParse, "no encrypt field")
	}
	s := strings.TrimSpace(*env.Encrypt)
	if s == "" {
		return "", wrap(ErrParse, "empty encrypt")
	}
	return s, nil
}

// SealXML encrypts and signs a passive reply in the XML envelope of the
// self-built app and the group robot:
//
//	<xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature><![CDATA[…]]></MsgSignature><TimeStamp>…</TimeStamp><Nonce><![CDATA[…]]></Nonce></xml>
func (c *Crypto) SealXML(msg []byte, timestamp, nonce string) ([]byte, error) {
	if !isDigits(timestamp) {
		return nil, wrap(ErrBuildReply, "timestamp %q is not a decimal number", timestamp)
	}
	if strings.Contains(nonce, "]]>") || !utf8.ValidString(nonce) {
		return nil, wrap(ErrBuildReply, "nonce %q cannot go into CDATA", nonce)
	}
	encrypt, signature, err := c.seal(msg, timestamp, nonce)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("<xml><Encrypt><![CDATA[")
	b.WriteString(encrypt)
	b.WriteString("]]></Encrypt><MsgSignature><![CDATA[")
	b.WriteString(signature)
	b.WriteString("]]></MsgSignature><TimeStamp>")
	b.WriteString(timestamp)
	b.WriteString("</TimeStamp><Nonce><![CDATA[")
	b.WriteString(nonce)
	b.WriteString("]]></Nonce></xml>")
	return b.Bytes(), nil
}

// jsonReply is the JSON envelope of a passive reply (docs 101033 and the
// group robot callback doc). The docs show timestamp as a number; WeCom's
// official JSON libraries write it as a string, and so does teambot.
type jsonReply struct {
	Encrypt      string `json:"encrypt"`
	MsgSignature string `json:"msgsignature"`
	Timestamp    string `json:"timestamp"`
	Nonce        string `json:"nonce"`
}

// SealJSON encrypts and signs a passive reply in the JSON envelope of the AI
// bot and the JSON-format group robot:
//
//	{"encrypt":"…","msgsignature":"…","timestamp":"1409659813","nonce":"…"}
//
// timestamp is signed as given and written as a JSON string of decimal
// digits without a leading zero. The AI bot must reuse the nonce of
// the callback it answers.
func (c *Crypto) SealJSON(msg []byte, timestamp, nonce string) ([]byte, error) {
	if !isDigits(timestamp) || (len(timestamp) > 1 && timestamp[0] == '0') {
		return nil, wrap(ErrBuildReply, "timestamp %q is not a canonical decimal number", timestamp)
	}
	encrypt, signature, err := c.seal(msg, timestamp, nonce)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(jsonReply{
		Encrypt:      encrypt,
		MsgSignature: signature,
		Timestamp:    timestamp,
		Nonce:        nonce,
	})
	if err != nil {
		return nil, wrap(ErrBuildReply, "%v", err)
	}
	return b, nil
}

// seal encrypts msg and signs the ciphertext.
func (c *Crypto) seal(msg []byte, timestamp, nonce string) (encrypt, signature string, err error) {
	encrypt, err = c.Encrypt(msg)
	if err != nil {
		return "", "", err
	}
	return encrypt, Sign(c.token, timestamp, nonce, encrypt), nil
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
