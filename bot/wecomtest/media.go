package wecomtest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"time"
)

// Upload is one file posted to MediaUploadPath (上传临时素材, doc 90253).
type Upload struct {
	Type        string // the query's type: file, image, voice, video
	Filename    string // the "media" part's filename
	FileLength  string // its filelength parameter, as sent ("" when absent)
	ContentType string // the part's Content-Type
	Data        []byte // the part's bytes
	MediaID     string // the media id the Server answered; "" when it refused the upload
}

// mediaLimits are the most bytes WeCom takes of each type (doc 90253); a
// medium holds at least minMedia.
var mediaLimits = map[string]int{"image": 10 << 20, "voice": 2 << 20, "video": 10 << 20, "file": 20 << 20}

const minMedia = 5

// Uploads returns the files the Server accepted on MediaUploadPath, in
// order.
func (s *Server) Uploads() []Upload {
	var out []Upload
	for _, c := range s.Delivered(MediaUploadPath) {
		if c.Upload != nil {
			out = append(out, *c.Upload)
		}
	}
	return out
}

// readUpload reads the "media" file part of a multipart/form-data body, or
// nil when there is none.
func readUpload(contentType string, body []byte) *Upload {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			return nil
		}
		if p.FormName() != "media" || p.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil
		}
		u := &Upload{Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data}
		if _, cd, err := mime.ParseMediaType(p.Header.Get("Content-Disposition")); err == nil {
			u.FileLength = cd["filelength"]
		}
		return u
	}
}

// upload answers media/upload as WeCom does: a media id for a file of a
// known type within its size, errcode 40005 or 40006 otherwise. s.mu is
// held.
func (s *Server) upload(c Call) apiAnswer {
	typ := c.Query.Get("type")
	limit, ok := mediaLimits[typ]
	switch {
	case !ok:
		return apiResult(ecInvalidType, "invalid media type")
	case c.Upload == nil:
		return apiResult(ecInvalidParam, "media part missing")
	case len(c.Upload.Data) < minMedia || len(c.Upload.Data) > limit:
		return apiResult(ecInvalidSize, "invalid file size")
	}
	id := "MEDIA-" + strconv.Itoa(len(s.media)+1)
	s.media[id] = true
	a := apiResult(0, "ok")
	a.extra = map[string]any{"type": typ, "media_id": id, "created_at": strconv.FormatInt(time.Now().Unix(), 10)}
	return a
}

// checkFile answers a message/send of msgtype file: errcode 40007 unless
// its media_id is one the Server issued. file is false for other
// msgtypes.
func (s *Server) checkFile(body []byte) (a apiAnswer, file bool) {
	var m struct {
		MsgType string `json:"msgtype"`
		File    struct {
			MediaID string `json:"media_id"`
		} `json:"file"`
	}
	if json.Unmarshal(body, &m) != nil || m.MsgType != "file" {
		return apiAnswer{}, false
	}
	if !s.media[m.File.MediaID] {
		return apiResult(ecInvalidMediaID, "invalid media_id"), true
	}
	return apiResult(0, "ok"), true
}
