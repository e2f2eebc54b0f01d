"""Plots of the "claims" section of `tokenfab compare --economics`: the data
center's revenue by tier (C5), $/Mtok and tokens/s per MW frontiers, the
sensitivity of C5's revenue to its inputs, and revenue against the LPUs'
share of the power (C7). Called by plot_compare.py; plot_all() returns the
names of the files it wrote.

Every number drawn is one tokenfab wrote. A missing section, an empty list or
a null value is skipped, not drawn as zero: a null means tokenfab found no
answer (a speed the deployed estimate cannot reach), which is not $0.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

ANSWERS = (("bound", "-", "hardware bound"), ("deployed", "--", "deployed estimate"))
BILLION = 1e9


def save(fig, path):
    # No "Software" key: the PNG's bytes then depend on the data alone, not
    # on the matplotlib version, so reruns compare equal.
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


def plain(text):
    # Prices in names ("6 M$ to 9 M$") would otherwise open TeX math mode.
    return str(text).replace("$", r"\$")


def num(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def tier_label(tier):
    # The tiers are named by their price per million output tokens.
    return plain(f"{tier}/Mtok" if str(tier).startswith("$") else tier)


def plot_revenue_by_tier(c5, path):
    # Two panels, each with its own y axis: the bound reaches $2T where the
    # deployed estimate stays under $0.4T, so one axis would flatten the latter.
    tiers = []
    for s in c5:
        for answer, _, _ in ANSWERS:
            for t in (s.get(answer) or {}).get("tiers") or []:
                if t.get("tier") not in tiers:
                    tiers.append(t.get("tier"))
    colours = plt.cm.viridis([i / max(len(tiers) - 1, 1) for i in range(len(tiers))])
    names = [plain(s.get("subject", "?")) for s in c5]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
    for ax, (answer, _, label) in zip(axes, ANSWERS):
        for i, s in enumerate(c5):
            bottom = 0.0
            for t in (s.get(answer) or {}).get("tiers") or []:
                revenue = num(t.get("revenue_per_year"))
                if not revenue:  # an empty bar's edge would pin the y limit and hide the margin
                    continue
                ax.bar(i, revenue / BILLION, bottom=bottom, width=0.6, color=colours[tiers.index(t.get("tier"))])
                bottom += revenue / BILLION
            claimed = num(s.get("claimed_revenue_per_year"))
            if claimed is not None:
                ax.plot(i, claimed / BILLION, marker="D", color="red", markersize=8, linestyle="none")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
        ax.set_ylabel("revenue per year (billions of $)")
        ax.set_title(label)
        ax.margins(y=0.08)
        ax.grid(True, axis="y", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[i]) for i in range(len(tiers))]
    handles.append(Line2D([], [], marker="D", color="red", linestyle="none"))
    axes[1].legend(handles, [tier_label(t) for t in tiers] + ["claimed"], title="tier", fontsize=8)
    fig.suptitle("C5: the data center's revenue per year by tier, hardware bound and deployed estimate")
    save(fig, path)


def plot_frontiers(frontiers, metric, ylabel, path, title):
    # One colour per frontier id, so a subject's bound and deployed curves
    # share a colour and differ only in line style.
    ids = []
    for f in frontiers:
        if f.get("id") not in ids:
            ids.append(f.get("id"))
    colour = {fid: plt.cm.tab10(i % 10) for i, fid in enumerate(ids)}
    subject = {f.get("id"): f.get("subject", "") for f in frontiers}
    styles = {answer: style for answer, style, _ in ANSWERS}
    fig, ax = plt.subplots(figsize=(11, 6))
    for f in frontiers:
        points = [(num(p.get("tokens_per_s_per_user")), num(p.get(metric))) for p in f.get("points") or []]
        points = sorted((x, y) for x, y in points if x is not None and y is not None and y > 0)
        if not points:
            continue
        ax.plot([x for x, _ in points], [y for _, y in points], linestyle=styles.get(f.get("answer"), ":"),
                marker=".", color=colour[f.get("id")])
    ax.set_xlabel("tokens/s per user")
    ax.set_ylabel(ylabel)
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(title)
    handles = [Line2D([], [], color=colour[fid]) for fid in ids]
    labels = [plain(f"{fid}: {subject[fid]}") for fid in ids]
    handles += [Line2D([], [], color="black", linestyle=style) for _, style, _ in ANSWERS]
    labels += [label for _, _, label in ANSWERS]
    ax.legend(handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    save(fig, path)


def input_label(name, low, high):
    return plain(f"{name} ({low} to {high})")


def plot_sensitivity(sensitivity, path):
    fig, axes = plt.subplots(len(sensitivity), 1, figsize=(10, 1.2 + 2.2 * len(sensitivity)), squeeze=False)
    for ax, s in zip(axes[:, 0], sensitivity):
        base = num(s.get("base"))
        rows = []
        for i in s.get("inputs") or []:
            low, high = num(i.get("revenue_low")), num(i.get("revenue_high"))
            if base is None or low is None or high is None:
                continue
            rows.append((abs(high - low), input_label(i.get("name", "?"), i.get("low"), i.get("high")), low, high))
        rows.sort(key=lambda r: r[0])  # widest swing drawn last, at the top
        for y, (swing, _, low, high) in enumerate(rows):
            ax.barh(y, (low - base) / BILLION, left=base / BILLION, color="tab:blue", height=0.6)
            ax.barh(y, (high - base) / BILLION, left=base / BILLION, color="tab:orange", height=0.6)
            if swing == 0:
                ax.annotate(" no change", (base / BILLION, y), va="center", fontsize=8)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([label for _, label, _, _ in rows], fontsize=8)
        if base is not None:
            ax.axvline(base / BILLION, color="black", linewidth=1)
        ax.set_xlabel("revenue per year (billions of $)")
        base_text = f" (base ${base / BILLION:.0f}B)" if base is not None else ""
        ax.set_title(plain(f"{s.get('subject', '?')}, hardware bound{base_text}"), fontsize=10)
        ax.grid(True, axis="x", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in ("tab:blue", "tab:orange")]
    axes[0, 0].legend(handles, ["input at low", "input at high"], fontsize=8, loc="lower right")
    fig.suptitle("C5's sensitivity: revenue per year as one input moves from low to high")
    save(fig, path)


def plot_lpu_share(c7, path):
    # Log y: the deployed curves sit an order of magnitude below the bound's.
    fig, ax = plt.subplots(figsize=(10, 6))
    for i, mix in enumerate(c7.get("mixes") or []):
        for answer, style, label in ANSWERS:
            rows = [(num(r.get("lpu_share")), num(r.get("revenue_per_year")))
                    for r in (mix.get(answer) or {}).get("revenue_at_share") or []]
            rows = sorted((x, y) for x, y in rows if x is not None and y is not None and y > 0)
            if rows:
                ax.plot([100 * x for x, _ in rows], [y / BILLION for _, y in rows], linestyle=style, marker=".",
                        color=plt.cm.tab10(i % 10), label=plain(f"{mix.get('mix', '?')}, {label}"))
            best = [num((mix.get(answer) or {}).get(k)) for k in ("best_lpu_share", "best_revenue_per_year")]
            if None not in best and best[1] > 0:
                ax.plot(100 * best[0], best[1] / BILLION, marker="o", markersize=9, fillstyle="none",
                        color=plt.cm.tab10(i % 10))
    claimed = num(c7.get("claimed_lpu_share"))
    if claimed is not None:
        ax.axvline(100 * claimed, color="red", linestyle=":", label=f"claimed share ({100 * claimed:.0f}%)")
    ax.plot([], [], marker="o", fillstyle="none", color="gray", linestyle="none",
            label="least share earning the most (within 0.5%)")
    ax.set_xlabel("LPUs' share of the data center's power (%)")
    ax.set_ylabel("revenue per year (billions of $)")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(plain(f"C7: {c7.get('gpus', '?')} racks and {c7.get('pods', '?')} pods\n"
                       "solid: hardware bound, dashed: deployed estimate"), fontsize=10)
    ax.legend(fontsize=8)
    save(fig, path)


def plot_all(claims, out):
    written = []

    def draw(name, data, plot):
        if data:
            plot(data, os.path.join(out, name))
            written.append(name)

    draw("revenue_by_tier.png", claims.get("c5"), plot_revenue_by_tier)
    style_note = "solid: hardware bound, dashed: deployed estimate"
    draw("cost_per_mtok.png", claims.get("frontiers"), lambda d, p: plot_frontiers(
        d, "dollars_per_mtok", "$ per million output tokens", p, f"Cost against speed per user ({style_note})"))
    draw("frontier_per_mw_claims.png", claims.get("frontiers"), lambda d, p: plot_frontiers(
        d, "tokens_per_s_per_mw", "tokens/s per MW (all-in)", p, f"Throughput per MW against speed ({style_note})"))
    draw("sensitivity.png", claims.get("sensitivity"), plot_sensitivity)
    c7 = claims.get("c7") or {}
    draw("lpu_share.png", c7 if c7.get("mixes") else None, plot_lpu_share)
    return written
