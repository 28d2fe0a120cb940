#!/bin/sh
# After an upgrade: every sentinel forgets the replicas and sentinels the release no longer has (a scale-down), so
# SENTINEL REPLICAS, SENTINEL SENTINELS and the majority Sentinel counts hold only live members. One sentinel at a
# time: SENTINEL RESET makes it re-learn the master's replicas and the other sentinels, while the rest keep quorum.
# A removed member that still runs (its pod terminating) would be learned again right after a reset, from the master's
# replica list or the hello channel: a sentinel is reset only once it sees every removed member down.
# Bounded: 240 s in all, 60 s per reset.
set -u
# shellcheck source=lib.sh
. /scripts/lib.sh

# "host flags" of each member sentinel HOST lists (replicas, then sentinels) that the release no longer has; fails
# when the sentinel does not answer.
stale() { # stale SENTINEL
  listed="$(sentinel_members 5 "$1" REPLICAS && sentinel_members 5 "$1" SENTINELS)" || return 1
  printf '%s\n' "$listed" | while read -r _ host flags _; do
    [ -n "$host" ] || continue
    case " $DATA_PODS $SENTINELS " in *" $host "*) ;; *) echo "$host $flags" ;; esac
  done
}

deadline=$(( $(date +%s) + 240 ))
while :; do
  pending=""
  for s in $SENTINELS; do
    if ! gone="$(stale "$s")"; then pending="$pending ${s%%.*}(no answer)"; continue; fi
    [ -n "$gone" ] || continue
    running="$(printf '%s\n' "$gone" | awk '$2 !~ /s_down/ { printf " %s", $1 }')"
    if [ -n "$running" ]; then pending="$pending ${s%%.*}(sees still up:${running})"; continue; fi
    log "${s%%.*} still lists $(printf '%s\n' "$gone" | awk '{ printf "%s ", $1 }'): SENTINEL RESET"
    sentinel_cli "$s" SENTINEL RESET "$MASTER_SET" >/dev/null 2>&1 || log "${s%%.*} did not take the reset"
    tries=0
    until knows_everyone "$s" >/dev/null || [ "$tries" -ge 120 ]; do tries=$((tries + 1)); sleep 0.5; done
    known="$(knows_everyone "$s")" || { log "${s%%.*} did not re-learn every member within 60 s: it ${known}"; exit 1; }
    pending="$pending ${s%%.*}(reset)"
  done
  [ -n "$pending" ] || { log "every sentinel lists only the release's members"; exit 0; }
  [ "$(date +%s)" -lt "$deadline" ] || break
  sleep 2
done
log "sentinels still list removed members after 240 s:${pending}"
exit 1
