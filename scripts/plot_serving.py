#!/usr/bin/env python3
"""Latency CDFs of serving runs: time to first token, time per output token
and end-to-end latency of every request, from the requests.csv that
`tokenfab serve` writes, one line per run (e.g. colocated against
disaggregated), one panel per metric.

    python3 scripts/plot_serving.py out/serve/requests.csv [other/requests.csv ...] --out out/serve/latency_cdf.png

Each run's label is its folder's name. Needs python3-matplotlib (Debian).
"""
import argparse
import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def latencies(path):
    ttft, tpot, e2e = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            arrival = float(row["arrival_s"])
            first = float(row["first_token_s"])
            finished = float(row["finished_s"])
            out = int(row["output_tokens"])
            ttft.append(first - arrival)
            e2e.append(finished - arrival)
            if out > 1:
                tpot.append((finished - first) / (out - 1))
    return {"TTFT": ttft, "TPOT": tpot, "end-to-end": e2e}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="requests.csv files written by tokenfab serve")
    parser.add_argument("--out", default="latency_cdf.png")
    args = parser.parse_args()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for run in args.runs:
        label = Path(run).resolve().parent.name
        for ax, (metric, values) in zip(axes, latencies(run).items()):
            values = sorted(values)
            if not values:
                continue
            share = [(i + 1) / len(values) for i in range(len(values))]
            ax.step([v * 1e3 if metric != "end-to-end" else v for v in values], share, where="post", label=label)
    for ax, (metric, unit) in zip(axes, [("TTFT", "ms"), ("TPOT", "ms"), ("end-to-end", "s")]):
        ax.set_xlabel(f"{metric} ({unit})")
        ax.set_ylabel("share of requests")
        ax.grid(alpha=0.3)
        for p in (0.5, 0.9, 0.99):
            ax.axhline(p, color="grey", lw=0.5, ls=":")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
