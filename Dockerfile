# syntax=docker/dockerfile:1
#
# teambot in a container: a static binary (pure-Go SQLite, no cgo) on
# distroless, running as the image's non-root user (65532).
#
#   docker build -t teambot .
#   docker run -d --name teambot -p 8080:8080 -v teambot-data:/data \
#     --env-file deploy/teambot.env teambot
#
# The commit comes from the repository itself: the build context carries
# .git (see .dockerignore) and the binary is built with -buildvcs=true, so
# `teambot version` and teambot_build_info name the exact commit, with
# "+dirty" when the context held uncommitted changes. Building from a tree
# without .git (a source archive) fails loudly instead of silently omitting
# the commit; pass --build-arg BUILDVCS=false to build one anyway.
#
# The image has no shell, so it declares no HEALTHCHECK: let the
# orchestrator probe GET /healthz (process up) and GET /readyz (database
# reachable), see docs/operations.md.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
# Modules first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG BUILDVCS=true
# Time zones are embedded (cmd/teambot imports time/tzdata), so
# Asia/Shanghai works without the image's zoneinfo.
RUN CGO_ENABLED=0 go build -buildvcs=${BUILDVCS} -trimpath -ldflags "-s -w" -o /out/teambot ./cmd/teambot \
 && /out/teambot version \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
# distroless/static brings CA certificates (for qyapi.weixin.qq.com), tzdata
# and a passwd entry for nonroot.
COPY --from=build /out/teambot /usr/local/bin/teambot
# The SQLite database (and its -wal, -shm and .lock files) live in /data; a
# named volume mounted there starts out owned by nonroot.
COPY --from=build --chown=65532:65532 /out/data /data
# WeCom's callbacks on 8080; /healthz, /readyz and /metrics on 9090, for the
# orchestrator's probes and the scraper (publish it to them only, never to
# the Internet: loopback inside a container would reach nobody).
ENV TEAMBOT_DATABASE_URL=sqlite:///data/teambot.db \
    TEAMBOT_LISTEN=:8080 \
    TEAMBOT_ADMIN_LISTEN=:9090
VOLUME ["/data"]
EXPOSE 8080 9090
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/teambot"]
CMD ["serve"]
