// `tokenfab validate`: prints and writes the comparison of explore/validation.h
// with published measurements.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>

#include "app/command.h"
#include "core/atomic_file.h"
#include "explore/validation.h"

namespace tokenfab {
namespace {

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

struct Options {
  std::string file = "configs/validation/published.yaml";
  std::vector<std::string> sets;
  std::string out = "out/validation";
  bool strict = false;
};

int run_validation(const Options& o) {
  ValidationSet set = load_validation(o.file, o.sets);
  auto results = validate(set);
  write_file_atomically(std::filesystem::path(o.out) / "validation.csv", validation_csv(results));
  std::cout << validation_report(results) << "  wrote " << o.out << "/validation.csv\n";
  bool all = std::all_of(results.begin(), results.end(), [](const auto& r) { return r.within; });
  return o.strict && !all ? 1 : 0;
}

}  // namespace

Command validate_command() {
  auto o = std::make_shared<Options>();
  return {"validate", "compare the model with published measurements",
          [o](CLI::App& cmd) {
            cmd.add_option("file", o->file, "published points (YAML)")->capture_default_str();
            cmd.add_option("--set", o->sets, "override key.path=value, e.g. points.0.tolerance=0.2");
            cmd.add_option("--out", o->out, "output directory")->capture_default_str();
            cmd.add_flag("--strict", o->strict, "exit with 1 when a point is outside its tolerance");
          },
          [o](const Invocation&) { return run_validation(*o); }};
}

}  // namespace tokenfab
