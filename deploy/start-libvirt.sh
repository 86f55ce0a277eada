#!/usr/bin/env bash
# Starts virtlogd and libvirtd where no init system does (containers, CI), and
# waits until qemu:///system answers. Idempotent.
set -euo pipefail

if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl start libvirtd virtlogd
else
  mkdir -p /var/run/libvirt /var/log/libvirt/qemu
  pgrep -x virtlogd >/dev/null || virtlogd -d
  pgrep -x libvirtd >/dev/null || libvirtd -d
fi
for _ in $(seq 1 50); do
  if virsh -c qemu:///system version >/dev/null 2>&1; then
    echo "start-libvirt: qemu:///system is up"
    exit 0
  fi
  sleep 0.2
done
echo "start-libvirt: libvirtd did not answer on qemu:///system" >&2
exit 1
