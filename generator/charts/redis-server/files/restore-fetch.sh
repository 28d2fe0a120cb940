#!/bin/sh
# Restore step 1 (rclone image): when the data volume is empty (or force), fetch the chosen backup and its manifest.
# A missing backup or manifest fails the pod: it must not start empty when a restore was asked for.
set -eu
# shellcheck source=lib.sh
. "${SCRIPTS_DIR:-/scripts}/lib.sh"

RESTORE_DIR="${RESTORE_DIR:-/restore}"
DATA_DIR="${DATA_DIR:-/data}"
fail() { log "RESTORE FAILED: $*"; exit 1; }
rclone_cmd() { rclone --config "${RCLONE_CONFIG_FILE:-/etc/rclone/rclone.conf}" ${RCLONE_FLAGS:-} "$@"; }
# lib.sh's data_dir_empty, for a data directory that tests can move.
volume_empty() { [ ! -s "${DATA_DIR}/dump.rdb" ] && [ -z "$(ls -A "${DATA_DIR}/appendonlydir" 2>/dev/null)" ]; }
is_backup_name() { printf '%s\n' "$1" | grep -Eq '^rdb-[0-9]{8}T[0-9]{6}Z$'; }

case "$RESTORE_SOURCE" in
  volume) src="${BACKUPS_DIR:-/backups}" ;;
  *) src="remote:${RESTORE_PATH}" ;;
esac

if ! volume_empty && [ "$RESTORE_FORCE" != "true" ]; then
  log "restore: the data volume already holds data; leaving it as it is"
  exit 0
fi

name="$RESTORE_BACKUP"
if [ "$name" = "latest" ]; then
  name="$(rclone_cmd cat "${src}/latest" 2>/dev/null | tr -d '[:space:]')" || true
  [ -n "$name" ] || fail "no backup to restore: ${src}/latest cannot be read (no backup ever completed there, or the remote is unreachable)"
fi
is_backup_name "$name" || fail "'${name}' is not a backup name (expected rdb-YYYYMMDDTHHMMSSZ)"

if [ "$RESTORE_FORCE" = "true" ] && [ -f "${DATA_DIR}/.restored-${name}" ]; then
  log "restore: ${name} was already restored into this volume (force restores each backup once); leaving it"
  exit 0
fi

log "restore: fetching ${name} from ${src}"
rm -rf "${RESTORE_DIR:?}"/*
rclone_cmd copyto "${src}/${name}.json" "${RESTORE_DIR}/${name}.json" \
  || fail "backup ${name} has no manifest at ${src}: it does not exist, its upload never completed, or the remote is unreachable"
rclone_cmd copyto "${src}/${name}.rdb.gz" "${RESTORE_DIR}/${name}.rdb.gz" \
  || fail "backup ${name} has a manifest but its data cannot be fetched from ${src}"
echo "$name" > "${RESTORE_DIR}/name"
log "restore: fetched ${name} ($(wc -c < "${RESTORE_DIR}/${name}.rdb.gz" | tr -d ' ') bytes)"
