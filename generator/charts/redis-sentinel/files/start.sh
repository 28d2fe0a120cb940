#!/bin/sh
# Start a sentinel: find the current master, write a fresh config into the writable volume, exec Sentinel.
set -eu
# shellcheck source=lib.sh
. /scripts/lib.sh

CONF=/data/sentinel.conf
OTHER_SENTINELS=""
for s in $SENTINELS; do [ "$s" = "$SELF_FQDN" ] || OTHER_SENTINELS="$OTHER_SENTINELS $s"; done

wait_for_admission

# The master the running sentinels agree on; then the one this sentinel last knew (a full restart);
# then a data pod that already is master; pod 0 only on a first start.
master="$(SENTINELS="$OTHER_SENTINELS" sentinel_master)"
source="the other sentinels"
if [ -z "$master" ] && [ -f "$CONF" ]; then
  master="$(sed -n "s/^sentinel monitor ${MASTER_SET} \([^ ]*\) .*/\1/p" "$CONF")"
  source="this sentinel's saved config"
fi
if [ -z "$master" ]; then
  master="$(peer_master)"
  source="a data pod running as master"
fi
if [ -z "$master" ]; then
  master="$(echo "$DATA_PODS" | cut -d' ' -f1)"
  source="first start: pod 0"
  # Watching a master that is still starting would count it down and start a failover with no replica
  # ready, which then delays the next (real) failover by twice failover-timeout.
  tries=0
  until node_cli "$master" PING 2>/dev/null | grep -q PONG || [ "$tries" -ge 120 ]; do
    tries=$((tries + 1))
    sleep 0.5
  done
fi
log "monitoring ${master} (from ${source})"

myid="$(printf '%s' "${POD_NAMESPACE}/${POD_NAME}" | sha1sum | cut -c1-40)"
{
  if [ "${TLS_ENABLED:-false}" = "true" ]; then
    # TLS only on the Sentinel port; tls-replication makes Sentinel's own links (to the data nodes and to the other
    # sentinels) TLS too. Sentinel reads the files at start only (README: TLS).
    echo "port 0"
    echo "tls-port ${SENTINEL_PORT}"
    echo "tls-cert-file ${TLS_DIR}/tls.crt"
    echo "tls-key-file ${TLS_DIR}/tls.key"
    echo "tls-ca-cert-file ${TLS_DIR}/ca.crt"
    echo "tls-auth-clients ${TLS_AUTH_CLIENTS:-no}"
    echo "tls-replication yes"
  else
    echo "port ${SENTINEL_PORT}"
  fi
  echo "dir /tmp"
  echo "sentinel myid ${myid}"
  echo "sentinel resolve-hostnames yes"
  echo "sentinel announce-hostnames yes"
  echo "sentinel announce-ip ${SELF_FQDN}"
  echo "sentinel announce-port ${SENTINEL_PORT}"
  echo "sentinel monitor ${MASTER_SET} ${master} ${REDIS_PORT} ${QUORUM}"
  echo "sentinel down-after-milliseconds ${MASTER_SET} ${DOWN_AFTER_MS}"
  echo "sentinel failover-timeout ${MASTER_SET} ${FAILOVER_TIMEOUT_MS}"
  echo "sentinel parallel-syncs ${MASTER_SET} ${PARALLEL_SYNCS}"
  if [ -n "$PASSWORD" ]; then
    pass="$(conf_quote "$PASSWORD")"
    printf 'requirepass %s\n' "$pass"
    # While a rotation lasts, the previous password opens this sentinel too.
    [ -z "$PREVIOUS_PASSWORD" ] || printf 'user default on %s %s ~* &* +@all\n' "$(conf_quote ">${PASSWORD}")" "$(conf_quote ">${PREVIOUS_PASSWORD}")"
    echo "sentinel auth-user ${MASTER_SET} ${SENTINEL_AUTH_USER}"
    printf 'sentinel auth-pass %s %s\n' "$MASTER_SET" "$(conf_quote "$SENTINEL_AUTH_PASS")"
    printf 'sentinel sentinel-pass %s\n' "$pass"
    # ACL users (README: ACL users): the exporter scrapes sentinels as its own read-only user too.
    if [ "${ACL_ENABLED:-false}" = "true" ]; then
      printf 'user exporter on #%s %s\n' "$(cat /etc/redis-node-auth/exporter.sha256)" \
        "+ping +info +sentinel|masters +sentinel|master +sentinel|sentinels +sentinel|slaves +sentinel|replicas +sentinel|ckquorum +client|setname"
    fi
  fi
  [ ! -f /etc/sentinel/extra.conf ] || cat /etc/sentinel/extra.conf
} > "$CONF.new"
mv "$CONF.new" "$CONF"
chmod 600 "$CONF"
# Two timings are runtime settings (SENTINEL DEBUG), not config lines:
# - the INFO period (Sentinel's default 10 s): how soon a replica that joins or re-points is known;
# - how long a link must exist before a silent one is dropped and redialled (default 15 s). A pod re-created with
#   a new address leaves the link dialling the old one; at 3 s the sentinel resolves the name again and sees the
#   replica back within seconds, so a rolling update does not wait 15 s per pod.
# A detached helper sets them once this sentinel answers (60 tries, 30 s at most); detached, so the sentinel is not
# the parent that must reap it.
tune_timings() {
  tries=0
  until [ "$(sentinel_cli 127.0.0.1 SENTINEL DEBUG info-period "$INFO_PERIOD_MS" min-link-reconnect-period 3000 2>/dev/null)" = "OK" ] || [ "$tries" -ge 60 ]; do
    tries=$((tries + 1))
    sleep 0.5
  done
  [ "$tries" -lt 60 ] && log "INFO period ${INFO_PERIOD_MS} ms, silent links redialled after 3 s" || log "could not set the timings: Sentinel's defaults apply"
}
( tune_timings & )
exec "$SENTINEL_BIN" "$CONF"
