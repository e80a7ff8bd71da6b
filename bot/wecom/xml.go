package wecom

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
)

// MaxXMLDepth bounds element nesting in XML from WeCom: its envelopes are two
// levels deep and its messages three (<xml><From><UserId>, see
// docs/wecom-protocol.md §4); anything much deeper is hostile.
const MaxXMLDepth = 32

// Errors of a decoder from NewXMLDecoder, for XML no WeCom callback carries.
var (
	ErrXMLDirective = errors.New("XML directives such as DOCTYPE are not allowed")
	ErrXMLDepth     = fmt.Errorf("XML elements nested deeper than %d", MaxXMLDepth)
)

// NewXMLDecoder returns a decoder of body strict enough for hostile input:
// no DTD (a DOCTYPE is refused with ErrXMLDirective, not skipped), no entity
// beyond XML's own, and no nesting deeper than MaxXMLDepth (ErrXMLDepth).
// Both the callback envelopes and the decrypted messages are read with it.
func NewXMLDecoder(body []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	d.Entity = nil
	return xml.NewTokenDecoder(&guardedTokens{d: d})
}

// guardedTokens passes a decoder's tokens on, refusing directives and deep
// nesting before the caller sees them.
type guardedTokens struct {
	d     *xml.Decoder
	depth int
}

func (g *guardedTokens) Token() (xml.Token, error) {
	tok, err := g.d.Token()
	switch tok.(type) {
	case xml.Directive:
		return nil, ErrXMLDirective
	case xml.StartElement:
		if g.depth++; g.depth > MaxXMLDepth {
			return nil, ErrXMLDepth
		}
	case xml.EndElement:
		g.depth--
	}
	return tok, err
}
