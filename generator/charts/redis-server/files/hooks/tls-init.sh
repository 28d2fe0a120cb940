#!/bin/sh
# The tls-init hook's first step (an image with sh and openssl): the manifest of the release's TLS Secret, with the
# certificate the Secret already has, or with a new CA and a server certificate signed by it (README: TLS). Nothing
# random is rendered by Helm, so `helm template` gives the same output every time (GitOps); the keys are made here, in
# the cluster, and written only into WORK (a memory volume the apply step reads): never into a process's arguments, the
# environment or a ConfigMap. The CA's key is not kept: nothing signs with it again.
#
# Environment: SECRET_NAME; SECRET_MANIFEST (the Secret, with __TLS_CRT__, __TLS_KEY__ and __CA_CRT__ where the base64
# of each file goes); DNS_NAMES and IP_ADDRESSES (space-separated, the server certificate's names); CERT_NAME and
# CA_NAME (common names); VALIDITY_DAYS. CURRENT_DIR holds the Secret's files when it exists (an optional mount).
set -eu
# The names hold wildcards (*.<headless>...): no pathname expansion.
set -f
CURRENT="${CURRENT_DIR:-/etc/redis-tls-current}"
WORK="${WORK_DIR:-/work}"
umask 077

# Every TOKEN in TEXT by VALUE, in the shell itself: a key never becomes a process's argument.
replace() { # replace TEXT TOKEN VALUE
  text=$1; out=''
  while :; do
    case "$text" in
      *"$2"*) out="${out}${text%%"$2"*}$3"; text=${text#*"$2"} ;;
      *) break ;;
    esac
  done
  printf '%s\n' "${out}${text}"
}

# openssl, with its progress dots shown only when it fails.
quiet() {
  "$@" 2>"$WORK/openssl.err" || { cat "$WORK/openssl.err" >&2; return 1; }
}

if [ -s "$CURRENT/tls.crt" ] && [ -s "$CURRENT/tls.key" ] && [ -s "$CURRENT/ca.crt" ]; then
  files="$CURRENT"
  echo "keeping the certificate of Secret ${SECRET_NAME}: $(openssl x509 -noout -subject -enddate -in "$CURRENT/tls.crt" | tr '\n' ' ')"
else
  files="$WORK"
  {
    printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = %s\n' "$CERT_NAME"
    printf '[ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n'
    printf '[server]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n'
    # clientAuth too: replicas, sentinels and the release's tools present this certificate when clients must have one.
    printf 'extendedKeyUsage = serverAuth, clientAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n'
    printf 'subjectAltName = @names\n[names]\n'
    n=0
    for name in $DNS_NAMES; do n=$((n + 1)); printf 'DNS.%d = %s\n' "$n" "$name"; done
    n=0
    for ip in $IP_ADDRESSES; do n=$((n + 1)); printf 'IP.%d = %s\n' "$n" "$ip"; done
  } > "$WORK/openssl.cnf"
  quiet openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days "$VALIDITY_DAYS" -config "$WORK/openssl.cnf" \
    -extensions ca -subj "/CN=${CA_NAME}" -keyout "$WORK/ca.key" -out "$WORK/ca.crt"
  quiet openssl req -new -newkey rsa:2048 -nodes -sha256 -config "$WORK/openssl.cnf" -subj "/CN=${CERT_NAME}" \
    -keyout "$WORK/tls.key" -out "$WORK/tls.csr"
  quiet openssl x509 -req -sha256 -days "$VALIDITY_DAYS" -in "$WORK/tls.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$WORK/openssl.cnf" -extensions server -out "$WORK/tls.crt"
  rm -f "$WORK/ca.key" "$WORK/tls.csr" "$WORK/openssl.cnf" "$WORK/openssl.err"
  openssl verify -CAfile "$WORK/ca.crt" "$WORK/tls.crt" >/dev/null
  echo "creating Secret ${SECRET_NAME}: a new CA and $(openssl x509 -noout -subject -enddate -in "$WORK/tls.crt" | tr '\n' ' ')"
fi

manifest="$(replace "$SECRET_MANIFEST" __TLS_CRT__ "$(openssl base64 -A -in "$files/tls.crt")")"
manifest="$(replace "$manifest" __CA_CRT__ "$(openssl base64 -A -in "$files/ca.crt")")"
replace "$manifest" __TLS_KEY__ "$(openssl base64 -A -in "$files/tls.key")" > "$WORK/tls.yaml"
rm -f "$WORK/tls.key"
