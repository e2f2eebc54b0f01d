#!/usr/bin/env python3
"""Plot throughput-interactivity frontiers from one or more pareto.csv files
written by `tokenfab pareto`.

    python3 scripts/plot_pareto.py out/pareto_gb200/pareto.csv out/pareto_vr/pareto.csv \
        --metric tokens_per_s_per_mw --out out/pareto.png

Every point is drawn faintly; the frontier of each file as a line, labelled
with its system and model. Post-processing only: no numbers are computed here
that tokenfab did not write.
"""
import argparse
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {
    "tokens_per_s_per_mw": "tokens/s per MW (all-in)",
    "tokens_per_s_per_device": "tokens/s per chip",
}


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"error: {path}: no points")
    missing = {"tokens_per_s_per_user", "frontier", "system", "model"} - set(rows[0])
    if missing:
        sys.exit(f"error: {path}: not a tokenfab pareto.csv (missing {', '.join(sorted(missing))})")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+", help="pareto.csv files")
    parser.add_argument("--metric", choices=sorted(LABELS), default="tokens_per_s_per_mw")
    parser.add_argument("--out", default="out/pareto.png")
    args = parser.parse_args()

    fig, ax = plt.subplots(figsize=(8, 5))
    for path in args.csv:
        rows = read(path)
        label = f"{rows[0]['system']} / {rows[0]['model']}"
        x = [float(r["tokens_per_s_per_user"]) for r in rows]
        y = [float(r[args.metric]) for r in rows]
        dots = ax.scatter(x, y, s=4, alpha=0.15)
        front = sorted((float(r["tokens_per_s_per_user"]), float(r[args.metric])) for r in rows if r["frontier"] in ("true", "1"))
        ax.plot([p[0] for p in front], [p[1] for p in front], marker="o", ms=3, color=dots.get_facecolor()[0][:3],
                label=label)
    ax.set_yscale("log")
    ax.set_xlabel("tokens/s per user (decode)")
    ax.set_ylabel(LABELS[args.metric])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
