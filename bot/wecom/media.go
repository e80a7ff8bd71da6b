package wecom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/go-resty/resty/v2"
)

// Kinds of media WeCom keeps for three days (上传临时素材, doc 90253): the
// type of media/upload, and the msgtype the media id is then sent as.
const (
	MediaImage = "image"
	MediaVoice = "voice"
	MediaVideo = "video"
	MediaFile  = "file"
)

// MinMediaBytes is the least a medium of any kind may hold: doc 90253 says
// "more than 5 bytes", the long connection's 101463 "at least 5"; exactly
// 5 is left to WeCom to judge.
const MinMediaBytes = 5

// maxMediaBytes is the most a medium of each kind may hold (doc 90253).
var maxMediaBytes = map[string]int{
	MediaImage: 10 << 20,
	MediaVoice: 2 << 20,
	MediaVideo: 10 << 20,
	MediaFile:  20 << 20,
}

// MaxMediaBytes is the most a medium of kind may hold; 0 for a kind WeCom
// does not take.
func MaxMediaBytes(kind string) int { return maxMediaBytes[kind] }

// ErrInvalidMedia is returned (wrapped) by UploadMedia for a file WeCom
// would refuse whatever the moment: of a kind it does not take, without a
// name, smaller than MinMediaBytes or larger than MaxMediaBytes. Sending
// it again cannot help.
var ErrInvalidMedia = errors.New("wecom: the file cannot be uploaded")

// uploadReply is the part of media/upload's reply the client reads; its
// created_at is a string of Unix seconds, not needed.
type uploadReply struct {
	MediaID string `json:"media_id"`
}

// UploadMedia uploads data as a temporary medium of kind (MediaFile, …)
// named filename, as the recipient sees it, and returns its media_id,
// valid three days: POST /cgi-bin/media/upload?type=KIND with the file as
// the multipart/form-data part "media" (doc 90253). It needs the app's
// credentials as SendApp does; the access_token is refreshed once as for a
// message. The upload is repeated only when WeCom was busy or the
// connection was never made, as every call is.
func (c *Client) UploadMedia(ctx context.Context, kind, filename string, data []byte) (string, error) {
	if c.cfg.CorpID == "" || c.cfg.AppSecret == "" {
		return "", ErrAppNotConfigured
	}
	if err := checkMedia(kind, filename, len(data)); err != nil {
		return "", fmt.Errorf("wecom media/upload: %w", err)
	}
	body, contentType, err := multipartMedia(filename, data)
	if err != nil {
		return "", fmt.Errorf("wecom media/upload: %w", err)
	}
	req := request{
		op: "media/upload", target: c.appTarget(), method: resty.MethodPost, path: "/cgi-bin/media/upload",
		query: map[string]string{"type": kind}, body: body, contentType: contentType,
	}
	var reply uploadReply
	if err := c.callWithToken(ctx, req, &reply); err != nil {
		return "", err
	}
	if reply.MediaID == "" {
		return "", errors.New("wecom media/upload: reply has no media_id")
	}
	return reply.MediaID, nil
}

// checkMedia says why WeCom would refuse a medium of kind named filename
// holding size bytes, or nil.
func checkMedia(kind, filename string, size int) error {
	limit, ok := maxMediaBytes[kind]
	switch {
	case !ok:
		return fmt.Errorf("%w: no such kind of media %q", ErrInvalidMedia, kind)
	case strings.TrimSpace(filename) == "":
		return fmt.Errorf("%w: the file has no name", ErrInvalidMedia)
	case size < MinMediaBytes:
		return fmt.Errorf("%w: %d bytes, at least %d", ErrInvalidMedia, size, MinMediaBytes)
	case size > limit:
		return fmt.Errorf("%w: %d bytes, at most %d for %s", ErrInvalidMedia, size, limit, kind)
	}
	return nil
}

// headerQuoter escapes a quoted header parameter, as mime/multipart does;
// line breaks, which would end the header, become spaces.
var headerQuoter = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", " ", "\n", " ")

// multipartMedia is the body of media/upload and its Content-Type: one
// part named "media" with the file's name and length (filelength, which
// doc 90253 asks for beside filename and content-type). It is built in
// full beforehand so that a retried call sends it again whole.
func multipartMedia(filename string, data []byte) (body []byte, contentType string, err error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="media"; filename="`+headerQuoter.Replace(filename)+
		`"; filelength=`+strconv.Itoa(len(data)))
	h.Set("Content-Type", "application/octet-stream")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}
