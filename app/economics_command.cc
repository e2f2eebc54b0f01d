// `tokenfab economics [run.yaml] [--market configs/economics/neocloud.yaml]`:
// the cost of a system's tokens (economics/tco.h). It prints the cost of
// ownership per chip-hour, built up from the system's price and power and
// the market's figures, then the decode frontier (throughput against speed
// per user, every mapping and batch searched) with each point's tokens per
// MW and $ per million output tokens, for the hardware bound and the
// deployed estimate, and the same at fixed speeds per user. Writes
// economics.json and economics.csv (the frontiers).
//
// With --input-tokens and --output-tokens a request's prefill is costed too:
// input and output tokens by their shares of its chip-seconds (point_row).
// A pod run file (configs/runs/pod_*.yaml) is costed with the pod as the
// unit bought (run_pod_economics).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/command.h"
#include "app/pod_run.h"
#include "app/run_options.h"
#include "app/subject_frontier.h"
#include "core/atomic_file.h"
#include "core/config_loader.h"
#include "economics/datacenter.h"
#include "economics/fleet.h"
#include "economics/tco.h"
#include "explore/mapping_search.h"
#include "explore/summary.h"
#include "explore/validation.h"
#include "serving/engine_config.h"

namespace tokenfab {
namespace {

struct EconomicsOptions {
  RunOptions run;
  std::int64_t max_batch = 256;
  std::string market = "configs/economics/neocloud.yaml";
  std::string datacenter = "configs/economics/datacenter_1gw.yaml";
  std::string tiers = "configs/economics/tiers.yaml";
  std::vector<double> speeds = {30, 100, 200, 400};
  std::int64_t input_tokens = 0, output_tokens = 0;      // a request's shape: prefill costed too
  std::string engine = "configs/engines/deployed.yaml";  // a pod's GPUs, deployed
  int max_pod_systems = 32;
};

double per_hour(DollarsPerSecond d) { return d.value() * 3600.0; }
double per_mtok(DollarsPerToken d) { return d.value() * 1e6; }

// A decode point's row. With a request shape and the prefill rate per chip,
// input and output tokens are costed by their shares of the request's
// chip-seconds (input / prefill rate, output / decode rate):
//   $ per input token  = TCO per chip-second / prefill tokens per chip-second
//   $ per output token = TCO per chip-second / decode tokens per chip-second
//   blended            = TCO x (input / prefill + output / decode) / (input + output)
nlohmann::ordered_json point_row(const Point& p, const Tco& t, const Market& m, const char* answer,
                                 const std::optional<Point>& prefill = std::nullopt, std::int64_t input = 0,
                                 std::int64_t output = 0) {
  nlohmann::ordered_json row = {{"answer", answer},
                                {"tokens_per_s_per_user", p.summary.per_user.value()},
                                {"tokens_per_s_per_chip", p.summary.per_device.value()},
                                {"tokens_per_s_per_mw", (p.summary.per_watt * 1e6).value()},
                                {"dollars_per_mtok", per_mtok(cost_per_token(t, p.summary.per_device, m.utilisation))},
                                {"mapping", p.mapping.label()},
                                {"batch", p.batch}};
  if (prefill) {
    const TokensPerSecond total =
        tokens_per_chip_second(input, output, input + output, p.summary.per_device, prefill->summary.per_device);
    row["dollars_per_mtok_input"] = per_mtok(cost_per_token(t, prefill->summary.per_device, m.utilisation));
    row["dollars_per_mtok_blended"] = per_mtok(cost_per_token(t, total, m.utilisation));
    row["total_tokens_per_s_per_mw"] = total.value() / t.power.value() * 1e6;
  }
  return row;
}

// The data center over the tiers: the printed lines and the JSON.
std::pair<std::string, nlohmann::ordered_json> datacenter_section(const DataCenter& dc, const TierTable& tiers,
                                                                  const DataCenterResult& d) {
  std::string text =
      fmt::format("    {}{}: {:.3g}M tok/s, ${:.1f}B revenue a year, ${:.1f}B cost, margin ${:.1f}B;", dc.name,
                  tiers.allocation == Allocation::fixed ? ", fixed shares"
                  : d.upper_bound ? ", optimised without a demand limit on every tier (an upper bound)"
                                  : fmt::format(", optimised under demand limits ({} unused)", to_string(d.unused)),
                  d.tokens_per_s / 1e6, d.revenue_per_year.value() / 1e9, d.cost_per_year.value() / 1e9,
                  (d.revenue_per_year - d.cost_per_year).value() / 1e9);
  nlohmann::ordered_json dj = {{"datacenter", dc.name},
                               {"allocation", std::string(enum_name(tiers.allocation))},
                               {"upper_bound", d.upper_bound},
                               {"tokens_per_s", d.tokens_per_s},
                               {"revenue_per_year", d.revenue_per_year.value()},
                               {"cost_per_year", d.cost_per_year.value()}};
  dj["tiers"] = nlohmann::ordered_json::array();
  for (const TierResult& r : d.tiers) {
    text += r.served ? fmt::format(" {} {:.3g}M tok/s ${:.1f}B;", r.name, r.tokens_per_s / 1e6,
                                   r.revenue_per_year.value() / 1e9)
                     : fmt::format(" {} none fast enough;", r.name);
    dj["tiers"].push_back({{"tier", r.name},
                           {"served", r.served},
                           {"unit", r.unit},
                           {"power_w", r.power.value()},
                           {"tokens_per_s", r.tokens_per_s},
                           {"units", r.units},
                           {"revenue_per_year", r.revenue_per_year.value()},
                           {"cost_per_year", r.cost_per_year.value()}});
  }
  text.back() = '\n';
  return {text, dj};
}

// A pod run file (configs/runs/pod_*.yaml): the pod is the unit bought, and
// its frontier comes from explore/pod_estimate.h's points, every make-up of
// 1 to `max_pod_systems` attention racks on its LPX pool searched.
int run_pod_economics(const EconomicsOptions& o, const Market& market, const DataCenter& dc, const TierTable& tiers) {
  if (!o.run.system.empty() || !o.run.model.empty() || !o.run.sets.empty())
    throw InputError({o.run.run_file}, "a pod run file takes no --system, --model or --set: edit the file");
  const EngineConfig engine = load_config(o.engine, engine_schema());
  ModelCache models;
  const Subject s = load_subject({"pod", "", "", o.run.run_file, ""}, engine, o.max_batch, o.max_pod_systems, models,
                                 tier_contexts(tiers));
  const Unit one = combined_unit(s.name, {{&s.gpu, 1}, {&*s.lpx, s.lpx_systems}}, market);
  nlohmann::ordered_json j = {{"format", "tokenfab-economics"},
                              {"schema_version", 1},
                              {"pod", s.name},
                              {"market", market.name},
                              {"power_basis", "all-in power per chip (host, network and cooling share)"}};
  j["pod_of_one_rack"] = {{"cost_per_hour", one.cost.value() * 3600},
                          {"all_in_power_w", one.power.value()},
                          {"lpu_power_w", one.lpu_power.value()},
                          {"chips", one.chips}};
  std::string text = fmt::format(
      "{}; market: {}\n  a pod of 1 x {} + {} x {}: ${:.0f} an hour, {} all-in ({:.0f}% of it LPUs), {} chips; each "
      "more attention rack on the same LPX pool adds ${:.0f} an hour and {}; tokens per MW below are per MW all-in\n",
      s.name, market.name, s.gpu.name, s.lpx_systems, s.lpx->name, one.cost.value() * 3600, to_string(one.power),
      100 * (one.lpu_power / one.power), one.chips, tco_per_chip(s.gpu, market).total().value() * 3600 * s.gpu.chips,
      to_string(s.gpu.economics.all_in_power_per_chip * static_cast<double>(s.gpu.chips)));
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const bool bound : {true, false}) {
    const char* name = bound ? "bound" : "deployed";
    const std::vector<TierPoint> points = priced(s, bound, market, {});
    for (const TierPoint& p : frontier(points)) {
      rows.push_back({{"answer", name},
                      {"tokens_per_s_per_user", p.per_user.value()},
                      {"tokens_per_s_per_mw", p.tokens_per_s_per_mw},
                      {"dollars_per_mtok", cheapest_at({p}, p.per_user, market.utilisation)->value() * 1e6},
                      {"unit", p.unit.name}});
    }
    text +=
        bound ? "  hardware bound:" : "  deployed estimate (the GPUs under " + o.engine + ", the LPUs as compiled):";
    for (double v : o.speeds) {
      const double per_mw = per_mw_at(points, TokensPerSecond(v));
      const auto cost = cheapest_at(points, TokensPerSecond(v), market.utilisation);
      text += cost ? fmt::format(" {:.0f} tok/s/user: ${:.2f}/Mtok ({:.0f} tok/s/MW);", v, cost->value() * 1e6, per_mw)
                   : fmt::format(" {:.0f} tok/s/user: none;", v);
    }
    text.back() = '\n';
    const auto [lines, dj] = datacenter_section(
        dc, tiers,
        spread_over_tiers(dc, with_context(tiers, s.context), market.utilisation, priced(s, bound, market, {}, true)));
    text += lines;
    j[std::string("datacenter_") + name] = dj;
  }
  j["frontiers"] = rows;
  const std::filesystem::path out(o.run.out);
  write_file_atomically(out / "economics.json", j.dump(1) + "\n");
  write_file_atomically(out / "economics.csv", rows_csv(rows, {{"pod", s.name}, {"market", market.name}}));
  if (!o.run.quiet) std::cout << text << "  wrote " << o.run.out << "/economics.json, economics.csv\n";
  return 0;
}

int run_economics(const EconomicsOptions& o) {
  const Market market = load_config(o.market, market_schema());
  const DataCenter dc = load_config(o.datacenter, datacenter_schema());
  const TierTable tiers = load_config(o.tiers, tier_table_schema());
  if (is_pod_run(o.run.run_file)) return run_pod_economics(o, market, dc, tiers);
  const LoadedRun run = load(o.run);
  const RunConfig& c = run.config;
  const SystemConfig& sys = c.system;
  const Tco t = tco_per_chip(sys, market);
  DecodeSearch search = decode_search(run, o.max_batch);
  const bool requests = o.input_tokens > 0 && o.output_tokens > 0;
  if ((o.input_tokens > 0) != (o.output_tokens > 0))
    throw InputError({"--input-tokens"}, "give both --input-tokens and --output-tokens, or neither");
  // Decode at the middle of the generation, as the validation does.
  if (requests) search.context = o.input_tokens + o.output_tokens / 2;

  nlohmann::ordered_json j = {{"format", "tokenfab-economics"},
                              {"schema_version", 1},
                              {"system", sys.name},
                              {"model", run.model.name},
                              {"context", c.workload.context},
                              {"market", market.name},
                              {"power_basis", "all-in power per chip (host, network and cooling share)"}};
  j["tco_per_chip_hour"] = {{"total", per_hour(t.total())},
                            {"capital", per_hour(t.capital)},
                            {"electricity", per_hour(t.electricity)},
                            {"facility", per_hour(t.facility)},
                            {"opex", per_hour(t.opex)},
                            {"capex_per_chip", t.capex_per_chip.value()},
                            {"all_in_power_w", t.power.value()}};
  std::string text = fmt::format(
      "{} on {}, context {}; market: {}\n  cost of ownership: ${:.2f} per chip-hour (capital {:.2f}, electricity "
      "{:.2f}, facility {:.2f}, operations {:.2f}; ${:.0f} of capex and {} all-in per chip)\n",
      run.model.name, sys.name, c.workload.context, market.name, per_hour(t.total()), per_hour(t.capital),
      per_hour(t.electricity), per_hour(t.facility), per_hour(t.opex), t.capex_per_chip.value(), to_string(t.power));
  if (market.utilisation < 1)
    text += fmt::format("  busy {:.0f}% of the time: costs per token divided by that\n", 100 * market.utilisation);
  // The power basis: tokens per MW below are per MW of all-in power, as
  // InferenceX counts it; the JSON rows also give them per MW of rack IT
  // power and of chip TDP (NVIDIA's charts do not say which basis they use).
  const std::optional<Watts> rack_it = sys.economics.system_power
                                           ? std::optional(*sys.economics.system_power / static_cast<double>(sys.chips))
                                           : std::nullopt;
  text += fmt::format("  power basis: all-in {} per chip{}, chip TDP {}; tokens per MW below are per MW all-in\n",
                      to_string(t.power), rack_it ? " (rack IT " + to_string(*rack_it) + ")" : std::string(),
                      to_string(sys.chip.tdp));
  j["power_per_chip_w"] = {{"all_in", t.power.value()},
                           {"rack_it", rack_it ? nlohmann::ordered_json(rack_it->value()) : nlohmann::ordered_json()},
                           {"chip_tdp", sys.chip.tdp.value()}};
  if (requests) {
    text += fmt::format(
        "  requests of {} tokens in and {} out (decode at context {}): input tokens costed by their prefill "
        "chip-seconds, output by decode's\n",
        o.input_tokens, o.output_tokens, search.context);
    j["request"] = {{"input_tokens", o.input_tokens}, {"output_tokens", o.output_tokens}};
  }

  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  const AnswerPoints answers = answer_points(search, sys, c.engine);
  std::optional<Subject> at_contexts;
  if (!tier_contexts(tiers).empty()) at_contexts = system_subject(run, o.max_batch, tier_contexts(tiers));
  for (const auto& [name, answer] : {std::pair{"bound", &answers.bound}, std::pair{"deployed", &answers.deployed}}) {
    if (answer->empty()) continue;
    const std::vector<Point>& points = *answer;
    std::optional<Point> prefill;
    if (requests) {
      const EngineConfig engine = name == std::string("bound") ? hardware_bound(c.engine) : c.engine;
      prefill = best_prefill_point(sys, run.model, c.precision, engine, o.input_tokens, sys.chips);
      if (!prefill)
        throw InputError({o.run.run_file}, fmt::format("no prefill of {} tokens fits {}", o.input_tokens, sys.name));
    }
    auto row_of = [&](const Point& p) {
      nlohmann::ordered_json row = point_row(p, t, market, name, prefill, o.input_tokens, o.output_tokens);
      const double per_chip = p.summary.per_device.value() * 1e6;
      if (rack_it) row["tokens_per_s_per_mw_rack_it"] = per_chip / rack_it->value();
      row["tokens_per_s_per_mw_chip_tdp"] = per_chip / sys.chip.tdp.value();
      return row;
    };
    for (const Point& p : pareto_front(points)) rows.push_back(row_of(p));
    text += fmt::format("  {}:", name == std::string("bound") ? "hardware bound" : "deployed estimate");
    nlohmann::ordered_json at = nlohmann::ordered_json::array();
    for (double v : o.speeds) {
      const Point* p = most_per_device(points, TokensPerSecond(v));
      if (!p) {
        text += fmt::format(" {:.0f} tok/s/user: none;", v);
        continue;
      }
      const auto row = row_of(*p);
      at.push_back(row);
      text += requests
                  ? fmt::format(
                        " {:.0f} tok/s/user: ${:.2f}/Mtok out, ${:.3f} in, ${:.2f} blended ({:.0f} "
                        "tok/s/MW in and out);",
                        v, row["dollars_per_mtok"].get<double>(), row["dollars_per_mtok_input"].get<double>(),
                        row["dollars_per_mtok_blended"].get<double>(), row["total_tokens_per_s_per_mw"].get<double>())
                  : fmt::format(" {:.0f} tok/s/user: ${:.2f}/Mtok ({:.0f} tok/s/MW);", v,
                                row["dollars_per_mtok"].get<double>(), row["tokens_per_s_per_mw"].get<double>());
    }
    text.back() = '\n';
    j[std::string("at_speed_") + name] = at;

    // Tiers that name their context are served by points searched at it.
    const DataCenterResult d =
        spread_over_tiers(dc, with_context(tiers, c.workload.context), market.utilisation,
                          at_contexts ? priced(*at_contexts, name == std::string("bound"), market, {}, true)
                                      : tier_points(points, system_unit(sys, market), c.workload.context));
    const auto [lines, dj] = datacenter_section(dc, tiers, d);
    text += lines;
    j[std::string("datacenter_") + name] = dj;
  }
  j["frontiers"] = rows;
  const std::filesystem::path out(o.run.out);
  write_file_atomically(out / "economics.json", j.dump(1) + "\n");
  write_file_atomically(out / "economics.csv", rows_csv(rows, {{"system", sys.name}, {"market", market.name}}));
  if (!o.run.quiet) std::cout << text << "  wrote " << o.run.out << "/economics.json, economics.csv\n";
  return 0;
}

}  // namespace

Command economics_command() {
  auto o = std::make_shared<EconomicsOptions>();
  o->run.out = "out/economics";
  o->run.searches_mapping = true;
  return {
      "economics", "cost of ownership per chip-hour and $ per million tokens along the decode frontier",
      [o](CLI::App& cmd) {
        add_run_options(cmd, o->run, "output directory");
        add_max_batch(cmd, o->max_batch);
        cmd.add_option("--market", o->market, "market and facility figures (YAML)")->capture_default_str();
        cmd.add_option("--datacenter", o->datacenter, "data center (YAML)")->capture_default_str();
        cmd.add_option("--tiers", o->tiers, "price tiers and power shares (YAML)")->capture_default_str();
        cmd.add_option("--input-tokens", o->input_tokens,
                       "a request's prompt: with --output-tokens, input tokens are costed by prefill's chip-seconds")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--output-tokens", o->output_tokens, "a request's generated tokens")->check(CLI::PositiveNumber);
        cmd.add_option("--engine", o->engine, "for a pod run file: the GPUs' deployed engine (YAML)")
            ->capture_default_str();
        cmd.add_option("--max-pod-systems", o->max_pod_systems,
                       "for a pod run file: most attention racks sharing its LPX pool")
            ->capture_default_str()
            ->check(CLI::PositiveNumber);
      },
      [o](const Invocation&) { return run_economics(*o); }};
}

}  // namespace tokenfab
