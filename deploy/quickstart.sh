#!/usr/bin/env bash
# Gureum quickstart: on a fresh Debian 12 machine (as root) installs the
# dependencies, builds, starts a one-host cloud (controller + agent driving
# libvirt/QEMU, state in SQLite) and launches a real instance from the tiny
# test image, then prints its console output and private IP.
#
# Transport security (docs/security.md): deploy/gen-certs.sh makes a
# local CA and server certificates under $state/certs; the controller serves
# TLS and identifies agents by client certificates signed by that CA; the
# agent gets its certificate with a one-time join token; the CLI verifies the
# controller with the CA bundle. The gateway serves plain HTTP on 127.0.0.1
# (--plaintext, so a browser opens it without a certificate warning) and talks
# TLS to the controller.
#
#   ./deploy/quickstart.sh          set up and launch
#   ./deploy/quickstart.sh stop     stop the controller and agent (guests keep running)
#   ./deploy/quickstart.sh clean    terminate quickstart instances, stop, remove state
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state=${GUREUM_QUICKSTART_DIR:-/var/lib/gureum-quickstart}
endpoint=127.0.0.1:${GUREUM_QUICKSTART_PORT:-7070}
console=127.0.0.1:${GUREUM_QUICKSTART_CONSOLE_PORT:-8080}
bin=$root/build/bin
certs=$state/certs
export GUREUM_ENDPOINT=https://$endpoint
export GUREUM_CA_BUNDLE=$certs/ca.crt

stop_daemons() {
  for name in gateway agent controller; do
    if [ -f "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
      kill "$(cat "$state/$name.pid")"
      for _ in $(seq 1 50); do kill -0 "$(cat "$state/$name.pid")" 2>/dev/null || break; sleep 0.1; done
      echo "stopped gureum-$name"
    fi
    rm -f "$state/$name.pid"
  done
}

# Domains whose files live under $state, with their DHCP reservations: what
# is left if the agent was not running to terminate them.
remove_leftover_domains() {
  command -v virsh >/dev/null || return 0
  local name xml mac network
  for name in $(virsh -c qemu:///system list --all --name 2>/dev/null | grep '^gureum-' || true); do
    xml=$(virsh -c qemu:///system dumpxml "$name" 2>/dev/null) || continue
    grep -q "$state/" <<<"$xml" || continue
    mac=$(sed -n "s/.*<mac address='\([^']*\)'.*/\1/p" <<<"$xml" | head -1)
    network=$(sed -n "s/.*<source network='\([^']*\)'.*/\1/p" <<<"$xml" | head -1)
    virsh -c qemu:///system destroy "$name" >/dev/null 2>&1 || true
    virsh -c qemu:///system undefine "$name" >/dev/null 2>&1 || true
    if [ -n "$mac" ] && [ -n "$network" ]; then
      virsh -c qemu:///system net-update "$network" delete ip-dhcp-host "<host mac='$mac'/>" \
        --live --config >/dev/null 2>&1 || true
    fi
    echo "removed leftover domain $name"
  done
}

case "${1:-up}" in
  stop) stop_daemons; exit 0 ;;
  clean)
    if [ -x "$bin/gureum" ] && "$bin/gureum" describe-instances -o text >/dev/null 2>&1; then
      ids=$("$bin/gureum" describe-instances --filters Name=tag:quickstart,Values=yes -o json \
              | jq -r '.instances[] | select(.state.name != "terminated") | .instanceId' || true)
      if [ -n "$ids" ]; then
        # shellcheck disable=SC2086 # one argument per id
        "$bin/gureum" terminate-instances --instance-ids $ids --wait --wait-timeout 180 \
          -o table || true
      fi
    fi
    stop_daemons
    remove_leftover_domains
    # Leave libvirt's default network as the quickstart found it.
    if [ -f "$state/default-network-was-inactive" ]; then
      virsh -c qemu:///system net-destroy default >/dev/null 2>&1 || true
    fi
    if [ -f "$state/default-network-was-not-autostart" ]; then
      virsh -c qemu:///system net-autostart default --disable >/dev/null 2>&1 || true
    fi
    # The agent's guest firewall (docs/security.md).
    nft delete table inet gureum_guard >/dev/null 2>&1 || true
    rm -rf "$state"
    echo "removed $state"
    exit 0 ;;
  up) ;;
  *) echo "usage: $0 [up|stop|clean]" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }

step "Installing Debian packages"
./deploy/install-deps.sh
step "Starting libvirtd"
./deploy/start-libvirt.sh

step "Building (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target gureum-controller gureum-agent gureum gureum-gateway

step "Building the tiny test image from Debian packages"
./deploy/images/build-tiny-image.sh --out "$root/build/images"

mkdir -p "$state"
stop_daemons
step "Making a local CA and certificates ($certs)"
./deploy/gen-certs.sh "$certs"

step "Starting gureum-controller on https://$endpoint (TLS; agents by client certificate)"
# The first start prints the admin's API key on stdout, once: keep it owner-only.
(umask 077 && : >"$state/controller.stdout")
"$bin/gureum-controller" --listen "$endpoint" --data-dir "$state/controller" \
  --tls-cert "$certs/controller.crt" --tls-key "$certs/controller.key" \
  --client-ca "$certs/ca.crt" --agent-ca-key "$certs/ca.key" \
  >>"$state/controller.stdout" 2>"$state/controller.log" &
echo $! >"$state/controller.pid"
# The first start creates the administrator and writes its API key (0600).
credentials="$state/controller/admin-credentials"
for _ in $(seq 1 100); do [ -s "$credentials" ] && break; sleep 0.1; done
GUREUM_API_KEY=$(sed -n 's/^GUREUM_API_KEY=//p' "$credentials")
export GUREUM_API_KEY
for _ in $(seq 1 100); do "$bin/gureum" describe-hosts -o json >/dev/null 2>&1 && break; sleep 0.1; done

step "Starting gureum-agent (libvirt, virt type chosen automatically; mTLS)"
# The agent starts libvirt's default network (and marks it autostart) if it is
# not running; remember how it was so that `clean` can put it back.
if ! virsh -c qemu:///system net-info default 2>/dev/null | grep -q '^Active: *yes'; then
  touch "$state/default-network-was-inactive"
fi
if ! virsh -c qemu:///system net-info default 2>/dev/null | grep -q '^Autostart: *yes'; then
  touch "$state/default-network-was-not-autostart"
fi
# First start: a one-time join token gets the agent its client certificate
# (CN = this host's name), written to $state/agent/tls/; later starts use it.
join=()
if [ ! -s "$state/agent/tls/agent.crt" ]; then
  token=$("$bin/gureum" create-join-token --host-name "$(hostname)" --ttl-seconds 600 -o json \
            | jq -r .token)
  join=(--join-token "$token")
fi
GUREUM_JOIN_TOKEN= "$bin/gureum-agent" --controller "$endpoint" --ca-cert "$certs/ca.crt" \
  --driver libvirt --virt-type auto --host-name "$(hostname)" --data-dir "$state/agent" \
  "${join[@]}" >"$state/agent.log" 2>&1 &
echo $! >"$state/agent.pid"
for _ in $(seq 1 150); do
  [ "$("$bin/gureum" describe-hosts -o json 2>/dev/null | jq -r '[.hosts[] | select(.state == "up")] | length')" = 1 ] && break
  sleep 0.2
done
"$bin/gureum" describe-hosts -o table

step "Starting gureum-gateway (REST API and web console) on http://$console/ (loopback HTTP)"
"$bin/gureum-gateway" --controller "https://$endpoint" --controller-ca "$certs/ca.crt" \
  --listen "$console" --plaintext --static-dir "$root/gateway/web" >"$state/gateway.log" 2>&1 &
echo $! >"$state/gateway.pid"
for _ in $(seq 1 100); do
  curl -fsS -H "X-Gureum-Api-Key: $GUREUM_API_KEY" "http://$console/v1/hosts" >/dev/null 2>&1 && break
  sleep 0.1
done

step "Importing the tiny image"
image=$("$bin/gureum" describe-images --filters Name=name,Values=tiny-disk -o json \
          | jq -r '.images[0].imageId // empty')
if [ -z "$image" ]; then
  image=$("$bin/gureum" import-image --name tiny-disk \
            --description "Gureum tiny test image (whole disk, BIOS boot)" \
            --source-path "$root/build/images/tiny-disk.qcow2" -o json | jq -r .imageId)
fi
echo "image: $image"

step "Creating key pair 'quickstart' (private key: $state/quickstart.pem)"
if ! "$bin/gureum" describe-key-pairs --key-names quickstart >/dev/null 2>&1; then
  "$bin/gureum" create-key-pair --key-name quickstart --output-file "$state/quickstart.pem" >/dev/null
fi

step "Launching an instance and waiting for it to run"
instance=$("$bin/gureum" run-instances --image-id "$image" --instance-type g1.nano \
             --key-name quickstart --tag quickstart=yes --user-data "hello from the quickstart" \
             -o json | jq -r '.instances[0].instanceId')
"$bin/gureum" wait instance-running "$instance" --timeout 300
"$bin/gureum" describe-instances --instance-ids "$instance" -o table

step "Console output of $instance (waiting for the guest to boot)"
for _ in $(seq 1 120); do
  out=$("$bin/gureum" get-console-output --instance-id "$instance" 2>/dev/null || true)
  if grep -q "GUREUM-READY" <<<"$out"; then break; fi
  sleep 1
done
out=$(tr -d '\r' <<<"$out")
if ! grep -q "GUREUM-READY" <<<"$out"; then
  tail -n 40 <<<"$out"
  echo "the guest did not print GUREUM-READY; see $state/agent.log" >&2
  exit 1
fi
# The kernel's boot log comes first; the tiny image's own lines (GUREUM-*) last.
echo "... (last 25 lines of $(wc -l <<<"$out"))"
tail -n 25 <<<"$out"
ip=$("$bin/gureum" describe-instances --instance-ids "$instance" -o json | jq -r '.instances[0].privateIpAddress')
echo
echo "describe-instances says $instance has private IP $ip; the guest says: $(grep -a '^GUREUM-IP' <<<"$out")"

cat <<MSG

Gureum is running: controller https://$endpoint (TLS), one host (mTLS), instance $instance.
  Web console and REST API: http://$console/   (OpenAPI: http://$console/v1/openapi.json)
    plain HTTP on loopback only (--plaintext); for HTTPS give the gateway
    --tls-cert $certs/gateway.crt --tls-key $certs/gateway.key
    sign in with the administrator's API key, in $credentials
  export GUREUM_ENDPOINT=https://$endpoint GUREUM_CA_BUNDLE=$certs/ca.crt
  export GUREUM_API_KEY=\$(sed -n 's/^GUREUM_API_KEY=//p' $credentials)
  $bin/gureum describe-instances
  $bin/gureum get-console-output --instance-id $instance
  $bin/gureum terminate-instances --instance-ids $instance --wait
Logs: $state/controller.log, $state/agent.log, $state/gateway.log.  Stop: ./deploy/quickstart.sh stop
MSG
