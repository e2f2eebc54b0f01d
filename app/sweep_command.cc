// `tokenfab sweep spec.yaml`: every point of a sweep (sweep/sweep_spec.h),
// each a run or a ceiling search on the spec's run file with the point's
// values set, validated before any runs. Analytical points run in this
// process; SystemC points each in a forked child, `--workers` at a time.
// Finished points go to the journal out/points.jsonl as they finish; a rerun
// with the same spec and binary carries on where it stopped. At the end
// results.jsonl (one line per point, by index) and results.csv are written.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "app/command.h"
#include "app/run_config.h"
#include "app/run_options.h"
#include "app/run_results.h"
#include "core/atomic_file.h"
#include "core/config_json.h"
#include "explore/mapping_search.h"
#include "explore/summary.h"
#include "hw/rack/rack.h"
#include "sweep/sweep_ranks.h"
#include "sweep/sweep_runner.h"

namespace tokenfab {
namespace {

struct SweepOptions {
  std::string spec;
  std::string out = "out/sweep";
  int workers = 0;  // 0: one per core
};

// The tool's identity in a point's key: its version and a hash of the
// binary itself, so that results of another build are not mixed in.
std::string tool_identity() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::string(kToolVersion) + "+" + fnv1a_hex(ss.str());
}

// Loads a point's run: the run file's document once per system and model
// file, a copy of it bound with the point's values; each config.json once.
class PointLoader {
 public:
  explicit PointLoader(const SweepSpec& spec) : spec_(spec) {}
  LoadedRun operator()(const SweepPoint& p) {
    const std::string system = p.file("system"), model = p.file("model");
    auto it = documents_.find({system, model});
    if (it == documents_.end()) {
      RunOverrides o;
      if (!system.empty()) o.system = system;
      if (!model.empty()) o.model = model;
      it = documents_.emplace(std::pair{system, model}, run_document(spec_.run, o)).first;
    }
    return bind_run(it->second, p.sets(), true, &models_);
  }

 private:
  const SweepSpec& spec_;
  std::map<std::pair<std::string, std::string>, ConfigNode> documents_;
  ModelCache models_;
};

nlohmann::ordered_json point_result(const SweepSpec& spec, const LoadedRun& run) {
  const RunConfig& c = run.config;
  if (spec.command == SweepCommand::ceiling) {
    const AnswerPoints points = answer_points(decode_search(run, spec.max_batch), c.system, c.engine);
    nlohmann::ordered_json r = {{"bound", point_json(fastest(points.bound), c.system)}};
    r["deployed"] = points.deployed.empty() ? nlohmann::ordered_json() : point_json(fastest(points.deployed), c.system);
    return r;
  }
  // Sums only: a point reports the step, not its ops.
  const EstimateInput in{c.system, run.model, c.precision, c.mapping, c.workload, nullptr, spec.systemc, c.engine};
  const Estimate e = spec.systemc ? simulate_step(in) : estimate(in);
  if (!e.fits) {
    throw InputError({spec.run.string()}, fmt::format("{} does not fit: {} of {} per chip", run.model.name,
                                                      to_string(e.footprint.total()), to_string(e.capacity)));
  }
  nlohmann::ordered_json r;
  if (has_deployment_terms(c.engine)) {
    r["bound"] = summary_json(summarize(estimate(bound_input(in)), c.system, c.mapping), c.system);
    r["deployed"] = summary_json(summarize(e, c.system, c.mapping), c.system);
  } else {
    r["bound"] = summary_json(summarize(e, c.system, c.mapping), c.system);
    r["deployed"] = nullptr;
  }
  return r;
}

nlohmann::ordered_json entry_head(const SweepPoint& p, const std::string& key) {
  nlohmann::ordered_json params;
  for (std::size_t i = 0; i < p.axes.size(); ++i) params[p.axes[i]->key] = p.values[i]->text;
  return {{"index", p.index}, {"key", key}, {"params", params}};
}

// The first rank's points on a bar (or plain lines at every tenth), against
// all of the sweep's.
class Progress {
 public:
  Progress(std::size_t already, std::size_t all) : already_(already), all_(all), tty_(isatty(STDERR_FILENO) != 0) {}
  void operator()(std::size_t finished, std::size_t total) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = s > 0 ? static_cast<double>(finished) / s : 0;
    const double eta = rate > 0 ? static_cast<double>(total - finished) / rate : 0;
    const std::size_t all = all_, done = std::min(all_, already_ + finished);
    if (tty_) {
      const auto filled = static_cast<int>(30.0 * static_cast<double>(done) / static_cast<double>(all));
      std::cerr << fmt::format("\r  [{}{}] {}/{} points, {:.1f}/s, ETA {:.0f} s ", std::string(filled, '#'),
                               std::string(30 - filled, '-'), done, all, rate, eta)
                << (finished == total ? "\n" : "") << std::flush;
    } else if (finished == total || finished * 10 / total != (finished - 1) * 10 / total) {
      std::cerr << fmt::format("  {}/{} points, {:.1f}/s\n", done, all, rate);
    }
  }

 private:
  std::size_t already_, all_;
  bool tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

int run_sweep(const SweepOptions& o) {
  const SweepRanks ranks;
  const SweepSpec spec = load_sweep_spec(o.spec);
  std::vector<SweepPoint> all_points = sweep_points(spec);
  // Every point is loaded and checked before any runs; its key hashes its
  // values, its resolved configuration and the binary.
  const std::string tool = tool_identity();
  PointLoader load_point(spec);
  std::vector<std::string> keys;
  Diagnostics bad;
  int bad_points = 0;
  constexpr int kShown = 20;     // points whose errors are printed; the rest are counted
  std::vector<SweepPoint> kept;  // after the filters on keys no axis sets
  for (SweepPoint& p : all_points) {
    try {
      const LoadedRun run = load_point(p);
      bool keep = true;
      for (const SweepFilter& f : spec.filters) {
        if (f.on_axis) continue;
        const ConfigNode* n = find_path(run.resolved, f.key);
        if (!n) throw InputError(f.loc, "filter: the run has no key '" + f.key + "'");
        keep = keep && filter_holds(f, value_text(*n), n->loc);
      }
      if (!keep) continue;
      p.index = static_cast<int>(kept.size());
      keys.push_back(fnv1a_hex(p.label() + "\n" + to_json(run.resolved).dump() + "\n" + tool));
      kept.push_back(p);
    } catch (const InputError& e) {
      if (++bad_points <= kShown) {
        for (const Diagnostic& d : e.diagnostics().errors()) {
          bad.error(p.values.front()->loc, "", fmt::format("point {} ({}): {}", p.index, p.label(), d.str()));
        }
      }
    }
  }
  if (bad_points > kShown) {
    bad.error({o.spec}, "",
              fmt::format("and {} more points with errors ({} of {} in all)", bad_points - kShown, bad_points,
                          all_points.size()));
  }
  bad.throw_if_any();
  const std::vector<SweepPoint>& points = kept;
  if (points.empty()) throw InputError({o.spec}, "the filters leave no point");

  // What every journal in the directory holds, read before any rank
  // appends; each rank then appends to its own.
  const std::filesystem::path out(o.out);
  const std::map<int, nlohmann::ordered_json> before = read_journals(out);
  for (const auto& [index, entry] : before) {
    if (index >= std::ssize(points) || entry.value("key", "") != keys[static_cast<std::size_t>(index)]) {
      throw InputError({(out / "points.jsonl").string()},
                       fmt::format("point {} there was computed with another spec, configuration or binary; "
                                   "remove the directory's points*.jsonl or give another --out",
                                   index));
    }
  }
  ranks.barrier();
  SweepJournal journal(
      out / (ranks.size() == 1 ? std::string("points.jsonl") : fmt::format("points.rank{}.jsonl", ranks.rank())));
  std::vector<const SweepPoint*> todo;
  for (const SweepPoint& p : points) {
    if (!before.contains(p.index) && p.index % ranks.size() == ranks.rank()) todo.push_back(&p);
  }

  const PointEvaluator evaluate = [&](const SweepPoint& p) {
    nlohmann::ordered_json entry = entry_head(p, keys[static_cast<std::size_t>(p.index)]);
    try {
      const nlohmann::ordered_json result = point_result(spec, load_point(p));
      const nlohmann::ordered_json all = flatten_object(result);
      nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
      for (const std::string& m : spec.metrics) {
        if (!all.contains(m)) throw InputError({o.spec}, "metrics: the result has no '" + m + "'");
        metrics[m] = all[m];
      }
      entry["status"] = "ok";
      entry["metrics"] = spec.metrics.empty() ? all : metrics;
    } catch (const std::exception& e) {
      entry["status"] = "error";
      entry["error"] = e.what();
    }
    return entry;
  };
  const LostPoint lost = [&](const SweepPoint& p, const std::string& why) {
    nlohmann::ordered_json entry = entry_head(p, keys[static_cast<std::size_t>(p.index)]);
    entry["status"] = "error";
    entry["error"] = why;
    return entry;
  };
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  // With several ranks the bar counts the first rank's share.
  Progress progress(ranks.size() == 1 ? before.size() : 0, ranks.size() == 1 ? points.size() : todo.size());
  if (!todo.empty()) {
    RunnerOptions ro{.workers = o.workers > 0 ? o.workers : cores, .fork = spec.systemc, .progress = {}};
    if (ranks.rank() == 0) ro.progress = std::ref(progress);  // one bar, the first rank's
    run_points(todo, evaluate, lost, journal, ro);
  }
  ranks.barrier();
  if (ranks.rank() != 0) return 0;

  // The canonical result: one line per point in index order, then a table.
  std::string lines;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  int failed = 0;
  const std::map<int, nlohmann::ordered_json> done = read_journals(out);
  for (const auto& [index, entry] : done) {
    lines += entry.dump() + "\n";
    nlohmann::ordered_json row = {{"index", index}};
    for (const auto& [k, v] : entry["params"].items()) row[k] = v;
    row["status"] = entry["status"];
    if (entry.contains("metrics")) {
      for (const auto& [k, v] : entry["metrics"].items()) row[k] = v;
    }
    if (entry["status"] != "ok") ++failed;
    rows.push_back(row);
  }
  write_file_atomically(out / "results.jsonl", lines);
  write_file_atomically(out / "results.csv", rows_csv(rows));
  if (done.size() != points.size()) {
    throw std::runtime_error(
        fmt::format("{} of {} points are in the journals after the run", done.size(), points.size()));
  }
  std::cout << fmt::format(
      "{} points ({} run now{}, {} from the journal), {} failed; wrote {}/results.jsonl, "
      "results.csv\n",
      points.size(), points.size() - before.size(),
      ranks.size() > 1 ? fmt::format(" over {} MPI ranks", ranks.size()) : "", before.size(), failed, o.out);
  return 0;
}

}  // namespace

Command sweep_command() {
  auto o = std::make_shared<SweepOptions>();
  return {"sweep", "run every point of a sweep spec (configs/sweeps/), resuming where a previous run stopped",
          [o](CLI::App& cmd) {
            cmd.add_option("spec", o->spec, "sweep spec (YAML)")->required();
            require_output_path(cmd.add_option("--out", o->out, "output directory (its points.jsonl is the journal)")
                                    ->capture_default_str());
            cmd.add_option("--workers", o->workers, "SystemC points run at once (default: one per core)")
                ->check(CLI::NonNegativeNumber);
          },
          [o](const Invocation&) { return run_sweep(*o); }};
}

}  // namespace tokenfab
