# generated from generator/charts/redis-server/files/hooks/acl-users.sh; edit there
# shellcheck shell=sh
# The acl-users hook's first step (README: ACL users), after secret-text.sh: for each further application user, its
# password (from its Secret, or the one generated before, or 32 new letters and digits) written into its manifests
# (/etc/redis-acl-manifests/<user>: the generated password's Secret, and the user's connection Secret).
set -eu
: > /work/secrets.yaml
for user in $ACL_USERS; do
  if [ -f "/etc/redis-acl-users/${user}/password" ]; then
    password="$(cat "/etc/redis-acl-users/${user}/password")"
  else
    password="$(tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 32)"
    echo "a new password for the ACL user ${user}"
  fi
  manifests="$(cat "/etc/redis-acl-manifests/${user}")"
  manifests="$(replace "$manifests" __PASSWORD_URL__ "$(url_encode "$password")")"
  { replace "$manifests" __PASSWORD__ "$password"; echo "---"; } >> /work/secrets.yaml
done
