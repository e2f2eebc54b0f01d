// `tokenfab pareto`: prints and writes the frontier of explore/pareto.h for a
// run's model, system and context: pareto.json holds every point with its
// summary and a `frontier` flag, pareto.csv the same points flattened, which
// scripts/plot_pareto.py draws.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/command.h"
#include "app/run_options.h"
#include "core/atomic_file.h"
#include "explore/pareto.h"

namespace tokenfab {
namespace {

// pareto.json: every point with its summary and whether it is on the
// frontier; pareto.csv flattens its points, a row each.
nlohmann::ordered_json points_json(const SystemConfig& sys, const ParetoResult& p) {
  auto out = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < p.points.size(); ++i) {
    auto point = point_json(p.points[i], sys);
    point["frontier"] = static_cast<bool>(p.on_front[i]);
    out.push_back(std::move(point));
  }
  return out;
}

// `points`: the hardware bound's; `deployed_points`: with the run's engine
// terms on, when it has any.
nlohmann::ordered_json pareto_json(const LoadedRun& run, const ParetoResult& bound,
                                   const std::optional<ParetoResult>& deployed) {
  const SystemConfig& sys = run.config.system;
  nlohmann::ordered_json j;
  j["format"] = "tokenfab-pareto";
  j["schema_version"] = 1;
  j["system"] = sys.name;
  j["model"] = run.model.name;
  j["context"] = run.config.workload.context;
  j["points"] = points_json(sys, bound);
  if (deployed) j["deployed_points"] = points_json(sys, *deployed);
  return j;
}

std::string pareto_report(const LoadedRun& run, const ParetoResult& p, const char* answer) {
  const SystemConfig& sys = run.config.system;
  std::string out = fmt::format("{} decode on {} at context {}, {}: {} points, {} on the frontier\n", run.model.name,
                                sys.name, run.config.workload.context, answer, p.points.size(), p.front.size());
  out += "  tok/s/user  tok/s/chip     tok/s/MW  batch  mapping                          bound\n";
  for (const auto& q : p.front) {
    const Summary& s = q.summary;
    out +=
        fmt::format("  {:>10.1f}  {:>10.1f}  {:>11.4g}  {:>5}  {:<32} {}\n", s.per_user.value(), s.per_device.value(),
                    (s.per_watt * 1e6).value(), q.batch, q.mapping.str(), resource_key(s.bound, sys));
  }
  return out;
}

int pareto(const SearchOptions& o) {
  LoadedRun run = load(o.run);
  const RunConfig& c = run.config;
  const DecodeSearch search = decode_search(run, o.max_batch);
  ParetoResult p = find_pareto(decode_points(search, c.system, hardware_bound(c.engine)));
  std::optional<ParetoResult> deployed;
  if (has_deployment_terms(c.engine)) deployed = find_pareto(decode_points(search, c.system, c.engine));
  const auto results = pareto_json(run, p, deployed);
  const std::filesystem::path dir(o.run.out);
  write_file_atomically(dir / "pareto.json", results.dump(1) + "\n");
  write_file_atomically(dir / "pareto.csv", rows_csv(results["points"], {{"system", results["system"]},
                                                                         {"model", results["model"]},
                                                                         {"context", results["context"]}}));
  if (!o.run.quiet) {
    std::cout << pareto_report(run, p, "hardware bound");
    std::cout << (deployed ? pareto_report(run, *deployed, "deployed estimate")
                           : no_deployed_answer("deployed estimate", c.system, c.engine));
  }
  if (!o.run.quiet) std::cout << "  wrote " << o.run.out << "/pareto.json, pareto.csv\n";
  return 0;
}

}  // namespace

Command pareto_command() {
  return search_command("pareto", "throughput-interactivity frontier over mappings and batches", "out/pareto", 4096,
                        pareto);
}

}  // namespace tokenfab
