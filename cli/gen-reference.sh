#!/usr/bin/env bash
# Regenerates the reference section of docs/cli.md (between the GENERATED REFERENCE
# markers) from the CLI's own help, via the hidden `gureum help-reference` verb.
# Usage: cli/gen-reference.sh [path/to/gureum]   (default: build/bin/gureum)
# The unit test "the reference in docs/cli.md is the CLI's current help" fails
# until this has been run after a change to a verb, an option or a help text.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gureum="${1:-$root/build/bin/gureum}"
doc="$root/docs/cli.md"
begin='<!-- BEGIN GENERATED REFERENCE'
end='<!-- END GENERATED REFERENCE -->'

grep -q "^$begin" "$doc" && grep -q "^$end" "$doc" || {
  echo "gen-reference: $doc lacks the GENERATED REFERENCE markers" >&2
  exit 1
}
reference="$(mktemp)"
updated="$(mktemp)"
trap 'rm -f "$reference" "$updated"' EXIT
# No user config or profile may change what the help says.
env -u GUREUM_PROFILE GUREUM_CONFIG_FILE=/nonexistent "$gureum" help-reference >"$reference"
awk -v ref="$reference" -v begin="$begin" -v end="$end" '
  index($0, begin) == 1 { while ((getline line < ref) > 0) print line; skip = 1; next }
  index($0, end) == 1 { skip = 0; next }
  !skip { print }
' "$doc" >"$updated"
cp "$updated" "$doc"
echo "gen-reference: updated $doc"
