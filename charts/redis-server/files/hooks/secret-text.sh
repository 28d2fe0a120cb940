# generated from generator/charts/redis-server/files/hooks/secret-text.sh; edit there
# shellcheck shell=sh
# Put before a hook script that writes a password into manifests (auth-init, acl-users): in the shell itself, so a
# password never becomes a process's argument.

# Every TOKEN in TEXT by VALUE.
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

# A password percent-encoded byte by byte, for a URL's userinfo: any password gives back exactly itself.
url_encode() { # url_encode TEXT
  printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g'
}
