#!/bin/sh
# Graceful stop of a master under Sentinel: pause writes, hand over to a replica, wait for the new master.
. /scripts/lib.sh

[ -n "$SENTINELS" ] || exit 0
info="$(local_cli INFO replication 2>/dev/null)" || exit 0
[ "$(info_field "$info" role)" = "master" ] || exit 0
[ "$(info_field "$info" connected_slaves)" -gt 0 ] 2>/dev/null || exit 0

log "master is stopping: pausing writes and asking the sentinels to fail over"
local_cli CLIENT PAUSE 20000 WRITE >/dev/null
requested=""
deadline=$(( $(date +%s) + 20 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  master="$(sentinel_master)"
  if [ -n "$master" ] && [ "$master" != "$SELF_FQDN" ]; then
    log "handed over to ${master}"
    exit 0
  fi
  # Nothing to hand over to when the whole release is going away.
  replicas="$(info_field "$(local_cli INFO replication 2>/dev/null)" connected_slaves)"
  if [ "${replicas:-0}" -eq 0 ] || [ "$(sentinels_answering)" -eq 0 ]; then
    log "no replica or sentinel left: stopping without a hand-over"
    exit 0
  fi
  if [ -z "$requested" ]; then
    for s in $SENTINELS; do
      if sentinel_cli "$s" SENTINEL FAILOVER "$MASTER_SET" 2>/dev/null | grep -q OK; then requested=1; break; fi
    done
  fi
  sleep 0.5
done
log "no new master within the hand-over window"
exit 0
