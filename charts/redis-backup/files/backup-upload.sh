#!/bin/sh
# generated from generator/charts/redis-backup/files/backup-upload.sh; edit there
# Backup step 2 (rclone image): store the verified dump on the backup volume and the remote, then apply retention.
# A backup counts only once its manifest exists: the data goes first, is checked, then the manifest, then `latest`.
set -eu
# shellcheck source=backup-common.sh
. "${SCRIPTS_DIR:-/scripts}/backup-common.sh"

WORK="${BACKUP_WORK_DIR:-/work}"
log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >&2; }
rclone_cmd() { rclone --config "${RCLONE_CONFIG_FILE:-/etc/rclone/rclone.conf}" ${RCLONE_FLAGS:-} "$@"; }

step="reading the dump step's output"
name="$(cat "$WORK/name")"
is_backup_name "$name" || fail "unexpected backup name '${name}'"
[ -s "$WORK/${name}.rdb.gz" ] && [ -s "$WORK/${name}.json" ] || fail "the dump step left no ${name}.rdb.gz and manifest"
log "manifest: $(cat "$WORK/${name}.json")"

# retention DEST KEEP_LAST MAX_AGE_DAYS LABEL
retention() {
  step="listing ${4} for retention"
  listing="$(rclone_cmd lsf --files-only --max-depth 1 "$1")"
  manifests="$(printf '%s\n' "$listing" | sed -n 's/\.json$//p')"
  expired="$(printf '%s\n' "$manifests" | expired_backups "$2" "$3")"
  # Data without a manifest is what a failed run left behind (runs never overlap).
  orphans="$(printf '%s\n' "$listing" | sed -n 's/\.rdb\.gz$//p' | while read -r n; do
    is_backup_name "$n" && [ "$n" != "$name" ] && ! printf '%s\n' "$manifests" | grep -qx "$n" && echo "$n"
  done || true)"
  step="deleting expired backups on ${4}"
  list="$WORK/delete-list"
  # Manifests first: a backup stops counting before its data goes.
  printf '%s\n' $expired | sed -n 's/^\(rdb-.*\)$/\1.json/p' > "$list"
  if [ -s "$list" ]; then rclone_cmd delete --max-depth 1 --files-from-raw "$list" "$1"; fi
  { printf '%s\n' $expired; printf '%s\n' $orphans; } | sed -n 's/^\(rdb-.*\)$/\1.rdb.gz/p' > "$list"
  if [ -s "$list" ]; then rclone_cmd delete --max-depth 1 --files-from-raw "$list" "$1"; fi
  log "retention on ${4}: deleted $(printf '%s\n' $expired | grep -c . || true) expired (keepLast ${2}, maxAgeDays ${3})$(for n in $expired; do printf ' %s' "$n"; done), $(printf '%s\n' $orphans | grep -c . || true) incomplete"
}

# store DEST KEEP_LAST MAX_AGE_DAYS LABEL
store() {
  step="uploading ${name} to ${4}"
  rclone_cmd copyto "$WORK/${name}.rdb.gz" "$1/${name}.rdb.gz"
  step="verifying the upload of ${name} on ${4}"
  rclone_cmd check --one-way --include "${name}.rdb.gz" "$WORK" "$1"
  step="writing the manifest of ${name} on ${4}"
  rclone_cmd copyto "$WORK/${name}.json" "$1/${name}.json"
  step="pointing latest at ${name} on ${4}"
  echo "$name" > "$WORK/latest"
  rclone_cmd copyto "$WORK/latest" "$1/latest"
  log "stored ${name} on ${4}"
  retention "$1" "$2" "$3" "$4"
}

if [ "${LOCAL_ENABLED}" = "true" ]; then
  store "${LOCAL_DIR:-/backups}" "$LOCAL_KEEP_LAST" "$LOCAL_MAX_AGE_DAYS" "the backup volume"
fi
if [ "${REMOTE_TYPE}" != "local" ]; then
  store "remote:${REMOTE_PATH}" "$REMOTE_KEEP_LAST" "$REMOTE_MAX_AGE_DAYS" "remote:${REMOTE_PATH}"
fi
log "backup ${name} complete"
