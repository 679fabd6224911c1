#!/bin/sh
# Install every Debian package that building, testing, the demo and the benchmarks need.
# Idempotent: packages already installed are not fetched again, and apt-get runs only when
# something is missing. Needs root (apt-get), as on CI and the development machines.
set -eu
PKGS="build-essential meson ninja-build pkg-config clang llvm libclang-rt-14-dev clang-format
libyaml-dev libjansson-dev libssl-dev libarchive-dev libvectorscan-dev libpcre2-dev libgit2-dev
libcurl4-openssl-dev libsqlite3-dev libsodium-dev libmicrohttpd-dev libcmocka-dev zlib1g-dev
libzstd-dev liburing-dev git python3 python3-jsonschema python3-yaml umoci skopeo mmdebstrap
docker-registry apache2-utils graphviz openssl ca-certificates curl file bsdutils util-linux
time jq zstd bc"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root (apt-get) or install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
