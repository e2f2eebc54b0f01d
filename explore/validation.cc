#include "explore/validation.h"

#include <cmath>

#include "core/config_loader.h"
#include "workloads/hf_config.h"
#include "workloads/workload_config.h"

namespace tokenfab {
namespace {

const Schema<PublishedPoint>& point_schema() {
  static const Schema<PublishedPoint> schema = [] {
    Schema<PublishedPoint> s("a published measurement to compare with");
    s.add("id", &PublishedPoint::id, "short name, e.g. the reference row");
    s.add("source", &PublishedPoint::source, "where the figure was published");
    s.add("explanation", &PublishedPoint::explanation, "why the model may differ").default_value("");
    s.section("system", &PublishedPoint::system, system_schema());
    s.add("model", &PublishedPoint::model, "Hugging Face config.json, relative to this file");
    s.section("precision", &PublishedPoint::precision, precision_schema());
    s.section("engine", &PublishedPoint::engine, engine_schema());
    s.add("input_tokens", &PublishedPoint::input_tokens, "prompt tokens per request").at_least(1);
    s.add("output_tokens", &PublishedPoint::output_tokens, "generated tokens per request").at_least(1);
    s.add("metric", &PublishedPoint::metric, "what the figure counts per chip");
    s.add("at_user_speed", &PublishedPoint::at_user_speed, "per-user decode speed the figure was measured at")
        .positive();
    s.add("published", &PublishedPoint::published, "the published figure per chip").positive();
    s.add("tolerance", &PublishedPoint::tolerance, "allowed relative error").at_least(0.0);
    s.add("known_miss", &PublishedPoint::known_miss,
          "why the model misses this point (it is still printed as outside on every run)")
        .default_value("");
    s.add("kind", &PublishedPoint::kind, "estimate (error either way) or upper_bound (the model may only be above)")
        .default_value(ValidationKind::estimate);
    return s;
  }();
  return schema;
}

const Schema<ValidationSet>& set_schema() {
  static const Schema<ValidationSet> schema = [] {
    Schema<ValidationSet> s("published measurements");
    s.list("points", &ValidationSet::points, point_schema(), 1);
    return s;
  }();
  return schema;
}

ValidationResult check(const PublishedPoint& p, const ModelSpec& model) {
  ValidationResult r;
  r.point = &p;
  // Decode at the middle of the generation: the prompt plus half the output.
  const std::int64_t context = p.input_tokens + p.output_tokens / 2;
  auto decode =
      sweep(p.system, model, p.precision, p.engine, decode_shape(context), default_space(p.system, model, 4096));
  const Point* best = best_decode_at(decode, p.at_user_speed.value_or(TokensPerSecond()));
  // Short prompts batch many sequences per prefill step; long ones fill the
  // engines with a few.
  SearchSpace prefill_space = default_space(p.system, model, std::max<std::int64_t>(8, 65536 / p.input_tokens));
  auto prefill = sweep(p.system, model, p.precision, p.engine, {Phase::prefill, 1, p.input_tokens, 0}, prefill_space);
  const Point* fastest_prefill = nullptr;
  for (const auto& q : prefill) {
    if (!fastest_prefill || q.summary.per_device > fastest_prefill->summary.per_device) fastest_prefill = &q;
  }
  if (best) r.decode = *best;
  if (fastest_prefill) r.prefill = *fastest_prefill;
  if (!best || !fastest_prefill || fastest_prefill->summary.per_device <= TokensPerSecond()) {
    r.error = -1.0;  // nothing fits or reaches the speed
    return r;
  }
  r.modelled = request_tokens_per_chip(p, best->summary.per_device, fastest_prefill->summary.per_device);
  r.error = r.modelled / p.published - 1.0;
  r.within = within_tolerance(p, r.error);
  return r;
}

}  // namespace

const Point* best_decode_at(const std::vector<Point>& decode, TokensPerSecond user_speed) {
  const Point* best = nullptr;
  for (const auto& q : decode) {
    if (q.summary.per_user < user_speed) continue;
    if (!best || q.summary.per_device > best->summary.per_device) best = &q;
  }
  return best;
}

TokensPerSecond request_tokens_per_chip(const PublishedPoint& p, TokensPerSecond decode_per_chip,
                                        TokensPerSecond prefill_per_chip) {
  const Seconds chip_seconds = Tokens(static_cast<double>(p.output_tokens)) / decode_per_chip +
                               Tokens(static_cast<double>(p.input_tokens)) / prefill_per_chip;
  const Tokens tokens(static_cast<double>(
      p.metric == ValidationMetric::total_tokens_per_chip ? p.input_tokens + p.output_tokens : p.output_tokens));
  return tokens / chip_seconds;
}

bool within_tolerance(const PublishedPoint& p, double error) {
  switch (p.kind) {
    case ValidationKind::estimate:
      return std::fabs(error) <= p.tolerance;
    case ValidationKind::upper_bound:
      return error >= 0 && error <= p.tolerance;
  }
  return false;
}

ValidationSet load_validation(const std::filesystem::path& file, const std::vector<std::string>& sets) {
  ConfigNode resolved;
  ValidationSet set = load_config(file, set_schema(), sets, nullptr, &resolved);
  const ConfigNode* points = resolved.find("points");
  for (std::size_t i = 0; i < set.points.size(); ++i) {
    const ConfigNode* node = points->items[i].find("model");
    std::filesystem::path path = set.points[i].model;
    if (path.is_relative() && node->loc.line > 0) path = std::filesystem::path(node->loc.file).parent_path() / path;
    set.points[i].model = path.lexically_normal().string();
  }
  return set;
}

std::vector<ValidationResult> validate(const ValidationSet& set) {
  std::vector<ValidationResult> out;
  for (const auto& p : set.points) out.push_back(check(p, load_hf_config(p.model)));
  return out;
}

}  // namespace tokenfab
