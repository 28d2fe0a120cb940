#!/bin/sh
# Sentinel probes: liveness (answers PING), readiness (it can take part in a failover: it knows the master,
# every replica and every other sentinel).
. /scripts/lib.sh

reply="$(sentinel_cli 127.0.0.1 PING 2>&1)" || true
[ "$reply" = "PONG" ] || { echo "no answer to PING: $reply"; exit 1; }
[ "$1" = "liveness" ] && exit 0

fields="$(sentinel_cli 127.0.0.1 SENTINEL MASTER "$MASTER_SET" 2>&1)" || true
[ -n "$(sentinel_field "$fields" ip)" ] || { echo "no master known for $MASTER_SET: $fields"; exit 1; }
# Once this sentinel process has known everyone, it stays ready: a replica or sentinel that is down later is
# still known (and counted) by it, and a failover must not make it flap.
run_id="$(sentinel_cli 127.0.0.1 INFO server | tr -d '\r' | sed -n 's/^run_id://p')"
[ -n "$run_id" ] && [ "$(cat /tmp/.knows-everyone 2>/dev/null)" = "$run_id" ] && exit 0
replicas="$(sentinel_field "$fields" num-slaves)"
sentinels="$(sentinel_field "$fields" num-other-sentinels)"
want_replicas=$(( $(echo "$DATA_PODS" | wc -w) - 1 ))
want_sentinels=$(( $(echo "$SENTINELS" | wc -w) - 1 ))
if [ "${replicas:-0}" -lt "$want_replicas" ] || [ "${sentinels:-0}" -lt "$want_sentinels" ]; then
  echo "cannot fail over yet: knows ${replicas:-0}/${want_replicas} replicas and ${sentinels:-0}/${want_sentinels} other sentinels"
  exit 1
fi
echo "$run_id" > /tmp/.knows-everyone
exit 0
