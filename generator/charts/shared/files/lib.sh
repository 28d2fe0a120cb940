# Shared by the data node scripts: how to reach a node or a sentinel, and who the master is.
# shellcheck shell=sh

# The password, and while a rotation lasts the previous one, which the servers accept too (README: Password rotation).
PASSWORD=""
# shellcheck disable=SC2034 # read by the scripts that source this file
PREVIOUS_PASSWORD=""
# shellcheck disable=SC2034 # PREVIOUS_PASSWORD too
if [ "${AUTH_ENABLED:-false}" = "true" ] && [ -f /etc/redis-auth/password ]; then
  PASSWORD="$(cat /etc/redis-auth/password)"
  [ ! -f /etc/redis-auth/previous-password ] || PREVIOUS_PASSWORD="$(cat /etc/redis-auth/previous-password)"
fi
# Who the scripts log in to the data nodes as (README: ACL users): with ACL users on, the component's own user
# (NODE_USER) with its password from /etc/redis-node-auth; otherwise `admin` with the release's password.
NODE_USER="${NODE_USER:-admin}"
NODE_PASSWORD="$PASSWORD"
[ ! -f /etc/redis-node-auth/password ] || NODE_PASSWORD="$(cat /etc/redis-node-auth/password)"
# How the sentinels log in to the data nodes: as `sentinel` with ACL users on (its password is the sentinel pods'
# NODE_PASSWORD, and the data pods have it for promote_by_hand), otherwise as `admin`.
# shellcheck disable=SC2034 # read by the scripts that source this file
SENTINEL_AUTH_USER="admin"
# shellcheck disable=SC2034 # SENTINEL_AUTH_PASS too
SENTINEL_AUTH_PASS="$PASSWORD"
# shellcheck disable=SC2034 # both
if [ "${ACL_ENABLED:-false}" = "true" ]; then
  SENTINEL_AUTH_USER="sentinel"
  SENTINEL_AUTH_PASS="$NODE_PASSWORD"
  [ ! -f /etc/redis-node-auth/sentinel ] || SENTINEL_AUTH_PASS="$(cat /etc/redis-node-auth/sentinel)"
fi
# The release's members: from the topology ConfigMap where it is mounted (data pods and sentinels: a scale changes the
# file, which the kubelet refreshes within about a minute, and restarts no pod); from the environment in Jobs.
[ ! -f /etc/redis-topology/data-pods ] || DATA_PODS="$(cat /etc/redis-topology/data-pods)"
[ ! -f /etc/redis-topology/sentinels ] || SENTINELS="$(cat /etc/redis-topology/sentinels)"
SELF_FQDN="${POD_NAME}.${HEADLESS_SERVICE}.${POD_NAMESPACE}.svc.${CLUSTER_DOMAIN}"
# shellcheck disable=SC2034 # read by the scripts that source this file
POD_INDEX="${POD_NAME##*-}"

# TLS (README: TLS): the data nodes and sentinels serve TLS only, from the Secret mounted at TLS_DIR. Every redis-cli
# call of the charts' scripts goes through redis_cli below, which adds the CA (and, when the servers require client
# certificates, the Secret's key pair): no call site passes them itself, so none can forget them. The paths have no
# spaces, so the arguments are one word each when expanded unquoted.
TLS_DIR=/etc/redis-tls
TLS_CLI_ARGS=""
if [ "${TLS_ENABLED:-false}" = "true" ]; then
  TLS_CLI_ARGS="--tls --cacert ${TLS_DIR}/ca.crt"
  [ "${TLS_CLIENT_CERT:-false}" != "true" ] || TLS_CLI_ARGS="${TLS_CLI_ARGS} --cert ${TLS_DIR}/tls.crt --key ${TLS_DIR}/tls.key"
fi

# redis-cli (valkey-cli) as every script runs it: bounded by SECONDS (`-`: unbounded), with the release's TLS arguments.
# A variable set before the call (REDISCLI_AUTH=... redis_cli ...) reaches redis-cli and is gone after it.
redis_cli() { # redis_cli SECONDS|- ARGS...
  _redis_cli_seconds=$1; shift
  if [ "$_redis_cli_seconds" = "-" ]; then
    # shellcheck disable=SC2086
    "$CLI_BIN" $TLS_CLI_ARGS "$@"
  else
    # shellcheck disable=SC2086
    timeout "$_redis_cli_seconds" "$CLI_BIN" $TLS_CLI_ARGS "$@"
  fi
}

# A fingerprint of the mounted certificate files: the kubelet replaces them in place when the Secret changes.
tls_fingerprint() {
  cat "${TLS_DIR}/tls.crt" "${TLS_DIR}/tls.key" "${TLS_DIR}/ca.crt" 2>/dev/null | sha256sum | cut -d' ' -f1
}

# Data nodes: a certificate renewed in the Secret (cert-manager, or yours) is loaded without a restart: Redis reads the
# files again on CONFIG SET tls-cert-file, even when the paths stay the same. start.sh records what the server starts
# with, the readiness probe calls this. Sentinel cannot reload them at run time (README: TLS).
TLS_LOADED=/run/redis/tls.sum
reload_tls_if_changed() {
  [ "${TLS_ENABLED:-false}" = "true" ] || return 0
  _tls_now="$(tls_fingerprint)"
  [ "$_tls_now" != "$(cat "$TLS_LOADED" 2>/dev/null)" ] || return 0
  _tls_reply="$(local_cli CONFIG SET tls-cert-file "${TLS_DIR}/tls.crt" tls-key-file "${TLS_DIR}/tls.key" tls-ca-cert-file "${TLS_DIR}/ca.crt" 2>&1)"
  if [ "$_tls_reply" = "OK" ]; then
    echo "$_tls_now" > "$TLS_LOADED"
    server_log "loaded the renewed certificate from the Secret"
  elif [ "$_tls_now" != "$(cat "${TLS_LOADED}.failed" 2>/dev/null)" ]; then
    echo "$_tls_now" > "${TLS_LOADED}.failed"
    server_log "the Secret's certificate changed but the server refused it (keeps the one it has): ${_tls_reply}"
  fi
}

# Further application users (README: ACL users): "<name> <rules>" lines in ACL_USERS_FILE, their passwords in their
# Secrets, mounted at ACL_USERS_DIR/<name>/password (and previous-password while a rotation lasts). start.sh writes the
# users; the readiness probe sets their passwords again when a Secret changes (the kubelet refreshes the files).
ACL_USERS_FILE=/etc/redis/acl-users
ACL_USERS_DIR=/etc/redis-acl-users
ACL_USERS_LOADED=/run/redis/acl-users.sum
# The user's passwords as ACL rules (">password", quoted for redis.conf and redis-cli alike).
acl_user_passwords() { # acl_user_passwords NAME
  _acl_rules="$(conf_quote ">$(cat "${ACL_USERS_DIR}/$1/password")")"
  [ ! -f "${ACL_USERS_DIR}/$1/previous-password" ] || _acl_rules="${_acl_rules} $(conf_quote ">$(cat "${ACL_USERS_DIR}/$1/previous-password")")"
  printf '%s' "$_acl_rules"
}
acl_users_fingerprint() {
  cat "$ACL_USERS_DIR"/*/* 2>/dev/null | sha256sum | cut -d' ' -f1
}
reload_acl_users_if_changed() {
  [ -f "$ACL_USERS_FILE" ] || return 0
  _acl_now="$(acl_users_fingerprint)"
  [ "$_acl_now" != "$(cat "$ACL_USERS_LOADED" 2>/dev/null)" ] || return 0
  _acl_failed=""
  while read -r _acl_name _; do
    # On stdin, not in arguments: a process's arguments are readable by every process on the node.
    _acl_reply="$(printf 'ACL SETUSER %s resetpass %s\n' "$_acl_name" "$(acl_user_passwords "$_acl_name")" | local_cli 2>&1)"
    [ "$_acl_reply" = "OK" ] || _acl_failed="${_acl_failed} ${_acl_name}"
  done < "$ACL_USERS_FILE"
  if [ -z "$_acl_failed" ]; then
    echo "$_acl_now" > "$ACL_USERS_LOADED"
    server_log "set the ACL users' passwords from their Secrets"
  else
    server_log "could not set the passwords of the ACL users${_acl_failed} (tried again at the next probe)"
  fi
}

# A value as one redis.conf / sentinel.conf argument: double-quoted, with `\` and `"` escaped, so spaces,
# quotes, `#` and `$` stay part of it (the config parser splits lines as sdssplitargs does).
conf_quote() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) ${POD_NAME}: $*" >&2; }
# A line in the data node's own log (`kubectl logs`), from a probe or hook whose output goes elsewhere: by the PID of
# start.sh, which the server keeps.
server_log() {
  _server_pid="$(cat /run/redis/server.pid 2>/dev/null)" || true
  if [ -n "$_server_pid" ] && [ -w "/proc/${_server_pid}/fd/2" ]; then log "$@" 2>>"/proc/${_server_pid}/fd/2"; else log "$@"; fi
}

# Data nodes, as NODE_USER.
node_cli() {
  host=$1; shift
  if [ -n "$NODE_PASSWORD" ]; then
    REDISCLI_AUTH="$NODE_PASSWORD" redis_cli 3 --no-auth-warning --user "$NODE_USER" -h "$host" -p "$REDIS_PORT" "$@"
  else
    redis_cli 3 -h "$host" -p "$REDIS_PORT" "$@"
  fi
}
local_cli() { node_cli 127.0.0.1 "$@"; }

sentinel_cli() { sentinel_cli_within 3 "$@"; }
sentinel_cli_within() { # sentinel_cli_within SECONDS HOST ARGS...
  seconds=$1; host=$2; shift 2
  REDISCLI_AUTH="$PASSWORD" redis_cli "$seconds" --no-auth-warning -h "$host" -p "$SENTINEL_PORT" "$@"
}

# The members sentinel HOST lists (WHAT: REPLICAS or SENTINELS), one line each: "name ip flags master-link-status"
# (a sentinel's own link status is "-"). Fails when it does not answer within SECONDS.
sentinel_members() { # sentinel_members SECONDS HOST WHAT
  out="$(sentinel_cli_within "$1" "$2" SENTINEL "$3" "$MASTER_SET" 2>/dev/null)" || return 1
  case "$out" in ERR*|NOAUTH*|WRONGPASS*) return 1 ;; esac
  printf '%s\n' "$out" | tr -d '\r' | awk '
    function flush() { if (n != "") print n, ip, f, (l == "" ? "-" : l); n = ip = f = l = "" }
    NR % 2 == 1 { k = $0; next }
    k == "name" { flush(); n = $0 } k == "ip" { ip = $0 } k == "flags" { f = $0 } k == "master-link-status" { l = $0 }
    END { flush() }'
}

# Whether sentinel HOST knows every replica and every other sentinel of the release, as it must to fail over;
# prints what it knows when it does not.
knows_everyone() { # knows_everyone HOST
  fields="$(sentinel_cli "$1" SENTINEL MASTER "$MASTER_SET" 2>/dev/null)"
  replicas="$(sentinel_field "$fields" num-slaves)"
  sentinels="$(sentinel_field "$fields" num-other-sentinels)"
  want_replicas=$(( $(echo "$DATA_PODS" | wc -w) - 1 ))
  want_sentinels=$(( $(echo "$SENTINELS" | wc -w) - 1 ))
  [ "${replicas:-0}" -ge "$want_replicas" ] && [ "${sentinels:-0}" -ge "$want_sentinels" ] && return 0
  echo "knows ${replicas:-0}/${want_replicas} replicas and ${sentinels:-0}/${want_sentinels} other sentinels"
  return 1
}

info_field() { # info_field SECTION_TEXT FIELD
  printf '%s\n' "$1" | tr -d '\r' | sed -n "s/^$2://p"
}

# The master most reachable sentinels name; empty when none answers with one.
sentinel_master() {
  for s in $SENTINELS; do
    sentinel_cli "$s" SENTINEL get-master-addr-by-name "$MASTER_SET" 2>/dev/null | head -n 1
  done | grep -v '^$' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }'
}

# The replicas ("host:port") the first sentinel that answers could promote now: up, connected, master link ok.
# Prints nothing and fails when no sentinel answers within SECONDS each.
promotable_replicas() { # promotable_replicas SECONDS
  for s in $SENTINELS; do
    listed="$(sentinel_members "$1" "$s" REPLICAS)" || continue
    printf '%s\n' "$listed" | awk '$4 == "ok" && $3 !~ /down|disconnected/ { print $1 }'
    return 0
  done
  return 1
}

# How many sentinels answer at all (within SECONDS each, 3 by default).
sentinels_answering() { # sentinels_answering [SECONDS]
  n=0
  for s in $SENTINELS; do
    if sentinel_cli_within "${1:-3}" "$s" PING 2>/dev/null | grep -q PONG; then n=$((n + 1)); fi
  done
  echo "$n"
}

# Whether a data node or sentinel answers at all (any reply, even an error such as LOADING): the network admits this
# pod there and a server listens.
answers() { # answers HOST PORT
  out="$(REDISCLI_AUTH="$PASSWORD" redis_cli 3 --no-auth-warning -h "$1" -p "$2" PING 2>&1)" || true
  [ -n "$out" ] && ! printf '%s' "$out" | grep -q 'Could not connect'
}

# A NetworkPolicy enforcer admits a new pod's address at its peers only once it has seen the pod, a second or more
# after the pod starts; until then every peer refuses, exactly as if none were running. A role chosen then would take
# running peers (with data) for absent ones. So wait until every other data node and sentinel answers, bounded: on a
# first install none of them listens yet, and one on a failed node never will.
ADMISSION_WAIT_SECONDS=6
[ ! -f /etc/redis-topology/peer-wait-seconds ] || ADMISSION_WAIT_SECONDS="$(cat /etc/redis-topology/peer-wait-seconds)"
wait_for_admission() {
  started=$(date +%s)
  deadline=$(( started + ADMISSION_WAIT_SECONDS ))
  while :; do
    silent=""
    for p in $DATA_PODS; do [ "$p" = "$SELF_FQDN" ] || answers "$p" "$REDIS_PORT" || silent="$silent $p"; done
    for s in $SENTINELS; do [ "$s" = "$SELF_FQDN" ] || answers "$s" "$SENTINEL_PORT" || silent="$silent $s"; done
    if [ -z "$silent" ]; then
      log "every peer and sentinel answers (after $(( $(date +%s) - started ))s)"
      return 0
    fi
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.5
  done
  log "still not answering after ${ADMISSION_WAIT_SECONDS}s:${silent}; deciding with what answers"
}

# A peer that already runs as master and holds data or replicas; empty when none.
peer_master() {
  for p in $DATA_PODS; do
    [ "$p" = "$SELF_FQDN" ] && continue
    info="$(node_cli "$p" INFO replication 2>/dev/null)" || continue
    if [ "$(info_field "$info" role)" = "master" ]; then
      echo "$p"
      return
    fi
  done
}

# A peer that holds keys (a replica that must not be wiped by an empty master).
peer_with_data() {
  for p in $DATA_PODS; do
    [ "$p" = "$SELF_FQDN" ] && continue
    keys="$(node_cli "$p" DBSIZE 2>/dev/null)" || continue
    if [ "${keys:-0}" -gt 0 ] 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

# Peers that were replicating from this node until it went down (their link broke, they did not restart), as
# "<offset> <host>" lines: they hold every write this node had acknowledged, possibly more than its own files.
live_replicas_of_self() {
  for p in $DATA_PODS; do
    [ "$p" = "$SELF_FQDN" ] && continue
    info="$(node_cli "$p" INFO replication 2>/dev/null)" || continue
    [ "$(info_field "$info" role)" = "slave" ] || continue
    [ "$(info_field "$info" master_host)" = "$SELF_FQDN" ] || continue
    down="$(info_field "$info" master_link_down_since_seconds)"
    if [ -n "$down" ] && [ "$down" != "-1" ]; then
      echo "$(info_field "$info" slave_repl_offset) $p"
    fi
  done
}

# The live replica of this node with the newest data; empty when none.
live_replica_of_self() {
  live_replicas_of_self | sort -rn | awk 'NR == 1 { print $2 }'
}

# One field of a `SENTINEL MASTER` reply (alternating name and value lines).
sentinel_field() { # sentinel_field REPLY NAME
  printf '%s\n' "$1" | tr -d '\r' | awk -v k="$2" 'found { print; exit } $0 == k { found = 1 }'
}

data_dir_empty() {
  [ ! -s /data/dump.rdb ] && [ -z "$(ls -A /data/appendonlydir 2>/dev/null)" ]
}
