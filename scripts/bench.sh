#!/usr/bin/env bash
# Reproduces every figure of BENCHMARKS.md on this machine.
#
#   scripts/bench.sh machine    # what the figures were measured on
#   scripts/bench.sh crypto     # verify+decrypt and encrypt of 1 KB (go test -bench)
#   scripts/bench.sh parser     # the command parser
#   scripts/bench.sh engine     # one command through the engine, SQLite and PostgreSQL
#   scripts/bench.sh roundtrip  # one encrypted callback over HTTP to the reply, SQLite and PostgreSQL
#   scripts/bench.sh load       # teambot serve on PostgreSQL + teambot loadtest: idle RSS, 300/s, as fast as possible
#   scripts/bench.sh scale      # 100 000 teams' Monday reminders by two replicas (SCALE=10k: 10 000), idle tick, RSS
#   scripts/bench.sh all
#
# BIN names the teambot binary the load test runs, to compare two builds in
# interleaved runs (e.g. BIN=/tmp/teambot-old scripts/bench.sh load);
# unset, the tree is built into /tmp/teambot.
#
# PostgreSQL: PGURL (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable,
# of the form …/postgres?…) must allow creating databases and schemas; the load test
# creates and drops its own database next to it. Nothing here prints a secret:
# the load test's token and key are random per run and passed by environment.
set -euo pipefail
cd "$(dirname "$0")/.."

PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
export TEAMBOT_TEST_POSTGRES_URL=$PGURL
BENCHTIME=${BENCHTIME:-2s}
RATE=${RATE:-300}
DURATION=${DURATION:-30s}

machine() {
	echo "nproc: $(nproc)"
	echo "cpu:   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "ram:   $(free -m | awk '/^Mem:/ {print $2 " MiB"}')"
	echo "os:    $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
	echo "go:    $(go version)"
	echo "pg:    $(psql "$PGURL" -tAc 'show server_version' 2>/dev/null || echo unknown)"
	echo "load:  $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
}

crypto()    { go test ./bot/wxcrypt -run '^$' -bench . -benchtime "$BENCHTIME" -benchmem; }
parser()    { go test ./commands -run '^$' -bench 'BenchmarkParse$' -benchtime "$BENCHTIME" -benchmem; }
engine()    { go test ./commands -run '^$' -bench 'BenchmarkHandle$' -benchtime "$BENCHTIME" -benchmem; }
roundtrip() { go test ./cmd/teambot -run '^$' -bench 'BenchmarkRoundTrip$' -benchtime "$BENCHTIME" -benchmem; }

rss() { awk '/^VmRSS:/ {printf "%.1f MiB\n", $2/1024}' "/proc/$1/status"; }

load() {
	local bin=${BIN:-}
	if [ -z "$bin" ]; then
		bin=/tmp/teambot
		go build -o "$bin" ./cmd/teambot
	fi
	local db="teambot_bench_$$"
	psql "$PGURL" -qc "CREATE DATABASE $db"
	local url=${PGURL/\/postgres\?/\/$db?}
	export WECOM_ROBOT_TOKEN=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
	export WECOM_ROBOT_AES_KEY=$(head -c 32 /dev/urandom | base64 | cut -c1-43)
	TEAMBOT_DATABASE_URL=$url TEAMBOT_LISTEN=127.0.0.1:18080 TEAMBOT_ADMIN_LISTEN=127.0.0.1:19090 WECOM_API_BASE=http://127.0.0.1:9 \
		"$bin" serve 2>/tmp/teambot-bench-serve.log &
	local pid=$!
	trap "kill $pid 2>/dev/null; wait $pid 2>/dev/null; psql '$PGURL' -qc 'DROP DATABASE IF EXISTS $db' || true" RETURN
	for _ in $(seq 50); do curl -fs http://127.0.0.1:19090/readyz >/dev/null && break; sleep 0.2; done
	sleep 5
	echo "idle RSS after start: $(rss $pid)"
	local lt=("$bin" loadtest --url http://127.0.0.1:18080/wecom/robot --mode robot --pid "$pid"
		--teams 200 --users 20 --concurrency 64 --commands "/帮助,/谁请假,/团队")
	echo "--- warm-up, 5 s at 100/s"
	"${lt[@]}" --rate 100 --duration 5s >/dev/null
	echo "--- open loop at ${RATE}/s for $DURATION"
	"${lt[@]}" --rate "$RATE" --duration "$DURATION"
	echo "--- closed loop, as fast as possible, for $DURATION"
	"${lt[@]}" --rate 0 --duration "$DURATION" | tee /tmp/teambot-bench-closed.txt
	# The commands above only read, and a read writes nothing (no commit).
	# For comparison, a third that write: each sender joins once, then
	# every /周报 is a report's next version (an insert, its audit and the
	# message id, committed); a /加入 after joining is refused.
	echo "--- closed loop, a third of them writing (/周报), for $DURATION"
	"${lt[@]}" --commands "/加入 成员{user},/周报 完成推文 3 篇,/团队" --rate 0 --duration "$DURATION" | tee /tmp/teambot-bench-writes.txt
	sleep 5
	echo "idle RSS after the load: $(rss $pid)"
	# What PostgreSQL itself commits on this machine: one single-row insert
	# per transaction, each committed on its own, as a callback needs (32
	# clients, 2 threads, 15 s). teambot's closed loop as a share of it is
	# the figure that holds from machine to machine.
	psql "$url" -qc 'CREATE TABLE bench_base (k text PRIMARY KEY)'
	echo "INSERT INTO bench_base (k) VALUES (md5(random()::text || clock_timestamp()::text)) ON CONFLICT DO NOTHING;" >/tmp/teambot-bench-base.sql
	echo "--- pgbench baseline: 32 clients, -j 2, 15 s, one single-row INSERT … ON CONFLICT DO NOTHING per transaction"
	pgbench "$url" -n -c 32 -j 2 -T 15 -f /tmp/teambot-bench-base.sql | tee /tmp/teambot-bench-base.txt | grep -E '^(tps|latency average)'
	local base ours
	base=$(awk '/^tps = / {print $3; exit}' /tmp/teambot-bench-base.txt)
	ours=$(awk '/^throughput/ {sub("/s", "", $2); print $2; exit}' /tmp/teambot-bench-closed.txt)
	awk -v o="$ours" -v b="$base" 'BEGIN {printf "teambot closed loop %.0f/s = %.1f%% of the pgbench baseline %.0f tps (target ≥ 20%%)\n", o, 100*o/b, b}'
	ours=$(awk '/^throughput/ {sub("/s", "", $2); print $2; exit}' /tmp/teambot-bench-writes.txt)
	awk -v o="$ours" -v b="$base" 'BEGIN {printf "with a third writing %.0f/s = %.1f%% of it\n", o, 100*o/b}'
}

# SCALE=10k runs the 10 000-team variant instead of 100 000. The replicas
# are separate processes; each writes its CPU profile.
scale() {
	local n=${SCALE:-100k} idle=
	[ "$n" = 100k ] && idle='|IdleTick100k'
	TEAMBOT_SCALE_CPUPROFILE=/tmp/teambot-scale.cpu.prof \
		go test -tags integration ./cmd/teambot -run '^$' -bench "^Benchmark(MondayReminders${n}${idle})\$" -benchtime 1x -v -timeout 90m \
		-o /tmp/teambot-scale.test | grep -E 'SCALE|IDLE|nothing due|claimed|seeded|first tick|Benchmark|ok|FAIL'
	echo "profiles: go tool pprof -top -cum /tmp/teambot-scale.test /tmp/teambot-scale.cpu.prof.1 (and .2)"
}

case ${1:-all} in
machine | crypto | parser | engine | roundtrip | load | scale) machine; "$1" ;;
all) machine; crypto; parser; engine; roundtrip; load; scale ;;
*) sed -n '2,12p' "$0"; exit 2 ;;
esac
