#include "app/validate.h"

#include <fmt/format.h>

#include <cmath>

#include "core/config_loader.h"
#include "hw/analytical/mapping_search.h"
#include "workloads/hf_config.h"
#include "workloads/workload_config.h"

namespace tokenfab {

template <>
struct EnumNames<ValidationMetric> {
  static constexpr std::array<std::pair<ValidationMetric, std::string_view>, 2> table{
      {{ValidationMetric::total_tokens_per_chip, "total_tokens_per_chip"},
       {ValidationMetric::output_tokens_per_chip, "output_tokens_per_chip"}}};
};

template <>
struct EnumNames<ValidationKind> {
  static constexpr std::array<std::pair<ValidationKind, std::string_view>, 2> table{
      {{ValidationKind::estimate, "estimate"}, {ValidationKind::upper_bound, "upper_bound"}}};
};

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
  const double floor = p.at_user_speed ? p.at_user_speed->value() : 0.0;
  const Point* best = nullptr;
  for (const auto& q : decode) {
    if (q.tokens_per_second_per_user < floor) continue;
    if (!best || q.tokens_per_second_per_device > best->tokens_per_second_per_device) best = &q;
  }
  // Short prompts batch many sequences per prefill step; long ones fill the
  // engines with a few.
  SearchSpace prefill_space = default_space(p.system, model, std::max<std::int64_t>(8, 65536 / p.input_tokens));
  auto prefill = sweep(p.system, model, p.precision, p.engine, {Phase::prefill, 1, p.input_tokens, 0}, prefill_space);
  double prefill_rate = 0;
  for (const auto& q : prefill) prefill_rate = std::max(prefill_rate, q.tokens_per_second_per_device);
  if (!best || prefill_rate <= 0) {  // nothing fits or reaches the speed
    r.error = -1.0;
    return r;
  }
  r.decode_per_chip = best->tokens_per_second_per_device;
  r.decode_user = best->tokens_per_second_per_user;
  r.decode_mapping = best->mapping.str();
  r.decode_batch = best->batch;
  r.prefill_per_chip = prefill_rate;
  const double chip_seconds = p.output_tokens / r.decode_per_chip + p.input_tokens / prefill_rate;
  const double tokens =
      p.metric == ValidationMetric::total_tokens_per_chip ? p.input_tokens + p.output_tokens : p.output_tokens;
  r.modelled = tokens / chip_seconds;
  r.error = r.modelled / p.published.value() - 1.0;
  r.within =
      p.kind == ValidationKind::estimate ? std::fabs(r.error) <= p.tolerance : r.error >= 0 && r.error <= p.tolerance;
  return r;
}

}  // namespace

ValidationSet load_validation(const std::filesystem::path& file, const std::vector<std::string>& sets) {
  ConfigNode resolved;
  ValidationSet set = load_config(file, set_schema(), sets, nullptr, &resolved);
  // Model paths are relative to the file that names them.
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

std::string validation_report(const std::vector<ValidationResult>& results) {
  std::string out = fmt::format("{:<18} {:>10} {:>10} {:>8} {:>6}  {}\n", "point", "published", "model", "error",
                                "within", "decode point used (tok/s/user, mapping, batch); prefill tok/s/chip");
  std::size_t ok = 0;
  for (const auto& r : results) {
    ok += r.within ? 1 : 0;
    out += fmt::format("{:<18} {:>10.0f} {:>10.0f} {:>+7.0f}% {:>6}  {:.0f} tok/s/user, {}, batch {}; prefill {:.0f}\n",
                       r.point->id, r.point->published.value(), r.modelled, 100 * r.error,
                       r.within ? fmt::format("{}{:.0f}%", r.point->kind == ValidationKind::upper_bound ? "+" : "±",
                                              100 * r.point->tolerance)
                                : "NO",
                       r.decode_user, r.decode_mapping, r.decode_batch, r.prefill_per_chip);
  }
  out += fmt::format("{} of {} points within their tolerance\n", ok, results.size());
  return out;
}

std::string validation_csv(const std::vector<ValidationResult>& results) {
  std::string out =
      "id,system,model,metric,published,modelled,error,tolerance,within,decode_tokens_per_s_per_chip,"
      "decode_tokens_per_s_per_user,decode_mapping,decode_batch,prefill_tokens_per_s_per_chip\n";
  for (const auto& r : results) {
    const PublishedPoint& p = *r.point;
    out += fmt::format("{},{},{},{},{:.9g},{:.9g},{:.6g},{},{},{:.9g},{:.9g},\"{}\",{},{:.9g}\n", p.id, p.system.name,
                       std::filesystem::path(p.model).stem().string(), enum_name(p.metric), p.published.value(),
                       r.modelled, r.error, p.tolerance, r.within ? 1 : 0, r.decode_per_chip, r.decode_user,
                       r.decode_mapping, r.decode_batch, r.prefill_per_chip);
  }
  return out;
}

}  // namespace tokenfab
