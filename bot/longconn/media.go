package longconn

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Kinds of media the long connection uploads (docs/wecom-longconn.md §9):
// the upload's type, and the msgtype its media id is then sent as.
const (
	MediaFile  = "file"
	MediaImage = "image"
	MediaVoice = "voice"
	MediaVideo = "video"
)

// Limits of an upload (docs/wecom-longconn.md §9): a chunk holds at most
// ChunkBytes before base64, an upload at most MaxChunks chunks, a medium at
// least MinMediaBytes.
const (
	ChunkBytes    = 512 << 10
	MaxChunks     = 100
	MinMediaBytes = 5
)

// maxMediaBytes is the most a medium of each kind may hold
// (docs/wecom-longconn.md §9).
var maxMediaBytes = map[string]int{
	MediaFile:  20 << 20,
	MediaImage: 10 << 20,
	MediaVoice: 2 << 20,
	MediaVideo: 10 << 20,
}

// MaxMediaBytes is the most a medium of kind may hold; 0 for a kind the
// long connection does not take.
func MaxMediaBytes(kind string) int { return maxMediaBytes[kind] }

// ErrInvalidMedia is returned (wrapped) by UploadMedia for a file WeCom
// would refuse whatever the moment: of a kind it does not take, without a
// name, or of a size out of bounds. Uploading it again cannot help.
var ErrInvalidMedia = errors.New("longconn: the file cannot be uploaded")

// UploadMedia uploads data as a temporary medium of kind (MediaFile, …)
// named filename, as the recipient sees it, and returns its media id,
// valid three days (docs/wecom-longconn.md §9): aibot_upload_media_init
// with the size, the number of chunks and the md5 of the whole, which
// answers an upload_id; aibot_upload_media_chunk for each chunk of at most
// ChunkBytes, numbered from 0, each waiting for its ack; then
// aibot_upload_media_finish, which answers the media id. Every frame goes
// on one socket: when it drops mid-way the upload fails and is to be
// started again. A refusal is an *AckError.
func (c *Client) UploadMedia(ctx context.Context, kind, filename string, data []byte) (string, error) {
	chunks, err := checkMedia(kind, filename, len(data))
	if err != nil {
		return "", err
	}
	cn := c.pick(ctx)
	if cn == nil {
		return "", ErrNotConnected
	}
	sum := md5.Sum(data)
	announce := map[string]any{
		"type": kind, "filename": filename, "total_size": len(data),
		"total_chunks": chunks, "md5": hex.EncodeToString(sum[:]),
	}
	var started struct {
		UploadID string `json:"upload_id"`
	}
	if err := cn.call(ctx, c.cfg.AckTimeout, cmdUploadInit, newReqID(cmdUploadInit), announce, &started); err != nil {
		return "", fmt.Errorf("longconn: upload: %w", err)
	}
	if started.UploadID == "" {
		return "", fmt.Errorf("longconn: upload: %s acked without an upload_id", cmdUploadInit)
	}
	for i := range chunks {
		part := data[i*ChunkBytes : min((i+1)*ChunkBytes, len(data))]
		chunk := map[string]any{"upload_id": started.UploadID, "chunk_index": i, "base64_data": base64.StdEncoding.EncodeToString(part)}
		if err := cn.call(ctx, c.cfg.AckTimeout, cmdUploadChunk, newReqID(cmdUploadChunk), chunk, nil); err != nil {
			return "", fmt.Errorf("longconn: upload: chunk %d of %d: %w", i+1, chunks, err)
		}
	}
	var finished struct {
		MediaID string `json:"media_id"`
	}
	if err := cn.call(ctx, c.cfg.AckTimeout, cmdUploadFinish, newReqID(cmdUploadFinish), map[string]string{"upload_id": started.UploadID}, &finished); err != nil {
		return "", fmt.Errorf("longconn: upload: %w", err)
	}
	if finished.MediaID == "" {
		return "", fmt.Errorf("longconn: upload: %s acked without a media_id", cmdUploadFinish)
	}
	return finished.MediaID, nil
}

// checkMedia returns the number of chunks of a medium of kind named
// filename holding size bytes, or why WeCom would refuse it.
func checkMedia(kind, filename string, size int) (chunks int, err error) {
	limit, ok := maxMediaBytes[kind]
	chunks = (size + ChunkBytes - 1) / ChunkBytes
	switch {
	case !ok:
		return 0, fmt.Errorf("%w: no such kind of media %q", ErrInvalidMedia, kind)
	case strings.TrimSpace(filename) == "":
		return 0, fmt.Errorf("%w: the file has no name", ErrInvalidMedia)
	case size < MinMediaBytes:
		return 0, fmt.Errorf("%w: %d bytes, at least %d", ErrInvalidMedia, size, MinMediaBytes)
	case size > limit:
		return 0, fmt.Errorf("%w: %d bytes, at most %d for %s", ErrInvalidMedia, size, limit, kind)
	case chunks > MaxChunks:
		return 0, fmt.Errorf("%w: %d chunks, at most %d", ErrInvalidMedia, chunks, MaxChunks)
	}
	return chunks, nil
}

// SendFile pushes an uploaded file (UploadMedia's media id) to a
// conversation, as Send pushes markdown: aibot_send_msg, msgtype file
// (docs/wecom-longconn.md §7).
func (c *Client) SendFile(ctx context.Context, chatID string, chatType int, mediaID string) error {
	if mediaID == "" {
		return errors.New("longconn: a file message without a media_id")
	}
	return c.push(ctx, chatID, chatType, typed("file", map[string]string{"media_id": mediaID}))
}
