#!/usr/bin/env bash
# System libraries dictbash uses, installed with apt-get when this runs as root on Debian or
# Ubuntu; elsewhere it only says what is missing (everything still works, some parts slower
# or unavailable, and dictbash says which).
#   libopenblas0-pthread: the fast BLAS that MLX uses on Linux (about 40x the bundled one)
#   libportaudio2: the audio library sounddevice needs for the microphone (dictbash listen)
#   espeak-ng, sox: speak and convert the test dictations of the voice tests and bench
#   pulseaudio, pulseaudio-utils, libasound2-plugins: a virtual microphone for the tests
#   tmux: the REPL test types into a terminal as a person would
#   zsh, fish: the key binding of dictbash init is tested in each shell (bash is there)
set -u
[ "$(uname -s)" = Linux ] || exit 0
wanted=(libopenblas0-pthread libportaudio2 espeak-ng sox pulseaudio pulseaudio-utils
        libasound2-plugins tmux zsh fish)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    echo "note: could not install ${missing[*]}; dictbash works without them (slower, or without the voice parts), and says what is missing"
else
  echo "note: for full speed and the voice parts install: sudo apt-get install ${missing[*]}"
fi
exit 0
