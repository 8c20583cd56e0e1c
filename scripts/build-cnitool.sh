#!/usr/bin/env bash
# Builds cnitool, the CNI project's command-line runtime, from Debian's source
# package of the CNI library (golang-github-appc-cni; no Debian binary package
# ships cnitool) and installs it as /usr/local/bin/cnitool.
#
#   scripts/build-cnitool.sh            # skips the build when cnitool is installed
#   scripts/build-cnitool.sh --force    # builds and installs again
#
# Only Debian's archive is used: the source comes through apt-get source
# (signed Release file, checked hashes) from a deb-src entry this script keeps
# in a private apt directory, so the machine's own apt configuration and
# lists are left alone; Go comes from the golang-go package. The build is
# offline (GOPATH mode, GOPROXY=off): cnitool needs nothing but the CNI
# library it ships with. Installs golang-go and dpkg-dev (dpkg-source, which
# unpacks the source) when they are missing. Prints how long it took.
#
# Environment: CNITOOL_PREFIX (default /usr/local), DEBIAN_MIRROR (default
# http://deb.debian.org/debian), DEBIAN_SUITE (default: this system's codename).
set -euo pipefail

started=$(date +%s%N)
elapsed() { echo "$((($(date +%s%N) - started) / 1000000)) ms"; }

force=0
[ "${1:-}" = --force ] && force=1
prefix=${CNITOOL_PREFIX:-/usr/local}
target=$prefix/bin/cnitool

if [ "$force" = 0 ] && [ -x "$target" ]; then
  echo "build-cnitool: $target is installed already (--force builds it again); $(elapsed)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "build-cnitool: run as root (it installs packages and writes $target)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v dpkg-source >/dev/null 2>&1 || missing+=(dpkg-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-cnitool: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# shellcheck disable=SC1091
suite=${DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
if [ -z "$suite" ]; then
  echo "build-cnitool: cannot tell this system's Debian codename; set DEBIAN_SUITE (e.g. bookworm)" >&2
  exit 1
fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

work=$(mktemp -d /tmp/build-cnitool.XXXXXX)
trap 'rm -rf "$work"' EXIT
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/parts" "$apt/cache/archives/partial" "$work/src"
cat >"$apt/parts/debian-src.sources" <<EOF
Types: deb-src
URIs: $mirror
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# _apt cannot read a 0700 mktemp directory: download as root (apt warns otherwise).
aptopts=(-o "Dir::State::Lists=$apt/lists" -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/parts"
  -o "Dir::Cache=$apt/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root -qq)
apt-get "${aptopts[@]}" update
(cd "$work/src" && apt-get "${aptopts[@]}" source golang-github-appc-cni >/dev/null)
src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'golang-github-appc-cni-*' | head -n 1)
if [ -z "$src" ] || [ ! -f "$src/cnitool/cnitool.go" ]; then
  echo "build-cnitool: the source package has no cnitool/cnitool.go" >&2
  exit 1
fi
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version 2>/dev/null || basename "$src")
echo "build-cnitool: golang-github-appc-cni $version from $mirror $suite ($(elapsed))"

# GOPATH mode: the source tree is the library's import path, nothing is fetched.
gopath=$work/gopath
mkdir -p "$gopath/src/github.com/containernetworking"
ln -s "$src" "$gopath/src/github.com/containernetworking/cni"
(cd "$gopath/src/github.com/containernetworking/cni" &&
  env GOPATH="$gopath" GO111MODULE=off GOPROXY=off GOFLAGS= GOCACHE="$work/gocache" CGO_ENABLED=0 \
    go build -trimpath -o "$work/cnitool" ./cnitool)
install -D -m 0755 "$work/cnitool" "$target"
echo "build-cnitool: installed $target ($(go version | cut -d' ' -f3), CNI library $version) in $(elapsed)"
