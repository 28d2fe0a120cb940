#!/bin/sh
# Backup step 1 (engine image): stream an RDB from a healthy node, verify it, compress it, write its manifest.
set -eu
# shellcheck source=lib.sh
. "${SCRIPTS_DIR:-/scripts}/lib.sh"
# shellcheck source=backup-common.sh
. "${SCRIPTS_DIR:-/scripts}/backup-common.sh"

WORK="${BACKUP_WORK_DIR:-/work}"

# Prints "<host> <role>" of the node to dump: a replica in sync with the current master by preference,
# the master otherwise. With sentinels, the current master is the one they name.
pick_source() {
  master=""
  if [ -n "$SENTINELS" ]; then master="$(sentinel_master)"; fi
  best=""
  best_score=0
  for p in $DATA_PODS; do
    info="$(node_cli "$p" INFO replication 2>/dev/null)" || continue
    score=0
    case "$(info_field "$info" role)" in
      slave)
        if [ "$(info_field "$info" master_link_status)" = "up" ] && [ "$(info_field "$info" master_sync_in_progress)" = "0" ]; then
          score=3
          if [ -n "$master" ] && [ "$(info_field "$info" master_host)" = "$master" ]; then score=4; fi
        fi
        ;;
      master)
        score=1
        if [ -n "$master" ] && [ "$p" = "$master" ]; then score=2; fi
        ;;
    esac
    if [ "$score" -gt "$best_score" ]; then
      best="$p"
      best_score=$score
    fi
  done
  case $best_score in
    0) return 0 ;;
    1 | 2) echo "$best master" ;;
    *) echo "$best replica" ;;
  esac
}

json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

step="finding a healthy data node"
source_node="$(pick_source)"
[ -n "$source_node" ] || fail "no data node answers (tried: ${DATA_PODS})"
host="${source_node% *}"
role="${source_node#* }"

now="$(now_epoch)"
name="$(backup_name_at "$now")"
log "backup ${name}: dumping from ${host} (${role})"

step="reading the server version of ${host}"
server_info="$(node_cli "$host" INFO server)"
version="$(info_field "$server_info" valkey_version)"
[ -n "$version" ] || version="$(info_field "$server_info" redis_version)"

step="streaming an RDB from ${host}"
mkdir -p "$WORK"
rm -f "$WORK/dump.rdb"
if [ -n "$NODE_PASSWORD" ]; then
  REDISCLI_AUTH="$NODE_PASSWORD" redis_cli - --no-auth-warning --user "$NODE_USER" -h "$host" -p "$REDIS_PORT" --rdb "$WORK/dump.rdb" >&2
else
  redis_cli - -h "$host" -p "$REDIS_PORT" --rdb "$WORK/dump.rdb" >&2
fi
[ -s "$WORK/dump.rdb" ] || fail "${CLI_BIN} --rdb wrote nothing"

step="checking the RDB with ${CHECK_RDB_BIN}"
check="$("$CHECK_RDB_BIN" "$WORK/dump.rdb" 2>&1)" || fail "the dump is not a valid RDB: $(printf '%s\n' "$check" | tail -n 3 | tr '\n' ' ')"
keys="$(printf '%s\n' "$check" | sed -n 's/^\[info\] \([0-9]*\) keys read$/\1/p')"
expires="$(printf '%s\n' "$check" | sed -n 's/^\[info\] \([0-9]*\) expires$/\1/p')"
[ -n "$keys" ] || fail "${CHECK_RDB_BIN} reported no key count"
rdb_bytes="$(wc -c < "$WORK/dump.rdb" | tr -d ' ')"

step="compressing the RDB"
gzip -c "$WORK/dump.rdb" > "$WORK/${name}.rdb.gz"
rm -f "$WORK/dump.rdb"
bytes="$(wc -c < "$WORK/${name}.rdb.gz" | tr -d ' ')"
sha256="$(sha256sum "$WORK/${name}.rdb.gz" | cut -d' ' -f1)"

step="writing the manifest"
cat > "$WORK/${name}.json" <<JSON
{"name":"${name}","time":"$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)","file":"${name}.rdb.gz","source":{"pod":"$(json_escape "${host%%.*}")","role":"${role}"},"engine":"$(json_escape "${ENGINE:-redis}")","version":"$(json_escape "$version")","keys":${keys},"expires":${expires:-0},"rdbBytes":${rdb_bytes},"bytes":${bytes},"sha256":"${sha256}"}
JSON
echo "$name" > "$WORK/name"
log "backup ${name}: ${keys} keys, ${rdb_bytes} bytes RDB, ${bytes} bytes compressed, sha256 ${sha256}"
