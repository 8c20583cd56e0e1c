#!/usr/bin/env bash
# Writes a container image with nothing but Debian's static busybox in it, as
# an OCI image layout archive that `ctr image import` takes (and that carries
# docker's manifest.json too, for `docker load`-style importers):
#
#   scripts/build-busybox-image.sh OUT.tar [NAME]
#
# NAME defaults to docker.io/library/nlkit-busybox:latest. The root file
# system is /bin/busybox (from the busybox-static package) with a symlink per
# applet, /bin/sh among them, and the empty directories a runtime mounts onto.
# No registry, no network: the image is made from files on this machine, and
# the same busybox gives the same archive, byte for byte (sorted entries,
# fixed times and owners).
set -euo pipefail

out=${1:?usage: build-busybox-image.sh OUT.tar [NAME]}
name=${2:-docker.io/library/nlkit-busybox:latest}
busybox=${BUSYBOX:-/bin/busybox}

# The whole help text, then its first line: `| head -n 1` would close the pipe
# early, and busybox's SIGPIPE would fail the check under pipefail.
banner=$("$busybox" --help 2>&1 || true)
if [[ ${banner%%$'\n'*} != BusyBox* ]]; then
  echo "build-busybox-image: $busybox is not busybox; install it with: apt-get install busybox-static" >&2
  exit 1
fi
# A dynamically linked busybox would need its libraries in the image.
if ldd "$busybox" >/dev/null 2>&1; then
  echo "build-busybox-image: $busybox is dynamically linked; install the static one with: apt-get install busybox-static" >&2
  exit 1
fi

case $(uname -m) in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  armv7l | armv6l) arch=arm ;;
  ppc64le) arch=ppc64le ;;
  s390x) arch=s390x ;;
  riscv64) arch=riscv64 ;;
  i?86) arch=386 ;;
  *) echo "build-busybox-image: unknown machine $(uname -m)" >&2; exit 1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

blobs=$work/image/blobs/sha256
mkdir -p "$blobs"
# The one layer, uncompressed: its digest is also its diff id.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$root" -cf "$work/layer.tar" .
layer=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
layer_size=$(stat -c %s "$work/layer.tar")
mv "$work/layer.tar" "$blobs/$layer"

# Writes stdin as a blob; prints its digest and size.
blob() {
  cat >"$work/blob"
  local digest
  digest=$(sha256sum "$work/blob" | cut -d' ' -f1)
  mv "$work/blob" "$blobs/$digest"
  echo "$digest $(stat -c %s "$blobs/$digest")"
}

read -r config config_size < <(blob <<EOF
{"architecture":"$arch","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:$layer"]},"history":[{"created_by":"scripts/build-busybox-image.sh (nlkit)"}]}
EOF
)
read -r manifest manifest_size < <(blob <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config","size":$config_size},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:$layer","size":$layer_size}]}
EOF
)
tag=${name##*:}
[ "$tag" != "$name" ] && [[ $tag != */* ]] || tag=latest
printf '{"imageLayoutVersion":"1.0.0"}\n' >"$work/image/oci-layout"
cat >"$work/image/index.json" <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$manifest","size":$manifest_size,"platform":{"architecture":"$arch","os":"linux"},"annotations":{"io.containerd.image.name":"$name","org.opencontainers.image.ref.name":"$tag"}}]}
EOF
cat >"$work/image/manifest.json" <<EOF
[{"Config":"blobs/sha256/$config","RepoTags":["$name"],"Layers":["blobs/sha256/$layer"]}]
EOF
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/image" -cf "$out.tmp" .
mv "$out.tmp" "$out"
echo "build-busybox-image: $out: $name ($arch, $((layer_size / 1024)) KiB layer, sha256:$manifest)"
