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
  clang libclang-rt-dev  # fuzz targets: clang with its libFuzzer runtime
  # hypervisor and images
  libvirt-daemon-system qemu-system-x86 qemu-utils dnsmasq-base genisoimage
  busybox-static linux-image-cloud-amd64 syslinux-common extlinux e2fsprogs fdisk cpio
  # tests
  openssh-client procps iproute2 jq
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
