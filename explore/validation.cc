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
    s.add("published_per_mw", &PublishedPoint::published_per_watt,
          "the publisher's tokens/s per MW of all-in power at the point, e.g. 2.76 Mtok/s/MW")
        .positive();
    s.add("published_cost", &PublishedPoint::published_cost, "the publisher's $ per million tokens at the point")
        .positive();
    s.add("cost_tolerance", &PublishedPoint::cost_tolerance, "allowed relative error of the cost")
        .default_value(0.5)
        .at_least(0.0);
    return s;
  }();
  return schema;
}

const Schema<ValidationSet>& set_schema() {
  static const Schema<ValidationSet> schema = [] {
    Schema<ValidationSet> s("published measurements");
    s.list("points", &ValidationSet::points, point_schema(), 1);
    s.add("market", &ValidationSet::market, "market the published costs are checked with (YAML)")
        .default_value(std::string());
    return s;
  }();
  return schema;
}

// The point's economics at the modelled tokens per chip.
void check_economics(const PublishedPoint& p, const std::optional<Market>& market, ValidationResult& r) {
  if (p.published_per_watt) {
    const TokensPerJoule modelled = r.modelled / p.system.economics.all_in_power_per_chip;
    r.per_watt_error = modelled / *p.published_per_watt - 1.0;
  }
  if (!p.published_cost) return;
  if (!market) {
    r.cost_note = "the validation set names no market";
  } else if (!p.system.economics.price) {
    r.cost_note = "the system states no price";
  } else {
    const DollarsPerToken modelled = cost_per_token(tco_per_chip(p.system, *market), r.modelled, 1.0);
    r.cost_error = modelled / *p.published_cost - 1.0;
  }
}

ValidationResult check(const PublishedPoint& p, const ModelSpec& model, const std::optional<Market>& market) {
  ValidationResult r;
  r.point = &p;
  const RequestPoints best =
      best_request_points(p.system, model, p.precision, p.engine, p.input_tokens, p.output_tokens, 4096, p.system.chips,
                          p.at_user_speed.value_or(TokensPerSecond()));
  r.decode = best.decode;
  r.prefill = best.prefill;
  if (!best.decode || !best.prefill || best.prefill->summary.per_device <= TokensPerSecond()) {
    r.error = -1.0;  // nothing fits or reaches the speed
    return r;
  }
  r.modelled = request_tokens_per_chip(p, best.decode->summary.per_device, best.prefill->summary.per_device);
  r.error = r.modelled / p.published - 1.0;
  r.within = within_tolerance(p, r.error);
  check_economics(p, market, r);
  return r;
}

}  // namespace

bool ValidationResult::economics_within() const {
  return (!per_watt_error || within_tolerance(*point, *per_watt_error)) &&
         (!cost_error || std::fabs(*cost_error) <= point->cost_tolerance);
}

RequestPoints best_request_points(const SystemConfig& system, const ModelSpec& model, const Precision& precision,
                                  const EngineConfig& engine, std::int64_t input, std::int64_t output,
                                  std::int64_t max_batch, int max_devices, TokensPerSecond user_speed) {
  // Decode at the middle of the generation: the prompt plus half the output.
  SearchSpace decode_space = default_space(system, model, max_batch);
  decode_space.max_devices = max_devices;
  const auto decode = sweep(system, model, precision, engine, decode_shape(input + output / 2), decode_space);
  RequestPoints out;
  if (const Point* d = most_per_device(decode, user_speed)) out.decode = *d;
  out.prefill = best_prefill_point(system, model, precision, engine, input, max_devices);
  return out;
}

std::optional<Point> best_prefill_point(const SystemConfig& system, const ModelSpec& model, const Precision& precision,
                                        const EngineConfig& engine, std::int64_t input, int max_devices) {
  // Short prompts batch many sequences per prefill step; long ones fill the
  // engines with a few.
  SearchSpace space = default_space(system, model, std::max<std::int64_t>(8, 65536 / input));
  space.max_devices = max_devices;
  const auto prefill = sweep(system, model, precision, engine, {Phase::prefill, 1, input, 0}, space);
  if (const Point* p = most_per_device(prefill)) return *p;
  return std::nullopt;
}

TokensPerSecond tokens_per_chip_second(std::int64_t input, std::int64_t output, std::int64_t counted,
                                       TokensPerSecond decode_per_chip, TokensPerSecond prefill_per_chip) {
  const Seconds chip_seconds =
      Tokens(static_cast<double>(output)) / decode_per_chip + Tokens(static_cast<double>(input)) / prefill_per_chip;
  return Tokens(static_cast<double>(counted)) / chip_seconds;
}

TokensPerSecond request_tokens_per_chip(const PublishedPoint& p, TokensPerSecond decode_per_chip,
                                        TokensPerSecond prefill_per_chip) {
  const std::int64_t counted =
      p.metric == ValidationMetric::total_tokens_per_chip ? p.input_tokens + p.output_tokens : p.output_tokens;
  return tokens_per_chip_second(p.input_tokens, p.output_tokens, counted, decode_per_chip, prefill_per_chip);
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
  for (std::size_t i = 0; i < set.points.size(); ++i)
    set.points[i].model = path_beside(points->items[i].find("model"), set.points[i].model);
  if (!set.market.empty()) {
    set.market = path_beside(resolved.find("market"), set.market);
    set.market_config = load_config(set.market, market_schema());
  }
  return set;
}

std::vector<ValidationResult> validate(const ValidationSet& set) {
  std::vector<ValidationResult> out;
  for (const auto& p : set.points) out.push_back(check(p, load_hf_config(p.model), set.market_config));
  return out;
}

}  // namespace tokenfab
