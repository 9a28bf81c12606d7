#!/bin/sh
# Install what leakguard needs from Debian's packages, only what is missing
# (idempotent: quick when everything is there).
set -e
PKGS="build-essential clang pkg-config libjansson-dev libclang-rt-14-dev
      libvectorscan-dev libyaml-dev libsodium-dev libyajl-dev
      bats jq iptables nftables iproute2 python3"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "deps: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
