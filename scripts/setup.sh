#!/usr/bin/env bash
# Installs what tokenfab needs from Debian 12 packages, only what is missing:
# quiet and about a second when everything is there. Run as root (or with sudo).
set -euo pipefail

packages=(
  g++ make cmake pkg-config ccache git
  libsystemc-dev libeigen3-dev libyaml-cpp-dev libbenchmark-dev doctest-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libopenmpi-dev openmpi-bin
  python3 python3-matplotlib
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
