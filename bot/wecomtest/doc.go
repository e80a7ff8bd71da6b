// Package wecomtest holds test doubles for WeCom, for tests only.
//
// Server is a fake of WeCom's API on a real HTTP server (httptest): point
// wecom.Config.APIBase at Server.URL, and it answers the group robot webhook,
// gettoken, the app's media/upload and message/send (files among its
// messages) and AI bot response_url replies the way WeCom does, records every
// call (an upload's file as read from the multipart body), and can be told to fail, to answer with an
// HTTP error or to be slow. Callbacks (from bot/wxcallback) builds the
// signed, encrypted callbacks WeCom posts to the bot in each of its three
// modes and opens the bot's encrypted replies, so that the bot's endpoints
// can be tested end to end. LongConn is a fake of the AI bot's long-connection
// (WebSocket) server for bot/longconn: it acks, takes chunked media uploads
// (checking their size and md5), refuses bad credentials, pushes callbacks,
// and kicks, drops or stops answering pings on demand.
package wecomtest
