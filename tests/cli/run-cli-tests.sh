#!/usr/bin/env bash
# End-to-end checks of the `ising` command line against docs/CLI.md: every command's
# JSON keys, exit codes for bad input (2) and unavailable backends (3), and file handling.
# Usage: tests/cli/run-cli-tests.sh path/to/ising.dll
set -uo pipefail
DLL="${1:?usage: run-cli-tests.sh path/to/ising.dll}"
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
PASS=0; FAIL=0
ising() { dotnet "$DLL" "$@"; }

ok()   { PASS=$((PASS+1)); echo "  ok   $1"; }
bad()  { FAIL=$((FAIL+1)); echo "  FAIL $1"; [ -n "${2:-}" ] && echo "       $2"; }

# expect_json NAME "key1 key2 nested.key" ising-args... : exit 0, stdout is one JSON document holding the keys
expect_json() {
  local name="$1" keys="$2"; shift 2
  local out rc
  out="$(ising "$@" 2>"$TMP/err")"; rc=$?
  if [ $rc -ne 0 ]; then bad "$name" "exit $rc: $(head -c 300 "$TMP/err")"; return; fi
  if has_keys "$keys" <<<"$out" 2>"$TMP/pyerr"; then ok "$name"; else bad "$name" "$(cat "$TMP/pyerr")"; fi
}

# has_keys "k1 k2 nested.key" < document.json : every dotted key is present in the JSON on stdin
has_keys() { python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
missing = []
for key in sys.argv[1].split():
    node = doc
    for part in key.split("."):
        if isinstance(node, dict) and part in node: node = node[part]
        else: missing.append(key); break
if missing: sys.exit("missing keys: " + ", ".join(missing))
' "$1"; }

# expect_exit NAME CODE ising-args... : the exit code, and for code 2/3 a one-line message on stderr, no stack trace
expect_exit() {
  local name="$1" want="$2"; shift 2
  ising "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ $rc -ne "$want" ]; then bad "$name" "exit $rc, expected $want; stderr: $(head -c 300 "$TMP/err")"; return; fi
  if grep -q -E '^\s+at ' "$TMP/err"; then bad "$name" "stack trace on stderr"; return; fi
  if [ "$want" -ne 0 ] && [ ! -s "$TMP/err" ]; then bad "$name" "no message on stderr"; return; fi
  ok "$name"
}

FIX="$HERE/fixtures"
echo "ising command line checks ($DLL)"
expect_json "info"            "backends auto devices"                      info --json
expect_json "energy file"     "n energy magnetization frustration emotion.valence emotion.arousal emotion.tension emotion.coherence" energy --system "$FIX/three.json" --json
expect_json "empathy gen"     "score stateOverlap energyError magnetizationError couplingSimilarity steps trials backend" empathy --n 20 --self-seed 42 --other-seed 99 --seed 7 --json
expect_json "empathy files"   "score stateOverlap couplingSimilarity"      empathy --self "$FIX/three.json" --other "$FIX/three.json" --seed 1 --json
expect_json "quick"           "score couplingSimilarity"                   quick --n 20 --self-seed 1 --other-seed 2 --json
expect_json "social"          "weights scores collectiveEmotion mostEmpathicIndex backend" social --n 20 --agents 5 --seed 3 --json
expect_json "social files"    "weights scores"                             social --self "$FIX/three.json" --others "$FIX/three.json,$FIX/three.json" --json
expect_json "swarm"           "agents pairs seconds pairsPerSecond meanScore backend" swarm --agents 12 --n 10 --seed 5 --heatmap "$TMP/h.png" --json
if [ "$(head -c 8 "$TMP/h.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then ok "swarm heatmap is a PNG"; else bad "swarm heatmap is a PNG"; fi
expect_json "anneal"          "energy spins trials accepted"               anneal --system "$FIX/three.json" --steps 50 --trials-per-step 5 --json
expect_json "anneal sequential" "energy spins trials accepted"             anneal --system "$FIX/three.json" --steps 50 --trials-per-step 3 --sweep sequential --json
expect_json "sample"          "states energies acceptance"                 sample --system "$FIX/three.json" --beta 0.5 --samples 20 --thin 2 --burn-in 5 --json
expect_json "validate"        "checks passed"                              validate --json
expect_json "bench --quick"   "rows"                                       bench --quick --json

# same seed => same answer, through the whole command line
a="$(ising empathy --n 16 --self-seed 4 --other-seed 5 --seed 11 --json)"; b="$(ising empathy --n 16 --self-seed 4 --other-seed 5 --seed 11 --json)"
if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "same seed, same JSON"; else bad "same seed, same JSON"; fi

# bad input: exit 2 with one clear line; unavailable backend: exit 3
expect_exit "no such file"        2 energy --system "$TMP/missing.json"
printf 'not json' >"$TMP/garbage.json"
expect_exit "not JSON"            2 energy --system "$TMP/garbage.json"
expect_exit "asymmetric J"        2 energy --system "$FIX/asymmetric.json"
expect_exit "diagonal"            2 energy --system "$FIX/diagonal.json"
expect_exit "spin of 2"           2 energy --system "$FIX/bad-spin.json"
expect_exit "wrong sizes"         2 energy --system "$FIX/wrong-size.json"
expect_exit "missing key"         2 energy --system "$FIX/missing-fields.json"
expect_exit "NaN-like string"     2 energy --system "$FIX/nan.json"
expect_exit "n = 0"               2 empathy --n 0
expect_exit "negative steps"      2 anneal --system "$FIX/three.json" --steps -5
expect_exit "unknown option"      2 empathy --frobnicate
expect_exit "negative weights"    2 empathy --n 10 --weights -1,0,0,0
expect_exit "bad backend name"    2 empathy --n 10 --backend quantum
expect_exit "bad sweep order"     2 empathy --n 10 --sweep diagonal
# expect_refusal NAME "text1|text2" ising-args... : exit 2 within 60 s, one line on stderr containing every text
expect_refusal() {
  local name="$1" texts="$2"; shift 2
  timeout 60 dotnet "$DLL" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null; local rc=$?
  if [ $rc -eq 124 ]; then bad "$name" "did not return within 60 s"; return; fi
  if [ $rc -ne 2 ]; then bad "$name" "exit $rc, expected 2; stderr: $(head -c 300 "$TMP/err")"; return; fi
  if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then bad "$name" "expected one line on stderr: $(head -c 300 "$TMP/err")"; return; fi
  local t; local IFS='|'
  for t in $texts; do
    if ! grep -q -F -- "$t" "$TMP/err"; then bad "$name" "stderr lacks '$t': $(head -c 300 "$TMP/err")"; return; fi
  done
  if [ -s "$TMP/out" ]; then bad "$name" "wrote to stdout"; return; fi
  ok "$name"
}

# inputs that cannot hang or flood (issue 12): refused from metadata and options, at once
expect_refusal "duplicate key"        '--system|duplicate-key.json|duplicate key "couplings"' energy --system "$FIX/duplicate-key.json"
if command -v mkfifo >/dev/null && mkfifo "$TMP/pipe.json"; then
  expect_refusal "FIFO never opened"  "--system|$TMP/pipe.json|FIFO"  energy --system "$TMP/pipe.json"
  expect_refusal "FIFO in --others"   "--others|$TMP/pipe.json"       social --self "$FIX/three.json" --others "$FIX/three.json,$TMP/pipe.json"
fi
[ -e /dev/zero ] && expect_refusal "/dev/zero"  "--system|/dev/zero"  energy --system /dev/zero
expect_refusal "directory as system"  "--self|$TMP"                   empathy --self "$TMP" --other "$FIX/three.json"
expect_refusal "empty file name"      "--system|empty"                energy --system ''
if truncate -s 17G "$TMP/huge.json" 2>/dev/null; then
  expect_refusal "file over the size limit" "--system|$TMP/huge.json|18,253,611,008" energy --system "$TMP/huge.json"
fi
expect_refusal "social over memory"   "--agents/--n|memory"           social --agents 100000 --n 10000
expect_refusal "swarm over trials"    "--agents|46,340"               swarm --agents 46340 --n 1
expect_refusal "swarm over memory"    "--agents/--n|memory"           swarm --agents 2000 --n 16384 --steps 1 --trials-per-step 1
expect_refusal "sample over memory"   "--samples|memory"              sample --n 16384 --beta 1 --samples 2000000000
expect_refusal "heatmap empty"        "--heatmap|empty"               swarm --agents 4 --n 5 --heatmap ''
expect_refusal "heatmap directory"    "--heatmap|$TMP|directory"      swarm --agents 4 --n 5 --heatmap "$TMP"
expect_refusal "heatmap missing dir"  "--heatmap|$TMP/nope/h.png"     swarm --agents 4 --n 5 --heatmap "$TMP/nope/h.png"
[ -e "$TMP/pipe.json" ] && expect_refusal "heatmap onto a FIFO" "--heatmap|$TMP/pipe.json|FIFO" swarm --agents 4 --n 5 --heatmap "$TMP/pipe.json"
[ -e "$TMP/nope" ] && bad "heatmap missing dir: nothing created" "$TMP/nope exists"

if ising info --json | python3 -c 'import json,sys; sys.exit(0 if "gpu" in json.load(sys.stdin)["backends"] else 1)'; then echo "  (a GPU backend is present: skipping the exit-3 check)"; else
  expect_exit "gpu unavailable"   3 empathy --n 10 --backend gpu
fi
expect_exit "json only on stdout" 0 empathy --n 10 --json
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out"; then ok "stdout parses as one JSON document"; else bad "stdout parses as one JSON document"; fi

echo "cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
