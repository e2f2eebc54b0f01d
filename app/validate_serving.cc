#include "app/validate_serving.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/csv.h"
#include "explore/measured_report.h"
#include "explore/serving_rows.h"

namespace tokenfab {
namespace {

std::string pools_text(const ServingRow& r) {
  if (!r.prefill || !r.decode) return "-";
  return fmt::format("{}x[{}] + {}x[{}]", r.prefill->workers, r.prefill->mapping.label(), r.decode->workers,
                     r.decode->mapping.label());
}

// What the simulation depends on: rows that differ only by run date share it.
std::string inputs_of(const ServingRow& r) {
  return fmt::format("{}|{}|{}|{}", r.key, pools_text(r), r.concurrency, r.gpus);
}

}  // namespace

// MLPerf Server and Interactive rows at their published rate: simulated p99
// TTFT and TPOT against the measured ones and the benchmark's limits.
void report_server_rows(const ServingValidationSpec& spec, const ServingValidationOptions& o) {
  const std::vector<ServerRow> rows = server_rows(spec);
  std::map<std::string, ServedServerRow> done;
  std::vector<double> ttft, tpot;
  int within = 0, served = 0;
  std::map<std::string, int> outside;
  std::vector<std::string> beyond;  // served rows past a limit, each with what sets its latency
  std::string csv =
      "key,gpus,samples_per_s,input,output,mapping,replicas,ttft_p99_measured_s,ttft_p99_modelled_s,ttft_error,"
      "tpot_p99_measured_s,tpot_p99_modelled_s,tpot_error,ttft_limit_s,tpot_limit_s,within_limits,outside,source\n";
  for (const ServerRow& r : rows) {
    const std::string inputs = fmt::format("{}|{}|{}|{}", r.key, r.gpus, r.samples_per_s, r.output);
    auto it = done.find(inputs);
    if (it == done.end()) it = done.emplace(inputs, serve_server_row(spec, r)).first;
    const ServedServerRow& s = it->second;
    if (!s.served) {
      ++outside[s.outside];
      csv += fmt::format("{},{},{},{},{},,,{:.6g},,,{:.6g},,,{:.6g},{:.6g},,{},{}\n", csv_cell(r.key), r.gpus,
                         r.samples_per_s, r.input, r.output, r.ttft_p99, r.tpot_p99, r.ttft_limit, r.tpot_limit,
                         csv_cell(s.outside), csv_cell(r.source));
      continue;
    }
    ++served;
    const double et = s.ttft_p99 / r.ttft_p99 - 1, ep = s.tpot_p99 / r.tpot_p99 - 1;
    ttft.push_back(et);
    tpot.push_back(ep);
    const bool ok = s.ttft_p99 <= r.ttft_limit && s.tpot_p99 <= r.tpot_limit;
    within += ok ? 1 : 0;
    std::string why;
    if (s.ttft_p99 > r.ttft_limit) {
      const std::string queued = s.prompt_alone >= r.ttft_limit
                                     ? std::string("already past the limit alone")
                                     : fmt::format("so {} queued one behind another reach the limit",
                                                   static_cast<int>(std::ceil(r.ttft_limit / s.prompt_alone)));
      why = fmt::format(
          "p99 TTFT {:.2f} s against the {:.1f} s limit (measured {:.2f} s): a prompt of the benchmark's mean "
          "length ({} tokens, measured.yaml) takes {:.2f} s to prefill alone on {}, {}",
          s.ttft_p99, r.ttft_limit, r.ttft_p99, r.input, s.prompt_alone, s.mapping.label(), queued);
    }
    if (s.tpot_p99 > r.tpot_limit) {
      why += fmt::format("{}p99 TPOT {:.0f} ms against the {:.0f} ms limit (measured {:.0f} ms)",
                         why.empty() ? "" : "; ", 1e3 * s.tpot_p99, 1e3 * r.tpot_limit, 1e3 * r.tpot_p99);
    }
    if (!ok) beyond.push_back(fmt::format("{} on {} GPUs at {:.3g} a second: {}", r.key, r.gpus, r.samples_per_s, why));
    csv += fmt::format("{},{},{},{},{},{},{},{:.6g},{:.6g},{:.4f},{:.6g},{:.6g},{:.4f},{:.6g},{:.6g},{},{},{}\n",
                       csv_cell(r.key), r.gpus, r.samples_per_s, r.input, r.output, csv_cell(s.mapping.label()),
                       s.replicas, r.ttft_p99, s.ttft_p99, et, r.tpot_p99, s.tpot_p99, ep, r.ttft_limit, r.tpot_limit,
                       ok ? "yes" : "no", csv_cell(why), csv_cell(r.source));
  }
  write_file_atomically(std::filesystem::path(o.out) / "mlperf_server.csv", csv);
  auto abs_median = [](const std::vector<double>& v) {
    std::vector<double> a;
    for (double x : v) a.push_back(std::abs(x));
    return median(a);
  };
  std::cout << fmt::format(
      "{} MLPerf Server and Interactive rows ({} distinct runs) served at their published rate on their GPUs; {} "
      "served:\n",
      rows.size(), done.size(), served);
  std::cout << fmt::format("  p99 TTFT: median |error| {:.1f}% (median {:+.1f}%)\n", 100 * abs_median(ttft),
                           100 * median(ttft));
  std::cout << fmt::format("  p99 TPOT: median |error| {:.1f}% (median {:+.1f}%)\n", 100 * abs_median(tpot),
                           100 * median(tpot));
  std::cout << fmt::format(
      "  within the benchmark's TTFT and TPOT limits: {} of {} served rows (every measured one is)\n", within, served);
  for (const auto& [why, n] : outside) std::cout << fmt::format("  outside, {} rows: {}\n", n, why);
  for (const auto& b : beyond) std::cout << "  beyond the limits, " << b << "\n";
  std::cout << "  wrote " << o.out << "/mlperf_server.csv\n";
}

// The fit of request_overhead and prefill_attention (validate_serving.h).
int fit_serving_terms(const ServingValidationSpec& spec, const std::vector<ServingRow>& rows) {
  constexpr std::int64_t kQuiet = 8;  // concurrency at which a request hardly queues
  // Prompts this short prefill in a few tens of ms: the front end is most of
  // what is left of their TTFT; longer ones carry the prefill's own speed.
  constexpr std::int64_t kShort = 1024;
  constexpr double kMaxFrontEnd = 0.5;  // s: above every gap the 1k rows show (50-465 ms)
  // A kind of system gets its own front end where its quiet short-prompt
  // calibration rows come from this many runs; the others take the one
  // fitted over every system's.
  constexpr std::size_t kOwnRuns = 3;
  // Rows of `hardware` (empty: every system's).
  auto quiet = [&](const ServingRow& r, bool long_prompt, const std::string& hardware) {
    return !r.disaggregated && r.half == "calibration" && r.concurrency <= kQuiet && (r.isl > kShort) == long_prompt &&
           r.unusable.empty() && (hardware.empty() || r.hardware == hardware);
  };
  struct Gaps {
    std::vector<double> gaps;  // measured TTFT less simulated, per row
    std::size_t runs = 0;
  };
  auto gaps_of = [&](bool long_prompt, const std::string& hardware, const ServingTerms& terms) {
    std::map<std::string, double> done;
    Gaps g;
    for (const ServingRow& r : rows) {
      if (!quiet(r, long_prompt, hardware)) continue;
      auto it = done.find(inputs_of(r));
      if (it == done.end()) {
        const ServedRow s = serve_row(spec, r, terms);
        it = done.emplace(inputs_of(r), s.served ? s.ttft : -1.0).first;
      }
      if (it->second >= 0) g.gaps.push_back(r.ttft - it->second);
    }
    if (g.gaps.empty())
      throw InputError(
          {"fit"}, fmt::format("no calibration row at a concurrency of at most {} with {} prompts to fit on", kQuiet,
                               long_prompt ? "long" : "short"));
    g.runs = done.size();
    return g;
  };
  // The value in [low, high] at which `gap` (falling as the value grows)
  // crosses zero, by bisection; an end of the range when it keeps its sign.
  struct Root {
    double value;
    bool clamped;
  };
  auto root = [](double low, double high, double tolerance, auto gap) {
    if (gap(high) >= 0) return Root{high, true};
    if (gap(low) <= 0) return Root{low, true};
    for (int i = 0; i < 16 && high - low > tolerance; ++i) {
      const double mid = 0.5 * (low + high);
      (gap(mid) > 0 ? low : high) = mid;
    }
    return Root{0.5 * (low + high), false};
  };
  // The systems with enough quiet short-prompt calibration runs of their own.
  std::vector<std::string> own;
  {
    std::map<std::string, std::set<std::string>> runs;
    for (const ServingRow& r : rows) {
      if (quiet(r, false, "")) runs[r.hardware].insert(inputs_of(r));
    }
    for (const auto& [hardware, of] : runs) {
      if (of.size() >= kOwnRuns) own.push_back(hardware);
    }
  }
  ServingTerms terms{Seconds(0), 1.0, {}};
  bool clamped = false;  // the attention share's median gap kept its sign over the whole range
  Gaps front, prefill;
  std::map<std::string, Gaps> front_of;
  for (int round = 0; round < 2; ++round) {
    // The front end is not simply added to a simulated TTFT: it moves when a
    // request meets the engine's receive and balance points and how a closed
    // loop's users spread, so it is the value at which the median gap is
    // zero, not the median gap without it. First one over every system's
    // rows (the engine's, for systems without their own), then each
    // system's own where it has the runs.
    ServingTerms pooled = terms;
    pooled.front_end_of.clear();
    terms.front_end = Seconds(root(0.0, kMaxFrontEnd, 1e-4, [&](double s) {
                                pooled.front_end = Seconds(s);
                                return median(gaps_of(false, "", pooled).gaps);
                              }).value);
    pooled.front_end = terms.front_end;
    front = gaps_of(false, "", pooled);
    for (const std::string& hardware : own) {
      ServingTerms one = terms;
      terms.front_end_of[hardware] = Seconds(root(0.0, kMaxFrontEnd, 1e-4, [&](double s) {
                                               one.front_end_of[hardware] = Seconds(s);
                                               return median(gaps_of(false, hardware, one).gaps);
                                             }).value);
      front_of[hardware] = gaps_of(false, hardware, terms);
    }
    // The simulated TTFT grows as the share falls, so the gap falls with it:
    // bisect over the share's negation.
    ServingTerms at = terms;
    const Root share = root(-1.0, -0.2, 1e-4, [&](double minus) {
      at.prefill_attention = -minus;
      return median(gaps_of(true, "", at).gaps);
    });
    terms.prefill_attention = -share.value;
    clamped = share.clamped;
    prefill = gaps_of(true, "", terms);
  }
  auto range = [](const std::vector<double>& v) {
    return fmt::format("{:.0f} to {:.0f} ms", 1e3 * *std::min_element(v.begin(), v.end()),
                       1e3 * *std::max_element(v.begin(), v.end()));
  };
  std::cout << fmt::format(
      "request_overhead: {:.1f} ms, where the median over {} calibration rows at concurrency <= {} and prompts of at "
      "most {} tokens ({} distinct runs) of the measured TTFT less the simulated one is zero (gaps {} at the fit)\n",
      1e3 * terms.front_end->value(), front.gaps.size(), kQuiet, kShort, front.runs, range(front.gaps));
  for (const auto& [hardware, g] : front_of) {
    std::cout << fmt::format("  on {}: {:.1f} ms, over its {} such rows ({} distinct runs; gaps {} at the fit)\n",
                             hardware, 1e3 * terms.front_end_of.at(hardware).value(), g.gaps.size(), g.runs,
                             range(g.gaps));
  }
  std::cout << fmt::format(
      "prefill_attention: {:.4f}, {} the median over {} calibration rows at concurrency <= {} and longer prompts "
      "({} distinct runs) of the measured TTFT less the simulated one (median {:.0f} ms, gaps {} at the fit), each "
      "row with its system's front end\n",
      *terms.prefill_attention, clamped ? "the end of the range 0.2-1 nearest to zeroing" : "where it is zero, for",
      prefill.gaps.size(), kQuiet, prefill.runs, 1e3 * median(prefill.gaps), range(prefill.gaps));
  return 0;
}

int run_serving_validation(const ServingValidationOptions& o) {
  const ServingValidationSpec spec = load_serving_validation(o.file, o.sets);
  const std::vector<ServingRow> rows = serving_rows(spec);
  if (o.fit) return fit_serving_terms(spec, rows);
  std::map<std::string, ServedRow> done;
  std::vector<const ServedRow*> served;
  for (const ServingRow& r : rows) {
    auto it = done.find(inputs_of(r));
    if (it == done.end()) it = done.emplace(inputs_of(r), serve_row(spec, r)).first;
    served.push_back(&it->second);
  }
  struct Errors {
    std::vector<double> ttft, tpot, throughput;
  };
  // Evaluation rows by kind and by generation; calibration rows apart.
  std::map<std::string, Errors> by;
  std::map<std::string, int> outside;
  std::string csv =
      "key,kind,half,concurrency,pools,gpus,ttft_measured_s,ttft_modelled_s,ttft_error,tpot_measured_s,"
      "tpot_modelled_s,tpot_error,throughput_per_gpu_measured,throughput_per_gpu_modelled,throughput_error,kv_path,"
      "outside,source\n";
  auto err = [](double modelled, double measured) { return modelled / measured - 1; };
  int served_rows = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ServingRow& r = rows[i];
    const ServedRow& s = *served[i];
    const std::string kind = r.disaggregated ? "disaggregated" : "aggregated";
    if (!s.served) {
      ++outside[kind + ": " + s.outside_kind];
      csv += fmt::format("{},{},{},{},{},{},{:.6g},,,{:.6g},,,{:.6g},,,,{},{}\n", csv_cell(r.key), kind, r.half,
                         r.concurrency, csv_cell(pools_text(r)), r.gpus, r.ttft, r.tpot, r.throughput_per_gpu,
                         csv_cell(s.outside), csv_cell(r.source));
      continue;
    }
    ++served_rows;
    const double et = err(s.ttft, r.ttft), ep = err(s.tpot, r.tpot),
                 eq = err(s.throughput_per_gpu, r.throughput_per_gpu);
    std::vector<std::string> groups{r.half == "evaluation" ? "evaluation" : "calibration", kind + " " + r.half};
    if (r.half == "evaluation") {
      groups.push_back(system_for(spec.spec, r.hardware).generation);
      // Queueing grows with the load: the same rows by concurrency.
      groups.push_back(r.concurrency <= 8    ? "evaluation, concurrency 1-8"
                       : r.concurrency <= 64 ? "evaluation, concurrency 9-64"
                                             : "evaluation, concurrency 65+");
    }
    for (const std::string& group : groups) {
      by[group].ttft.push_back(et);
      by[group].tpot.push_back(ep);
      by[group].throughput.push_back(eq);
    }
    csv +=
        fmt::format("{},{},{},{},{},{},{:.6g},{:.6g},{:.4f},{:.6g},{:.6g},{:.4f},{:.6g},{:.6g},{:.4f},{},,{}\n",
                    csv_cell(r.key), kind, r.half, r.concurrency, csv_cell(pools_text(r)), r.gpus, r.ttft, s.ttft, et,
                    r.tpot, s.tpot, ep, r.throughput_per_gpu, s.throughput_per_gpu, eq, s.kv_path, csv_cell(r.source));
    if (o.rows) {
      std::cout << fmt::format(
          "{} @{} {}: TTFT {:.0f} vs {:.0f} ms ({:+.0f}%), TPOT {:.1f} vs {:.1f} ms ({:+.0f}%), "
          "{:.0f} vs {:.0f} tok/s per GPU ({:+.0f}%)\n",
          r.key, r.concurrency, pools_text(r), 1e3 * s.ttft, 1e3 * r.ttft, 100 * et, 1e3 * s.tpot, 1e3 * r.tpot,
          100 * ep, s.throughput_per_gpu, r.throughput_per_gpu, 100 * eq);
    }
  }
  write_file_atomically(std::filesystem::path(o.out) / "serving.csv", csv);
  std::cout << fmt::format(
      "{} InferenceX rows ({} distinct runs) served by the serving simulation at their own pools, concurrency and "
      "lengths; {} served, {} outside. Disaggregated rows are all evaluation points (no fit saw one); aggregated "
      "rows keep their split.yaml half:\n",
      rows.size(), done.size(), served_rows, rows.size() - served_rows);
  std::cout << fmt::format("  {:<30} {:<20} {:>6} {:>10} {:>8} {:>7}\n", "subset", "metric", "points", "median|e|",
                           "median", "within");
  int beyond = 0;
  for (const auto& [group, e] : by) {
    for (const auto& [name, v] :
         {std::pair{"TTFT", &e.ttft}, std::pair{"TPOT", &e.tpot}, std::pair{"throughput per GPU", &e.throughput}}) {
      std::vector<double> a;
      for (double x : *v) a.push_back(std::abs(x));
      const double m = median(a);
      const bool judged = group == "evaluation";
      if (judged && m > spec.tolerance) ++beyond;
      std::cout << fmt::format("  {:<30} {:<20} {:>6} {:>9.1f}% {:>+7.1f}% {:>7}\n", group, name, v->size(), 100 * m,
                               100 * median(*v), judged ? (m <= spec.tolerance ? "yes" : "NO") : "");
    }
  }
  std::cout << fmt::format("  tolerance: median |error| of each metric at most {:.0f}% over the evaluation rows\n",
                           100 * spec.tolerance);
  for (const auto& [why, n] : outside) std::cout << fmt::format("  outside, {} rows: {}\n", n, why);
  std::cout << "  wrote " << o.out << "/serving.csv\n";
  report_server_rows(spec, o);
  return beyond;
}

}  // namespace tokenfab
