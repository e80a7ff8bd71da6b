// Package integration holds the tests that run teambot as real processes:
// several serve replicas on one PostgreSQL database behind the fake WeCom,
// one of them killed mid-run, and the single-process lock of SQLite. They
// build the binary once, start and kill processes and take a minute or
// more, so they are behind the build tag integration:
//
//	go test -tags integration ./integration/
//
// They run on Linux (a replica dies with its test: PR_SET_PDEATHSIG) and
// need TEAMBOT_TEST_POSTGRES_URL (any database on the server: each
// run creates its own database there and drops it).
package integration
