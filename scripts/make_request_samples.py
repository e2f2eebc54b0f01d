#!/usr/bin/env python3
"""Writes the request-trace samples of workloads/requests/: small traces in
the published column formats of the Azure LLM inference trace (2023), BurstGPT
and Mooncake, generated from the statistics shared/reference/economics-serving.md
(section 4) gives for each, since the traces themselves cannot be downloaded
here. Lengths are lognormal with the published mean and median, gaps between
arrivals exponential at the published rate. Deterministic: the same files
every run.

    python3 scripts/make_request_samples.py
"""
import datetime
import json
import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "workloads" / "requests"


def lognormal(rng, mean, median):
    sigma = math.sqrt(2 * math.log(mean / median))
    return max(1, round(rng.lognormvariate(math.log(median), sigma)))


def azure(rng, n=240):
    # Azure 2023 conversation: 5.5 requests/s; input mean 1155, p50 1020;
    # output mean 211, p50 129.
    start = datetime.datetime(2023, 11, 16, 18, 15, 46, 680590)
    t = 0.0
    lines = ["TIMESTAMP,ContextTokens,GeneratedTokens"]
    for _ in range(n):
        t += rng.expovariate(5.5)
        stamp = (start + datetime.timedelta(seconds=t)).strftime("%Y-%m-%d %H:%M:%S.%f") + "0"
        lines.append(f"{stamp},{lognormal(rng, 1155, 1020)},{lognormal(rng, 211, 129)}")
    return "\n".join(lines) + "\n"


def burstgpt(rng, n=240):
    # BurstGPT: about 621 request and 126 response tokens on average; a row of
    # 0 response tokens is a failed request (about 5% here).
    t = 0.0
    lines = ["Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type"]
    for _ in range(n):
        t += rng.expovariate(2.0)
        request = lognormal(rng, 621, 400)
        response = 0 if rng.random() < 0.05 else lognormal(rng, 126, 80)
        model = "ChatGPT" if rng.random() < 0.8 else "GPT-4"
        kind = "Conversation log" if rng.random() < 0.7 else "API log"
        lines.append(f"{round(t)},{model},{request},{response},{request + response},{kind}")
    return "\n".join(lines) + "\n"


def mooncake(rng, n=120, share=0.9):
    # Mooncake conversation trace: 3.4 requests/s; input mean 12,035, p50
    # 6,909; output mean 343; hash_ids of 512-token prefix blocks, equal ids
    # meaning an equal prefix up to that block. A request continues an
    # earlier one's prefix (a later turn of its conversation, a shared
    # system prompt) with probability `share`, taking between half and all of
    # that one's blocks; `share` is set so that about 37% of blocks repeat an
    # earlier block, as in the published trace (0.9 gives 36% here).
    t = 0.0
    earlier = []
    next_id = 0
    reused = total = 0
    lines = []
    for _ in range(n):
        t += rng.expovariate(3.4)
        length = lognormal(rng, 12035, 6909)
        count = math.ceil(length / 512)
        blocks = []
        if earlier and rng.random() < share:
            parent = rng.choice(earlier)
            blocks = parent[:min(count, rng.randint((len(parent) + 1) // 2, len(parent)))]
        reused += len(blocks)
        total += count
        while len(blocks) < count:
            blocks.append(next_id)
            next_id += 1
        earlier.append(blocks)
        record = {"timestamp": round(t * 1000), "input_length": length,
                  "output_length": lognormal(rng, 343, 250), "hash_ids": blocks}
        lines.append(json.dumps(record))
    print(f"mooncake sample: {reused} of {total} blocks repeat an earlier prefix ({100 * reused / total:.0f}%)")
    return "\n".join(lines) + "\n"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "azure_conv_sample.csv").write_text(azure(random.Random(2023)))
    (OUT / "burstgpt_sample.csv").write_text(burstgpt(random.Random(121)))
    (OUT / "mooncake_sample.jsonl").write_text(mooncake(random.Random(25)))


if __name__ == "__main__":
    main()
