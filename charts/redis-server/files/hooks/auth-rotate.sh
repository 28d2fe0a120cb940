#!/bin/sh
# generated from generator/charts/redis-server/files/hooks/auth-rotate.sh; edit there
# Before an upgrade: every data node and sentinel accepts exactly the passwords the release is about to have (the
# password, and while a rotation lasts the previous one), then the links between them (replication, Sentinel's
# monitoring and its peers) authenticate with the password. At run time, so no pod restarts; a pod that starts later
# reads the same passwords from the Secret. The members are the running ones (the release's topology ConfigMap); one
# that does not answer is skipped: it reads the Secret when it starts. One that answers but accepts none of the
# passwords the release has or will have stops the upgrade.
# Bounded: 3 s per command, a few commands per member, 15 s of retries for a member that does not answer.
set -u
# shellcheck source=../lib.sh
. /scripts/lib.sh

NEXT="$(cat /etc/redis-auth-next/password)"
NEXT_PREVIOUS=""
[ ! -f /etc/redis-auth-next/previous-password ] || NEXT_PREVIOUS="$(cat /etc/redis-auth-next/previous-password)"

# One command as USER (empty: default) on HOST:PORT with PASS; prints the reply, errors included. The command is read
# from standard input when no ARGS are given, so a password in it never shows in a process list.
cli_as() { # cli_as PORT USER HOST PASS [ARGS...]
  port=$1 user=$2 host=$3 pass=$4
  shift 4
  REDISCLI_AUTH="$pass" redis_cli 3 --no-auth-warning ${user:+--user "$user"} -h "$host" -p "$port" "$@" 2>&1
}

# PING with PASS: 0 PONG, 1 refused, 2 no answer, 3 no such pod (its name does not resolve).
answers() { # answers PORT USER HOST PASS
  case "$(cli_as "$1" "$2" "$3" "$4" PING)" in
    *PONG*) return 0 ;;
    *"Name or service not known"* | *"Name does not resolve"*) return 3 ;;
    *"Could not connect"* | "") return 2 ;;
    *) return 1 ;;
  esac
}

# The first of PASSWORDS a member accepts. Exit 2: no such pod, or no answer within 15 s (a pod that is down, or a
# NetworkPolicy that does not admit this new pod yet); 1: it refuses them all.
accepted() { # accepted PORT USER HOST PASSWORDS...
  port=$1 user=$2 host=$3
  shift 3
  tries=0
  while :; do
    answers "$port" "$user" "$host" "$1"
    rc=$?
    [ "$rc" -ne 3 ] || return 2
    [ "$rc" -eq 2 ] || break
    tries=$((tries + 1))
    [ "$tries" -lt 15 ] || return 2
    sleep 1
  done
  [ "$rc" -ne 0 ] || { printf '%s\n' "$1"; return 0; }
  shift
  for p in "$@"; do
    if [ -n "$p" ] && answers "$port" "$user" "$host" "$p"; then printf '%s\n' "$p"; return 0; fi
  done
  return 1
}

# Sets USER's passwords to exactly the next ones on one member.
set_passwords() { # set_passwords PORT USER HOST PASS ACL_USER
  {
    printf 'ACL SETUSER %s resetpass %s' "$5" "$(conf_quote ">${NEXT}")"
    [ -z "$NEXT_PREVIOUS" ] || printf ' %s' "$(conf_quote ">${NEXT_PREVIOUS}")"
    printf '\n'
  } | cli_as "$1" "$2" "$3" "$4"
}

failed=""
answered_data=""
answered_sentinels=""
# 1. Every member accepts the next passwords (and keeps the one its links use now, when that is the previous one).
# With ACL users on (README: ACL users) the hook logs in to the data nodes as `operator`, whose password does not
# change, and sets the application user's; otherwise as `admin`, which shares the password with `default`.
if [ "${ACL_ENABLED:-false}" = "true" ]; then
  login_user=$NODE_USER users=$ACL_USERNAME
else
  login_user=admin users="default admin"
fi
for host in $DATA_PODS; do
  if [ "${ACL_ENABLED:-false}" = "true" ]; then
    pass="$(accepted "$REDIS_PORT" "$login_user" "$host" "$NODE_PASSWORD")"
  else
    pass="$(accepted "$REDIS_PORT" "$login_user" "$host" "$NEXT" "$NEXT_PREVIOUS" "$PASSWORD" "$PREVIOUS_PASSWORD")"
  fi
  case $? in
    2) log "${host%%.*} does not answer: it takes the passwords from the Secret when it starts"; continue ;;
    1) failed="$failed ${host%%.*}"; continue ;;
  esac
  answered_data="$answered_data $host"
  for user in $users; do
    [ "$(set_passwords "$REDIS_PORT" "$login_user" "$host" "$pass" "$user")" = "OK" ] || failed="$failed ${host%%.*}(${user})"
  done
done
for host in $SENTINELS; do
  pass="$(accepted "$SENTINEL_PORT" "" "$host" "$NEXT" "$NEXT_PREVIOUS" "$PASSWORD" "$PREVIOUS_PASSWORD")"
  case $? in
    2) log "${host%%.*} does not answer: it takes the passwords from the Secret when it starts"; continue ;;
    1) failed="$failed ${host%%.*}"; continue ;;
  esac
  answered_sentinels="$answered_sentinels $host"
  [ "$(set_passwords "$SENTINEL_PORT" "" "$host" "$pass" default)" = "OK" ] || failed="$failed ${host%%.*}"
done
if [ -n "$failed" ]; then
  log "these members accept none of the passwords the release has or will have, or refused the change:${failed}."
  log "With existingSecret, keep the password they have now under the previous-password key while rotating."
  exit 1
fi

# 2. The links authenticate with the password: replicas to their master, sentinels to the data nodes and to each other.
# With ACL users on, replicas and sentinels log in to the data nodes as their own users: only the sentinels' links to
# each other use the password.
if [ "${ACL_ENABLED:-false}" = "true" ]; then
  for host in $answered_sentinels; do
    reply="$(printf 'SENTINEL CONFIG SET sentinel-pass %s\n' "$(conf_quote "$NEXT")" | cli_as "$SENTINEL_PORT" "" "$host" "$NEXT" | tr -d '\r')"
    [ "$reply" = "OK" ] || failed="$failed ${host%%.*}"
  done
else
  for host in $answered_data; do
    reply="$(printf 'CONFIG SET masterauth %s\n' "$(conf_quote "$NEXT")" | cli_as "$REDIS_PORT" admin "$host" "$NEXT")"
    [ "$reply" = "OK" ] || failed="$failed ${host%%.*}"
  done
  for host in $answered_sentinels; do
    reply="$(printf 'SENTINEL SET %s auth-pass %s\nSENTINEL CONFIG SET sentinel-pass %s\n' "$MASTER_SET" "$(conf_quote "$NEXT")" "$(conf_quote "$NEXT")" \
      | cli_as "$SENTINEL_PORT" "" "$host" "$NEXT" | tr -d '\r' | tr '\n' ' ')"
    [ "$reply" = "OK OK " ] || failed="$failed ${host%%.*}"
  done
fi
if [ -n "$failed" ]; then
  log "these members did not take the new password for their links:${failed}"
  exit 1
fi
log "every answering member accepts the release's passwords${NEXT_PREVIOUS:+ (the previous one too, until it is cleared)} and its links use the password"
