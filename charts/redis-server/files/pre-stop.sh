#!/bin/sh
# Graceful stop of a master under Sentinel: pause writes, let a replica catch up, hand over, wait for the new master.
. /scripts/lib.sh

[ -n "$SENTINELS" ] || exit 0
info="$(local_cli INFO replication 2>/dev/null)" || exit 0
[ "$(info_field "$info" role)" = "master" ] || exit 0
[ "$(info_field "$info" connected_slaves)" -gt 0 ] 2>/dev/null || exit 0

log "master is stopping: pausing writes and asking the sentinels to fail over"
local_cli CLIENT PAUSE 20000 WRITE >/dev/null
deadline=$(( $(date +%s) + 20 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  for s in $SENTINELS; do
    sentinel_cli "$s" SENTINEL FAILOVER "$MASTER_SET" >/dev/null 2>&1 && break
  done
  master="$(sentinel_master)"
  if [ -n "$master" ] && [ "$master" != "$SELF_FQDN" ]; then
    log "new master is ${master}"
    break
  fi
  sleep 0.5
done
# Writes paused here must fail over to the new master, not land on this node.
role="$(info_field "$(local_cli INFO replication 2>/dev/null)" role)"
[ "$role" = "slave" ] || log "still master after the handover window"
exit 0
