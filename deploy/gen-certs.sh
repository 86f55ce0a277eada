#!/usr/bin/env bash
# Makes a local CA and the certificates a Gureum installation needs, with the
# openssl CLI, under DIR:
#
#   ca.crt, ca.key                 the CA (controller: --client-ca, --agent-ca-key;
#                                  clients: --ca-bundle, --ca-cert, --controller-ca)
#   controller.crt, controller.key the controller's server certificate (--tls-cert/--tls-key)
#   gateway.crt, gateway.key       the gateway's server certificate
#   agents/HOST.crt, agents/HOST.key   an agent's client certificate (CN = HOST)
#
# Usage: gen-certs.sh DIR [--san DNS:name|IP:addr]... [--agent HOST]...
# The server certificates always name 127.0.0.1, ::1 and localhost; --san adds
# more. Existing files are kept, so it can run on every start; delete a file
# to have it made again (see docs/security.md on rotation). Keys are
# EC P-256, mode 0600; certificates are valid for 365 days (the CA for 3650).
set -euo pipefail

dir=${1:?usage: gen-certs.sh DIR [--san DNS:name|IP:addr]... [--agent HOST]...}
shift
sans="DNS:localhost,IP:127.0.0.1,IP:::1"
agents=()
while [ $# -gt 0 ]; do
  case "$1" in
    --san) sans="$sans,$2"; shift 2 ;;
    --agent) agents+=("$2"); shift 2 ;;
    *) echo "gen-certs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

umask 077
mkdir -p "$dir/agents"
cd "$dir"

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

if [ ! -s ca.crt ] || [ ! -s ca.key ]; then
  new_key ca.key
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=Gureum local CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out ca.crt 2>/dev/null
  chmod 644 ca.crt
fi

# sign NAME CN EXTENSIONS: NAME.key (kept if present) and NAME.crt signed by the CA.
sign() {
  local name=$1 cn=$2 ext=$3
  [ -s "$name.crt" ] && [ -s "$name.key" ] && return 0
  [ -s "$name.key" ] || new_key "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr" 2>/dev/null
  printf '%s\n' "$ext" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 365 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
  chmod 644 "$name.crt"
}

server_ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$sans"
sign controller gureum-controller "$server_ext"
sign gateway gureum-gateway "$server_ext"
for host in "${agents[@]}"; do
  sign "agents/$host" "$host" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=DNS:$host"
done
echo "certificates in $dir"
