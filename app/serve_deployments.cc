#include "app/serve_options.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "app/deployment.h"
#include "core/atomic_file.h"
#include "serving/goodput.h"

namespace tokenfab {

int serve_deployment(const ServeOptions& o, const Invocation& invocation, const std::optional<RequestTrace>& trace) {
  if (o.engine != "analytical")
    throw InputError({"engine"},
                     "a deployment's pools are timed by the analytical step model (SystemC elaborates "
                     "one replica per process; serve a run file with --engine systemc)");
  if (sets_run_limits(o))
    throw InputError({"serve"}, "a deployment sets its replicas and batch limits in its file (change them with --set)");
  const LoadedDeployment loaded = load_deployment(o.run.run_file, o.run.sets);
  const Deployment& d = loaded.deployment;
  const DeploymentRun built(loaded, o.bound);
  Served s;
  s.run = built.simulate(request_load(o, trace), routing_of(o), prefix_blocks_of(o, trace));
  s.devices = built.devices();
  s.kv_pool = built.kv_pool();
  s.kv_blocks = built.pools().back().scheduler.kv_blocks;
  s.timeline_system = &built.pools().back().pool->system;
  s.answer = o.bound || !has_deployment_terms(d.engine) ? "hardware bound" : "deployed estimate";
  s.json["deployment"] = d.name;
  s.json["style"] = std::string(enum_name(d.style));
  s.json["model"] = loaded.model.name;
  s.json["routing"] = o.routing;
  nlohmann::ordered_json pools = nlohmann::ordered_json::array();
  s.header.push_back(fmt::format("{} ({}): {} on {}, {} requests, {} steps", d.name, enum_name(d.style),
                                 loaded.model.name, d.pod.name, s.run.requests.size(), s.run.steps.size()));
  s.header.push_back(
      fmt::format("  {}: GPU pools with {}; LPU pools with no deployment terms", s.answer,
                  s.answer == "hardware bound" ? "every deployment term off" : "the deployment's engine terms"));
  for (const BuiltPool& p : built.pools()) {
    nlohmann::ordered_json pj{{"role", p.label},
                              {"pool", p.pool->name},
                              {"system", p.pool->system.name},
                              {"mapping", p.mapping.str()},
                              {"replicas", p.replicas},
                              {"devices", p.devices},
                              {"engine", p.deployed ? "deployed estimate"
                                         : p.lpu    ? "hardware bound (LPU)"
                                                    : "hardware bound"}};
    pj["scheduler"] = scheduler_json(p.scheduler);
    pools.push_back(pj);
    const std::string ffn =
        p.devices > p.replicas * p.mapping.replica_devices()
            ? fmt::format(" with {} LPUs for the FFN", p.devices - p.replicas * p.mapping.replica_devices())
            : "";
    s.header.push_back(fmt::format("  {}: {} x {} on {}{} ({} devices); {}", p.label, p.replicas, p.mapping.label(),
                                   p.pool->system.name, ffn, p.devices, scheduler_line(p.scheduler)));
  }
  s.json["pools"] = pools;
  if (built.pools().size() > 1) {
    const KvLink& k = built.kv_link();
    s.json["kv_transfer"] = {{"overhead_s", k.overhead.value()},
                             {"latency_s", k.latency.value()},
                             {"sending_bytes_per_s", k.sending.value()},
                             {"taking_bytes_per_s", k.taking.value()},
                             {"bytes_per_token", k.per_token.value()}};
    s.header.push_back(fmt::format("  KV transfer over {}: {:.1f} kB a token, {} fixed, ports {} out and {} in",
                                   d.pod.interconnect.name, k.per_token.value() / 1e3,
                                   to_string(k.overhead + k.latency), to_string(k.sending), to_string(k.taking)));
  }
  return report(o, invocation, trace, s);
}

int serve_comparison(const ServeOptions& o, const Invocation& invocation, const std::optional<RequestTrace>& trace) {
  if (o.engine != "analytical" || sets_run_limits(o))
    throw InputError({"compare"}, "--compare serves deployment files, whose pools set their own replicas and limits");
  std::vector<std::string> files{o.run.run_file};
  files.insert(files.end(), o.compare.begin(), o.compare.end());
  const Slo slo{Seconds(o.ttft_slo > 0 ? o.ttft_slo : 1e300), Seconds(o.tpot_slo > 0 ? o.tpot_slo : 1e300)};
  if (o.goodput > 0 && (!(o.rate > 0) || (o.ttft_slo <= 0 && o.tpot_slo <= 0)))
    throw InputError({"goodput"}, "--goodput searches the Poisson --rate, starting there, under --ttft-slo/--tpot-slo");
  struct Row {
    std::string name, style;
    int devices = 0;
    ServingMetrics m;
    double goodput = 0;  // requests/s
  };
  std::vector<Row> rows;
  nlohmann::ordered_json j;
  j["command"] = "serve";
  j["arguments"] = invocation.arguments;
  j["load"] = load_text(o);
  j["answer"] = o.bound ? "hardware bound" : "deployed estimate (GPU pools; LPU pools at their bound)";
  j["deployments"] = nlohmann::ordered_json::array();
  for (const auto& file : files) {
    if (!is_deployment(file)) throw InputError({"compare"}, file + ": not a deployment file (it has no `style:`)");
    const LoadedDeployment loaded = load_deployment(file, o.run.sets);
    const DeploymentRun built(loaded, o.bound);
    const ServingRun run = built.simulate(request_load(o, trace), routing_of(o), prefix_blocks_of(o, trace));
    auto metrics_of = [&](const ServingRun& r) {
      return serving_metrics(r, slo, built.devices(), built.pools().back().scheduler.kv_blocks, built.kv_pool());
    };
    Row row{loaded.deployment.name, std::string(enum_name(loaded.deployment.style)), built.devices(), metrics_of(run)};
    if (o.goodput > 0) {
      row.goodput = goodput_rate(
          [&](double rate) {
            ServeOptions at = o;
            at.rate = rate;
            return metrics_of(built.simulate(request_load(at, trace), routing_of(o), prefix_blocks_of(o, trace)))
                .slo_attainment;
          },
          o.goodput, o.rate);
    }
    j["deployments"].push_back({{"file", file},
                                {"name", row.name},
                                {"style", row.style},
                                {"devices", row.devices},
                                {"ttft_s", percentiles_json(row.m.ttft)},
                                {"tpot_s", percentiles_json(row.m.tpot)},
                                {"e2e_s", percentiles_json(row.m.e2e)},
                                {"tokens_per_s_per_device", row.m.tokens_per_second_per_device},
                                {"slo_attainment", row.m.slo_attainment},
                                {"goodput_requests_per_s", row.goodput}});
    rows.push_back(std::move(row));
  }
  write_file_atomically(std::filesystem::path(o.run.out) / "serving_compare.json", j.dump(2) + "\n");
  if (o.run.quiet) return 0;
  auto ms = [](Seconds t) { return 1e3 * t.value(); };
  std::cout << fmt::format("{} on each deployment, {}:\n", load_text(o), j["answer"].get<std::string>());
  std::cout << fmt::format("  {:<48} {:>7} {:>17} {:>15} {:>15} {:>9} {:>5}\n", "deployment", "devices",
                           "TTFT p50/p99 ms", "TPOT p50/p99 ms", "E2E p50/p99 s", "tok/s/dev", "SLO");
  for (const Row& r : rows) {
    std::cout << fmt::format(
        "  {:<48} {:>7} {:>8.1f}/{:<8.1f} {:>7.2f}/{:<7.2f} {:>7.2f}/{:<7.2f} {:>9.0f} {:>4.0f}%\n", r.name, r.devices,
        ms(r.m.ttft.p50), ms(r.m.ttft.p99), ms(r.m.tpot.p50), ms(r.m.tpot.p99), r.m.e2e.p50.value(),
        r.m.e2e.p99.value(), r.m.tokens_per_second_per_device, 100 * r.m.slo_attainment);
  }
  const ServingMetrics& base = rows.front().m;
  std::cout << fmt::format("  against {} (p50; E2E also p99):\n", rows.front().name);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const ServingMetrics& m = rows[i].m;
    std::cout << fmt::format("  {:<48} TTFT {:.2f}  TPOT {:.2f}  E2E {:.2f} (p99 {:.2f})\n", rows[i].name,
                             m.ttft.p50 / base.ttft.p50, m.tpot.p50 / base.tpot.p50, m.e2e.p50 / base.e2e.p50,
                             m.e2e.p99 / base.e2e.p99);
  }
  if (o.ttft_slo > 0 || o.tpot_slo > 0)
    std::cout << fmt::format("  SLO: TTFT <= {:.0f} ms and TPOT <= {:.1f} ms\n", 1e3 * o.ttft_slo, 1e3 * o.tpot_slo);
  if (o.goodput > 0) {
    std::cout << fmt::format("  goodput, the highest Poisson rate with at least {:.0f}% of requests within the SLO:\n",
                             100 * o.goodput);
    const double first = rows.front().goodput / rows.front().devices;
    for (const Row& r : rows) {
      const double per = r.goodput / r.devices;
      std::cout << fmt::format("  {:<48} {:>8.2f} requests/s, {:.3f} per device ({:.2f}x the first)\n", r.name,
                               r.goodput, per, per / first);
    }
  }
  std::cout << "  wrote " << o.run.out << "/serving_compare.json\n";
  return 0;
}

}  // namespace tokenfab
