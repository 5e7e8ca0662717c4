#!/usr/bin/env python3
"""Draws trials/s against n (log-log) per backend as a small dependency-free SVG.

Input: BenchmarkDotNet's CSV report of the TrialsVersusSize benchmark
(BenchmarkDotNet.Artifacts/results/*TrialsVersusSize-report.csv); each row is one whole
50-sweep anneal (50*n trials), so trials/s = 50*n / median (else mean) time; one series per backend
and sweep order (an Order column; sequential drawn dashed). The D-Wave neal anchor's
published figures (WORKLOADS.md) are drawn as reference points.
Usage: tools/perf/plot-trials.py REPORT.csv OUT.svg
"""
import csv
import math
import sys

SWEEPS = 50
ANCHOR = [(20, 4.0e8), (100, 3.0e8), (1000, 3.3e7)]   # WORKLOADS.md, 2-core AMD EPYC, g++ -O3
COLOURS = {"Managed": "#1f77b4", "NativeCpu": "#d62728", "Gpu": "#2ca02c"}
UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    value, unit = text.replace(",", "").split()
    return float(value) * UNITS[unit]


def read(path):
    series = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("Method") != "Anneal" or not row.get("N", "").isdigit():
                continue   # a joined report also holds the other benchmarks' rows
            n = int(row["N"])
            mean = seconds(row.get("Median") or row["Mean"])   # the median when the job reports it
            name = row["Backend"] + (" sequential" if row.get("Order") == "Sequential" else "")
            series.setdefault(name, []).append((n, SWEEPS * n / mean))
    return {k: sorted(v) for k, v in series.items()}


def svg(series, out):
    w, h, left, right, top, bottom = 640, 400, 70, 150, 20, 50
    points = [p for s in series.values() for p in s] + ANCHOR
    x0, x1 = math.log10(min(p[0] for p in points)), math.log10(max(p[0] for p in points))
    y0, y1 = math.floor(math.log10(min(p[1] for p in points))), math.ceil(math.log10(max(p[1] for p in points)))
    sx = lambda n: left + (math.log10(n) - x0) / (x1 - x0) * (w - left - right)
    sy = lambda v: top + (y1 - math.log10(v)) / (y1 - y0) * (h - top - bottom)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>']
    for e in range(y0, y1 + 1):
        y = sy(10 ** e)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">1e{e}</text>')
    for n in sorted({p[0] for p in points}):
        x = sx(n)
        parts.append(f'<text x="{x:.1f}" y="{h - bottom + 16}" text-anchor="middle">{n}</text>')
    parts.append(f'<text x="{(left + w - right) / 2}" y="{h - 10}" text-anchor="middle">n (spins)</text>')
    parts.append(f'<text transform="translate(16,{(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">trials per second, one thread</text>')
    legend_y = top + 10
    for name, pts in series.items():
        colour = COLOURS.get(name.split()[0], "#555")
        dash = ' stroke-dasharray="6,4"' if name.endswith(" sequential") else ""
        path = " ".join(f"{'M' if i == 0 else 'L'}{sx(n):.1f},{sy(v):.1f}" for i, (n, v) in enumerate(pts))
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        parts += [f'<circle cx="{sx(n):.1f}" cy="{sy(v):.1f}" r="3" fill="{colour}"/>' for n, v in pts]
        parts.append(f'<text x="{w - right + 10}" y="{legend_y}" fill="{colour}">{name}</text>')
        legend_y += 18
    parts += [f'<rect x="{sx(n) - 4:.1f}" y="{sy(v) - 4:.1f}" width="8" height="8" fill="none" stroke="black"/>' for n, v in ANCHOR]
    parts.append(f'<text x="{w - right + 10}" y="{legend_y}">□ neal anchor</text>')
    parts.append("</svg>")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    svg(read(sys.argv[1]), sys.argv[2])
