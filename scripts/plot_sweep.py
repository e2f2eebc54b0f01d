#!/usr/bin/env python3
"""Heat map of one metric of a `tokenfab sweep` over two of its axes, the
others fixed by --where (or every point drawn when there are only two).

    python3 scripts/plot_sweep.py out/sweep/results.csv \
        --x system.chip.hbm.bandwidth --y system.chip.scale_up.bandwidth \
        --value bound.tokens_per_s_per_user --where "system.chip.scale_up.latency=1e-06 s" --out heat.png

Values with units are plotted in the unit's base form as the sweep wrote
them (B/s, s). Post-processing only: every number drawn is one tokenfab wrote.
"""
import argparse
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def number(text):
    return float(text.split()[0])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results_csv")
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p.add_argument("--value", required=True)
    p.add_argument("--where", action="append", default=[], help="key=value as in the CSV (repeatable)")
    p.add_argument("--out", default="sweep.png")
    a = p.parse_args()
    fixed = dict(w.split("=", 1) for w in a.where)
    with open(a.results_csv, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "ok" and all(r.get(k) == v for k, v in fixed.items())]
    if not rows:
        raise SystemExit("no point of the sweep matches --where")
    xs = sorted({number(r[a.x]) for r in rows})
    ys = sorted({number(r[a.y]) for r in rows})
    grid = [[float("nan")] * len(xs) for _ in ys]
    for r in rows:
        grid[ys.index(number(r[a.y]))][xs.index(number(r[a.x]))] = float(r[a.value])
    fig, ax = plt.subplots(figsize=(8, 6))
    im = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis",
                   extent=[xs[0], xs[-1], ys[0], ys[-1]] if len(xs) > 1 and len(ys) > 1 else None)
    fig.colorbar(im, ax=ax, label=a.value)
    ax.set_xlabel(a.x)
    ax.set_ylabel(a.y)
    ax.set_title(", ".join(f"{k}={v}" for k, v in fixed.items()) or "every point", fontsize=9)
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
