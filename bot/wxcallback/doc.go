// Package wxcallback builds the callbacks WeCom posts to a bot endpoint, in
// each of its three modes (AI bot, group robot, self-built app): the
// message in the mode's format, encrypted and signed with the endpoint's
// Token and EncodingAESKey (bot/wxcrypt), in the mode's envelope; and it
// verifies and opens the endpoint's encrypted passive replies.
//
// It is what `teambot loadtest` drives a running serve with, and what the
// test double bot/wecomtest hands to tests, so it must not import testing
// or net/http/httptest: they would be linked into the production binary.
package wxcallback
