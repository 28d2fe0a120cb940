#!/bin/sh
# After an upgrade: every sentinel forgets the replicas and sentinels the release no longer has (a scale-down), so
# SENTINEL REPLICAS, SENTINEL SENTINELS and the majority Sentinel counts hold only live members. One sentinel at a
# time: SENTINEL RESET makes it re-learn the master's replicas and the other sentinels, while the rest keep quorum.
# Bounded: a few rounds (a removed pod may still be terminating and be learned again), 60 s per sentinel each.
set -u
. /scripts/lib.sh

want_replicas=$(( $(echo "$DATA_PODS" | wc -w) - 1 ))
want_sentinels=$(( $(echo "$SENTINELS" | wc -w) - 1 ))

# The hosts a sentinel lists (as replicas, then as sentinels) that are not members of the release now.
stale() { # stale SENTINEL
  for what in REPLICAS SENTINELS; do
    sentinel_cli "$1" SENTINEL "$what" "$MASTER_SET" 2>/dev/null | tr -d '\r' | awk 'NR % 2 == 1 { k = $0; next } k == "ip" { print }'
  done | while read -r host; do
    case " $DATA_PODS $SENTINELS " in *" $host "*) ;; *) echo "$host" ;; esac
  done
}

knows_everyone() { # knows_everyone SENTINEL
  fields="$(sentinel_cli "$1" SENTINEL MASTER "$MASTER_SET" 2>/dev/null)"
  [ "$(sentinel_field "$fields" num-slaves)" -ge "$want_replicas" ] 2>/dev/null &&
    [ "$(sentinel_field "$fields" num-other-sentinels)" -ge "$want_sentinels" ] 2>/dev/null
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
    until knows_everyone "$s" || [ "$tries" -ge 120 ]; do tries=$((tries + 1)); sleep 0.5; done
    knows_everyone "$s" || { log "${s%%.*} did not re-learn ${want_replicas} replicas and ${want_sentinels} other sentinels within 60 s"; exit 1; }
  done
  [ -n "$left" ] || { log "every sentinel lists only the release's members"; exit 0; }
  round=$((round + 1))
  sleep 5
done
log "sentinels still list removed members after 3 rounds:${left}"
exit 1
