#!/usr/bin/env bash
# System libraries dictbash uses, installed with apt-get when this runs as root on Debian or
# Ubuntu; elsewhere it only says what is missing (everything still works, some parts slower
# or unavailable, and dictbash says which).
#   libopenblas0-pthread: the fast BLAS that MLX uses on Linux (about 40x the bundled one)
set -u
[ "$(uname -s)" = Linux ] || exit 0
wanted=(libopenblas0-pthread)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    echo "note: could not install ${missing[*]}; dictbash works without, more slowly"
else
  echo "note: for full speed install: sudo apt-get install ${missing[*]}"
fi
exit 0
