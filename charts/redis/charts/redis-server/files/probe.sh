#!/bin/sh
# generated from generator/charts/redis-server/files/probe.sh; edit there
# Probes: startup (the dataset is loaded), liveness (the server answers), readiness (and a replica is in sync).
# shellcheck source=lib.sh
. /scripts/lib.sh

reply="$(local_cli PING 2>&1)" || true
case "$1" in
  liveness)
    case "$reply" in PONG|LOADING*|MASTERDOWN*) exit 0 ;; esac
    echo "no answer to PING: $reply"; exit 1 ;;
  startup)
    [ "$reply" = "PONG" ] && exit 0
    echo "not started: $reply"; exit 1 ;;
  readiness)
    [ "$reply" = "PONG" ] || { echo "not answering: $reply"; exit 1; }
    reload_tls_if_changed
    reload_acl_users_if_changed
    info="$(local_cli INFO replication)"
    [ "$(info_field "$info" role)" = "slave" ] || exit 0
    if [ "$(info_field "$info" master_link_status)" != "up" ]; then echo "master link down"; exit 1; fi
    if [ "$(info_field "$info" master_sync_in_progress)" != "0" ]; then echo "initial sync in progress"; exit 1; fi
    # Ready means a failover could promote this replica: the sentinels see it up and in sync. A rolling update
    # then moves on (and at last restarts the master, which hands over) only once they do. When no sentinel
    # answers there is nobody to ask; the sentinels' own readiness reports that.
    [ -n "$SENTINELS" ] || exit 0
    promotable="$(promotable_replicas 1)" || exit 0
    printf '%s\n' "$promotable" | grep -qxF "${SELF_FQDN}:${REDIS_PORT}" && exit 0
    echo "the sentinels cannot promote this replica yet (not listed as up with its master link ok)"; exit 1 ;;
esac
echo "usage: probe.sh startup|liveness|readiness"; exit 2
