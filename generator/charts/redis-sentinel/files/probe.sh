#!/bin/sh
# Sentinel probes: liveness (answers PING), readiness (and knows the master).
. /scripts/lib.sh

reply="$(sentinel_cli 127.0.0.1 PING 2>&1)" || true
[ "$reply" = "PONG" ] || { echo "no answer to PING: $reply"; exit 1; }
[ "$1" = "liveness" ] && exit 0
master="$(sentinel_cli 127.0.0.1 SENTINEL get-master-addr-by-name "$MASTER_SET" | head -n 1)"
[ -n "$master" ] || { echo "no master known for $MASTER_SET"; exit 1; }
exit 0
