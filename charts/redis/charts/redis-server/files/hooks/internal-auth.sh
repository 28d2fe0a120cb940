#!/bin/sh
# generated from generator/charts/redis-server/files/hooks/internal-auth.sh; edit there
# The internal-auth hook's first step: the manifest of the internal-auth Secret (README: ACL users): for each of the charts' own users the password the
# Secret has, or 32 new random letters and digits, and its SHA-256, from which the data nodes write the user (a hash
# opens nothing, so the data pods need not hold the other components' passwords).
set -eu
{
  printf '%s\n' "$SECRET_HEAD"
  for user in $INTERNAL_USERS; do
    if [ -s "/etc/redis-internal-auth/${user}" ]; then
      password="$(cat "/etc/redis-internal-auth/${user}")"
    else
      password="$(tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 32)"
      echo "a new password for the ${user} user" >&2
    fi
    # Letters and digits only: safe inside YAML double quotes.
    printf '  %s: "%s"\n  %s.sha256: "%s"\n' "$user" "$password" "$user" "$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)"
  done
} > "${WORK_DIR:-/work}/internal-users.yaml"
