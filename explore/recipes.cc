#include "explore/recipes.h"

#include <algorithm>

namespace tokenfab {
namespace {

// Whether a recipe applies to a row's pool of workers.
bool matches(const Recipe& r, const RecipeRow& row) {
  auto in = [](const std::vector<std::string>& set, const std::string& v) {
    return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
  };
  auto is = [](const auto& want, auto v) { return !want || *want == v; };
  const Mapping& m = row.mapping;
  return in(r.framework, row.framework) && in(r.hardware, row.hardware) && in(r.precision, row.format) &&
         in(r.pool, row.pool) && is(r.speculative, row.speculative) && is(r.dp_attention, m.attn_dp > 1) &&
         is(r.gpus_per_worker, std::int64_t{m.replica_devices()}) && is(r.isl, row.isl) && is(r.osl, row.osl) &&
         (!r.min_concurrency || row.concurrency >= *r.min_concurrency) &&
         (!r.max_concurrency || row.concurrency <= *r.max_concurrency);
}

}  // namespace

const Schema<Recipe>& recipe_schema() {
  static const Schema<Recipe> schema = [] {
    Schema<Recipe> s("an InferenceX recipe's scheduler settings, for the rows it matches");
    s.add("framework", &Recipe::framework, "rows of these frameworks (sglang, trt, dynamo-trt, ...); empty: any")
        .default_value({});
    s.add("hardware", &Recipe::hardware, "rows on these GPUs (b200, h200, ...); empty: any").default_value({});
    s.add("pool", &Recipe::pool, "workers of these pools (both: colocated, prefill, decode); empty: any")
        .default_value({});
    s.add("precision", &Recipe::precision, "rows of these formats (fp8, fp4); empty: any").default_value({});
    s.add("speculative", &Recipe::speculative, "MTP rows only (true) or rows without (false)");
    s.add("dp_attention", &Recipe::dp_attention, "rows with attention data parallel (true) or without (false)");
    s.add("gpus_per_worker", &Recipe::gpus_per_worker, "the script's TP: GPUs of one engine").at_least(std::int64_t{1});
    s.add("isl", &Recipe::isl, "nominal prompt length").at_least(std::int64_t{1});
    s.add("osl", &Recipe::osl, "nominal output length").at_least(std::int64_t{1});
    s.add("min_concurrency", &Recipe::min_concurrency, "rows at this concurrency or more").at_least(std::int64_t{1});
    s.add("max_concurrency", &Recipe::max_concurrency, "rows at this concurrency or less").at_least(std::int64_t{1});
    s.add("receive_interval", &Recipe::receive_interval, "decode steps between looks for new requests (SGLang)")
        .at_least(std::int64_t{1});
    s.add("max_batch", &Recipe::max_batch, "running requests at most").at_least(std::int64_t{1});
    s.add("token_budget", &Recipe::token_budget, "new tokens per step at most (chunked prefill)")
        .at_least(std::int64_t{1});
    s.add("budget_fits_prompt", &Recipe::budget_fits_prompt,
          "the budget is at least a prompt and a token per running request, rounded up to 64");
    s.add("max_batch_is_concurrency", &Recipe::max_batch_is_concurrency,
          "max_batch is the row's concurrency over the attention ranks, a limit per rank");
    s.add("chunked_prefill", &Recipe::chunked_prefill,
          "a prompt may be split over steps (true) or goes into a step whole (false)");
    s.add("prefill_apart", &Recipe::prefill_apart,
          "a step with prompts carries only them and the decodes wait (true) or runs them beside (false)");
    s.add("overlap", &Recipe::overlap,
          "the engine forms a step while the last runs, so a request reaching it during a step waits one more");
    s.add("batch_wait_steps", &Recipe::batch_wait_steps, "TensorRT-LLM batch_wait_timeout_iters")
        .at_least(std::int64_t{0});
    s.add("batch_wait_tokens_ratio", &Recipe::batch_wait_tokens_ratio, "TensorRT-LLM batch_wait_max_tokens_ratio")
        .at_least(0.0)
        .at_most(1.0);
    s.add("balance_timeout_steps", &Recipe::balance_timeout_steps, "TensorRT-LLM attention_dp_config timeout_iters")
        .at_least(std::int64_t{0});
    s.add("balance_batching_steps", &Recipe::balance_batching_steps,
          "TensorRT-LLM attention_dp_config batching_wait_iters")
        .at_least(std::int64_t{0});
    s.check([](const Recipe& r, Checker& k) {
      for (const std::string& p : r.pool) {
        if (p != "both" && p != "prefill" && p != "decode")
          k.fail("pool", "'" + p + "' is no pool: both (colocated), prefill or decode");
      }
      if (r.min_concurrency && r.max_concurrency && *r.min_concurrency > *r.max_concurrency)
        k.fail("max_concurrency", "below min_concurrency: the entry would match no row");
      if (r.balance_batching_steps && !r.balance_timeout_steps)
        k.fail("balance_batching_steps", "the balance runs only with balance_timeout_steps in the same entry");
      if (r.batch_wait_tokens_ratio && !r.batch_wait_steps)
        k.fail("batch_wait_tokens_ratio", "delayed batching runs only with batch_wait_steps in the same entry");
    });
    return s;
  }();
  return schema;
}

SchedulerLimits apply_recipes(const std::vector<Recipe>& recipes, SchedulerLimits l, const RecipeRow& row, int drafts) {
  bool fits_prompt = false;
  // Requests the budget counts a decode token for: the script's batch limit
  // when it sets one, else the whole concurrency.
  std::int64_t budget_batch = row.concurrency;
  const std::int64_t ranks = std::max(1, row.mapping.attn_dp);
  for (const Recipe& r : recipes) {
    if (!matches(r, row)) continue;
    if (r.max_batch_is_concurrency && *r.max_batch_is_concurrency) {
      budget_batch = std::max<std::int64_t>(1, row.concurrency / ranks);
      l.max_batch = budget_batch * ranks;
    }
    if (r.receive_interval) l.receive_interval = *r.receive_interval;
    if (r.max_batch) l.max_batch = *r.max_batch;
    if (r.token_budget) l.token_budget = *r.token_budget;
    if (r.budget_fits_prompt) fits_prompt = *r.budget_fits_prompt;
    if (r.chunked_prefill) l.chunked_prefill = *r.chunked_prefill;
    if (r.prefill_apart) l.prefill_apart = *r.prefill_apart;
    if (r.overlap) l.overlap = *r.overlap;
    if (r.batch_wait_steps) l.batch_wait_steps = *r.batch_wait_steps;
    if (r.batch_wait_tokens_ratio) l.batch_wait_tokens_ratio = *r.batch_wait_tokens_ratio;
    if (r.balance_timeout_steps) l.balance_timeout_steps = *r.balance_timeout_steps;
    if (r.balance_batching_steps) l.balance_batching_steps = *r.balance_batching_steps;
  }
  // A decode step verifies its drafts too: (1 + drafts) tokens a request.
  if (fits_prompt)
    l.token_budget = std::max(l.token_budget, ((1 + drafts) * budget_batch + row.isl + 64 + 63) / 64 * 64);
  return l;
}

}  // namespace tokenfab
