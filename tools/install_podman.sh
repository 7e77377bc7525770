#!/usr/bin/env bash
# Installs what `make image` (tools/build_image.sh) and tests/image need, from Debian's
# packages: podman with runc (this machine's cgroup v1/v2 hybrid is refused by crun), netavark
# and aardvark-dns (its networks and their DNS names, for podman-compose's services), iptables
# (netavark's port forwarding), catatonit (the pause process of podman's pods: podman builds
# its pause image from it locally, no registry), buildah, debootstrap (the local base image)
# and podman-compose. Idempotent: installs only the packages that are missing. Needs root (as
# CI is) or passwordless sudo; fails loudly otherwise, and so does `make image`.
set -euo pipefail

PACKAGES=(podman buildah runc netavark aardvark-dns iptables catatonit debootstrap podman-compose)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_podman.sh: ${missing[*]} missing, and there is no apt-get to install them" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "install_podman.sh: ${missing[*]} missing, and this user cannot run apt-get as root;" \
    "install them with: apt-get update && apt-get install -y --no-install-recommends" \
    "${missing[*]}" >&2
  exit 1
fi

echo "install_podman.sh: installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
# No recommends: they would bring crun (which podman then prefers), fuse-overlayfs,
# slirp4netns and uidmap (rootless only) and dbus-user-session.
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

for command in podman runc netavark debootstrap podman-compose; do
  if ! command -v "$command" >/dev/null 2>&1 && [ ! -x "/usr/lib/podman/$command" ]; then
    echo "install_podman.sh: apt-get finished but $command is still missing" >&2
    exit 1
  fi
done
podman --version >&2
