// model_row and model_rows of explore/measured.h: each measured row at its own settings.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "explore/measured.h"
#include "explore/validation.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

RowResult aggregated(const MeasuredSpec& spec, const MeasuredRow& row, EngineConfig engine) {
  const SystemConfig& system = system_for(spec, row.hardware).system;
  const ModelSpec& model = model_at(row.model);
  const Precision& precision = precision_for(spec, row.format);
  if (!row.speculative) engine.speculative = {};
  const double l_in = static_cast<double>(row.input_tokens), l_out = static_cast<double>(row.output_tokens);
  const std::int64_t c = *row.concurrency;
  // Requests beyond the engine's limit wait: the decode batch is capped, and
  // by the KV cache too (the engine admits what its blocks hold).
  std::int64_t batch = std::min(c, engine.max_batch.value_or(c));
  // The engine's routing skew rides on the mapping, which trace generation sees.
  Mapping mapping = row.mapping;
  mapping.expert_imbalance = engine.expert_imbalance;
  const std::int64_t context = row.input_tokens + row.output_tokens / 2;
  auto decode_at = [&](std::int64_t b) {
    return estimate({system, model, precision, mapping, {Phase::decode, b, 1, context}, nullptr, false, engine});
  };
  Estimate d = decode_at(batch);
  if (!d.fits) {
    std::int64_t fits = 0, over = batch;  // largest batch known to fit, smallest known not to
    while (over - fits > 1) {
      const std::int64_t mid = (fits + over) / 2;
      (decode_at(mid).fits ? fits : over) = mid;
    }
    if (fits == 0) {
      RowResult none;
      none.fits = false;
      return none;
    }
    batch = fits;
    d = decode_at(batch);
  }
  // Prefill steps take whole prompts up to the chunk budget, at least one,
  // on each attention data-parallel rank (each schedules its own).
  const std::int64_t prompts = std::clamp<std::int64_t>(
      std::max<std::int64_t>(1, spec.inferencex.prefill_chunk_tokens / row.input_tokens) * row.mapping.attn_dp, 1,
      batch);
  const Workload prefill{Phase::prefill, prompts, row.input_tokens, 0};
  const Estimate p = estimate({system, model, precision, mapping, prefill, nullptr, false, engine});
  RowResult r;
  r.decode_step = d.step_time;
  r.prefill_per_token = p.step_time / (static_cast<double>(prompts) * l_in);
  const double tokens_per_step = (d.tokens_per_second_per_user * d.step_time).value();
  // The running batch turns over once a cycle; requests beyond it queue.
  const double running = static_cast<double>(batch);
  const double cycle = l_out / tokens_per_step * d.step_time.value() + running * l_in * r.prefill_per_token.value();
  r.tpot = cycle / l_out;
  r.throughput_per_gpu = running * (l_in + l_out) / cycle / row.gpus;
  r.decode_batch = batch;
  r.mapping = row.mapping;
  r.bound = d.bound;
  r.breakdown = d.breakdown;
  r.fits = d.fits;
  return r;
}

RowResult offline(const MeasuredSpec& spec, const MeasuredRow& row, EngineConfig engine) {
  // MLPerf rows do not say whether the run drafted: they are modelled without.
  if (!row.speculative) engine.speculative = {};
  const SystemConfig& system = system_for(spec, row.hardware).system;
  const RequestPoints best =
      best_request_points(system, model_at(row.model), precision_for(spec, row.format), engine, row.input_tokens,
                          row.output_tokens, engine.max_batch.value_or(4096), std::min(row.gpus, system.chips));
  RowResult r;
  if (!best.decode || !best.prefill) {
    r.fits = false;
    return r;
  }
  const Summary& d = best.decode->summary;
  const TokensPerSecond prefill = best.prefill->summary.per_device;
  r.throughput_per_gpu =
      tokens_per_chip_second(row.input_tokens, row.output_tokens, row.output_tokens, d.per_device, prefill).value();
  r.decode_step = d.step_time;
  r.prefill_per_token = Tokens(1.0) / prefill;
  r.decode_batch = best.decode->batch;
  r.mapping = best.decode->mapping;
  r.bound = d.bound;
  r.breakdown = d.breakdown;
  return r;
}

// What a row's model depends on besides the engine.
std::string inputs_key(const MeasuredRow& r) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", r.hardware, r.framework, r.model, r.format, r.mapping.str(),
                     r.speculative, r.input_tokens, r.output_tokens, r.concurrency.value_or(0), r.gpus);
}

}  // namespace

const Precision& precision_for(const MeasuredSpec& spec, const std::string& format) {
  for (const auto& p : spec.precisions) {
    if (p.name == format) return p.precision;
  }
  throw InputError({"precisions"}, "no precision is given for the measured format '" + format + "'");
}

const ModelSpec& model_at(const std::string& path) {
  static std::map<std::string, ModelSpec> cache;
  auto it = cache.find(path);
  if (it == cache.end()) it = cache.emplace(path, load_hf_config(path)).first;
  return it->second;
}

RowResult model_row(const MeasuredSpec& spec, const MeasuredRow& row, const EngineConfig& engine) {
  return row.concurrency ? aggregated(spec, row, engine) : offline(spec, row, engine);
}

std::vector<RowResult> model_rows(const MeasuredSpec& spec, const std::vector<MeasuredRow>& rows, bool bound) {
  std::map<std::string, RowResult> done;
  std::vector<RowResult> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    const std::string key = inputs_key(row);
    auto it = done.find(key);
    if (it == done.end()) {
      const EngineConfig& engine = engine_for(spec, row);
      it = done.emplace(key, model_row(spec, row, bound ? hardware_bound(engine) : engine)).first;
    }
    out.push_back(it->second);
  }
  return out;
}

}  // namespace tokenfab
