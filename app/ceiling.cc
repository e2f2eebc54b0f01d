// `tokenfab ceiling`: prints and writes the ceiling search of
// explore/ceiling.h for a run's model, system and context.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/run_options.h"
#include "core/atomic_file.h"
#include "explore/ceiling.h"

namespace tokenfab {
namespace {

std::string ceiling_report(const LoadedRun& run, const CeilingResult& c) {
  const SystemConfig& sys = run.config.system;
  const Point& p = c.best;
  const Summary& b = p.summary;
  const Seconds total = b.breakdown.total();
  std::string out = fmt::format("{} on {}, decode at context {}: {} mappings and batches searched\n", run.model.name,
                                sys.name, run.config.workload.context, c.points);
  out += fmt::format("  ceiling: {:.0f} tok/s per user ({}, batch {}, {} per token)\n", b.per_user.value(),
                     p.mapping.label(), p.batch, to_string(b.step_time));
  out += fmt::format("  limiting term: {} ({:.0f}% of the token time)\n", resource_key(b.bound, sys),
                     100.0 * b.breakdown[b.bound].value() / total.value());
  out += "  token time by resource:";
  for (Resource r : kResources) {
    if (r == Resource::scale_out && !sys.chip.scale_out) continue;
    out += fmt::format(" {} {}", resource_key(r, sys), to_string(b.breakdown[r]));
  }
  out += "\n  next fastest mappings:\n";
  for (const auto& q : c.runners_up) {
    out += fmt::format("    {:>24}  batch {:>4}  {:>6.0f} tok/s/user  bound {}\n", q.mapping.label(), q.batch,
                       q.summary.per_user.value(), resource_key(q.summary.bound, sys));
  }
  out += "  sensitivity (ceiling after one change):\n";
  for (const auto& s : c.sensitivity) {
    out += fmt::format("    {:<28} {:>6.0f} tok/s/user ({:+.0f}%)  {}  bound {}\n", s.change,
                       s.best.summary.per_user.value(), 100.0 * (s.best.summary.per_user / b.per_user - 1.0),
                       s.best.mapping.label(), resource_key(s.best.summary.bound, sys));
  }
  return out;
}

nlohmann::ordered_json ceiling_json(const LoadedRun& run, const CeilingResult& c) {
  const SystemConfig& sys = run.config.system;
  nlohmann::ordered_json j;
  j["format"] = "tokenfab-ceiling";
  j["schema_version"] = 2;  // 2: points carry the summary of explore/summary.h
  j["model"] = run.model.name;
  j["system"] = sys.name;
  j["context"] = run.config.workload.context;
  j["points_searched"] = c.points;
  j["best"] = point_json(c.best, sys);
  j["runners_up"] = nlohmann::ordered_json::array();
  for (const auto& p : c.runners_up) j["runners_up"].push_back(point_json(p, sys));
  j["sensitivity"] = nlohmann::ordered_json::array();
  for (const auto& s : c.sensitivity) {
    auto entry = point_json(s.best, sys);
    entry["change"] = s.change;
    j["sensitivity"].push_back(entry);
  }
  return j;
}

// The deployed ceiling: the fastest point per user with the run's engine terms on.
std::string deployed_report(const LoadedRun& run, const std::optional<Point>& deployed) {
  if (!deployed) return no_deployed_answer("deployed ceiling", run.config.system, run.config.engine);
  const SystemConfig& sys = run.config.system;
  const Summary& b = deployed->summary;
  return fmt::format(
      "  deployed ceiling: {:.0f} tok/s per user ({}, batch {}, {} per token), limiting term {} ({:.0f}%)\n",
      b.per_user.value(), deployed->mapping.label(), deployed->batch, to_string(b.step_time),
      resource_key(b.bound, sys), 100.0 * b.breakdown[b.bound].value() / b.breakdown.total().value());
}

int ceiling(const SearchOptions& o) {
  LoadedRun run = load(o.run);
  const DecodeSearch search = decode_search(run, o.max_batch);
  // The hardware bound, with its sensitivity; then the deployment's ceiling.
  CeilingResult c = find_ceiling(search, run.config.system, hardware_bound(run.config.engine));
  std::optional<Point> deployed;
  if (has_deployment_terms(run.config.engine))
    deployed = fastest(decode_points(search, run.config.system, run.config.engine));
  auto j = ceiling_json(run, c);
  j["answer"] = "best and sensitivity: hardware bound; deployed: the run's engine terms";
  if (deployed) j["deployed"] = point_json(*deployed, run.config.system);
  write_file_atomically(std::filesystem::path(o.run.out) / "ceiling.json", j.dump(1) + "\n");
  if (!o.run.quiet)
    std::cout << "hardware bound (what the hardware allows):\n"
              << ceiling_report(run, c) << deployed_report(run, deployed) << "  wrote " << o.run.out
              << "/ceiling.json\n";
  return 0;
}

}  // namespace

Command ceiling_command() {
  return search_command("ceiling", "search mappings and batches for the fastest decode per user", "out/ceiling", 256,
                        ceiling);
}

}  // namespace tokenfab
