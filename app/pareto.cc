// `tokenfab pareto`: prints and writes the frontier of explore/pareto.h for a
// run's model, system and context. pareto.csv holds every point with a
// `frontier` flag; scripts/plot_pareto.py draws one or several of them.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/command.h"
#include "app/run_options.h"
#include "core/atomic_file.h"
#include "explore/pareto.h"

namespace tokenfab {
namespace {

std::string pareto_csv(const LoadedRun& run, const ParetoResult& p) {
  const SystemConfig& sys = run.config.system;
  std::string out =
      "system,model,context,tp,attn_dp,ep,pp,batch,step_time_s,tokens_per_s_per_user,tokens_per_s_per_device,"
      "tokens_per_s_per_mw,bound,frontier\n";
  for (std::size_t i = 0; i < p.points.size(); ++i) {
    const Point& q = p.points[i];
    const Mapping& m = q.mapping;
    out += fmt::format("{},{},{},{},{},{},{},{},{:.9g},{:.9g},{:.9g},{:.9g},{},{}\n", sys.name, run.model.name,
                       run.config.workload.context, m.tp, m.attn_dp, m.ep, m.pp, q.batch, q.step_time.value(),
                       q.tokens_per_second_per_user, q.tokens_per_second_per_device, q.tokens_per_second_per_mw,
                       resource_key(q.bound, sys), p.on_front[i] ? 1 : 0);
  }
  return out;
}

std::string pareto_report(const LoadedRun& run, const ParetoResult& p) {
  const SystemConfig& sys = run.config.system;
  std::string out = fmt::format("{} decode on {} at context {}: {} points, {} on the frontier\n", run.model.name,
                                sys.name, run.config.workload.context, p.points.size(), p.front.size());
  out += "  tok/s/user  tok/s/chip     tok/s/MW  batch  mapping                          bound\n";
  for (const auto& q : p.front) {
    out += fmt::format("  {:>10.1f}  {:>10.1f}  {:>11.4g}  {:>5}  {:<32} {}\n", q.tokens_per_second_per_user,
                       q.tokens_per_second_per_device, q.tokens_per_second_per_mw, q.batch, q.mapping.str(),
                       resource_key(q.bound, sys));
  }
  return out;
}

int pareto(const SearchOptions& o) {
  LoadedRun run = load(o.run);
  const RunConfig& c = run.config;
  ParetoResult p = find_pareto(decode_points(decode_search(run, o.max_batch), c.system, c.engine));
  write_file_atomically(std::filesystem::path(o.run.out) / "pareto.csv", pareto_csv(run, p));
  if (!o.run.quiet) std::cout << pareto_report(run, p) << "  wrote " << o.run.out << "/pareto.csv\n";
  return 0;
}

}  // namespace

Command pareto_command() {
  return search_command("pareto", "throughput-interactivity frontier over mappings and batches", "out/pareto", 4096,
                        pareto);
}

}  // namespace tokenfab
