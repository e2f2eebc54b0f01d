#include "app/run_sense.h"

#include <fmt/format.h>

#include "core/config_node.h"

namespace tokenfab {
namespace {

// Whether the chip has a unit that computes in `d` (bf16, fp16 and fp32 run
// on every chip's wide path).
bool has_unit(const ComputeConfig& c, Dtype d) {
  switch (d) {
    case Dtype::fp4:
    case Dtype::mxfp4:
      return c.fp4.has_value();
    case Dtype::fp8:
      return c.fp8.has_value();
    case Dtype::int8:
      return c.int8.has_value();
    case Dtype::bf16:
    case Dtype::fp16:
    case Dtype::fp32:
      return true;
  }
  return false;
}

std::string units_of(const ComputeConfig& c) {
  std::string out;
  for (Dtype d : {Dtype::fp4, Dtype::fp8, Dtype::int8}) {
    if (has_unit(c, d)) out += std::string(enum_name(d)) + ", ";
  }
  return out + "bf16";
}

}  // namespace

std::vector<std::string> check_run_sense(const LoadedRun& run, bool check_mapping) {
  const RunConfig& c = run.config;
  const ComputeConfig& compute = c.system.chip.compute;
  Diagnostics d;
  auto at = [&](const std::string& key) {
    const ConfigNode* n = find_path(run.resolved, key);
    return n ? n->loc : run.resolved.loc;
  };
  std::vector<std::string> notes;

  // Drafted tokens are the engine's (engine.speculative adds them to each
  // step it verifies), so a decode step's own new tokens are always one.
  if (c.workload.phase == Phase::decode && c.workload.tokens > 1) {
    d.error(at("workload.tokens"), "workload.tokens",
            fmt::format("a decode step makes one new token per sequence, got {}: drafted tokens come from "
                        "engine.speculative (draft_tokens, acceptance); for a prompt use phase: prefill",
                        c.workload.tokens));
  }
  const std::int64_t positions = c.workload.context + c.workload.tokens;
  if (run.model.max_positions > 0 && positions > run.model.max_positions && !c.workload.extrapolate) {
    d.error(at("workload.context"), "workload.context",
            fmt::format("{} positions (context {} + {} new) is beyond {}'s max_position_embeddings of {}; set "
                        "workload.extrapolate: true if that is meant",
                        positions, c.workload.context, c.workload.tokens, run.model.name, run.model.max_positions));
  }
  // In 64 bits: the degrees' range (at most 2^20 devices) is validate_mapping's
  // to report, after this.
  const Mapping& m = c.mapping;
  const std::int64_t devices = std::int64_t{m.tp} * m.attn_dp * m.pp * m.dp;
  if (check_mapping && devices > c.system.chips && devices <= (std::int64_t{1} << 20)) {
    d.error(at("mapping"), "mapping",
            fmt::format("{} needs {} devices (tp x attn_dp x pp x dp), {} has {}", m.label(), devices, c.system.name,
                        c.system.chips));
  }
  const Precision& p = c.precision;
  const bool lpu = c.system.chip.kind == ChipKind::lpu;
  const std::pair<const char*, Dtype> formats[] = {{"weights", p.weights},
                                                   {"attention_weights", p.attention_weights},
                                                   {"embeddings", p.embeddings},
                                                   {"kv_cache", p.kv_cache},
                                                   {"activations", p.activations}};
  for (const auto& [key, dtype] : formats) {
    if (has_unit(compute, dtype)) continue;
    const std::string what =
        fmt::format("{} has no {} unit (its units: {})", c.system.chip.name, enum_name(dtype), units_of(compute));
    if (lpu || std::string(key) == "activations") {
      d.error(at(std::string("precision.") + key), std::string("precision.") + key,
              what + (lpu ? "; an LPU's compiled datapath runs only its own formats" : ""));
    } else {
      notes.push_back(
          fmt::format("precision.{}: {}: held in {} and widened to {} in the kernels (weight-only "
                      "quantisation)",
                      key, what, enum_name(dtype), enum_name(p.activations)));
    }
  }
  d.throw_if_any();
  return notes;
}

}  // namespace tokenfab
