#include "explore/recipes.h"

#include <doctest/doctest.h>

namespace tokenfab {
namespace {

// A 1k/1k row at 4 users of `framework` on one H200 node's TP8 worker.
RecipeRow h200_row(const std::string& framework) {
  return {.framework = framework,
          .hardware = "h200",
          .format = "fp8",
          .isl = 1024,
          .osl = 1024,
          .concurrency = 4,
          .mapping = Mapping{.tp = 8}};
}

TEST_CASE("recipes: an MTP script's batch limit is the concurrency over the attention ranks") {
  // InferenceX's TensorRT-LLM MTP scripts: MAX_BATCH_SIZE = CONC / TP under
  // attention DP, MAX_NUM_TOKENS = roundup64((MTP + 1) x MAX_BATCH_SIZE +
  // ISL + 64). 250 users over 8 ranks: 31 a rank, 248 a replica; with 3
  // drafts the budget is 4 x 31 + 1024 + 64 = 1212, rounded up to 1216.
  Recipe mtp;
  mtp.framework = {"trt"};
  mtp.max_batch_is_concurrency = true;
  mtp.token_budget = 1;
  mtp.budget_fits_prompt = true;
  RecipeRow row{.framework = "trt",
                .hardware = "b200",
                .format = "fp8",
                .speculative = true,
                .isl = 1024,
                .osl = 1024,
                .concurrency = 250,
                .mapping = Mapping{.tp = 1, .attn_dp = 8, .ep = 8}};
  SchedulerLimits l = apply_recipes({mtp}, SchedulerLimits{}, row, 3);
  CHECK(l.max_batch == 248);
  CHECK(l.token_budget == 1216);
  // Without attention DP the one rank takes them all: 250, and the budget
  // counts 250 requests: 4 x 250 + 1088 = 2088, rounded up to 2112.
  row.mapping = Mapping{.tp = 8, .attn_dp = 1, .ep = 8};
  l = apply_recipes({mtp}, SchedulerLimits{}, row, 3);
  CHECK(l.max_batch == 250);
  CHECK(l.token_budget == 2112);
  // A recipe without the key leaves the limit alone and budgets the whole
  // concurrency, as the scripts without MTP do.
  mtp.max_batch_is_concurrency.reset();
  row.mapping = Mapping{.tp = 1, .attn_dp = 8, .ep = 8};
  l = apply_recipes({mtp}, SchedulerLimits{}, row, 0);
  CHECK(!l.max_batch);
  CHECK(l.token_budget == 1344);  // 250 + 1088 = 1338, rounded up
}

TEST_CASE("recipes: an entry's scheduler switches reach the rows it matches, and no others") {
  // SGLang runs its prompts apart from the decodes (enable_mixed_chunk is
  // false by default); TensorRT-LLM takes prompts whole (enable_chunked_prefill
  // is false by default). Each entry names its framework.
  Recipe sglang;
  sglang.framework = {"sglang"};
  sglang.prefill_apart = true;
  Recipe trt;
  trt.framework = {"trt"};
  trt.chunked_prefill = false;
  RecipeRow row = h200_row("sglang");
  SchedulerLimits l = apply_recipes({sglang, trt}, SchedulerLimits{}, row, 0);
  CHECK(l.prefill_apart);
  CHECK(l.chunked_prefill);
  row.framework = "trt";
  l = apply_recipes({sglang, trt}, SchedulerLimits{}, row, 0);
  CHECK_FALSE(l.prefill_apart);
  CHECK_FALSE(l.chunked_prefill);
}

TEST_CASE("recipes: an entry with pools reaches only those pools' workers") {
  // Dynamo's TensorRT-LLM recipes keep the overlap scheduler on their decode
  // workers and turn it off on their prefill workers.
  Recipe decode;
  decode.framework = {"dynamo-trt"};
  decode.pool = {"decode"};
  decode.overlap = true;
  RecipeRow row = h200_row("dynamo-trt");
  row.pool = "prefill";
  CHECK_FALSE(apply_recipes({decode}, SchedulerLimits{}, row, 0).overlap);
  row.pool = "decode";
  CHECK(apply_recipes({decode}, SchedulerLimits{}, row, 0).overlap);
  decode.pool = {};  // no pools named: every pool
  row.pool = "prefill";
  CHECK(apply_recipes({decode}, SchedulerLimits{}, row, 0).overlap);
}

}  // namespace
}  // namespace tokenfab
