#!/usr/bin/env python3
"""Extracts the measured points tokenfab is validated against from the shared
reference data (shared/reference/data/) into configs/validation/measured/.

  python3 scripts/extract_measured.py [--shared ../shared]

Deterministic: the same input gives byte-identical files. What is kept and
why (each rule is also printed into the files' header comment):
- InferenceX DeepSeek-R1 rows on NVIDIA GPUs served aggregated (one engine
  does prefill and decode: `disaggregated` = no). Disaggregated rows belong to
  the serving simulation. Rows whose throughput contradicts their own latency
  (the README's Little's-law ratio below 0.9, flagged in `note`) are dropped.
- MLPerf Inference closed-division Offline rows of the benchmarks whose model
  tokenfab ships, on GPUs whose system tokenfab ships, de-duplicated on
  (round, submitter, platform, benchmark, result), rows copied from another
  variant left out.
- Dynamo rows take their recipe's batch limits from
  configs/validation/measured/dynamo_recipes.csv, an input kept beside the
  outputs: the settings read by hand from each recipe file in srt-slurm
  repositories (its header says which), not generated here. A row's recipe is
  the one sweep_configs.csv names for its settings and concurrency, or else
  one of configs/validation/measured/dynamo_sweeps.csv (earlier InferenceX
  versions' items, read by hand, each with its source).
"""
import argparse
import collections
import csv
import pathlib
import sys

INFERENCEX_COLUMNS = [
    "hardware", "framework", "precision", "spec_decoding", "tp", "ep", "dp_attention", "num_gpus",
    "isl", "osl", "concurrency", "ttft_median_ms", "tpot_median_ms", "tok_s_per_gpu", "output_tok_s_per_gpu",
    "run_date", "image", "run_url",
]
DISAGGREGATED_COLUMNS = [
    "hardware", "framework", "precision", "spec_decoding", "prefill_workers", "prefill_tp", "prefill_ep",
    "prefill_dp_attention", "prefill_gpus", "decode_workers", "decode_tp", "decode_ep", "decode_dp_attention",
    "decode_gpus", "num_gpus", "isl", "osl", "concurrency", "ttft_median_ms", "tpot_median_ms", "tok_s_per_gpu",
    "run_date", "image", "run_url", "prefill_max_batch", "decode_max_batch", "prefill_token_budget", "recipe",
]
MLPERF_SERVER_COLUMNS = [
    "round", "scenario", "submitter", "accelerator_short", "total_accelerators", "benchmark", "samples_per_s",
    "tokens_per_s", "tokens_per_sample_observed", "ttft_limit_ms", "tpot_limit_ms", "ttft_p99_ms", "tpot_p99_ms",
    "software_framework", "source_path",
]
SERVER_BENCHMARKS = {"llama2-70b", "llama3.1-405b", "llama3.1-8b", "deepseek-r1"}
MLPERF_BENCHMARKS = {"llama2-70b", "llama3.1-405b", "llama3.1-8b", "deepseek-r1", "gpt-oss-120b"}
MLPERF_ACCELERATORS = {"H100-SXM", "H200-SXM", "B200", "B300", "GB200", "GB300"}
MLPERF_COLUMNS = [
    "round", "submitter", "accelerator_short", "total_accelerators", "benchmark", "result_per_accelerator",
    "tokens_per_sample_observed", "precision_declared", "software_framework", "hw_notes", "source_path",
]


def inferencex(shared):
    src = shared / "reference/data/inferencex/deepseek_r1_nvidia.csv"
    kept = []
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            if r["disaggregated"] != "no":
                continue
            if r["littles_law_ratio"] and float(r["littles_law_ratio"]) < 0.9:
                continue
            kept.append([r[c] for c in INFERENCEX_COLUMNS])
    kept.sort()
    return src, kept


POOL_COLUMNS = ["prefill_workers", "prefill_tp", "prefill_ep", "prefill_dp_attention", "decode_workers", "decode_tp",
                "decode_ep", "decode_dp_attention"]


# One side of a Dynamo recipe: requests a worker and a rank run at most, the
# framework, and the tokens a step takes (None where the file sets none).
Limit = collections.namedtuple("Limit", ["worker", "rank", "framework", "tokens"])


def recipe_limits(out):
    """Each Dynamo recipe's framework and its batch limit per worker and per
    attention rank, prefill and decode, as its file sets it
    (configs/validation/measured/dynamo_recipes.csv, read from the srt-slurm
    files or InferenceX items named there); None where the file sets none.
    With them the tokens a step takes: SGLang's chunked-prefill-size (the
    server's) or TensorRT-LLM's max_num_tokens (a rank's)."""
    limits = {}
    with open(out / "dynamo_recipes.csv", newline="") as f:
        for r in csv.DictReader(line for line in f if not line.startswith("#")):
            worker, rank = r["batch_limit_per_worker"], r["batch_limit_per_rank"]
            tokens = r["chunked_prefill_size"] or r["max_num_tokens"]
            # SGLang's -1 turns chunking off: no budget a step to take.
            tokens = int(tokens) if tokens and int(tokens) > 0 else None
            limits[(r["recipe"], r["side"])] = Limit(int(worker) if worker else None, int(rank) if rank else None,
                                                     r["framework"], tokens)
    return limits


def rank_budget(limit, tp, dp_attention):
    """A side's tokens a step on each attention rank: TensorRT-LLM's
    max_num_tokens is a rank's already; SGLang divides its server's
    chunked-prefill-size over its DP ranks (server_args.py, with
    enable_dp_attention: chunked_prefill_size // dp_size)."""
    if limit.tokens is None:
        return None
    ranks = int(tp) if dp_attention == "yes" and tp else 1
    return limit.tokens // ranks if limit.framework == "dynamo-sglang" else limit.tokens


def same_ranks(limit, tp, dp_attention):
    """Whether a side's limits per worker and per rank split over the
    attention ranks the item gives that side (tp under attention DP, else
    one): a file whose attention DP differs is not the version the item ran.
    TensorRT-LLM's limit is per rank, so the worker's is an exact multiple;
    SGLang's max-running-requests is per server and each DP rank takes the
    quotient rounded down (gb200-fp8/8k1k/max_tpt.yaml: 8,192 over 24)."""
    worker, rank, framework = limit.worker, limit.rank, limit.framework
    if worker is None or rank is None:
        return True
    ranks = int(tp) if dp_attention == "yes" and tp else 1
    return worker // ranks == rank if framework == "dynamo-sglang" else worker == rank * ranks


def sweep_items(shared, out):
    """The Dynamo DeepSeek-R1 sweep items, each as (settings, concurrencies,
    recipe), by source in order of preference: sweep_configs.csv's snapshot,
    then each source of dynamo_sweeps.csv in the order the file first names
    it (earlier InferenceX versions, then recipe files run as they stand)."""
    yes = {"True": "yes", "False": "no"}
    snapshot = []
    with open(shared / "reference/data/inferencex/sweep_configs.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["model_prefix"] != "dsr1" or not r["framework"].startswith("dynamo-"):
                continue
            settings = [r["entry"].split("-")[2], r["framework"], r["precision"], r["isl"], r["osl"],
                        r["spec_decoding"]] + [
                yes.get(r[c.replace("_attention", "_attn")], r[c.replace("_attention", "_attn")]) for c in POOL_COLUMNS]
            snapshot.append((settings, r["conc_list"].split(), r["recipe"].removeprefix("CONFIG_FILE=")))
    sources = {"sweep_configs.csv": snapshot}
    with open(out / "dynamo_sweeps.csv", newline="") as f:
        for r in csv.DictReader(line for line in f if not line.startswith("#")):
            settings = [r[c] for c in ["hardware", "framework", "precision", "isl", "osl", "spec_decoding"]] + [
                r[c] for c in POOL_COLUMNS]
            # The repository and commit: one InferenceX version, or the recipe files of one srt-slurm commit.
            source = r["source"].split(":")[0]
            sources.setdefault(source, []).append((settings, r["conc_list"].split(), r["recipe"]))
    return list(sources.values())


def dynamo_recipes(shared, out):
    """The recipe that runs each Dynamo row's settings at its concurrency, with
    its workers' batch limits from the recipe's file (recipe_limits), from
    the first source (sweep_items' order) whose items run that key. A source
    whose recipes for a key give different limits leaves the key out, and
    one whose recipes give different prefill budgets (or one and none)
    leaves the budget out; an item whose recipe file splits a side's limit
    over other attention ranks than the item gives it is not counted (a
    different version)."""
    limits = recipe_limits(out)

    def index(items):
        found = {}
        for settings, concurrencies, recipe in items:
            if (recipe, "prefill") not in limits or (recipe, "decode") not in limits:
                sys.exit(f"dynamo_recipes.csv: no prefill and decode rows for the recipe {recipe}")
            prefill, decode = limits[(recipe, "prefill")], limits[(recipe, "decode")]
            pools = dict(zip(POOL_COLUMNS, settings[6:]))
            if not (same_ranks(prefill, pools["prefill_tp"], pools["prefill_dp_attention"]) and
                    same_ranks(decode, pools["decode_tp"], pools["decode_dp_attention"])):
                continue
            per_worker = (prefill.worker, decode.worker)
            budget = rank_budget(prefill, pools["prefill_tp"], pools["prefill_dp_attention"])
            name = recipe.split("/")[-1]
            for conc in concurrencies:
                key = tuple(settings + [conc])
                if key in found and found[key][0] != per_worker:
                    found[key] = (None, "", None)
                elif key in found and found[key][2] != budget:
                    found[key] = (found[key][0], found[key][1], None)
                elif key not in found:
                    found[key] = (per_worker, name, budget)
        return found

    found = {}
    for items in sweep_items(shared, out):
        for key, value in index(items).items():
            found.setdefault(key, value)
    return found


def disaggregated(shared, out):
    """InferenceX rows served by Dynamo with prefill and decode pools, for the
    serving simulation; the same Little's-law rule as the aggregated rows.
    Each row whose settings and concurrency a known recipe runs gets that
    recipe's batch limits per worker (dynamo_recipes: sweep_configs.csv's
    first, then dynamo_sweeps.csv's)."""
    src = shared / "reference/data/inferencex/deepseek_r1_nvidia.csv"
    recipes = dynamo_recipes(shared, out)
    kept = []
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            if r["disaggregated"] != "yes":
                continue
            if r["littles_law_ratio"] and float(r["littles_law_ratio"]) < 0.9:
                continue
            key = tuple([r["hardware"], r["framework"], r["precision"], r["isl"], r["osl"], r["spec_decoding"]] +
                        [r[c] for c in POOL_COLUMNS] + [r["concurrency"]])
            limits, name, budget = recipes.get(key, (None, "", None))
            prefill, decode = limits if limits else (None, None)
            r["prefill_max_batch"] = "" if prefill is None else str(prefill)
            r["decode_max_batch"] = "" if decode is None else str(decode)
            r["prefill_token_budget"] = "" if budget is None else str(budget)
            r["recipe"] = name
            kept.append([r[c] for c in DISAGGREGATED_COLUMNS])
    kept.sort()
    return src, kept


def mlperf_rows(shared, scenarios, benchmarks, columns, keep=lambda r: True):
    """Closed-division MLPerf rows of `scenarios` and `benchmarks` on GPUs
    whose system tokenfab ships, rows copied from another variant left out,
    de-duplicated on round, scenario, submitter, platform, benchmark, result."""
    src = shared / "reference/data/mlperf/llm_nvidia.csv"
    kept, seen = [], set()
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            if r["division"] != "closed" or r["scenario"] not in scenarios or r["inferred_from_other_variant"] == "1":
                continue
            if r["benchmark"] not in benchmarks or r["accelerator_short"] not in MLPERF_ACCELERATORS or not keep(r):
                continue
            key = (r["round"], r["scenario"], r["submitter"], r["platform"], r["benchmark"], r["result_value"])
            if key in seen:
                continue
            seen.add(key)
            kept.append([r[c] for c in columns])
    kept.sort()
    return src, kept


def mlperf(shared):
    return mlperf_rows(shared, ("Offline",), MLPERF_BENCHMARKS, MLPERF_COLUMNS)


def mlperf_server(shared):
    """Server and Interactive rows with a measured p99 TTFT and TPOT, for the
    serving simulation."""
    return mlperf_rows(shared, ("Server", "Interactive"), SERVER_BENCHMARKS, MLPERF_SERVER_COLUMNS,
                       lambda r: r["ttft_p99_ms"] and r["tpot_p99_ms"])


def write(path, header_lines, columns, rows):
    out = "".join(f"# {line}\n" for line in header_lines)
    with open(path, "w", newline="") as f:
        f.write(out)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)


def inferencex_key(row):
    r = dict(zip(INFERENCEX_COLUMNS, row))
    return f"inferencex/{r['hardware']}/{r['framework']}/{r['precision']}/{r['isl']}x{r['osl']}/{r['spec_decoding']}"


def mlperf_key(row):
    r = dict(zip(MLPERF_COLUMNS, row))
    return f"mlperf/{r['accelerator_short']}/{r['round']}/{r['benchmark']}"


def split(keys):
    """Alternates configurations between the two halves within each group of
    one source, hardware and speculative-decoding setting (sorted), the first
    group starting with calibration, the next with evaluation and so on, so
    that every generation and both decoding modes appear in both halves."""
    groups = {}
    for k in sorted(set(keys)):
        parts = k.split("/")
        groups.setdefault((parts[0], parts[1].lower(), parts[-1] if parts[0] == "inferencex" else ""), []).append(k)
    halves = {"calibration": [], "evaluation": []}
    names = ("calibration", "evaluation")
    for g, group in enumerate(sorted(groups)):
        for i, k in enumerate(groups[group]):
            halves[names[(i + g) % 2]].append(k)
    return halves


def write_split(path, halves):
    lines = ["# Which configurations fitted parameters may use (calibration) and which they",
             "# may not (evaluation). A configuration is hardware x framework x precision x",
             "# ISL/OSL x speculative decoding (InferenceX) or accelerator x round x benchmark",
             "# (MLPerf): the rows of one configuration pool run dates and concurrencies, so they",
             "# stay together. Made by scripts/extract_measured.py (configurations alternate",
             "# between the halves within each source x hardware x decoding mode) and committed",
             "# before any fit.",
             "# Keys not listed are refused by `tokenfab validate`."]
    for half in ("calibration", "evaluation"):
        lines.append(f"{half}:")
        lines += [f"  - {k}" for k in halves[half]]
    path.write_text("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(pathlib.Path(__file__).resolve().parents[1].parent / "shared"))
    args = ap.parse_args()
    shared = pathlib.Path(args.shared)
    out = pathlib.Path(__file__).resolve().parents[1] / "configs/validation/measured"
    out.mkdir(parents=True, exist_ok=True)
    src, rows = inferencex(shared)
    write(out / "inferencex_dsr1_aggregated.csv",
          ["InferenceX DeepSeek-R1-0528, aggregated serving on NVIDIA GPUs (SemiAnalysis; each row's run_url).",
           "From shared/reference/data/inferencex/deepseek_r1_nvidia.csv by scripts/extract_measured.py:",
           "disaggregated = no; rows with littles_law_ratio < 0.9 dropped (throughput contradicts latency).",
           "ttft_median_ms: median time to first token; tpot_median_ms: median (E2E - TTFT) / (output tokens - 1);",
           "tok_s_per_gpu: (input + output) tokens/s",
           "over num_gpus. isl/osl nominal; request lengths uniform in [0.8, 1.0] x nominal."],
          INFERENCEX_COLUMNS, rows)
    print(f"inferencex: {len(rows)} rows")
    src, rows = disaggregated(shared, out)
    write(out / "inferencex_dsr1_disaggregated.csv",
          ["InferenceX DeepSeek-R1-0528, prefill/decode disaggregated serving (Dynamo) on NVIDIA GPUs",
           "(SemiAnalysis; each row's run_url). From shared/reference/data/inferencex/deepseek_r1_nvidia.csv by",
           "scripts/extract_measured.py: disaggregated = yes; rows with littles_law_ratio < 0.9 dropped.",
           "prefill_* and decode_*: workers and each worker's parallelism; num_gpus: both pools. ttft and",
           "tpot medians in ms; tok_s_per_gpu: (input + output) tokens/s over num_gpus. isl/osl nominal.",
           "prefill_max_batch, decode_max_batch: requests one worker of each pool runs at most, as the file of the",
           "recipe that runs the row's settings at its concurrency sets them: sweep_configs.csv's, else that of an",
           "earlier InferenceX version or recipe file (dynamo_sweeps.csv) (dynamo_recipes.csv: SGLang's",
           "max-running-requests, TensorRT-LLM's max_batch_size per attention rank times the ranks); empty where",
           "no one recipe of a source does, its file sets none, or its file splits a pool's limit over other",
           "attention ranks than the item gives the pool. A version is applied to runs of every date: a recipe",
           "changed since may not be the run's. prefill_token_budget: the prefill pool's new tokens a step and",
           "attention rank, from the same recipe: TensorRT-LLM's max_num_tokens (a rank's), SGLang's",
           "chunked-prefill-size over its DP ranks (SGLang divides the server's); empty where the file sets none or",
           "the source's recipes for the row disagree."],
          DISAGGREGATED_COLUMNS, rows)
    print(f"inferencex disaggregated: {len(rows)} rows")
    src, rows = mlperf_server(shared)
    write(out / "mlperf_server.csv",
          ["MLPerf Inference closed-division Server and Interactive results with a measured p99 TTFT and TPOT",
           "(MLCommons; each row's source_path). From shared/reference/data/mlperf/llm_nvidia.csv by",
           "scripts/extract_measured.py: benchmarks whose model tokenfab ships, GPUs whose system it ships;",
           "de-duplicated; rows copied from another variant left out. Limits and p99s in ms."],
          MLPERF_SERVER_COLUMNS, rows)
    print(f"mlperf server: {len(rows)} rows")
    src, rows = mlperf(shared)
    write(out / "mlperf_offline.csv",
          ["MLPerf Inference closed-division Offline results (MLCommons; each row's source_path).",
           "From shared/reference/data/mlperf/llm_nvidia.csv by scripts/extract_measured.py: benchmarks",
           "whose model tokenfab ships, GPUs whose system it ships; de-duplicated on round, submitter, platform,",
           "benchmark, result; rows copied from another variant left out. result_per_accelerator: output tokens/s."],
          MLPERF_COLUMNS, rows)
    print(f"mlperf: {len(rows)} rows")
    keys = [inferencex_key(r) for r in inferencex(shared)[1]] + [mlperf_key(r) for r in rows]
    halves = split(keys)
    write_split(out.parent / "split.yaml", halves)
    print(f"split: {len(halves['calibration'])} calibration, {len(halves['evaluation'])} evaluation configurations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
