#include "app/claims.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "app/claims_spec.h"
#include "app/subject_frontier.h"
#include "core/config_loader.h"
#include "economics/fleet.h"

namespace tokenfab {
namespace {

using Json = nlohmann::ordered_json;

// The tiers with the knobs turned: every speed scaled, the dearest tier's
// price scaled.
TierTable adjusted(TierTable t, const Knobs& k) {
  Tier* dearest = nullptr;
  for (Tier& tier : t.tiers) {
    tier.min_speed = tier.min_speed * k.speed_scale;
    if (!dearest || tier.price > dearest->price) dearest = &tier;
  }
  if (dearest) dearest->price = dearest->price * k.top_price_scale;
  return t;
}

Json nullable(double v) { return v > 0 ? Json(v) : Json(); }

// "12.3x", "-" when either side serves nothing.
std::string ratio_text(const Json& v) { return v.is_null() ? "-" : fmt::format("{:.2g}x", v.get<double>()); }
// Three figures, never an exponent: "$581B", "$1080B", "$16.2B".
std::string figures(double v) { return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v); }
std::string billions(double v) { return "$" + figures(v / 1e9) + "B"; }
std::string millions(double v) { return figures(v / 1e6) + "M"; }

struct Evaluator {
  const ClaimsSpec& spec;
  const Economy& e;
  const std::vector<double>& speeds;
  std::vector<std::pair<std::string, TierTable>> mixes;  // the comparison's tiers first, then claim C7's mixes
  std::map<std::string, Subject> subjects;

  const Subject& at(const std::string& id) const { return subjects.at(id); }
  double utilisation(const Knobs& k) const { return k.utilisation.value_or(e.market.utilisation); }

  Json c3(const GenerationClaim& c) const {
    Json j = {{"name", c.name},
              {"baseline", at(c.baseline).name},
              {"subject", at(c.subject).name},
              {"claimed_per_mw", c.per_mw},
              {"claimed_cost", c.cost ? Json(*c.cost) : Json()}};
    for (bool bound : {true, false}) {
      const auto b = priced(at(c.baseline), bound, e.market, {}), s = priced(at(c.subject), bound, e.market, {});
      Json a = {{"per_mw", Json::array()}, {"cost", Json::array()}};
      double most = 0, least = 0;
      for (double v : speeds) {
        const double pb = per_mw_at(b, TokensPerSecond(v)), ps = per_mw_at(s, TokensPerSecond(v));
        const double r = pb > 0 && ps > 0 ? ps / pb : 0;
        a["per_mw"].push_back(nullable(r));
        most = std::max(most, r);
        const auto cb = cheapest_at(b, TokensPerSecond(v), e.market.utilisation);
        const auto cs = cheapest_at(s, TokensPerSecond(v), e.market.utilisation);
        const double rc = cb && cs ? *cs / *cb : 0;
        a["cost"].push_back(nullable(rc));
        if (rc > 0) least = least > 0 ? std::min(least, rc) : rc;
      }
      a["per_mw_up_to"] = nullable(most);
      a["cost_down_to"] = nullable(least);
      j[bound ? "bound" : "deployed"] = a;
    }
    return j;
  }

  Json c4() const {
    const TierClaim& c = spec.c4;
    Json j = {{"baseline", at(c.baseline).name}, {"subject", at(c.subject).name}, {"claimed_per_mw", c.per_mw}};
    j["tiers"] = Json::array();
    for (const std::string& name : c.tiers) {
      const auto t =
          std::find_if(e.tiers.tiers.begin(), e.tiers.tiers.end(), [&](const Tier& x) { return x.name == name; });
      if (t == e.tiers.tiers.end()) throw InputError({}, fmt::format("c4: no tier '{}' in {}", name, e.tiers.name));
      Json r = {{"tier", name}, {"speed", t->min_speed.value()}};
      for (bool bound : {true, false}) {
        const double b = per_mw_at(priced(at(c.baseline), bound, e.market, {}), t->min_speed);
        const double s = per_mw_at(priced(at(c.subject), bound, e.market, {}), t->min_speed);
        r[bound ? "bound" : "deployed"] = {
            {"baseline_per_mw", b}, {"subject_per_mw", s}, {"ratio", nullable(b > 0 ? s / b : 0)}};
      }
      j["tiers"].push_back(r);
    }
    return j;
  }

  DataCenterResult datacenter(const Subject& s, bool bound, const TierTable& tiers, const Knobs& k) const {
    return spread_over_tiers(e.datacenter, with_context(adjusted(tiers, k), s.context), utilisation(k),
                             priced(s, bound, e.market, k, true));
  }

  Json c5_c6() const {
    Json j = {{"c5", Json::array()}, {"c6", Json::array()}};
    for (const RevenueClaim& c : spec.c5) {
      Json r = {{"subject", at(c.subject).name}, {"claimed_revenue_per_year", c.revenue.value() * 8760 * 3600}};
      for (bool bound : {true, false}) {
        const DataCenterResult d = datacenter(at(c.subject), bound, e.tiers, {});
        Json a = {{"revenue_per_year", d.revenue_per_year.value()},
                  {"margin_per_year", (d.revenue_per_year - d.cost_per_year).value()},
                  {"tiers", Json::array()}};
        for (const TierResult& t : d.tiers)
          a["tiers"].push_back({{"tier", t.name},
                                {"revenue_per_year", t.revenue_per_year.value()},
                                {"tokens_per_s", t.tokens_per_s},
                                {"unit", t.unit}});
        r[bound ? "bound" : "deployed"] = a;
      }
      j["c5"].push_back(r);
    }
    for (const TokensClaim& c : spec.c6) {
      Json r = {{"subject", at(c.subject).name}, {"claimed_tokens_per_s", c.tokens.value()}};
      for (bool bound : {true, false}) {
        const DataCenterResult d = datacenter(at(c.subject), bound, e.tiers, {});
        const double most = per_mw_at(priced(at(c.subject), bound, e.market, {}), TokensPerSecond(0));
        r[bound ? "bound" : "deployed"] = {{"over_tiers", d.tokens_per_s},
                                           {"most_throughput", most * e.datacenter.power.value() / 1e6}};
      }
      j["c6"].push_back(r);
    }
    return j;
  }

  // The fleet of Rubin racks and pods on `tiers` with the knobs turned; the
  // least LPU share within 0.5% of the most revenue (past some share more
  // LPUs earn nothing more, and the program may return any share beyond it),
  // by bisection: revenue grows with the share allowed.
  struct Fleet {
    std::vector<Supply> supplies;
    TierTable tiers;
    double utilisation = 1;
    FleetResult best;
    double least_share = 0;
  };
  Fleet fleet(const TierTable& mix, bool bound, const Knobs& k) const {
    const FleetClaim& c = spec.c7;
    Fleet f{{{at(c.gpus).name, priced(at(c.gpus), bound, e.market, k, true), e.datacenter.power},
             {at(c.pods).name, priced(at(c.pods), bound, e.market, k, true), e.datacenter.power}},
            with_context(adjusted(mix, k), at(c.gpus).context),
            utilisation(k),
            {},
            0};
    if (!c.lpus.empty())
      f.supplies.push_back({at(c.lpus).name, priced(at(c.lpus), bound, e.market, k, true), e.datacenter.power});
    f.best = mixed_fleet(e.datacenter, f.tiers, f.utilisation, f.supplies);
    double low = 0, high = f.best.lpu_power / e.datacenter.power;
    for (int i = 0; i < 30; ++i) {
      const double mid = (low + high) / 2;
      const FleetResult r = mixed_fleet(e.datacenter, f.tiers, f.utilisation, f.supplies, e.datacenter.power * mid);
      (r.revenue_per_year.value() >= 0.995 * f.best.revenue_per_year.value() ? high : low) = mid;
    }
    f.least_share = high;
    return f;
  }

  Json c7() const {
    const FleetClaim& c = spec.c7;
    Json j = {{"gpus", at(c.gpus).name},
              {"pods", at(c.pods).name},
              {"lpus", c.lpus.empty() ? Json() : Json(at(c.lpus).name)},
              {"claimed_lpu_share", c.lpu_share},
              {"mixes", Json::array()}};
    for (const auto& [file, tiers] : mixes) {
      Json m = {{"mix", tiers.name}, {"file", file}};
      for (bool bound : {true, false}) {
        const Fleet f = fleet(tiers, bound, {});
        Json a = {{"best_lpu_share", f.least_share},
                  {"lpu_share_the_program_chose", f.best.lpu_power / e.datacenter.power},
                  {"best_revenue_per_year", f.best.revenue_per_year.value()},
                  {"revenue_at_share", Json::array()}};
        for (double share : c.shares) {
          const FleetResult r =
              mixed_fleet(e.datacenter, f.tiers, f.utilisation, f.supplies, e.datacenter.power * share);
          a["revenue_at_share"].push_back({{"lpu_share", share}, {"revenue_per_year", r.revenue_per_year.value()}});
        }
        m[bound ? "bound" : "deployed"] = a;
      }
      j["mixes"].push_back(m);
    }
    // How the share moves with each uncertain input, on every mix (bound).
    j["sensitivity"] = Json::array();
    for (const SensitivityInput& in : spec.sensitivity) {
      Json r = {{"name", in.name}, {"low", in.low}, {"high", in.high}, {"mixes", Json::array()}};
      for (const auto& [file, tiers] : mixes) {
        r["mixes"].push_back({{"mix", tiers.name},
                              {"share_low", fleet(tiers, true, knob(in, in.low)).least_share},
                              {"share_high", fleet(tiers, true, knob(in, in.high)).least_share}});
      }
      j["sensitivity"].push_back(r);
    }
    return j;
  }

  Knobs knob(const SensitivityInput& in, const std::string& text) const {
    Knobs k;
    auto quantity = [&](auto q) {
      auto v = parse_quantity_as<decltype(q)>(text);
      if (auto* err = std::get_if<std::string>(&v))
        throw InputError({}, fmt::format("sensitivity '{}': {}", in.name, *err));
      return std::get<decltype(q)>(v);
    };
    if (in.input == "lpx_power")
      k.lpx_power = quantity(Watts());
    else if (in.input == "gpu_power")
      k.gpu_power = quantity(Watts());
    else if (in.input == "lpx_price")
      k.lpx_price = quantity(Dollars());
    else if (in.input == "gpu_price")
      k.gpu_price = quantity(Dollars());
    else if (in.input == "speed_scale")
      k.speed_scale = std::stod(text);
    else if (in.input == "utilisation")
      k.utilisation = std::stod(text);
    else if (in.input == "top_price_scale")
      k.top_price_scale = std::stod(text);
    else
      throw InputError({}, fmt::format("sensitivity '{}': unknown input '{}'", in.name, in.input));
    return k;
  }

  Json sensitivity() const {
    Json j = Json::array();
    for (const std::string& id : spec.sensitivity_subjects) {
      const Subject& s = at(id);
      const DataCenterResult base = datacenter(s, true, e.tiers, {});
      Json r = {{"subject", s.name},
                {"base", base.revenue_per_year.value()},
                {"base_margin", (base.revenue_per_year - base.cost_per_year).value()},
                {"inputs", Json::array()}};
      for (const SensitivityInput& in : spec.sensitivity) {
        if (!s.lpx && in.input.rfind("lpx", 0) == 0) continue;
        const DataCenterResult lo = datacenter(s, true, e.tiers, knob(in, in.low));
        const DataCenterResult hi = datacenter(s, true, e.tiers, knob(in, in.high));
        r["inputs"].push_back({{"name", in.name},
                               {"low", in.low},
                               {"high", in.high},
                               {"source", in.source},
                               {"revenue_low", lo.revenue_per_year.value()},
                               {"revenue_high", hi.revenue_per_year.value()},
                               {"margin_low", (lo.revenue_per_year - lo.cost_per_year).value()},
                               {"margin_high", (hi.revenue_per_year - hi.cost_per_year).value()}});
      }
      j.push_back(r);
    }
    return j;
  }
};

std::string both(const Json& j, const std::function<std::string(const Json&)>& f) {
  return f(j["bound"]) + " / " + f(j["deployed"]);
}

std::string markdown(const Json& j, const std::vector<double>& speeds, const Economy& e) {
  std::string md = fmt::format(
      "\n## Claims C3-C7 ({}; {} over {})\n\nEach derived number is the hardware bound / the deployed "
      "estimate; the claimed one beside it. docs/economics.md explains each gap. Power basis: all-in power per "
      "chip (host, network and cooling share). Pods: up to {} attention rack(s) per LPX pool.\n",
      e.market.name, e.datacenter.name, e.tiers.name, j["max_pod_systems"].get<int>());
  md += "\n### C3: Vera Rubin vs Blackwell, tokens/s per MW and $/Mtok\n\n| workload | baseline | subject |";
  for (double v : speeds) md += fmt::format(" {:.0f} tok/s/user: per MW, $/Mtok |", v);
  md += " per MW up to | claimed per MW | $/Mtok down to | claimed $/Mtok |\n|---|---|---|";
  for (std::size_t k = 0; k < speeds.size(); ++k) md += "---|";
  md += "---|---|---|---|\n";
  for (const Json& c : j["c3"]) {
    md += fmt::format("| {} | {} | {} |", c["name"].get<std::string>(), c["baseline"].get<std::string>(),
                      c["subject"].get<std::string>());
    for (std::size_t k = 0; k < speeds.size(); ++k) {
      md += " " + both(c, [&](const Json& a) { return ratio_text(a["per_mw"][k]); }) + ", " +
            both(c, [&](const Json& a) { return ratio_text(a["cost"][k]); }) + " |";
    }
    md += fmt::format(
        " {} | {:.3g}x | {} | {} |\n", both(c, [](const Json& a) { return ratio_text(a["per_mw_up_to"]); }),
        c["claimed_per_mw"].get<double>(), both(c, [](const Json& a) { return ratio_text(a["cost_down_to"]); }),
        c["claimed_cost"].is_null() ? "-" : fmt::format("{:.3g}x", c["claimed_cost"].get<double>()));
  }
  const Json& c4 = j["c4"];
  md += fmt::format(
      "\n### C4: {} vs {}, tokens/s per MW at tier speeds (claimed up to {:.3g}x)\n\n"
      "| tier | speed | baseline per MW | subject per MW | ratio |\n|---|---|---|---|---|\n",
      c4["subject"].get<std::string>(), c4["baseline"].get<std::string>(), c4["claimed_per_mw"].get<double>());
  for (const Json& t : c4["tiers"]) {
    md += fmt::format("| {} | {:.0f} tok/s/user | {} | {} | {} |\n", t["tier"].get<std::string>(),
                      t["speed"].get<double>(),
                      both(t, [](const Json& a) { return fmt::format("{:.0f}", a["baseline_per_mw"].get<double>()); }),
                      both(t, [](const Json& a) { return fmt::format("{:.0f}", a["subject_per_mw"].get<double>()); }),
                      both(t, [](const Json& a) { return ratio_text(a["ratio"]); }));
  }
  md += "\n### C5: revenue a year\n\n| subject | derived | margin after TCO | claimed |\n|---|---|---|---|\n";
  for (const Json& c : j["c5"]) {
    md += fmt::format("| {} | {} | {} | {} |\n", c["subject"].get<std::string>(),
                      both(c, [](const Json& a) { return billions(a["revenue_per_year"].get<double>()); }),
                      both(c, [](const Json& a) { return billions(a["margin_per_year"].get<double>()); }),
                      billions(c["claimed_revenue_per_year"].get<double>()));
  }
  md +=
      "\n### C6: tokens/s of the data center\n\n| subject | over the tiers | at most throughput | claimed |\n"
      "|---|---|---|---|\n";
  for (const Json& c : j["c6"]) {
    md += fmt::format("| {} | {} | {} | {} |\n", c["subject"].get<std::string>(),
                      both(c, [](const Json& a) { return millions(a["over_tiers"].get<double>()); }),
                      both(c, [](const Json& a) { return millions(a["most_throughput"].get<double>()); }),
                      millions(c["claimed_tokens_per_s"].get<double>()));
  }
  const Json& c7 = j["c7"];
  md += fmt::format(
      "\n### C7: the LPUs' share of the power ({} racks, {} pods{}; claimed ~{:.0f}%)\n\n"
      "| tier mix | least share earning the most (within 0.5%) | that revenue a year |\n|---|---|---|\n",
      c7["gpus"].get<std::string>(), c7["pods"].get<std::string>(),
      c7["lpus"].is_null() ? "" : ", " + c7["lpus"].get<std::string>() + " (prefill not costed)",
      100 * c7["claimed_lpu_share"].get<double>());
  for (const Json& m : c7["mixes"]) {
    md += fmt::format(
        "| {} | {} | {} |\n", m["mix"].get<std::string>(),
        both(m, [](const Json& a) { return fmt::format("{:.0f}%", 100 * a["best_lpu_share"].get<double>()); }),
        both(m, [](const Json& a) { return billions(a["best_revenue_per_year"].get<double>()); }));
  }
  md +=
      "\nThe least share earning the most with each uncertain input at its low and high end (hardware bound):\n\n"
      "| input | low | high |";
  for (const Json& m : c7["mixes"]) md += " " + m["mix"].get<std::string>() + " |";
  md += "\n|---|---|---|";
  for (std::size_t k = 0; k < c7["mixes"].size(); ++k) md += "---|";
  md += "\n";
  for (const Json& in : c7["sensitivity"]) {
    md += fmt::format("| {} | {} | {} |", in["name"].get<std::string>(), in["low"].get<std::string>(),
                      in["high"].get<std::string>());
    for (const Json& m : in["mixes"])
      md +=
          fmt::format(" {:.0f}% to {:.0f}% |", 100 * m["share_low"].get<double>(), 100 * m["share_high"].get<double>());
    md += "\n";
  }
  md +=
      "\n### C5's sensitivity (hardware bound, a year)\n\n| subject | input | low | high | revenue at low | "
      "at high | margin at low | at high |\n|---|---|---|---|---|---|---|---|\n";
  for (const Json& s : j["sensitivity"]) {
    for (const Json& in : s["inputs"]) {
      md += fmt::format("| {} (revenue {}, margin {}) | {} | {} | {} | {} | {} | {} | {} |\n",
                        s["subject"].get<std::string>(), billions(s["base"].get<double>()),
                        billions(s["base_margin"].get<double>()), in["name"].get<std::string>(),
                        in["low"].get<std::string>(), in["high"].get<std::string>(),
                        billions(in["revenue_low"].get<double>()), billions(in["revenue_high"].get<double>()),
                        billions(in["margin_low"].get<double>()), billions(in["margin_high"].get<double>()));
    }
  }
  return md;
}

}  // namespace

// Each subject's frontier for the plots, with its $/Mtok.
Json frontiers(const std::map<std::string, Subject>& subjects, const Market& market) {
  Json j = Json::array();
  for (const auto& [id, s] : subjects) {
    for (bool bound : {true, false}) {
      Json f = {{"id", id}, {"subject", s.name}, {"answer", bound ? "bound" : "deployed"}, {"points", Json::array()}};
      for (const TierPoint& p : frontier(priced(s, bound, market, {}))) {
        const DollarsPerToken cost = *cheapest_at({p}, p.per_user, market.utilisation);
        f["points"].push_back({{"tokens_per_s_per_user", p.per_user.value()},
                               {"tokens_per_s_per_mw", p.tokens_per_s_per_mw},
                               {"dollars_per_mtok", cost.value() * 1e6},
                               {"unit", p.unit.name}});
      }
      j.push_back(f);
    }
  }
  return j;
}

ClaimsReport evaluate_claims(const std::string& file, const Economy& economy, const EngineConfig& deployed,
                             const std::vector<double>& speeds, ModelCache& models,
                             std::optional<int> max_pod_systems) {
  ClaimsSpec spec = load_claims_spec(file);
  if (max_pod_systems) spec.max_pod_systems = *max_pod_systems;
  Evaluator ev{spec, economy, speeds, {{"", economy.tiers}}, {}};
  for (const std::string& mix : spec.c7.mixes) ev.mixes.emplace_back(mix, load_config(mix, tier_table_schema()));
  // Every context a tier names is searched too.
  std::vector<std::int64_t> contexts;
  for (const auto& [mix, tiers] : ev.mixes) {
    for (std::int64_t c : tier_contexts(tiers)) contexts.push_back(c);
  }
  for (const ClaimSubject& s : spec.subjects)
    ev.subjects.emplace(s.id, load_subject(s, deployed, spec.max_batch, spec.max_pod_systems, models, contexts));
  Json j = {{"name", spec.name}, {"max_pod_systems", spec.max_pod_systems}, {"c3", Json::array()}};
  for (const GenerationClaim& c : spec.c3) j["c3"].push_back(ev.c3(c));
  j["c4"] = ev.c4();
  const Json c56 = ev.c5_c6();
  j["c5"] = c56["c5"];
  j["c6"] = c56["c6"];
  j["c7"] = ev.c7();
  j["sensitivity"] = ev.sensitivity();
  j["frontiers"] = frontiers(ev.subjects, economy.market);
  return {j, markdown(j, speeds, economy)};
}

}  // namespace tokenfab
