package wecom_test

import (
	"errors"
	"strings"
	"testing"

	"teambot/bot/wecom"
)

// Both kinds of XML WeCom sends, the envelope and the decrypted message, are
// read with one guard (docs/wecom-protocol.md §4): WeCom's own documents
// decode, a DOCTYPE and deep nesting are refused before any element is
// unmarshalled.
func TestNewXMLDecoder(t *testing.T) {
	type message struct {
		Encrypt string `xml:"Encrypt"`
		UserID  string `xml:"From>UserId"`
	}
	deep := func(n int) string {
		return strings.Repeat("<a>", n) + strings.Repeat("</a>", n)
	}
	tests := []struct {
		name, body string
		want       message
		err        error
	}{
		{"envelope", "<xml><ToUserName>wx</ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>", message{Encrypt: "abc"}, nil},
		{"message three levels deep", "<xml><From><UserId>lisi</UserId></From></xml>", message{UserID: "lisi"}, nil},
		{"nesting at the limit", "<xml>" + deep(wecom.MaxXMLDepth-1) + "<Encrypt>x</Encrypt></xml>", message{Encrypt: "x"}, nil},
		{"nesting past the limit", "<xml>" + deep(wecom.MaxXMLDepth) + "<Encrypt>x</Encrypt></xml>", message{}, wecom.ErrXMLDepth},
		{"DOCTYPE with entities", `<!DOCTYPE xml [<!ENTITY x "abc">]><xml><Encrypt>&x;</Encrypt></xml>`, message{}, wecom.ErrXMLDirective},
		{"unused DOCTYPE", `<?xml version="1.0"?><!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><Encrypt>x</Encrypt></xml>`, message{}, wecom.ErrXMLDirective},
	}
	for _, tt := range tests {
		var got message
		err := wecom.NewXMLDecoder([]byte(tt.body)).Decode(&got)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("%s: got %+v, %v; want %+v, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
	var got message
	if err := wecom.NewXMLDecoder([]byte("<xml><Encrypt>&undeclared;</Encrypt></xml>")).Decode(&got); err == nil {
		t.Errorf("an undeclared entity decoded as %+v", got)
	}
}
