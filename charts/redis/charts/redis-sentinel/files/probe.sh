#!/bin/sh
# generated from generator/charts/redis-sentinel/files/probe.sh; edit there
# Sentinel probes: liveness (answers PING), readiness (it can take part in a failover: it knows the master,
# every replica and every other sentinel).
# shellcheck source=lib.sh
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
known="$(knows_everyone 127.0.0.1)" || { echo "cannot fail over yet: $known"; exit 1; }
echo "$run_id" > /tmp/.knows-everyone
exit 0
