#!/bin/sh
# Start HAProxy in front of the master (arguments are HAProxy's). The health check logs in as REDIS_USER (admin
# unless ACL users are on) with the password from the Secret, sent as hex (tcp-check send-binary) in RESP framing: whatever the password
# holds, HAProxy's config parser never reads it and Redis's inline-command parser never splits it.
set -eu

# Hex of each byte of a printable-ASCII string.
hex() {
  s=$1
  while [ -n "$s" ]; do
    rest=${s#?}
    printf '%02x' "'${s%"$rest"}"
    s=$rest
  done
}

# A command as a RESP array of bulk strings, in hex.
resp_hex() {
  printf '%s0d0a' "$(hex "*$#")"
  for arg in "$@"; do
    printf '%s0d0a%s0d0a' "$(hex "\$${#arg}")" "$(hex "$arg")"
  done
}

if [ -n "${REDIS_PASSWORD:-}" ]; then
  REDIS_AUTH_HEX="$(resp_hex AUTH "${REDIS_USER:-admin}" "$REDIS_PASSWORD")"
  export REDIS_AUTH_HEX
  unset REDIS_PASSWORD
fi
exec haproxy "$@"
