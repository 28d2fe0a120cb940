#!/bin/sh
# Entrypoint of the local valkey image. Pods run it as uid 999 (the chart's securityContext), so unlike the
# official one it has no privileges to drop: it only lets `docker run IMAGE --port 7000` or `IMAGE my.conf`
# start the server, as the official entrypoint does.
set -e
case "$1" in
  -* | *.conf) set -- valkey-server "$@" ;;
esac
exec "$@"
