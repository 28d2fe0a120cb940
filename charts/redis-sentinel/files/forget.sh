#!/bin/sh
# generated from generator/charts/redis-sentinel/files/forget.sh; edit there
# After an upgrade: every sentinel forgets the replicas and sentinels the release no longer has (a scale-down), so
# SENTINEL REPLICAS, SENTINEL SENTINELS and the majority Sentinel counts hold only live members. One sentinel at a
# time: SENTINEL RESET makes it re-learn the master's replicas and the other sentinels, while the rest keep quorum.
# Bounded: a few rounds (a removed pod may still be terminating and be learned again), 60 s per sentinel each.
set -u
# shellcheck source=lib.sh
. /scripts/lib.sh

# The hosts a sentinel lists (as replicas, then as sentinels) that are not members of the release now.
stale() { # stale SENTINEL
  for what in REPLICAS SENTINELS; do sentinel_members 3 "$1" "$what"; done | while read -r _ host _; do
    case " $DATA_PODS $SENTINELS " in *" $host "*) ;; *) echo "$host" ;; esac
  done
}

round=1
while [ "$round" -le 3 ]; do
  left=""
  for s in $SENTINELS; do
    gone="$(stale "$s" | tr '\n' ' ')"
    [ -n "$gone" ] || continue
    left="$left $s"
    log "${s%%.*} still lists ${gone}: SENTINEL RESET"
    sentinel_cli "$s" SENTINEL RESET "$MASTER_SET" >/dev/null 2>&1 || log "${s%%.*} did not take the reset"
    tries=0
    until knows_everyone "$s" >/dev/null || [ "$tries" -ge 120 ]; do tries=$((tries + 1)); sleep 0.5; done
    known="$(knows_everyone "$s")" || { log "${s%%.*} did not re-learn every member within 60 s: it ${known}"; exit 1; }
  done
  [ -n "$left" ] || { log "every sentinel lists only the release's members"; exit 0; }
  round=$((round + 1))
  sleep 5
done
log "sentinels still list removed members after 3 rounds:${left}"
exit 1
