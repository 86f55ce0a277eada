#!/usr/bin/env bash
# Installs every Debian 12 package Gureum's build, tests and quickstart need.
# Idempotent and non-interactive; run as root (or with sudo).
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libsqlite3-dev sqlite3 nlohmann-json3-dev catch2 libcli11-dev libspdlog-dev libfmt-dev
  libssl-dev libpugixml-dev libcpp-httplib-dev libvirt-dev
  clang-format clang-tidy
  ccache  # a clean clone on a machine that built Gureum before compiles from its cache
  clang libclang-rt-dev  # fuzz targets: clang with its libFuzzer runtime
  # hypervisor and images
  libvirt-daemon-system qemu-system-x86 qemu-utils dnsmasq-base genisoimage
  busybox-static linux-image-cloud-amd64 syslinux-common extlinux e2fsprogs fdisk cpio
  # tests
  openssh-client procps iproute2 jq zsh curl
  # browser tests of the web console (driven by playwright-core from npm)
  chromium
  # chaos and network-partition tests (tests/chaos, tests/netns)
  python3 nftables
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm run the OpenAPI validator and the browser tests; a node that is
# already installed (any packaging) is used as it is.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# npm packages of the browser and OpenAPI tests, pinned by the lockfile, into
# tests/browser/node_modules (project-local; nothing global).
browser_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if [ ! -d "$browser_dir/node_modules" ] ||
   [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ]; then
  echo "install-deps: npm ci in tests/browser"
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
