#!/usr/bin/env python3
"""Plots of `tokenfab compare`: each system's bound frontier (throughput per
chip and per MW against speed per user) overlaid, and the ceilings, bound
and deployed, with the projections' bands; with --economics, the claims'
plots too (scripts/plot_claims.py).

    python3 scripts/plot_compare.py out/compare/compare.json out/compare/frontiers.csv --out out/compare

Post-processing only: every number drawn is one tokenfab wrote.
"""
import argparse
import csv
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import plot_claims  # noqa: E402  (beside this script, so on sys.path)


def frontiers(path):
    by_system = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            by_system.setdefault(row["system"], []).append(row)
    return by_system


def plot_frontier(by_system, metric, label, out, title):
    fig, ax = plt.subplots(figsize=(8, 5))
    for name, rows in by_system.items():
        rows.sort(key=lambda r: float(r["tokens_per_s_per_user"]))
        ax.plot([float(r["tokens_per_s_per_user"]) for r in rows], [float(r[metric]) for r in rows],
                marker=".", label=name)
    ax.set_xlabel("tokens/s per user")
    ax.set_ylabel(label)
    ax.set_yscale("log")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    plot_claims.save(fig, out)


def plot_ceilings(compare, out):
    systems = compare["systems"]
    names = [s["system"] for s in systems]
    bound = [s["bound"]["ceiling_tokens_per_s_per_user"] for s in systems]
    deployed = [s["deployed"]["ceiling_tokens_per_s_per_user"] if s["deployed"] else 0 for s in systems]
    x = range(len(names))
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.bar([i - 0.2 for i in x], bound, width=0.4, label="hardware bound")
    ax.bar([i + 0.2 for i in x], deployed, width=0.4, label="deployed estimate")
    for i, s in enumerate(systems):
        if "band" in s:
            lo, hi = s["band"]["low_ceiling"], s["band"]["high_ceiling"]
            ax.errorbar(i - 0.2, bound[i], yerr=[[bound[i] - lo], [hi - bound[i]]], color="black", capsize=4)
    ax.set_xticks(list(x))
    ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("ceiling, tokens/s per user")
    ax.set_title(f"{compare['model']}: per-user ceiling (bars with whiskers: projection bands)")
    ax.legend()
    plot_claims.save(fig, out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("compare_json")
    p.add_argument("frontiers_csv")
    p.add_argument("--out", default=".")
    a = p.parse_args()
    with open(a.compare_json) as f:
        compare = json.load(f)
    by_system = frontiers(a.frontiers_csv)
    title = f"{compare['model']}, context {compare['context']}, hardware bound"
    plot_frontier(by_system, "tokens_per_s_per_chip", "tokens/s per chip",
                  os.path.join(a.out, "frontier_per_chip.png"), title)
    plot_frontier(by_system, "tokens_per_s_per_mw", "tokens/s per MW (all-in)",
                  os.path.join(a.out, "frontier_per_mw.png"), title)
    plot_ceilings(compare, os.path.join(a.out, "ceilings.png"))
    written = ["frontier_per_chip.png", "frontier_per_mw.png", "ceilings.png"]
    if compare.get("claims"):
        written += plot_claims.plot_all(compare["claims"], a.out)
    print(f"  wrote {os.path.join(a.out, written[0])}, {', '.join(written[1:])}")


if __name__ == "__main__":
    main()
