#!/bin/sh
# Restore step 2 (engine image): verify the fetched backup (sha256, then the engine's RDB check) and place it
# so the server loads it, also with AOF on. Refuses loudly on any mismatch: the pod must not start empty.
set -eu
# shellcheck source=lib.sh
. "${SCRIPTS_DIR:-/scripts}/lib.sh"

RESTORE_DIR="${RESTORE_DIR:-/restore}"
DATA_DIR="${DATA_DIR:-/data}"
CONFIG="${CONFIG_FILE:-/etc/redis/redis.conf}"
fail() { log "RESTORE FAILED: $*"; exit 1; }
manifest_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p" "$2" | head -n 1; }
config_value() { awk -v k="$1" '$1 == k { v = $2 } END { gsub(/"/, "", v); print v }' "$CONFIG"; }

if [ ! -s "${RESTORE_DIR}/name" ]; then
  exit 0
fi
name="$(cat "${RESTORE_DIR}/name")"
manifest="${RESTORE_DIR}/${name}.json"
archive="${RESTORE_DIR}/${name}.rdb.gz"

# A data node that already runs as master is the source of truth: this pod will replicate it.
master="$(peer_master)"
if [ -n "$master" ]; then
  log "restore: ${master} already runs as master; not restoring ${name} here (this pod replicates it)"
  exit 0
fi

expected="$(manifest_field sha256 "$manifest")"
[ -n "$expected" ] || fail "the manifest of ${name} has no sha256"
actual="$(sha256sum "$archive" | cut -d' ' -f1)"
[ "$actual" = "$expected" ] || fail "${name}.rdb.gz is corrupted: sha256 ${actual}, the manifest says ${expected}"

gunzip -c "$archive" > "${RESTORE_DIR}/dump.rdb" || fail "${name}.rdb.gz does not decompress"
rm -f "$archive"
check="$("$CHECK_RDB_BIN" "${RESTORE_DIR}/dump.rdb" 2>&1)" || fail "${name} is not a valid RDB: $(printf '%s\n' "$check" | tail -n 3 | tr '\n' ' ')"
keys="$(printf '%s\n' "$check" | sed -n 's/^\[info\] \([0-9]*\) keys read$/\1/p')"
expected_keys="$(manifest_field keys "$manifest")"
[ "$keys" = "$expected_keys" ] || fail "${name} holds ${keys} keys, the manifest says ${expected_keys}"

# Place atomically within the volume: copy under a temporary name, then rename.
if [ "$RESTORE_FORCE" = "true" ]; then
  log "restore: force is set; replacing the data in the volume"
  rm -rf "${DATA_DIR}/appendonlydir" "${DATA_DIR}/dump.rdb" "${DATA_DIR}"/.restored-*
fi
aof_dir="$(config_value appenddirname)"
aof_name="$(config_value appendfilename)"
rm -rf "${DATA_DIR}/.restore-tmp"
mkdir -p "${DATA_DIR}/.restore-tmp"
cp "${RESTORE_DIR}/dump.rdb" "${DATA_DIR}/.restore-tmp/dump.rdb"
if [ "$(config_value appendonly)" = "yes" ]; then
  # With AOF on, the server loads only the AOF: give it the RDB as the base of a multi-part AOF.
  mkdir "${DATA_DIR}/.restore-tmp/aof"
  cp "${RESTORE_DIR}/dump.rdb" "${DATA_DIR}/.restore-tmp/aof/${aof_name:-appendonly.aof}.1.base.rdb"
  echo "file ${aof_name:-appendonly.aof}.1.base.rdb seq 1 type b" > "${DATA_DIR}/.restore-tmp/aof/${aof_name:-appendonly.aof}.manifest"
  rm -rf "${DATA_DIR}/${aof_dir:-appendonlydir}"
  mv "${DATA_DIR}/.restore-tmp/aof" "${DATA_DIR}/${aof_dir:-appendonlydir}"
fi
mv "${DATA_DIR}/.restore-tmp/dump.rdb" "${DATA_DIR}/dump.rdb"
cp "$manifest" "${DATA_DIR}/.restored-${name}"
# start.sh treats a volume filled from a backup like a first start (bootstraps without the sentinels).
: > "${DATA_DIR}/.first-start"
rm -rf "${DATA_DIR}/.restore-tmp" "${RESTORE_DIR}/dump.rdb"
log "restore: ${name} placed (${keys} keys$( [ "$(config_value appendonly)" = "yes" ] && echo ', as the AOF base'))"
