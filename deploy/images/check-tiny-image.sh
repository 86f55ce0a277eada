#!/usr/bin/env bash
# Boots Gureum's tiny test image under QEMU (TCG) and checks its console markers.
#
# Usage: check-tiny-image.sh [--images DIR] [--mode direct|disk|both] [--timeout SECONDS]
#                            [--no-build] [--keep]
#   DIR defaults to build/images under the repository root; the images are built
#   (or found up to date) with build-tiny-image.sh first unless --no-build.
#   direct: -kernel/-initrd boot; disk: tiny-disk.qcow2 through a qcow2 overlay.
#   Each boot gets a fresh NoCloud seed ISO (random instance-id, three SSH keys,
#   #cloud-config user-data) and a user-mode virtio NIC (slirp: 10.0.2.15), then the
#   ACPI power button (monitor "system_powerdown") must make the guest print
#   GUREUM-SHUTDOWN and QEMU exit by itself.
# Exit status: 0 all markers seen, 1 a marker or the clean power-off is missing,
# 2 usage or setup error. Timings are printed ("ready after N s").

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

IMAGES_DIR=$REPO_ROOT/build/images
MODE=direct
TIMEOUT=120
BUILD=1
KEEP=0

SCRATCH=""
QEMU_PID=""
FAILURES=0

log() {
  echo "check-tiny-image: $*" >&2
}

usage_error() {
  log "$*"
  exit 2
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --images)
        [ $# -ge 2 ] || usage_error "--images needs a directory"
        IMAGES_DIR=$2
        shift 2
        ;;
      --mode)
        [ $# -ge 2 ] || usage_error "--mode needs direct, disk or both"
        MODE=$2
        shift 2
        ;;
      --timeout)
        [ $# -ge 2 ] || usage_error "--timeout needs seconds"
        TIMEOUT=$2
        shift 2
        ;;
      --no-build)
        BUILD=0
        shift
        ;;
      --keep)
        KEEP=1
        shift
        ;;
      -h | --help)
        sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
      *) usage_error "unknown argument: $1 (try --help)" ;;
    esac
  done
  case "$MODE" in direct | disk | both) ;; *) usage_error "bad --mode: $MODE" ;; esac
  [[ $TIMEOUT =~ ^[0-9]+$ ]] || usage_error "bad --timeout: $TIMEOUT"
}

# Ends the QEMU this script started, if it still runs.
stop_qemu() {
  if [ -n "$QEMU_PID" ]; then
    kill "$QEMU_PID" 2>/dev/null || true
    wait "$QEMU_PID" 2>/dev/null || true
    QEMU_PID=""
  fi
}

cleanup() {
  stop_qemu
  if [ -n "$SCRATCH" ]; then
    if [ "$KEEP" = 1 ]; then
      log "kept $SCRATCH"
    else
      rm -rf "$SCRATCH"
    fi
  fi
}

now() {
  date +%s.%N
}

elapsed() {
  awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# Writes meta-data and user-data under $1/seed and the ISO at $1/seed.iso; sets
# EXPECT_* for the markers.
make_seed() {
  local dir=$1 nonce
  nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  EXPECT_ID=i-check$nonce
  EXPECT_HOST=tiny-$nonce
  EXPECT_KEYS=(
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMetaOne$nonce one@check"
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQMetaTwo$nonce two@check"
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIUserThree$nonce three@check"
  )
  mkdir -p "$dir/seed"
  cat >"$dir/seed/meta-data" <<EOF
instance-id: $EXPECT_ID
local-hostname: $EXPECT_HOST
public-keys:
  - ${EXPECT_KEYS[0]}
  - "${EXPECT_KEYS[1]}"
EOF
  cat >"$dir/seed/user-data" <<EOF
#cloud-config
# nonce $nonce
ssh_authorized_keys:
  - ${EXPECT_KEYS[2]}
  - ${EXPECT_KEYS[0]}
runcmd:
  - echo hello
EOF
  EXPECT_SHA=$(sha256sum "$dir/seed/user-data" | cut -d' ' -f1)
  genisoimage -quiet -o "$dir/seed.iso" -V cidata -J -r "$dir/seed/meta-data" "$dir/seed/user-data"
}

# Console lines without the tty's carriage returns.
console_lines() {
  tr -d '\r' <"$1"
}

expect_line() {
  local log=$1 line=$2
  if console_lines "$log" | grep -aqxF -- "$line"; then
    echo "  ok       $line"
  else
    echo "  MISSING  $line"
    FAILURES=$((FAILURES + 1))
  fi
}

expect_regex() {
  local log=$1 regex=$2 found
  if found=$(console_lines "$log" | grep -axE -m1 -- "$regex"); then
    echo "  ok       $found"
  else
    echo "  MISSING  /$regex/"
    FAILURES=$((FAILURES + 1))
  fi
}

# Presses the ACPI power button of the running QEMU; the guest must power itself
# off, which makes QEMU exit with status 0.
check_power_button() {
  local dir=$1 start rc=0 deadline
  start=$(now)
  if kill -0 "$QEMU_PID" 2>/dev/null; then
    # If QEMU died meanwhile, opening the FIFO would block forever: bound it.
    # shellcheck disable=SC2016 # $1 is expanded by the inner sh.
    timeout 5 sh -c 'echo system_powerdown >"$1"' sh "$dir/monitor.in" || true
    deadline=$((SECONDS + 30))
    while [ $SECONDS -lt $deadline ] && kill -0 "$QEMU_PID" 2>/dev/null; do
      sleep 0.1
    done
  fi
  if kill -0 "$QEMU_PID" 2>/dev/null; then
    echo "  MISSING  QEMU still running 30 s after system_powerdown"
    FAILURES=$((FAILURES + 1))
    return
  fi
  wait "$QEMU_PID" || rc=$?
  QEMU_PID=""
  if [ "$rc" = 0 ]; then
    echo "  ok       QEMU exited (status 0) $(elapsed "$start") s after system_powerdown"
  else
    echo "  WRONG    QEMU exited with status $rc: $(tail -n 3 "$dir/qemu.out" | tr '\n' ' ')"
    FAILURES=$((FAILURES + 1))
  fi
}

# boot_and_check NAME QEMU-ARGS...: one boot, its marker checks and the power-off.
boot_and_check() {
  local name=$1 dir=$SCRATCH/$1 start ready="" key count
  shift
  mkdir -p "$dir"
  make_seed "$dir"
  mkfifo "$dir/monitor.in" "$dir/monitor.out"
  : >"$dir/console.log"

  start=$(now)
  # The monitor is a pair of FIFOs that QEMU opens read-write, so nothing blocks.
  qemu-system-x86_64 -accel tcg -m 256 -display none -no-reboot \
    -serial "file:$dir/console.log" -monitor "pipe:$dir/monitor" \
    -cdrom "$dir/seed.iso" -nic user,model=virtio-net-pci "$@" \
    >"$dir/qemu.out" 2>&1 &
  QEMU_PID=$!

  local deadline=$((SECONDS + TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if console_lines "$dir/console.log" | grep -aq '^GUREUM-READY '; then
      ready=$(elapsed "$start")
      break
    fi
    kill -0 "$QEMU_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "$name: ready after ${ready:-NEVER (timeout ${TIMEOUT}s)} s"

  expect_regex "$dir/console.log" '^GUREUM-SEED /dev/sr0$'
  expect_line "$dir/console.log" "GUREUM-BOOT instance-id=$EXPECT_ID hostname=$EXPECT_HOST"
  expect_line "$dir/console.log" "GUREUM-USERDATA sha256=$EXPECT_SHA"
  for key in "${EXPECT_KEYS[@]}"; do
    expect_line "$dir/console.log" "GUREUM-SSH-KEY $key"
  done
  count=$(console_lines "$dir/console.log" | grep -ac '^GUREUM-SSH-KEY ' || true)
  if [ "$count" != "${#EXPECT_KEYS[@]}" ]; then
    echo "  WRONG    $count GUREUM-SSH-KEY lines, want ${#EXPECT_KEYS[@]} (duplicates are dropped)"
    FAILURES=$((FAILURES + 1))
  fi
  expect_line "$dir/console.log" "GUREUM-IP 10.0.2.15"
  expect_regex "$dir/console.log" '^GUREUM-READY uptime=[0-9]+(\.[0-9]+)?$'

  if [ -n "$ready" ]; then
    check_power_button "$dir"
  else
    echo "  SKIPPED  power button: the guest never became ready"
    FAILURES=$((FAILURES + 1))
  fi
  stop_qemu
  expect_line "$dir/console.log" "GUREUM-SHUTDOWN"

  if [ "$FAILURES" -gt 0 ]; then
    echo "$name: last console lines:"
    console_lines "$dir/console.log" | tail -n 15 | awk '{ print "  | " $0 }'
  fi
}

main() {
  parse_args "$@"
  command -v qemu-system-x86_64 >/dev/null || usage_error "qemu-system-x86_64 is missing"
  if [ "$BUILD" = 1 ]; then
    "$SCRIPT_DIR/build-tiny-image.sh" --out "$IMAGES_DIR" >/dev/null ||
      usage_error "build-tiny-image.sh failed"
  fi
  command -v genisoimage >/dev/null || usage_error "genisoimage is missing"
  local f
  for f in tiny-vmlinuz tiny-initrd.img tiny-disk.qcow2; do
    [ -s "$IMAGES_DIR/$f" ] || usage_error "$IMAGES_DIR/$f is missing (run build-tiny-image.sh)"
  done

  SCRATCH=$(mktemp -d /tmp/check-tiny-image.XXXXXX)
  trap cleanup EXIT

  if [ "$MODE" = direct ] || [ "$MODE" = both ]; then
    boot_and_check direct -kernel "$IMAGES_DIR/tiny-vmlinuz" \
      -initrd "$IMAGES_DIR/tiny-initrd.img" -append console=ttyS0
  fi
  if [ "$MODE" = disk ] || [ "$MODE" = both ]; then
    # An overlay, as the agent makes one per instance: the base image stays pristine.
    qemu-img create -q -f qcow2 -F qcow2 -b "$IMAGES_DIR/tiny-disk.qcow2" \
      "$SCRATCH/overlay.qcow2" 1G
    boot_and_check disk -drive "file=$SCRATCH/overlay.qcow2,if=virtio,format=qcow2"
  fi

  if [ "$FAILURES" -gt 0 ]; then
    echo "FAIL: $FAILURES check(s) failed"
    exit 1
  fi
  echo "PASS"
}

main "$@"
