#!/bin/sh
# generated from generator/charts/redis-server/files/pre-stop.sh; edit there
# Graceful stop of a master under Sentinel: pause writes, hand over to a replica, wait for the new master.
# shellcheck source=lib.sh
. /scripts/lib.sh

# A hook's output is not in the container's log: write to the server's, where `kubectl logs` shows the hand-over.
pid="$(cat /run/redis/server.pid 2>/dev/null)" || true
[ -n "$pid" ] && [ -w "/proc/$pid/fd/2" ] && exec 2>>"/proc/$pid/fd/2"

[ -n "$SENTINELS" ] || exit 0
info="$(local_cli INFO replication 2>/dev/null)" || exit 0
[ "$(info_field "$info" role)" = "master" ] || exit 0
[ "$(info_field "$info" connected_slaves)" -gt 0 ] 2>/dev/null || exit 0

# Writes pause only once a hand-over can happen: a replica that restarted a moment ago (a rolling update) may not
# be promotable yet, and a sentinel may be restarting (its StatefulSet rolls at the same pace as this one); a pause
# with nobody to promote, or nobody to ask, would hold every write for the whole window.
deadline=$(( $(date +%s) + 8 ))
sentinel_count=$(echo "$SENTINELS" | wc -w)
until { [ "$(sentinels_answering 1)" -eq "$sentinel_count" ] && [ -n "$(promotable_replicas 1)" ]; } \
  || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.5; done

# The first sentinel that accepts the request runs the failover; a refusal (no good replica yet, one in progress)
# is retried.
request_failover() {
  for s in $SENTINELS; do
    reply="$(sentinel_cli "$s" SENTINEL FAILOVER "$MASTER_SET" 2>&1)" || true
    [ "$reply" = "OK" ] && return 0
  done
  log "no sentinel took the failover request yet (last reply: ${reply})"
  return 1
}

# Whether HOST has an online replica other than this pod (replicas announce their pod names).
another_replica_online() { # another_replica_online HOST
  node_cli "$1" INFO replication 2>/dev/null | tr -d '\r' | grep '^slave[0-9]*:' | grep 'state=online' | grep -qv "ip=${SELF_FQDN},"
}

log "master is stopping: pausing writes and asking the sentinels to fail over"
local_cli CLIENT PAUSE 18000 WRITE >/dev/null
requested=""
deadline=$(( $(date +%s) + 18 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  [ -n "$requested" ] || { request_failover && requested=1; }
  master="$(sentinel_master)"
  if [ -n "$master" ] && [ "$master" != "$SELF_FQDN" ]; then
    log "handed over to ${master}"
    # The new master acknowledges writes (WAIT, min-replicas-to-write) through its replicas. Until another one is
    # online there, the one that counts may be this pod, which is about to stop: wait for another, within the window.
    until another_replica_online "$master" || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.2; done
    exit 0
  fi
  # Nothing to hand over to when the whole release is going away.
  replicas="$(info_field "$(local_cli INFO replication 2>/dev/null)" connected_slaves)"
  if [ "${replicas:-0}" -eq 0 ] || [ "$(sentinels_answering)" -eq 0 ]; then
    log "no replica or sentinel left: stopping without a hand-over"
    exit 0
  fi
  sleep 0.2
done
log "no new master within the hand-over window"
exit 0
