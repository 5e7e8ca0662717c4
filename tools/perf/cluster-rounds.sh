#!/usr/bin/env bash
# Issue 23 item 6: the time of one swarm round in one process, through one ising-silo process
# and through three, on this machine's cores (docs/SCALE.md §1).
#
#   tools/perf/cluster-rounds.sh [K] [ROUNDS] [BLOCK]   (defaults 10000, 40, 1024)
#
# The swarm is ring m = 8, n = 20, the default schedule, seed 5. Each setup runs
# `ising simulate` twice, with 1 and with ROUNDS + 1 rounds, and one round costs
# (seconds(ROUNDS + 1) - seconds(1)) / ROUNDS of the run's own "seconds": the agents'
# generation, the blocks' Init and the first round's warm-up cancel out. The silos keep their
# checkpoints in memory and checkpoint every round (the default). Every run must print the
# local run's digest. Needs `./build.sh managed` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
K=${1:-10000}; ROUNDS=${2:-40}; BLOCK=${3:-1024}
ISING=managed/IsingNative.Cli/bin/Release/net10.0/ising.dll
SILO=managed/IsingNative.Silo/bin/Release/net10.0/ising-silo.dll
for f in "$ISING" "$SILO"; do [[ -f $f ]] || { echo "cluster-rounds: $f is missing; run ./build.sh managed first" >&2; exit 2; }; done
SWARM=(simulate --agents "$K" --n 20 --graph ring --neighbours 8 --seed 5 --json)
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

field() { sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$2" | head -1; }

# run NAME ARGS...: one round and ROUNDS + 1 rounds; prints seconds per round and the digest.
run() {
  local name=$1; shift
  dotnet "$ISING" "${SWARM[@]}" --rounds 1 "$@" > "$work/one.json"
  dotnet "$ISING" "${SWARM[@]}" --rounds $((ROUNDS + 1)) "$@" > "$work/many.json"
  local one many digest
  one=$(field seconds "$work/one.json"); many=$(field seconds "$work/many.json"); digest=$(field digest "$work/many.json")
  printf '%-30s %8.1f ms per round   digest %s\n' "$name" "$(echo "($many - $one) * 1000 / $ROUNDS" | bc -l)" "$digest"
}

# silo PORT GATEWAY PRIMARY: starts an ising-silo process and waits for its ready line.
silo() {
  local log="$work/silo-$1.log"
  dotnet "$SILO" --port "$1" --gateway "$2" --primary "$3" > "$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 120); do grep -q "ising-silo ready" "$log" && return 0; sleep 0.5; done
  echo "cluster-rounds: ising-silo --port $1 did not start: $(tail -3 "$log")" >&2; exit 1
}

echo "K=$K ring m=8 n=20, $ROUNDS rounds, blocks of $BLOCK; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
run "one process"
silo 21111 31000 21111
CLUSTER=(--cluster localhost:31000 --block-size "$BLOCK")
run "1 ising-silo process" "${CLUSTER[@]}"
silo 21112 31001 21111; silo 21113 31002 21111
sleep 2
run "3 ising-silo processes" "${CLUSTER[@]}"
