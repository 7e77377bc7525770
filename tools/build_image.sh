#!/usr/bin/env bash
# `make image`: the mock's container image, built with podman offline, and the images that
# tests/image needs beside it. In order, each step timed:
#   1. podman and its tools from Debian's packages, when missing (tools/install_podman.sh);
#   2. the base image localhost/linkis-mock-base:bookworm-<packages>, when missing: Debian
#      bookworm with python3, python3-venv and tini (the image's init), made with debootstrap
#      from this machine's Debian mirror (no container registry is needed); its tag names
#      the package list, so a changed list makes a new base;
#   3. the wheels of the runtime dependencies and of the build backend, downloaded or built
#      on the host into deploy/wheels, when pyproject.toml's [project] dependencies or
#      constraints.txt changed;
#   4. the image ($IMAGE, localhost/linkis-mock:dev) from the Dockerfile, FROM that base,
#      with PIP_NO_INDEX=1: pip inside the build takes only those wheels;
#   5. tests/image's PostgreSQL image ($POSTGRES_TEST_IMAGE) from the same base, with
#      Debian's PostgreSQL (apt-get inside the build, from the same mirror).
# Needs root (rootful podman, debootstrap). podman's settings: tools/podman/containers.conf,
# passed as CONTAINERS_CONF.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

IMAGE="${IMAGE:-localhost/linkis-mock:dev}"
BASE_PACKAGES="python3,python3-venv,ca-certificates,tini"
BASE_IMAGE="${BASE_IMAGE:-localhost/linkis-mock-base:bookworm-$(echo "$BASE_PACKAGES" | sha256sum | cut -c1-8)}"
POSTGRES_TEST_IMAGE="${POSTGRES_TEST_IMAGE:-localhost/linkis-mock-test-postgres:bookworm}"
SUITE=bookworm
WORK="$ROOT/build/image"
WHEELS="$ROOT/deploy/wheels"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/tools/podman/containers.conf}"

fail() {
  echo "build_image.sh: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] ||
  fail "needs root (rootful podman and debootstrap, as tests/image use): run it as root or with sudo"
[ -x "$ROOT/.venv/bin/pip" ] || fail "no .venv/bin/pip: run make install first"

millis() { echo $(($(date +%s%N) / 1000000)); }
seconds() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }  # milliseconds as 12.3
STARTED=$(millis)
step_start=$STARTED
timed() {  # timed NAME: prints how long the step that just ended took
  local now
  now=$(millis)
  printf 'build_image.sh: %-52s %6s s\n' "$1" "$(seconds $((now - step_start)))" >&2
  step_start=$now
}

# ---- 1. podman ---------------------------------------------------------------------------
"$ROOT/tools/install_podman.sh"
timed "podman installed"

# ---- 2. the base image -------------------------------------------------------------------
# The mirror this machine's apt uses (the first deb822 URIs or one-line `deb` entry that is
# not the security archive); MIRROR overrides it.
debian_mirror() {
  local files=() uri
  shopt -s nullglob
  files=(/etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  shopt -u nullglob
  while read -r uri; do
    case "$uri" in
      *security*) ;;
      */debian | */debian/) echo "${uri%/}"; return ;;
    esac
  done < <(awk '
      FILENAME ~ /\.sources$/ && $1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }
      FILENAME !~ /\.sources$/ && $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }
    ' "${files[@]}" 2>/dev/null)
  echo "http://deb.debian.org/debian"
}

if podman image exists "$BASE_IMAGE"; then
  echo "build_image.sh: $BASE_IMAGE is there (podman rmi it to make it anew)" >&2
else
  mirror="${MIRROR:-$(debian_mirror)}"
  rootfs="$WORK/rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  echo "build_image.sh: debootstrap $SUITE from $mirror into $rootfs" >&2
  debootstrap --variant=minbase --include="$BASE_PACKAGES" \
    "$SUITE" "$rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 ||
    fail "debootstrap failed; see $WORK/debootstrap.log"
  # apt in derived images (tests/image's PostgreSQL) gets the suite's updates and security
  # archives too; the package cache and lists go (apt-get update brings the lists back).
  {
    echo "deb $mirror $SUITE main"
    echo "deb $mirror $SUITE-updates main"
    case "$mirror" in
      */debian) echo "deb ${mirror%/debian}/debian-security $SUITE-security main" ;;
    esac
  } > "$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # As Debian's slim images: no documentation, manuals or translations (about 50 MB), now
  # nor from packages installed later; the copyright files stay.
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
SLIM
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  tar -C "$rootfs" -c . |
    podman import --quiet \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" > /dev/null ||
    fail "podman import of $rootfs as $BASE_IMAGE failed"
  rm -rf "$rootfs"
fi
timed "base image"

# ---- 3. the wheels -----------------------------------------------------------------------
# Made again when [project] dependencies or constraints.txt changed (a stamp of both).
mkdir -p "$WORK"
.venv/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
  > "$WORK/requirements.txt"
stamp="$WORK/wheels.stamp"
want=$(cat "$WORK/requirements.txt" constraints.txt | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && compgen -G "$WHEELS/*.whl" > /dev/null; then
  echo "build_image.sh: deploy/wheels is up to date with the dependencies and constraints.txt" >&2
else
  rm -f "$stamp" "$WHEELS"/*.whl "$WHEELS"/*.tar.gz
  # The runtime dependencies as the image installs them (pinned), and the build backend
  # for the project's own wheel, which the image builds.
  .venv/bin/pip wheel -qq --disable-pip-version-check -c constraints.txt -w "$WHEELS" \
    -r "$WORK/requirements.txt" setuptools wheel ||
    fail "pip wheel of the runtime dependencies failed"
  echo "$want" > "$stamp"
fi
timed "wheels ($(find "$WHEELS" -name '*.whl' | wc -l) in deploy/wheels)"

# ---- 4. the image ------------------------------------------------------------------------
podman build --quiet --format docker --build-arg "BASE=$BASE_IMAGE" --build-arg PIP_NO_INDEX=1 \
  -t "$IMAGE" . > "$WORK/build.log" 2>&1 || {
  tail -n 30 "$WORK/build.log" >&2
  fail "podman build of $IMAGE failed; see $WORK/build.log"
}
timed "image $IMAGE"

# ---- 5. tests/image's PostgreSQL ---------------------------------------------------------
podman build --quiet --format docker --build-arg "BASE=$BASE_IMAGE" \
  -t "$POSTGRES_TEST_IMAGE" tests/image/postgres > "$WORK/build-postgres.log" 2>&1 || {
  tail -n 30 "$WORK/build-postgres.log" >&2
  fail "podman build of $POSTGRES_TEST_IMAGE failed; see $WORK/build-postgres.log"
}
timed "image $POSTGRES_TEST_IMAGE"

size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "build_image.sh: $IMAGE is $size bytes ($((size / 1000000)) MB);" \
  "all done in $(seconds $(($(millis) - STARTED))) s" >&2
