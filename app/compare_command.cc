// `tokenfab compare [generations.yaml]`: one model and workload on each
// system of a list (configs/compare/generations.yaml: Hopper to Feynman),
// side by side, both answers:
//   - the per-user ceiling and its limiting term;
//   - tokens/s per chip, per system and per MW at fixed per-user speeds
//     (the most throughput among mappings and batches at least that fast);
//   - memory per chip;
//   - for projections, the ceiling at the low and high ends of their
//     assumed parameters;
//   - between consecutive systems, the ceiling when one parameter alone
//     takes the next system's value (what each difference buys, and which
//     make no difference because another term bounds both).
// Writes compare.json, compare.md and each system's bound frontier to
// frontiers.csv; scripts/plot_compare.py draws the plots (run here when
// python3-matplotlib is installed).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "app/claims.h"
#include "app/command.h"
#include "app/run_config.h"
#include "app/run_options.h"
#include "app/subject_frontier.h"
#include "core/atomic_file.h"
#include "core/config_loader.h"
#include "economics/datacenter.h"
#include "economics/tco.h"
#include "explore/mapping_search.h"
#include "explore/summary.h"

namespace tokenfab {
namespace {

struct CompareOptions {
  std::string spec = "configs/compare/generations.yaml";
  std::string out = "out/compare";
  bool economics = false;
  std::string market = "configs/economics/neocloud.yaml";
  std::string datacenter = "configs/economics/datacenter_1gw.yaml";
  std::string tiers = "configs/economics/tiers.yaml";
  std::string claims = "configs/economics/claims.yaml";
  std::optional<int> max_pod_systems;
  bool plots = true;
};

struct Band {
  std::string key, low, high;
};
struct SystemEntry {
  std::string file;
  std::vector<Band> band;
};
struct CompareSpec {
  std::string run;
  std::int64_t max_batch = 256;
  std::vector<double> speeds;
  std::vector<SystemEntry> systems;
  std::vector<std::vector<std::string>> attribution;  // keys changed together
};

// The value written at a dotted key of a resolved document ("" if none).
std::string value_at(const ConfigNode& root, const std::string& key) {
  const ConfigNode* n = find_path(root, key);
  return n ? value_text(*n) : "";
}

// Reads the spec: a small document, checked key by key like the others.
CompareSpec load_compare_spec(const std::string& file) {
  Diagnostics d;
  const ConfigNode root = load_config_file(file, d);
  d.throw_if_any();
  CompareSpec s;
  auto need = [&](const ConfigNode& map, const char* key) -> const ConfigNode* {
    const ConfigNode* n = map.find(key);
    if (!n) d.error(map.loc, key, std::string("missing required key '") + key + "'");
    return n;
  };
  for (const auto& e : root.entries) {
    const std::vector<std::string> known = {"run", "max_batch", "speeds", "systems", "attribution"};
    if (std::find(known.begin(), known.end(), e.key) == known.end()) {
      const std::string near = nearest_name(e.key, known);
      d.error(e.key_loc, e.key, "unknown key" + (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
  }
  if (const ConfigNode* r = need(root, "run")) s.run = path_beside(r, r->scalar);
  // A positive number written at `n`, or an error there.
  auto positive = [&](const ConfigNode& n, const char* key) {
    char* end = nullptr;
    const double v = n.is_scalar() ? std::strtod(n.scalar.c_str(), &end) : 0;
    if (!end || *end != '\0' || n.scalar.empty() || !(v > 0)) {
      d.error(n.loc, key, "expected a number > 0, got '" + n.scalar + "'");
      return 1.0;
    }
    return v;
  };
  if (const ConfigNode* m = root.find("max_batch")) s.max_batch = static_cast<std::int64_t>(positive(*m, "max_batch"));
  if (const ConfigNode* v = root.find("speeds")) {
    for (const ConfigNode& x : v->items) s.speeds.push_back(positive(x, "speeds"));
  }
  if (const ConfigNode* list = need(root, "systems")) {
    for (const ConfigNode& item : list->items) {
      SystemEntry e;
      if (const ConfigNode* f = need(item, "file")) e.file = path_beside(f, f->scalar);
      if (const ConfigNode* b = item.find("band")) {
        for (const ConfigNode& x : b->items) {
          const ConfigNode *k = need(x, "key"), *lo = need(x, "low"), *hi = need(x, "high");
          if (k && lo && hi) e.band.push_back({k->scalar, lo->scalar, hi->scalar});
        }
      }
      s.systems.push_back(e);
    }
  }
  if (const ConfigNode* a = root.find("attribution")) {
    for (const ConfigNode& x : a->items) {
      std::vector<std::string> keys;
      if (x.is_sequence()) {
        for (const ConfigNode& k : x.items) keys.push_back(k.scalar);
      } else {
        keys.push_back(x.scalar);
      }
      s.attribution.push_back(keys);
    }
  }
  d.throw_if_any();
  if (s.systems.empty()) throw InputError({file}, "systems: expected at least one system");
  return s;
}

double ceiling_of(const ConfigNode& document, const std::vector<std::string>& sets, std::int64_t max_batch,
                  ModelCache& models) {
  const LoadedRun run = bind_run(document, sets, false, &models);
  const RunConfig& c = run.config;
  return fastest(decode_points(decode_search(run, max_batch), c.system, hardware_bound(c.engine)))
      .summary.per_user.value();
}

// One answer's columns for a system.
nlohmann::ordered_json answer_json(const std::vector<Point>& points, const SystemConfig& sys,
                                   const std::vector<double>& speeds) {
  if (points.empty()) return nullptr;
  const Point& best = fastest(points);
  nlohmann::ordered_json j = {{"ceiling_tokens_per_s_per_user", best.summary.per_user.value()},
                              {"ceiling_mapping", best.mapping.label()},
                              {"limiting_term", resource_key(best.summary.bound, sys)}};
  j["at_speed"] = nlohmann::ordered_json::array();
  for (double v : speeds) {
    const Point* p = most_per_device(points, TokensPerSecond(v));
    nlohmann::ordered_json a = {{"tokens_per_s_per_user", v}};
    if (p) {
      a["tokens_per_s_per_chip"] = p->summary.per_device.value();
      a["tokens_per_s_per_system"] = p->summary.per_device.value() * sys.chips;
      a["tokens_per_s_per_mw"] = (p->summary.per_watt * 1e6).value();
      a["mapping"] = p->mapping.label();
      a["batch"] = p->batch;
    }
    j["at_speed"].push_back(a);
  }
  return j;
}

std::string cell(const nlohmann::ordered_json& a, const char* key) {
  return a.contains(key) ? fmt::format("{:.0f}", a[key].get<double>()) : "-";
}

// One system's economics: its cost of ownership, $/Mtok at each speed and
// the data center's revenue, for both answers; or why there are none.
nlohmann::ordered_json economics_json(const Economy& e, const LoadedRun& run, const AnswerPoints& s,
                                      const std::vector<double>& speeds, std::int64_t max_batch) {
  const SystemConfig& sys = run.config.system;
  if (!sys.economics.price) return {{"none", "the system's config states no price"}};
  const Tco t = tco_per_chip(sys, e.market);
  // Tiers that name their context are served by points searched at it.
  std::optional<Subject> at_contexts;
  if (!tier_contexts(e.tiers).empty()) at_contexts = system_subject(run, max_batch, tier_contexts(e.tiers));
  nlohmann::ordered_json j = {{"tco_per_chip_hour", t.total().value() * 3600}};
  for (const auto& [name, points] : {std::pair{"bound", &s.bound}, std::pair{"deployed", &s.deployed}}) {
    if (points->empty()) continue;
    nlohmann::ordered_json a;
    a["dollars_per_mtok"] = nlohmann::ordered_json::array();
    for (double v : speeds) {
      const Point* p = most_per_device(*points, TokensPerSecond(v));
      a["dollars_per_mtok"].push_back(
          p ? nlohmann::ordered_json(cost_per_token(t, p->summary.per_device, e.market.utilisation).value() * 1e6)
            : nlohmann::ordered_json());
    }
    const DataCenterResult d =
        spread_over_tiers(e.datacenter, with_context(e.tiers, run.config.workload.context), e.market.utilisation,
                          at_contexts ? priced(*at_contexts, name == std::string("bound"), e.market, {}, true)
                                      : tier_points(*points, system_unit(sys, e.market)));
    a["datacenter_tokens_per_s"] = d.tokens_per_s;
    a["datacenter_revenue_per_year"] = d.revenue_per_year.value();
    a["datacenter_margin_per_year"] = (d.revenue_per_year - d.cost_per_year).value();
    j[name] = a;
  }
  return j;
}

std::string economics_md(const nlohmann::ordered_json& systems, const Economy& e, const std::vector<double>& speeds) {
  std::string md = fmt::format(
      "\n## Economics: {}; {} over {}\n\n$/Mtok of decode output at each speed per user (bound / deployed), and "
      "the data center's tokens and revenue a year.\n\n| system | TCO $/chip-h |",
      e.market.name, e.datacenter.name, e.tiers.name);
  for (double v : speeds) md += fmt::format(" {:.0f} tok/s/user |", v);
  md += " tokens/s, bound / deployed | revenue a year, bound / deployed |\n|---|---|";
  for (std::size_t k = 0; k < speeds.size(); ++k) md += "---|";
  md += "---|---|\n";
  auto money = [](const nlohmann::ordered_json& v) {
    return v.is_null() ? std::string("-") : fmt::format("{:.2f}", v.get<double>());
  };
  for (const auto& r : systems) {
    const auto& ec = r["economics"];
    md += "| " + r["system"].get<std::string>() + " | ";
    if (ec.contains("none")) {
      md += "no price in its config |" + std::string(speeds.size() + 2, '|') + "\n";
      continue;
    }
    md += fmt::format("{:.2f} |", ec["tco_per_chip_hour"].get<double>());
    const bool deployed = ec.contains("deployed");
    for (std::size_t k = 0; k < speeds.size(); ++k) {
      md += " " + money(ec["bound"]["dollars_per_mtok"][k]) + " / " +
            (deployed ? money(ec["deployed"]["dollars_per_mtok"][k]) : "-") + " |";
    }
    // "741M", "$189B": three figures, no exponent.
    auto amount = [](double v, const char* prefix, const char* unit) {
      return v >= 100 ? fmt::format("{}{:.0f}{}", prefix, v, unit) : fmt::format("{}{:.3g}{}", prefix, v, unit);
    };
    auto both = [&](const char* key, double scale, const char* prefix, const char* unit) {
      return amount(ec["bound"][key].get<double>() / scale, prefix, unit) + " / " +
             (deployed ? amount(ec["deployed"][key].get<double>() / scale, prefix, unit) : "-");
    };
    md += " " + both("datacenter_tokens_per_s", 1e6, "", "M") + " | " +
          both("datacenter_revenue_per_year", 1e9, "$", "B") + " |\n";
  }
  return md;
}

int run_compare(const CompareOptions& o) {
  const CompareSpec spec = load_compare_spec(o.spec);
  std::optional<Economy> economy;
  if (o.economics) {
    economy = Economy{load_config(o.market, market_schema()), load_config(o.datacenter, datacenter_schema()),
                      load_config(o.tiers, tier_table_schema())};
  }
  ModelCache models;
  std::vector<ConfigNode> documents;
  std::vector<LoadedRun> runs;
  for (const SystemEntry& e : spec.systems) {
    RunOverrides ov;
    ov.system = e.file;
    documents.push_back(run_document(spec.run, ov));
    runs.push_back(bind_run(documents.back(), {}, false, &models));
  }

  nlohmann::ordered_json j = {{"format", "tokenfab-compare"},
                              {"schema_version", 1},
                              {"model", runs.front().model.name},
                              {"context", runs.front().config.workload.context},
                              {"answers", "bound: what the hardware allows; deployed: the run's engine terms"}};
  j["systems"] = nlohmann::ordered_json::array();
  std::string frontiers = "system,tokens_per_s_per_user,tokens_per_s_per_chip,tokens_per_s_per_mw\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const SystemConfig& sys = runs[i].config.system;
    const AnswerPoints s = answer_points(decode_search(runs[i], spec.max_batch), sys, runs[i].config.engine);
    const std::string status = value_at(documents[i], "system.status");
    nlohmann::ordered_json r = {{"system", sys.name},
                                {"file", spec.systems[i].file},
                                {"status", status},
                                {"chips", sys.chips},
                                {"memory_per_chip_bytes", sys.chip.weight_memory().capacity.value()}};
    r["bound"] = answer_json(s.bound, sys, spec.speeds);
    r["deployed"] = answer_json(s.deployed, sys, spec.speeds);
    if (!spec.systems[i].band.empty()) {
      std::vector<std::string> low, high;
      for (const Band& b : spec.systems[i].band) {
        low.push_back(b.key + "=" + b.low);
        high.push_back(b.key + "=" + b.high);
      }
      r["band"] = {{"low_ceiling", ceiling_of(documents[i], low, spec.max_batch, models)},
                   {"high_ceiling", ceiling_of(documents[i], high, spec.max_batch, models)},
                   {"parameters", low.size()}};
    }
    for (const Point& p : pareto_front(s.bound)) {
      frontiers += fmt::format("\"{}\",{},{},{}\n", sys.name, p.summary.per_user.value(), p.summary.per_device.value(),
                               (p.summary.per_watt * 1e6).value());
    }
    if (economy) r["economics"] = economics_json(*economy, runs[i], s, spec.speeds, spec.max_batch);
    j["systems"].push_back(r);
  }

  // One parameter at a time between consecutive systems.
  j["attribution"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i + 1 < runs.size(); ++i) {
    nlohmann::ordered_json step = {{"from", runs[i].config.system.name},
                                   {"to", runs[i + 1].config.system.name},
                                   {"from_ceiling", j["systems"][i]["bound"]["ceiling_tokens_per_s_per_user"]},
                                   {"to_ceiling", j["systems"][i + 1]["bound"]["ceiling_tokens_per_s_per_user"]}};
    step["changes"] = nlohmann::ordered_json::array();
    for (const std::vector<std::string>& group : spec.attribution) {
      std::string keys, from, to;
      std::vector<std::string> sets;
      for (const std::string& key : group) {
        const std::string a = value_at(documents[i], key), b = value_at(documents[i + 1], key);
        if (b.empty() || a == b) continue;
        const std::string sep = sets.empty() ? "" : ", ";
        keys += sep + key;
        from += sep + (a.empty() ? "none" : a);
        to += sep + b;
        sets.push_back(key + "=" + b);
      }
      if (sets.empty()) continue;
      nlohmann::ordered_json c = {{"key", keys}, {"from", from}, {"to", to}};
      try {
        c["ceiling"] = ceiling_of(documents[i], sets, spec.max_batch, models);
      } catch (const std::exception& e) {
        c["ceiling"] = nullptr;
        c["why_not"] = std::string(e.what()).substr(0, 200);
      }
      step["changes"].push_back(c);
    }
    j["attribution"].push_back(step);
  }

  // The report.
  std::string md = fmt::format("# {} on {} systems (context {})\n\n", j["model"].get<std::string>(), runs.size(),
                               j["context"].get<std::int64_t>());
  md += "Bound: what the hardware allows. Deployed: the run's engine terms (today's software).\n\n";
  md +=
      "| system | status | chips | memory per chip | ceiling, bound (tok/s/user) | limiting term | ceiling, "
      "deployed | limiting term | band (projection) |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : j["systems"]) {
    const auto& b = r["bound"];
    const auto& d = r["deployed"];
    const std::string band = r.contains("band") ? fmt::format("{:.0f}-{:.0f}", r["band"]["low_ceiling"].get<double>(),
                                                              r["band"]["high_ceiling"].get<double>())
                                                : "";
    md +=
        fmt::format("| {} | {} | {} | {} | {:.0f} ({}) | {} | {} | {} | {} |\n", r["system"].get<std::string>(),
                    r["status"].get<std::string>(), r["chips"].get<int>(),
                    to_string(Bytes(r["memory_per_chip_bytes"].get<double>())),
                    b["ceiling_tokens_per_s_per_user"].get<double>(), b["ceiling_mapping"].get<std::string>(),
                    b["limiting_term"].get<std::string>(), d.is_null() ? "-" : cell(d, "ceiling_tokens_per_s_per_user"),
                    d.is_null() ? "-" : d["limiting_term"].get<std::string>(), band);
  }
  for (const char* answer : {"bound", "deployed"}) {
    md += fmt::format("\n## Throughput at fixed speeds per user, {}\n\n| system |", answer);
    for (double v : spec.speeds) md += fmt::format(" {:.0f} tok/s/user: per chip / per MW |", v);
    md += "\n|---|";
    for (std::size_t k = 0; k < spec.speeds.size(); ++k) md += "---|";
    md += "\n";
    for (const auto& r : j["systems"]) {
      if (r[answer].is_null()) continue;
      md += "| " + r["system"].get<std::string>() + " |";
      for (const auto& a : r[answer]["at_speed"]) {
        md += " " + cell(a, "tokens_per_s_per_chip") + " / " + cell(a, "tokens_per_s_per_mw") + " |";
      }
      md += "\n";
    }
  }
  md += "\n## What each difference buys (bound ceiling, one parameter at a time)\n";
  for (const auto& step : j["attribution"]) {
    const double from = step["from_ceiling"].get<double>();
    md += fmt::format(
        "\n{} ({:.0f} tok/s/user) to {} ({:.0f}):\n\n| parameter | from | to | ceiling | change |\n"
        "|---|---|---|---|---|\n",
        step["from"].get<std::string>(), from, step["to"].get<std::string>(), step["to_ceiling"].get<double>());
    for (const auto& c : step["changes"]) {
      const std::string result = c["ceiling"].is_null() ? "- | not valid alone"
                                                        : fmt::format("{:.0f} | {:+.0f}", c["ceiling"].get<double>(),
                                                                      c["ceiling"].get<double>() - from);
      md += fmt::format("| {} | {} | {} | {} |\n", c["key"].get<std::string>(), c["from"].get<std::string>(),
                        c["to"].get<std::string>(), result);
    }
  }

  if (economy) {
    md += economics_md(j["systems"], *economy, spec.speeds);
    if (!o.claims.empty()) {
      ClaimsReport claims =
          evaluate_claims(o.claims, *economy, runs.front().config.engine, spec.speeds, models, o.max_pod_systems);
      j["claims"] = std::move(claims.json);
      md += claims.markdown;
    }
  }
  const std::filesystem::path out(o.out);
  write_file_atomically(out / "compare.json", j.dump(1) + "\n");
  write_file_atomically(out / "frontiers.csv", frontiers);
  std::string plots;
  if (o.plots) {
    // Debian's interpreter, where python3-matplotlib installs, before any other on the PATH.
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const std::string cmd = python + " scripts/plot_compare.py " + (out / "compare.json").string() + " " +
                            (out / "frontiers.csv").string() + " --out " + out.string() + " 2>&1";
    if (std::system((python + " -c 'import matplotlib' > /dev/null 2>&1").c_str()) == 0 &&
        std::system(cmd.c_str()) == 0) {
      md +=
          "\n![frontiers per chip](frontier_per_chip.png)\n![frontiers per MW](frontier_per_mw.png)\n"
          "![ceilings](ceilings.png)\n";
      plots = ", frontier_per_chip.png, frontier_per_mw.png, ceilings.png";
      if (j.contains("claims")) {
        md +=
            "![revenue by tier](revenue_by_tier.png)\n![$/Mtok against speed](cost_per_mtok.png)\n"
            "![frontiers per MW, the claims' subjects](frontier_per_mw_claims.png)\n"
            "![C5's sensitivity](sensitivity.png)\n![revenue against the LPUs' share](lpu_share.png)\n";
        plots += ", revenue_by_tier.png, cost_per_mtok.png, frontier_per_mw_claims.png, sensitivity.png, lpu_share.png";
      }
    } else {
      plots = " (no plots: install python3-matplotlib, then run scripts/plot_compare.py)";
    }
  }
  write_file_atomically(out / "compare.md", md);
  std::cout << md << "\n  wrote " << o.out << "/compare.md, compare.json, frontiers.csv" << plots << "\n";
  return 0;
}

}  // namespace

Command compare_command() {
  auto o = std::make_shared<CompareOptions>();
  return {
      "compare", "one model on several systems side by side: ceilings, throughput at fixed speeds, attribution",
      [o](CLI::App& cmd) {
        cmd.add_option("spec", o->spec, "comparison (YAML)")->capture_default_str();
        require_output_path(cmd.add_option("--out", o->out, "output directory")->capture_default_str());
        cmd.add_flag("!--no-plots", o->plots, "skip the PNG plots");
        cmd.add_flag("--economics", o->economics, "add cost of ownership, $/Mtok and a data center's revenue");
        cmd.add_option("--market", o->market, "with --economics: market figures (YAML)")->capture_default_str();
        cmd.add_option("--datacenter", o->datacenter, "with --economics: data center (YAML)")->capture_default_str();
        cmd.add_option("--tiers", o->tiers, "with --economics: price tiers (YAML)")->capture_default_str();
        cmd.add_option("--claims", o->claims, "with --economics: claims C3-C7 to derive (YAML); '' skips them")
            ->capture_default_str();
        cmd.add_option("--max-pod-systems", o->max_pod_systems,
                       "with --economics: most attention racks sharing one LPX pool (replaces the claims file's)")
            ->check(CLI::PositiveNumber);
      },
      [o](const Invocation&) { return run_compare(*o); }};
}

}  // namespace tokenfab
