#!/usr/bin/env bash
# Builds Gureum's tiny test image from Debian packages only (no network but apt).
#
# Usage: build-tiny-image.sh [--out DIR] [--force]
#   DIR defaults to build/images under the repository root. Nothing is rebuilt when
#   all outputs are newer than this script, the files under tiny/ and the kernel,
#   unless --force is given. Needs root (apt-get, mknod, loop devices, mount).
#
# Outputs in DIR (and their sha256 in DIR/SHA256SUMS, also printed):
#   tiny-vmlinuz     Debian's linux-image-cloud-amd64 kernel, unchanged
#   tiny-initrd.img  busybox initramfs (gzip cpio) whose /init is tiny/init
#   tiny-disk.qcow2  whole-disk BIOS image: MBR (syslinux mbr.bin), one bootable
#                    ext4 partition with extlinux, the same kernel and initramfs and
#                    "console=tty0 console=ttyS0"; the initramfs stays the root fs
#
# What the guest does (see tiny/init for details): loads its modules, finds the
# NoCloud seed (ISO9660 labelled "cidata" on any block device: IDE/SCSI CD-ROM or
# virtio disk), and prints marker lines on ttyS0:
#   GUREUM-SEED <device>|none
#   GUREUM-BOOT instance-id=<meta-data instance-id> hostname=<meta-data local-hostname>
#   GUREUM-USERDATA sha256=<sha256 of user-data as on the seed>   (or "GUREUM-USERDATA none")
#   GUREUM-SSH-KEY <key>        one per distinct key of meta-data public-keys and of
#                               #cloud-config user-data ssh_authorized_keys (any depth)
#   GUREUM-IP <address>|none    busybox udhcpc on the first ethernet interface
#   GUREUM-READY uptime=<seconds>
#   GUREUM-UPTIME <seconds>     every 30 s
#   GUREUM-SHUTDOWN             on the ACPI power button, then poweroff -f
# Seed keys read: meta-data instance-id, local-hostname, public-keys; user-data is
# hashed whole and, if it starts with "#cloud-config", scanned for ssh_authorized_keys.
#
# Device support comes from the cloud kernel: it has no AHCI driver, so a CD-ROM
# on q35's default SATA bus is invisible; use bus='ide' on pc (i440fx) or
# bus='scsi' with a virtio-scsi controller on q35 (or the seed as a virtio disk).

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
TINY_DIR=$SCRIPT_DIR/tiny

OUT_DIR=$REPO_ROOT/build/images
FORCE=0

# Kernel modules the initramfs carries (their dependencies come along):
# virtio PCI transport, NIC and disk; CD-ROM over PIIX IDE (pc) and virtio-scsi
# (q35 has only AHCI, which the cloud kernel lacks); ISO9660; power button + evdev.
MODULES=(virtio_pci virtio_net virtio_blk virtio_scsi ata_piix sr_mod isofs button evdev)

PACKAGES=(linux-image-cloud-amd64 busybox-static syslinux-common extlinux e2fsprogs
  fdisk qemu-utils cpio genisoimage kmod util-linux)

DISK_MIB=64       # virtual size of tiny-disk.qcow2
PART_START_MIB=1  # first partition at sector 2048, as fdisk would put it

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

log() {
  echo "build-tiny-image: $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --out)
        [ $# -ge 2 ] || die "--out needs a directory"
        OUT_DIR=$2
        shift 2
        ;;
      --out=*)
        OUT_DIR=${1#--out=}
        shift
        ;;
      --force)
        FORCE=1
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown argument: $1 (try --help)" ;;
    esac
  done
  mkdir -p "$OUT_DIR"
  OUT_DIR=$(cd "$OUT_DIR" && pwd)
}

ensure_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}) and not root"
  log "installing ${missing[*]}"
  # Other developers share this machine: wait for their dpkg lock instead of failing.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2
}

# The kernel release that the linux-image-cloud-amd64 metapackage points at.
kernel_release() {
  local depends
  depends=$(dpkg-query -W -f='${Depends}' linux-image-cloud-amd64)
  [[ $depends =~ linux-image-([0-9][^ ,]*-cloud-amd64) ]] ||
    die "cannot tell the kernel from linux-image-cloud-amd64 Depends: $depends"
  echo "${BASH_REMATCH[1]}"
}

outputs_up_to_date() {
  local vmlinuz=$1 out input
  for out in tiny-vmlinuz tiny-initrd.img tiny-disk.qcow2 SHA256SUMS; do
    [ -s "$OUT_DIR/$out" ] || return 1
    for input in "${BASH_SOURCE[0]}" "$TINY_DIR"/* "$vmlinuz"; do
      [ "$OUT_DIR/$out" -nt "$input" ] || return 1
    done
  done
  return 0
}

# Prints the .ko files for MODULES, dependencies first, each once.
module_files() {
  local release=$1 module
  for module in "${MODULES[@]}"; do
    modprobe -S "$release" --show-depends "$module" ||
      die "module $module not found for $release"
  done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

build_initramfs() {
  local release=$1 stage=$2 out=$3 applet ko
  mkdir -p "$stage"/{bin,dev,proc,sys,run,tmp,seed,usr,etc/gureum,etc/acpi/PWRF}
  ln -s bin "$stage/sbin"
  ln -s ../bin "$stage/usr/bin"
  ln -s ../bin "$stage/usr/sbin"

  install -m 0755 /bin/busybox "$stage/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
  done

  install -m 0755 "$TINY_DIR/init" "$stage/init"
  install -m 0644 "$TINY_DIR/seed.awk" "$stage/etc/gureum/seed.awk"
  install -m 0755 "$TINY_DIR/udhcpc.script" "$stage/etc/gureum/udhcpc.script"
  install -m 0755 "$TINY_DIR/power-button" "$stage/etc/acpi/PWRF/00000080"
  echo tiny >"$stage/etc/hostname"

  : >"$stage/etc/gureum/modules"
  while read -r ko; do
    mkdir -p "$stage$(dirname "$ko")"
    install -m 0644 "$ko" "$stage$ko"
    echo "$ko" >>"$stage/etc/gureum/modules"
  done < <(module_files "$release")

  # The kernel opens /dev/console for init before /init can mount devtmpfs.
  mknod -m 0600 "$stage/dev/console" c 5 1

  # Fixed owners and times make the archive reproducible.
  find "$stage" -exec touch -h -d @0 {} +
  (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$out"
}

LOOP_DEV=""
MOUNT_DIR=""
WORK_DIR=""

cleanup() {
  if [ -n "$MOUNT_DIR" ] && mountpoint -q "$MOUNT_DIR"; then
    umount "$MOUNT_DIR" || true
  fi
  if [ -n "$LOOP_DEV" ]; then
    losetup -d "$LOOP_DEV" || true
  fi
  if [ -n "$WORK_DIR" ]; then
    rm -rf "$WORK_DIR"
  fi
}

build_disk() {
  local vmlinuz=$1 initrd=$2 out=$3 raw=$WORK_DIR/disk.raw
  local part_bytes=$(((DISK_MIB - PART_START_MIB) * 1024 * 1024))
  truncate -s "${DISK_MIB}M" "$raw"
  printf 'label: dos\nlabel-id: 0x47555245\nstart=%d, type=83, bootable\n' \
    $((PART_START_MIB * 2048)) | sfdisk --quiet "$raw"

  # losetup -P makes no partition nodes without udev: map the partition by offset.
  LOOP_DEV=$(losetup -f --show -o $((PART_START_MIB * 1024 * 1024)) \
    --sizelimit "$part_bytes" "$raw")
  # extlinux cannot read 64-bit or checksummed ext4; nothing writes here, so no journal.
  mkfs.ext4 -q -F -L gureum-boot -U 6775726e-6d00-4000-8000-74696e790001 \
    -O ^64bit,^metadata_csum,^has_journal "$LOOP_DEV"
  MOUNT_DIR=$WORK_DIR/mnt
  mkdir -p "$MOUNT_DIR"
  mount "$LOOP_DEV" "$MOUNT_DIR"
  install -m 0644 "$vmlinuz" "$MOUNT_DIR/vmlinuz"
  install -m 0644 "$initrd" "$MOUNT_DIR/initrd.img"
  install -m 0644 "$TINY_DIR/extlinux.conf" "$MOUNT_DIR/extlinux.conf"
  extlinux --install "$MOUNT_DIR" >/dev/null 2>&1 || die "extlinux --install failed"
  umount "$MOUNT_DIR"
  MOUNT_DIR=""
  losetup -d "$LOOP_DEV"
  LOOP_DEV=""

  dd if=/usr/lib/syslinux/mbr/mbr.bin of="$raw" bs=440 count=1 conv=notrunc status=none
  qemu-img convert -f raw -O qcow2 "$raw" "$out"
}

print_summary() {
  local f
  (cd "$OUT_DIR" && sha256sum tiny-vmlinuz tiny-initrd.img tiny-disk.qcow2 >SHA256SUMS.new &&
    mv SHA256SUMS.new SHA256SUMS)
  for f in tiny-vmlinuz tiny-initrd.img tiny-disk.qcow2; do
    printf '%-16s %8s bytes  %s\n' "$f" "$(stat -c %s "$OUT_DIR/$f")" "$OUT_DIR/$f"
  done
  cat "$OUT_DIR/SHA256SUMS"
}

main() {
  parse_args "$@"
  ensure_packages

  local release vmlinuz
  release=$(kernel_release)
  vmlinuz=/boot/vmlinuz-$release
  [ -r "$vmlinuz" ] || die "$vmlinuz is missing"

  # Parallel test runs may call this at once: one builds, the others wait and reuse.
  exec 9>"$OUT_DIR/.build-tiny-image.lock"
  flock 9

  if [ "$FORCE" = 0 ] && outputs_up_to_date "$vmlinuz"; then
    log "up to date in $OUT_DIR (use --force to rebuild)"
    print_summary
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "building needs root (mknod, loop devices, mount)"

  WORK_DIR=$(mktemp -d "$OUT_DIR/.tiny-build.XXXXXX")
  trap cleanup EXIT
  log "kernel $release, building in $WORK_DIR"

  install -m 0644 "$vmlinuz" "$WORK_DIR/tiny-vmlinuz"
  build_initramfs "$release" "$WORK_DIR/initramfs" "$WORK_DIR/tiny-initrd.img"
  build_disk "$WORK_DIR/tiny-vmlinuz" "$WORK_DIR/tiny-initrd.img" "$WORK_DIR/tiny-disk.qcow2"

  # Same filesystem, so each output appears whole or not at all.
  rm -f "$OUT_DIR/SHA256SUMS"
  mv -f "$WORK_DIR/tiny-vmlinuz" "$WORK_DIR/tiny-initrd.img" "$WORK_DIR/tiny-disk.qcow2" "$OUT_DIR/"
  {
    echo "kernel $release"
    echo "modules:"
    sed 's/^/  /' "$WORK_DIR/initramfs/etc/gureum/modules"
  } >"$OUT_DIR/tiny-image.txt"
  print_summary
}

main "$@"
