#!/usr/bin/env python3
"""Writes the committed seed corpus of the native libFuzzer harnesses
(native/fuzz/corpus/<harness>/: batch, agent_set, context), deterministically: the same files every run.

    python3 tools/fuzz/make-native-corpus.py

The harnesses decode bytes, not a file format (native/fuzz/fuzz_common.h), so a
seed is an operation byte (fuzz_batch: which call) and filler in four styles:
  any     uniform bytes (some nulls, corruptions, bad counts: mostly errors)
  clean   bytes in [160, 219]: every `chance` draw false (no null pointer, no
          corruption), extreme-but-valid couplings: mostly OK calls
  high    bytes in [128, 255]: a mix, mostly valid
  long    uniform bytes, longer: bigger systems and more agent-set operations
"""
import hashlib
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "native", "fuzz", "corpus")

STYLES = {
    "any": (0, 255, 160),
    "clean": (160, 219, 400),
    "high": (128, 255, 400),
    "long": (0, 255, 1200),
}


def filler(rng, style):
    lo, hi, length = STYLES[style]
    return bytes(rng.randint(lo, hi) for _ in range(length))


def write(harness, name, data):
    folder = os.path.join(CORPUS, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    rng = random.Random(20261202)
    for harness in ("batch", "agent_set", "context"):
        folder = os.path.join(CORPUS, harness)
        if os.path.isdir(folder):
            for f in os.listdir(folder):
                if f.startswith("seed-"):
                    os.remove(os.path.join(folder, f))
    # fuzz_batch: byte 0 picks the call (op % 8), byte 1 < 252 is a live context.
    calls = ["anneal", "empathy", "social", "matrix", "observe", "quick", "similarity", "sample"]
    for op, call in enumerate(calls):
        for style in STYLES:
            write("batch", "seed-%s-%s" % (call, style), bytes([op, 0]) + filler(rng, style))
    # fuzz_agent_set: the members, then operations (each starts with op % 12).
    for k in range(6):
        for style in STYLES:
            write("agent_set", "seed-%d-%s" % (k, style), filler(rng, style))
    # fuzz_context: a sequence of operations (op % 11), short.
    for k in range(3):
        for style in ("any", "clean", "high"):
            write("context", "seed-%d-%s" % (k, style), filler(rng, style)[:96])
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(CORPUS) for f in fs)
    print("seed corpus: %s (%d bytes)" % (os.path.relpath(CORPUS, ROOT), total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
