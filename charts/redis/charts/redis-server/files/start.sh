#!/bin/sh
# generated from generator/charts/redis-server/files/start.sh; edit there
# Start a data node: write the runtime config (with the password from the Secret), decide the role, exec the server.
set -eu
# shellcheck source=lib.sh
. /scripts/lib.sh

CONF=/run/redis/redis.conf

write_config() {
  cat /etc/redis/redis.conf
  echo "replica-announce-ip ${SELF_FQDN}"
  echo "replica-announce-port ${REDIS_PORT}"
  disabled=""
  for c in $DISABLED_COMMANDS; do disabled="$disabled -$(echo "$c" | tr 'A-Z' 'a-z')"; done
  if [ "${ACL_ENABLED:-false}" = "true" ]; then
    acl_users "$disabled"
  elif [ -n "$PASSWORD" ]; then
    # printf, not echo: sh's echo would turn a backslash in the password into an escape.
    pass="$(conf_quote ">${PASSWORD}")"
    [ -z "$PREVIOUS_PASSWORD" ] || pass="${pass} $(conf_quote ">${PREVIOUS_PASSWORD}")"
    printf 'user default on %s ~* &* +@all%s\n' "$pass" "$disabled"
    printf 'user admin on %s ~* &* +@all\n' "$pass"
    echo "masteruser admin"
    printf 'masterauth %s\n' "$(conf_quote "$PASSWORD")"
  else
    echo "user default on nopass ~* &* +@all${disabled}"
    echo "user admin on nopass ~* &* +@all"
  fi
}

# ACL users (README: ACL users): `default` off; the application user with the password (and while a rotation lasts
# the previous one) and its rules, and the further application users likewise; each of the charts' own users with the hash of its password and only the commands
# it needs. Replicas log in to their master as `replication`.
acl_users() { # acl_users DISABLED_RULES
  echo "user default off resetpass nocommands resetkeys resetchannels"
  pass="$(conf_quote ">${PASSWORD}")"
  [ -z "$PREVIOUS_PASSWORD" ] || pass="${pass} $(conf_quote ">${PREVIOUS_PASSWORD}")"
  printf 'user %s on %s %s%s\n' "$ACL_USERNAME" "$pass" "$ACL_RULES" "$1"
  if [ -f "$ACL_USERS_FILE" ]; then
    while read -r name rules; do
      printf 'user %s on %s %s%s\n' "$name" "$(acl_user_passwords "$name")" "$rules" "$1"
    done < "$ACL_USERS_FILE"
  fi
  for user in operator replication sentinel exporter backup proxy; do
    case $user in
      operator) rules="~* &* +@all" ;;
      replication) rules="+psync +replconf +ping" ;;
      # Sentinel's own list (Sentinel docs: ACL), with REPLICAOF beside SLAVEOF.
      sentinel) rules="&__sentinel__:hello +multi +exec +slaveof +replicaof +ping +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill" ;;
      # Read-only: what redis_exporter reads (INFO, CONFIG GET, SLOWLOG, LATENCY, CLIENT LIST), no key access.
      exporter) rules="+ping +info +config|get +slowlog|get +slowlog|len +latency|latest +latency|histogram +client|list +client|info +client|setname +cluster|info +select +dbsize +memory|stats +quit" ;;
      # INFO to choose the node, then redis-cli --rdb (REPLCONF rdb-only, SYNC).
      backup) rules="+ping +info +role +replconf +sync +psync" ;;
      # The master proxy's health check: PING, INFO replication, QUIT.
      proxy) rules="+ping +info +quit" ;;
    esac
    printf 'user %s on #%s %s\n' "$user" "$(cat "/etc/redis-node-auth/${user}.sha256")" "$rules"
  done
  echo "masteruser replication"
  printf 'masterauth %s\n' "$(conf_quote "$(cat /etc/redis-node-auth/replication)")"
}

# Prints the host to replicate from, or nothing to run as master.
decide_with_sentinels() {
  wait_for_admission
  while [ "$(sentinels_answering)" -eq 0 ]; do
    # A first start (an empty volume, or one just filled from a backup) has nothing newer to lose: pod 0
    # bootstraps as master so the sentinels have one to watch. Any other node waits: without the
    # sentinels it cannot know who holds the newest data.
    if [ "$POD_INDEX" = "0" ] && { data_dir_empty || [ -f /data/.first-start ]; } && [ -z "$(peer_with_data)" ]; then
      return
    fi
    log "waiting for a sentinel to answer before choosing a role"
    sleep 1
  done
  master="$(sentinel_master)"
  if [ -z "$master" ]; then
    master="$(peer_master)"
    if [ -z "$master" ] && [ "$POD_INDEX" != "0" ]; then
      master="$(echo "$DATA_PODS" | cut -d' ' -f1)"
    fi
    echo "$master"
    return
  fi
  if [ "$master" != "$SELF_FQDN" ]; then
    echo "$master"
    return
  fi
  # The sentinels still name this pod master: it restarted before they noticed (or before they could
  # fail over). Coming back as master would make its replicas resync from what its files hold, which can
  # be older than what they acknowledged (an empty volume, or the last second of an everysec AOF).
  # A replica whose link to this pod just broke has everything: hand the master role to it.
  successor="$(live_replica_of_self)"
  if [ -z "$successor" ] && data_dir_empty; then successor="$(peer_with_data)"; fi
  if [ -n "$successor" ]; then
    log "sentinels still name this pod master, but ${successor} holds newer data: asking for a failover"
    # Bounded: twice the failover timeout (a failed attempt blocks the next for that long) plus a margin.
    fields="$(for s in $SENTINELS; do sentinel_cli "$s" SENTINEL MASTER "$MASTER_SET" 2>/dev/null && break; done)"
    timeout_ms="$(sentinel_field "$fields" failover-timeout)"
    deadline=$(( $(date +%s) + 2 * ${timeout_ms:-10000} / 1000 + 10 ))
    while [ "$(sentinel_master)" = "$SELF_FQDN" ]; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        promote_by_hand "$successor"
        return
      fi
      for s in $SENTINELS; do
        sentinel_cli "$s" SENTINEL FAILOVER "$MASTER_SET" >/dev/null 2>&1 && break
      done
      sleep 1
    done
    sentinel_master
    return
  fi
}

# The sentinels could not fail over (e.g. they had not yet learned the replicas from this node before it died):
# make the successor master by hand, point the other replicas and every sentinel at it, and replicate from it.
# This keeps the newest data and leaves one master.
promote_by_hand() {
  successor=$1
  log "no failover happened in time: promoting ${successor} by hand and pointing the sentinels at it"
  node_cli "$successor" REPLICAOF NO ONE >&2
  for p in $DATA_PODS; do
    [ "$p" = "$SELF_FQDN" ] || [ "$p" = "$successor" ] || node_cli "$p" REPLICAOF "$successor" "$REDIS_PORT" >&2 || true
  done
  for s in $SENTINELS; do
    fields="$(sentinel_cli "$s" SENTINEL MASTER "$MASTER_SET" 2>/dev/null)" || continue
    sentinel_cli "$s" SENTINEL REMOVE "$MASTER_SET" >&2
    sentinel_cli "$s" SENTINEL MONITOR "$MASTER_SET" "$successor" "$REDIS_PORT" "$(sentinel_field "$fields" quorum)" >&2
    sentinel_cli "$s" SENTINEL SET "$MASTER_SET" \
      down-after-milliseconds "$(sentinel_field "$fields" down-after-milliseconds)" \
      failover-timeout "$(sentinel_field "$fields" failover-timeout)" \
      parallel-syncs "$(sentinel_field "$fields" parallel-syncs)" >&2
    if [ -n "$PASSWORD" ]; then
      # On stdin, not in arguments: a process's arguments are readable by every process on the node.
      printf 'SENTINEL SET %s auth-user %s auth-pass %s\n' "$MASTER_SET" "$SENTINEL_AUTH_USER" "$(conf_quote "$SENTINEL_AUTH_PASS")" | sentinel_cli "$s" >&2
    fi
  done
  echo "$successor"
}

decide_without_sentinels() {
  if [ "$POD_INDEX" != "0" ]; then echo "$DATA_PODS" | cut -d' ' -f1; fi
}

write_config > "$CONF"
chmod 600 "$CONF"

master=""
if [ -n "$SENTINELS" ]; then
  master="$(decide_with_sentinels)"
elif [ "$(echo "$DATA_PODS" | wc -w)" -gt 1 ]; then
  master="$(decide_without_sentinels)"
fi

rm -f /data/.first-start
if [ -n "$master" ]; then
  log "starting as a replica of ${master}"
  echo "replicaof ${master} ${REDIS_PORT}" >> "$CONF"
else
  log "starting as master"
fi
# The server keeps this shell's PID: the pre-stop hook writes its log lines to the server's output by it.
echo "$$" > /run/redis/server.pid
# The certificate the server starts with; the readiness probe loads a renewed one (reload_tls_if_changed).
[ "${TLS_ENABLED:-false}" != "true" ] || tls_fingerprint > "$TLS_LOADED"
# The further ACL users' passwords it starts with; the readiness probe sets changed ones (reload_acl_users_if_changed).
[ ! -f "$ACL_USERS_FILE" ] || acl_users_fingerprint > "$ACL_USERS_LOADED"
exec "$SERVER_BIN" "$CONF"
