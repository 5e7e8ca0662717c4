#!/usr/bin/env python3
"""Writes the system-file reader's seed corpus (tests/IsingNative.Fuzz/corpus/).

The corpus is committed; this script documents where each seed came from and remakes them
(deterministically) after a format change: python3 tools/fuzz/make-reader-corpus.py
Seeds: the CLI fixtures (valid and malformed), small valid systems in the shapes the format
allows (spins omitted or null, comments, a byte order mark, escaped key names, unknown
keys, pretty-printed, numbers at the bounds), and malformed neighbours of each check the
reader makes. Crash inputs found by the fuzzer and fixed are added under their own names
(regress-*) by hand, so every run replays them.
"""
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "IsingNative.Fuzz", "corpus")
FIXTURES = os.path.join(ROOT, "tests", "cli", "fixtures")


def system(n, seed, spins=True, scale=1.0):
    rng = random.Random(seed)
    j = [[0.0] * n for _ in range(n)]
    for r in range(n):
        for c in range(r + 1, n):
            j[r][c] = j[c][r] = round(rng.uniform(-scale, scale), 3)
    doc = {"n": n, "couplings": j, "fields": [round(rng.uniform(-0.1, 0.1), 4) for _ in range(n)]}
    if spins:
        doc["spins"] = [rng.choice([1, -1]) for _ in range(n)]
    return doc


def compact(doc):
    return json.dumps(doc, separators=(",", ":"))


def main():
    seeds = {}
    for name in sorted(os.listdir(FIXTURES)):
        with open(os.path.join(FIXTURES, name), "rb") as f:
            seeds["fixture-" + name] = f.read()

    text = {
        "valid-n1.json": '{"n":1,"couplings":[[0]],"fields":[0]}',
        "valid-n1-spins.json": '{"n":1,"couplings":[[0]],"fields":[-0.5],"spins":[-1]}',
        "valid-spins-null.json": '{"n":2,"couplings":[[0,1],[1,0]],"fields":[0,0],"spins":null}',
        "valid-comments.json": '// a system\n{ "n": 2, /* two spins */ "couplings": [[0, 1], [1, 0]],\n  "fields": [0, 0] // no spins\n}\n',
        "valid-escaped-keys.json": '{"\\u006e":2,"coupl\\u0069ngs":[[0,1],[1,0]],"f\\u0069elds":[0,0]}',
        "valid-unknown-keys.json": '{"n":2,"name":"pair","meta":{"a":[1,{"b":null}],"c":true},"couplings":[[0,1],[1,0]],"fields":[0,0]}',
        "valid-bounds.json": '{"n":2,"couplings":[[0,1e30],[1e30,0]],"fields":[-1e30,5e-324],"spins":[1,1]}',
        "valid-exponents.json": '{"n":3,"couplings":[[0,1E-3,-2.5e+2],[0.001,-0,-250],[-250.0,-250,0E0]],"fields":[1e-320,0.1,-0.30000000000000004]}',
        "valid-near-symmetric.json": '{"n":2,"couplings":[[1e-13,1],[1.0000000000001,-1e-13]],"fields":[0,0]}',
        "valid-negative-zero.json": '{"n":2,"couplings":[[-0,-0.0],[0,-0]],"fields":[-0,0],"spins":[-1,-1]}',
        "valid-whitespace.json": ' \t\r\n{\r\n\t"n"\t:\t2 ,"couplings" : [ [ 0 , 1 ] , [ 1 , 0 ] ] , "fields" : [ 0 , 0 ] }\r\n',
        "valid-key-order.json": '{"spins":[1,-1],"fields":[0,0],"couplings":[[0,2],[2,0]],"n":2}',
        "bad-empty.json": "",
        "bad-null.json": "null",
        "bad-array.json": "[]",
        "bad-string.json": '"n"',
        "bad-object-empty.json": "{}",
        "bad-n-zero.json": '{"n":0,"couplings":[],"fields":[]}',
        "bad-n-negative.json": '{"n":-1,"couplings":[],"fields":[]}',
        "bad-n-huge.json": '{"n":16385,"couplings":[],"fields":[]}',
        "bad-n-int-overflow.json": '{"n":4294967298,"couplings":[[0]],"fields":[0]}',
        "bad-n-float.json": '{"n":2.0,"couplings":[[0,1],[1,0]],"fields":[0,0]}',
        "bad-n-string.json": '{"n":"2","couplings":[[0,1],[1,0]],"fields":[0,0]}',
        "bad-couplings-null.json": '{"n":2,"couplings":null,"fields":[0,0]}',
        "bad-row-null.json": '{"n":2,"couplings":[null,[1,0]],"fields":[0,0]}',
        "bad-row-short.json": '{"n":2,"couplings":[[0],[1,0]],"fields":[0,0]}',
        "bad-rows-empty.json": '{"n":40,"couplings":[' + ",".join(["[]"] * 40) + '],"fields":[]}',
        "bad-fields-short.json": '{"n":2,"couplings":[[0,1],[1,0]],"fields":[0]}',
        "bad-fields-null-item.json": '{"n":2,"couplings":[[0,1],[1,0]],"fields":[0,null]}',
        "bad-overflow.json": '{"n":2,"couplings":[[0,1e309],[1e309,0]],"fields":[0,0]}',
        "bad-magnitude.json": '{"n":2,"couplings":[[0,1.5e30],[1.5e30,0]],"fields":[0,0]}',
        "bad-spin-zero.json": '{"n":2,"couplings":[[0,1],[1,0]],"fields":[0,0],"spins":[0,1]}',
        "bad-spin-float.json": '{"n":2,"couplings":[[0,1],[1,0]],"fields":[0,0],"spins":[1.0,1]}',
        "bad-spin-overflow.json": '{"n":2,"couplings":[[0,1],[1,0]],"fields":[0,0],"spins":[2147483648,1]}',
        "bad-spins-short.json": '{"n":2,"couplings":[[0,1],[1,0]],"fields":[0,0],"spins":[1]}',
        "bad-trailing-comma.json": '{"n":1,"couplings":[[0]],"fields":[0],}',
        "bad-trailing-data.json": '{"n":1,"couplings":[[0]],"fields":[0]} {}',
        "bad-truncated.json": '{"n":2,"couplings":[[0,1],[1,',
        "bad-unterminated-comment.json": '{"n":1,"couplings":[[0]],"fields":[0]} /*',
        "bad-duplicate-nested.json": '{"n":1,"couplings":[[0]],"fields":[0],"m":[{"k":1,"\\u006b":2}]}',
        "bad-deep.json": '{"n":1,"couplings":[[0]],"fields":[0],"m":' + "[" * 70 + "]" * 70 + "}",
        "bad-surrogate-key.json": '{"n":1,"couplings":[[0]],"fields":[0],"\\ud83d\\ude00":1,"\\udc00":2}',
    }
    for name, body in text.items():
        seeds[name] = body.encode("utf-8")
    seeds["valid-bom.json"] = b"\xef\xbb\xbf" + b'{"n":1,"couplings":[[0]],"fields":[0]}'
    seeds["bad-latin1-key.json"] = b'{"n":1,"couplings":[[0]],"fields":[0],"caf\xe9":1}'

    for n, seed in ((2, 1), (3, 2), (4, 3), (5, 4), (8, 5)):
        seeds[f"valid-random-n{n}.json"] = compact(system(n, seed)).encode()
    seeds["valid-random-n6-nospins.json"] = compact(system(6, 6, spins=False)).encode()
    seeds["valid-pretty-n4.json"] = json.dumps(system(4, 7), indent=2).encode()
    seeds["valid-large-values-n3.json"] = compact(system(3, 8, scale=1e29)).encode()
    asym = system(3, 9)
    asym["couplings"][0][2] += 1e-9
    seeds["bad-asymmetric-n3.json"] = compact(asym).encode()

    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if not name.startswith("regress-"):  # the fuzzer's fixed findings stay
            os.remove(os.path.join(OUT, name))
    total = 0
    for name, body in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(body)
        total += len(body)
    print(f"{len(seeds)} seeds, {total} bytes in {os.path.relpath(OUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
