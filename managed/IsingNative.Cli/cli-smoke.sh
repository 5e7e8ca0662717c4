#!/usr/bin/env bash
# Smoke test of the `ising` command line against shared/spec/CLI.md: every command's
# required JSON keys, stdout holding exactly one JSON document, and the exit codes of
# bad input (2) and a missing backend (3). Usage:
#   managed/IsingNative.Cli/cli-smoke.sh [path/to/ising]
# (default: the Release build output). Needs python3 for JSON parsing.
set -u
ISING=${1:-$(dirname "$0")/bin/Release/net10.0/ising}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

good='{ "n": 3, "couplings": [[0, 1.0, 0.5], [1.0, 0, -0.25], [0.5, -0.25, 0]], "fields": [0.01, 0, -0.02], "spins": [1, -1, 1] }'
echo "$good" > "$TMP/good.json"
echo "${good/\[0.5, -0.25, 0\]/[0.5, 0.25, 0]}" > "$TMP/asym.json"
echo "${good/\[1, -1, 1\]/[1, 2, 1]}" > "$TMP/spins2.json"
echo '{ "n": 3, "couplings": [[0, 1' > "$TMP/malformed.json"

# expect_json KEYS... -- ARGS...: exit 0, stdout one JSON object holding KEYS, stderr empty.
expect_json() {
  local keys=() ; while [[ $1 != -- ]]; do keys+=("$1"); shift; done; shift
  "$ISING" "$@" --json >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [[ $rc -ne 0 ]] || ! python3 - "$TMP/out" "${keys[@]}" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
missing = [k for k in sys.argv[2:] if k not in doc]
sys.exit(1 if missing or not isinstance(doc, dict) else 0)
PY
  then echo "FAIL: ising $* --json (rc=$rc): $(head -c 300 "$TMP/err")"; failures=$((failures+1))
  else echo "ok:   ising $* --json"; fi
}

# expect_rc CODE ARGS...: exit CODE, nothing on stdout, exactly one line on stderr.
expect_rc() {
  local want=$1; shift
  "$ISING" "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [[ $rc -ne $want || -s $TMP/out || $(wc -l <"$TMP/err") -ne 1 ]]
  then echo "FAIL: ising $* → rc=$rc (want $want), stderr: $(cat "$TMP/err")"; failures=$((failures+1))
  else echo "ok:   ising $* → $rc: $(cat "$TMP/err")"; fi
}

expect_json backends auto devices -- info
expect_json n energy magnetization frustration emotion -- energy --system "$TMP/good.json"
expect_json score stateOverlap energyError magnetizationError couplingSimilarity steps trials backend -- empathy
expect_json score stateOverlap couplingSimilarity -- empathy --adaptive --precision single --acceptance seed-compatible --weights 0.3,0,0.6,0.1 --early-stop-window 30 --early-stop-beta 5
expect_json score couplingSimilarity -- quick --pattern spin-glass
expect_json weights scores collectiveEmotion mostEmpathicIndex backend -- social --agents 3
expect_json agents pairs seconds pairsPerSecond meanScore backend heatmap -- swarm --agents 12 --heatmap "$TMP/h.png"
expect_json energy spins trials accepted -- anneal --system "$TMP/good.json" --steps 50
expect_json states energies acceptance -- sample --system "$TMP/good.json" --beta 0.7 --samples 5 --thin 2 --burn-in 3
expect_json checks passed -- validate

expect_rc 2 energy --system "$TMP/malformed.json"
expect_rc 2 energy --system "$TMP/asym.json"
expect_rc 2 energy --system "$TMP/spins2.json"
expect_rc 2 energy --system "$TMP/missing.json"
expect_rc 2 energy --n 0
expect_rc 2 empathy --steps 0 --json
expect_rc 2 empathy --weights 0,0,0,0
expect_rc 2 empathy --backend quantum
expect_rc 2 empathy --self "$TMP/good.json"
expect_rc 2 sample --beta 1
expect_rc 2 bogus-command
# Exit code 3 can only be shown where the GPU backend is missing (info --backend gpu probes it).
if ! "$ISING" info --backend gpu >/dev/null 2>&1; then
  expect_rc 3 empathy --backend gpu
fi

head -c 8 "$TMP/h.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' && echo "ok:   heatmap is a PNG" \
  || { echo "FAIL: heatmap is not a PNG"; failures=$((failures+1)); }

echo "$failures failure(s)"
exit $(( failures > 0 ))
