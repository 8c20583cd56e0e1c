#!/usr/bin/env bash
# Runs a command in a private mount namespace in which the CNI paths a runtime
# uses by default are directories of your own, so that cnitool, `ctr run
# --cni` or containerd can be tried without touching the host's:
#
#   scripts/cni-sandbox.sh [--containerd] DIR COMMAND [ARG...]
#
#   /etc/cni/net.d   is DIR/net.d   (network configurations: ctr and cnitool read them here)
#   /opt/cni/bin     is DIR/bin     (plugin executables: ctr looks for them here)
#   /var/lib/cni     is DIR/lib     (libcni's result cache, host-local's default data directory)
#   /run/containerd  is DIR/run     (with --containerd: shim sockets and runc state)
#
# The command keeps the caller's network namespace: to play a host, start this
# script inside a namespace of your own (nsenter --net=/run/netns/NAME ...;
# not `ip netns exec`, which remounts /sys and hides the cgroups runc needs).
# Mounts made on the host later still show up inside (slave propagation);
# nothing mounted inside shows up outside. A path that does not exist on the
# host gets its nearest existing parent overlaid (writes go to DIR/.overlay),
# so the host's file system is never written. Other processes join the
# sandbox with `nsenter -t PID -m -n COMMAND`, PID being the command's (this
# script execs it, so the PID you started is the command's).
set -euo pipefail

containerd=0
if [ "${1:-}" = --containerd ]; then
  containerd=1
  shift
fi
if [ $# -lt 2 ]; then
  echo "usage: cni-sandbox.sh [--containerd] DIR COMMAND [ARG...]" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "cni-sandbox: needs root (mount namespaces and bind mounts)" >&2
  exit 1
fi
dir=$(realpath "$1")
shift

if [ -z "${NLKIT_CNI_SANDBOX_INSIDE:-}" ]; then
  export NLKIT_CNI_SANDBOX_INSIDE=1
  flags=()
  [ "$containerd" = 1 ] && flags=(--containerd)
  exec unshare --mount --propagation slave -- "$0" "${flags[@]}" "$dir" "$@"
fi
unset NLKIT_CNI_SANDBOX_INSIDE

# Makes SOURCE appear at TARGET in this mount namespace.
private() {
  local target=$1 source=$2 parent key
  mkdir -p "$source"
  if [ ! -d "$target" ]; then
    parent=$(dirname "$target")
    while [ ! -d "$parent" ]; do parent=$(dirname "$parent"); done
    key=$(tr / _ <<<"$parent")
    mkdir -p "$dir/.overlay/$key/upper" "$dir/.overlay/$key/work"
    mount -t overlay overlay -o "lowerdir=$parent,upperdir=$dir/.overlay/$key/upper,workdir=$dir/.overlay/$key/work" "$parent"
    mkdir -p "$target"
  fi
  mount --bind "$source" "$target"
}

private /etc/cni/net.d "$dir/net.d"
private /opt/cni/bin "$dir/bin"
private /var/lib/cni "$dir/lib"
if [ "$containerd" = 1 ]; then
  private /run/containerd "$dir/run"
fi
exec "$@"
