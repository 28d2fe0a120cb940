# generated from generator/charts/redis-backup/files/backup-common.sh; edit there
# Shared by the backup steps: backup names, retention selection, loud failure.
# shellcheck shell=sh

# Backups are named by their UTC start time, so names sort by age and carry it.
# BACKUP_NOW_EPOCH replaces the clock (replays and tests of retention); unset in normal runs.
now_epoch() { echo "${BACKUP_NOW_EPOCH:-$(date -u +%s)}"; }
stamp_of_epoch() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
backup_name_at() { echo "rdb-$(stamp_of_epoch "$1")"; }
is_backup_name() { printf '%s\n' "$1" | grep -Eq '^rdb-[0-9]{8}T[0-9]{6}Z$'; }

# expired_backups KEEP_LAST MAX_AGE_DAYS: reads backup names on stdin (any order, other lines ignored) and
# prints the ones retention deletes: beyond the KEEP_LAST newest, those older than MAX_AGE_DAYS.
expired_backups() {
  cutoff="$(backup_name_at $(( $(now_epoch) - $2 * 86400 )))"
  grep -E '^rdb-[0-9]{8}T[0-9]{6}Z$' | sort -ru | awk -v keep="$1" -v cutoff="$cutoff" 'NR > keep && $0 < cutoff'
}

# Name of the step in progress; the EXIT trap reports it when the script fails.
step="starting"
report_failure() {
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) BACKUP FAILED while ${step} (exit ${rc})" >&2
  fi
  exit "$rc"
}
trap report_failure EXIT

fail() {
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) BACKUP FAILED while ${step}: $*" >&2
  trap - EXIT
  exit 1
}
