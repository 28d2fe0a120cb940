#!/bin/sh
# Start a data node: write the runtime config (with the password from the Secret), decide the role, exec the server.
set -eu
. /scripts/lib.sh

CONF=/run/redis/redis.conf

write_config() {
  cat /etc/redis/redis.conf
  echo "replica-announce-ip ${SELF_FQDN}"
  echo "replica-announce-port ${REDIS_PORT}"
  disabled=""
  for c in $DISABLED_COMMANDS; do disabled="$disabled -$(echo "$c" | tr 'A-Z' 'a-z')"; done
  if [ -n "$PASSWORD" ]; then
    # printf, not echo: sh's echo would turn a backslash in the password into an escape.
    pass="$(conf_quote ">${PASSWORD}")"
    printf 'user default on %s ~* &* +@all%s\n' "$pass" "$disabled"
    printf 'user admin on %s ~* &* +@all\n' "$pass"
    echo "masteruser admin"
    printf 'masterauth %s\n' "$(conf_quote "$PASSWORD")"
  else
    echo "user default on nopass ~* &* +@all${disabled}"
    echo "user admin on nopass ~* &* +@all"
  fi
}

# Prints the host to replicate from, or nothing to run as master.
decide_with_sentinels() {
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
  if { data_dir_empty && [ -n "$(peer_with_data)" ]; } || [ -n "$(live_replica_of_self)" ]; then
    log "sentinels still name this pod master, but a replica holds newer data: asking for a failover"
    while [ "$(sentinel_master)" = "$SELF_FQDN" ]; do
      for s in $SENTINELS; do
        sentinel_cli "$s" SENTINEL FAILOVER "$MASTER_SET" >/dev/null 2>&1 && break
      done
      sleep 1
    done
    sentinel_master
    return
  fi
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
exec "$SERVER_BIN" "$CONF"
