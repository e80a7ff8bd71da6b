package wecomtest

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Limits of a long-connection upload (docs/wecom-longconn.md §9).
const (
	lcChunkBytes = 512 << 10
	lcMaxChunks  = 100
)

// LongConnBadUploadCode is the errcode of a refused upload step: a bad
// init, an unknown upload_id, a chunk out of range or too large, a finish
// with chunks missing or whose bytes do not add up to the size and md5
// announced. WeCom documents no errcodes of its own for these; the fake
// answers its global invalid-parameter code.
const LongConnBadUploadCode = 40058

// LongConnUpload is a file a client uploaded over the long connection
// and finished.
type LongConnUpload struct {
	Type     string // file, image, voice, video
	Filename string
	Data     []byte // the chunks, reassembled
	MediaID  string // the media id the fake answered
}

// lcUpload is an upload begun with aibot_upload_media_init.
type lcUpload struct {
	typ, filename, md5 string
	size, total        int
	chunks             map[int][]byte
}

// Uploads returns the uploads finished so far, in order.
func (s *LongConn) Uploads() []LongConnUpload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LongConnUpload(nil), s.uploads...)
}

func isUploadCmd(cmd string) bool {
	switch cmd {
	case "aibot_upload_media_init", "aibot_upload_media_chunk", "aibot_upload_media_finish":
		return true
	}
	return false
}

// uploadStep answers one upload command as WeCom does
// (docs/wecom-longconn.md §9): init answers an upload_id, each chunk is
// kept (a chunk sent again is ignored), finish checks that every chunk
// came and that they make the size and md5 init announced, and answers a
// media id. s.mu is held.
func (s *LongConn) uploadStep(f LongConnFrame) (lcAnswer, any) {
	var b struct {
		Type        string `json:"type"`
		Filename    string `json:"filename"`
		TotalSize   int    `json:"total_size"`
		TotalChunks int    `json:"total_chunks"`
		MD5         string `json:"md5"`
		UploadID    string `json:"upload_id"`
		ChunkIndex  *int   `json:"chunk_index"`
		Base64Data  string `json:"base64_data"`
	}
	if err := json.Unmarshal(f.Body, &b); err != nil {
		return refuse("invalid json"), nil
	}
	if f.Cmd == "aibot_upload_media_init" {
		return s.beginUpload(b.Type, b.Filename, b.MD5, b.TotalSize, b.TotalChunks)
	}
	u := s.open[b.UploadID]
	if u == nil {
		return refuse("invalid upload_id"), nil
	}
	if f.Cmd == "aibot_upload_media_chunk" {
		data, err := base64.StdEncoding.DecodeString(b.Base64Data)
		switch {
		case b.ChunkIndex == nil || *b.ChunkIndex < 0 || *b.ChunkIndex >= u.total:
			return refuse("invalid chunk_index"), nil
		case err != nil:
			return refuse("invalid base64_data"), nil
		case len(data) > lcChunkBytes:
			return refuse("chunk exceeds 512KB"), nil
		}
		if _, dup := u.chunks[*b.ChunkIndex]; !dup {
			u.chunks[*b.ChunkIndex] = data
		}
		return lcAnswer{}, nil
	}
	var whole bytes.Buffer
	for i := range u.total {
		c, ok := u.chunks[i]
		if !ok {
			return refuse(fmt.Sprintf("chunk %d missing", i)), nil
		}
		whole.Write(c)
	}
	sum := md5.Sum(whole.Bytes())
	switch {
	case whole.Len() != u.size:
		return refuse("total_size mismatch"), nil
	case hex.EncodeToString(sum[:]) != u.md5:
		return refuse("md5 mismatch"), nil
	}
	delete(s.open, b.UploadID)
	s.seq++
	up := LongConnUpload{Type: u.typ, Filename: u.filename, Data: whole.Bytes(), MediaID: fmt.Sprintf("lcmedia_%d", s.seq)}
	s.uploads = append(s.uploads, up)
	return lcAnswer{}, map[string]string{"type": u.typ, "media_id": up.MediaID, "created_at": "1700000000"}
}

// beginUpload answers aibot_upload_media_init. s.mu is held.
func (s *LongConn) beginUpload(typ, filename, sum string, size, total int) (lcAnswer, any) {
	limit, ok := mediaLimits[typ]
	switch {
	case !ok:
		return refuse("invalid type"), nil
	case filename == "":
		return refuse("filename missing"), nil
	case size < minMedia || size > limit:
		return refuse("invalid total_size"), nil
	case total < 1 || total > lcMaxChunks || size > total*lcChunkBytes:
		return refuse("invalid total_chunks"), nil
	case len(sum) != 2*md5.Size:
		return refuse("invalid md5"), nil
	}
	s.seq++
	id := fmt.Sprintf("upload_%d", s.seq)
	s.open[id] = &lcUpload{typ: typ, filename: filename, md5: sum, size: size, total: total, chunks: map[int][]byte{}}
	return lcAnswer{}, map[string]string{"upload_id": id}
}

func refuse(msg string) lcAnswer { return lcAnswer{LongConnBadUploadCode, msg} }
