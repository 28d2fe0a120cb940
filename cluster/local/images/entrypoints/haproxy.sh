#!/bin/sh
# Entrypoint of the local haproxy image: options alone run haproxy with them, and haproxy runs in the foreground
# in master-worker mode (-W -db), as with the official image's entrypoint.
set -e
case "$1" in
  -*) set -- haproxy "$@" ;;
esac
if [ "$1" = haproxy ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
