#include "app/run_results.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "app/run_options.h"
#include "core/atomic_file.h"
#include "core/config_json.h"

namespace tokenfab {
namespace {

nlohmann::ordered_json model_json(const ModelSpec& m, const Precision& p) {
  ParamCounts c = count_params(m);
  return {{"name", m.name},
          {"model_type", m.model_type},
          {"layers", m.layers},
          {"total_params", c.total()},
          {"active_params", c.active_with_embeddings()},
          {"weight_bytes", weight_bytes(m, p).value()},
          {"kv_bytes_per_token", kv_bytes_per_token(m, p.kv_cache).value()}};
}

nlohmann::ordered_json op_json(const StageEstimate& s, const Op& op, const OpTiming& t, const SystemConfig& system) {
  return {{"stage", s.stage},
          {"layer", op.layer},
          {"name", op.name},
          {"kind", std::string(enum_name(op.kind))},
          {"start_s", t.start.value()},
          {"end_s", (t.start + t.time).value()},
          {"time_s", t.time.value()},
          {"bound", resource_key(t.bound, system)},
          {"compute_s", t.compute.value()},
          {"memory_s", t.memory.value()},
          {"flops", op.flops.value()},
          {"weight_bytes", op.weight_bytes.value()},
          {"activation_bytes", op.activation_bytes.value()},
          {"kv_bytes", (op.kv_read + op.kv_write).value()},
          {"comm_bytes", op.collective ? op.collective->bytes.value() : 0.0}};
}

// Per-layer records: sums of the ops of each layer, bound by largest charge.
nlohmann::ordered_json layers_json(const StageEstimate& s, const SystemConfig& system) {
  std::map<int, std::pair<ResourceTimes, std::pair<double, double>>> layers;
  for (std::size_t i = 0; i < s.ops.size(); ++i) {
    auto& [times, work] = layers[s.ops[i].layer];
    times += s.timings[i].charged;
    work.first += s.ops[i].flops.value();
    work.second += (s.ops[i].weight_bytes + s.ops[i].activation_bytes + s.ops[i].kv_read + s.ops[i].kv_write).value();
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [layer, rec] : layers) {
    out.push_back({{"stage", s.stage},
                   {"layer", layer},
                   {"time_s", rec.first.total().value()},
                   {"bound", resource_key(rec.first.largest(), system)},
                   {"flops", rec.second.first},
                   {"memory_bytes", rec.second.second},
                   {"breakdown_s", breakdown_json(rec.first, system)}});
  }
  return out;
}

}  // namespace

nlohmann::ordered_json results_json(const LoadedRun& run, const Estimate& e, const std::optional<Estimate>& bound,
                                    const std::string& command, const std::vector<std::string>& arguments,
                                    const std::string& engine) {
  const RunConfig& c = run.config;
  nlohmann::ordered_json j;
  j["format"] = "tokenfab-results";
  j["schema_version"] = 1;
  j["tool"] = {{"name", "tokenfab"}, {"version", kToolVersion}, {"model", engine}};
  j["command"] = command;
  j["arguments"] = arguments;
  j["inputs"] = {{"model_file", c.model},
                 {"system", c.system.name},
                 {"workload",
                  {{"phase", std::string(enum_name(c.workload.phase))},
                   {"batch", c.workload.batch},
                   {"tokens", c.workload.tokens},
                   {"context", c.workload.context}}},
                 {"mapping", c.mapping.str()}};
  j["config"] = to_json(run.resolved);
  j["provenance"] = to_json(run.provenance);
  if (!run.notes.empty()) j["notes"] = run.notes;
  j["model"] = model_json(run.model, c.precision);
  j["answer"] = bound ? "deployed" : "bound";
  j["summary"] = summary_json(summarize(e, c.system, c.mapping), c.system);
  if (bound) j["bound_summary"] = summary_json(summarize(*bound, c.system, c.mapping), c.system);
  j["stages"] = nlohmann::ordered_json::array();
  j["layers"] = nlohmann::ordered_json::array();
  j["ops"] = nlohmann::ordered_json::array();
  for (const auto& s : e.stages) {
    j["stages"].push_back({{"stage", s.stage},
                           {"device", s.device},
                           {"sequences", s.sequences},
                           {"time_s", s.time.value()},
                           {"breakdown_s", breakdown_json(s.by_resource, c.system)},
                           {"weight_bytes", s.footprint.weights.value()},
                           {"kv_cache_bytes", s.footprint.kv_cache.value()}});
    for (auto& layer : layers_json(s, c.system)) j["layers"].push_back(std::move(layer));
    for (std::size_t i = 0; i < s.ops.size(); ++i) j["ops"].push_back(op_json(s, s.ops[i], s.timings[i], c.system));
  }
  return j;
}

std::string summary_csv(const nlohmann::ordered_json& results) {
  std::string out = "key,value\n";
  for (const auto& [key, text] : flatten_json(results["summary"])) out += key + "," + text + "\n";
  return out;
}

std::string ops_csv(const nlohmann::ordered_json& results) {
  const auto& ops = results["ops"];
  return ops.empty() ? "" : rows_csv(ops);
}

void write_results(const std::filesystem::path& dir, const nlohmann::ordered_json& results) {
  write_file_atomically(dir / "results.json", results.dump(1) + "\n");
  write_file_atomically(dir / "summary.csv", summary_csv(results));
  write_file_atomically(dir / "ops.csv", ops_csv(results));
}

namespace {

std::string speed_line(const Estimate& e, Phase phase) {
  if (phase == Phase::decode) {
    // With speculative decoding a step yields more than one token per user.
    return fmt::format("{:.1f} tok/s per user (a token every {}), {:.1f} tok/s per chip, {:.0f} tok/s per system\n",
                       e.tokens_per_second_per_user.value(), to_string(Tokens(1.0) / e.tokens_per_second_per_user),
                       e.tokens_per_second_per_device.value(), e.tokens_per_second_per_system.value());
  }
  return fmt::format("time to first token {}, {:.0f} prompt tok/s per chip, {:.0f} per system\n",
                     to_string(e.step_time), e.tokens_per_second_per_device.value(),
                     e.tokens_per_second_per_system.value());
}

}  // namespace

std::string terminal_summary(const LoadedRun& run, const Estimate& e, const std::optional<Estimate>& bound) {
  const RunConfig& c = run.config;
  const Workload& w = c.workload;
  std::string out =
      fmt::format("{} {} on {} ({}; batch {}, {} new token{}, context {})\n", run.model.name, enum_name(w.phase),
                  c.system.name, c.mapping.str(), w.batch, w.tokens, w.tokens == 1 ? "" : "s", w.context);
  for (const std::string& note : run.notes) out += "  note: " + note + "\n";
  // Two answers, each named: what the hardware allows and what today's software delivers.
  out += "  hardware bound:    " + speed_line(bound ? *bound : e, w.phase);
  out += bound ? "  deployed estimate: " + speed_line(e, w.phase)
               : no_deployed_answer("deployed estimate", c.system, c.engine);
  const SpeculativeConfig& spec = c.engine.speculative;
  if (bound && w.phase == Phase::decode && draft_tokens(c.engine, run.model) > 0) {
    out += fmt::format(
        "  speculative decoding: {} draft token{}, each kept with p = {:.2f}: {:.2f} tokens per user per {} step\n",
        spec.draft_tokens, spec.draft_tokens == 1 ? "" : "s", spec.acceptance, spec.tokens_per_step(),
        to_string(e.step_time));
  }
  if (bound) out += "  (the lines below describe the deployed estimate)\n";
  // A pipelined decode whose slowest stage, serving every micro-batch in
  // flight, paces the tokens: the token time exceeds the pass the breakdown
  // sums (finish_estimate derives it).
  const Seconds waiting = e.step_time - e.breakdown.total();
  const bool paced_by_stage = waiting.value() > 1e-9 * e.step_time.value();
  if (w.phase == Phase::decode && c.mapping.pp > 1) {
    Seconds slowest;
    for (const auto& s : e.stages) slowest = std::max(slowest, s.time);
    const std::int64_t size = (w.batch + c.mapping.pp - 1) / c.mapping.pp;  // as pass_workload
    const std::string pace = paced_by_stage ? fmt::format(
                                                  "paced by the slowest stage serving all {} ({} per token "
                                                  "beyond the breakdown)",
                                                  e.micro_batches, to_string(waiting))
                                            : std::string("one pass per token");
    out += fmt::format("  pipeline: {} micro-batch{} of {} sequence{}, pass {}, slowest stage {}: {}\n",
                       e.micro_batches, e.micro_batches == 1 ? "" : "es", size, size == 1 ? "" : "s",
                       to_string(e.pass_time), to_string(slowest), pace);
  }
  const Summary summary = summarize(e, c.system, c.mapping);
  out += fmt::format("  {:.3g} tok/s per MW at {} all-in per chip\n", (summary.per_watt * 1e6).value(),
                     to_string(c.system.economics.all_in_power_per_chip));
  const Seconds total = e.breakdown.total();
  out += fmt::format("  limited by: {} ({:.0f}% of the {})\n", resource_key(e.bound, c.system),
                     100.0 * e.breakdown[e.bound].value() / total.value(), paced_by_stage ? "pass" : "step");
  out += "  time by resource:";
  for (Resource r : kResources) {
    if (r == Resource::scale_out && !c.system.chip.scale_out) continue;
    if (r != Resource::memory) out += " |";
    out += fmt::format(" {} {} ({:.0f}%)", resource_key(r, c.system), to_string(e.breakdown[r]),
                       100.0 * e.breakdown[r].value() / total.value());
  }
  out += "\n";
  for (const auto& s : e.stages) {
    // The device whose timeline sets the stage, and where its time went by op.
    std::map<std::string, Seconds> by_name;
    for (std::size_t i = 0; i < s.ops.size(); ++i) by_name[s.ops[i].name] += s.timings[i].time;
    std::vector<std::pair<std::string, Seconds>> top(by_name.begin(), by_name.end());
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    out += fmt::format("  critical path, stage {}: device {} ({} sequence{}), {}; most time in", s.stage, s.device,
                       s.sequences, s.sequences == 1 ? "" : "s", to_string(s.time));
    for (std::size_t i = 0; i < std::min<std::size_t>(3, top.size()); ++i) {
      out += fmt::format("{} {} {}", i ? "," : "", top[i].first, to_string(top[i].second));
    }
    out += "\n";
  }
  out += fmt::format("  memory per chip: {} weights + {} KV cache + {} activations of {}{}\n",
                     to_string(e.footprint.weights), to_string(e.footprint.kv_cache),
                     to_string(e.footprint.activations), to_string(e.capacity), e.fits ? "" : "  DOES NOT FIT");
  return out;
}

}  // namespace tokenfab
