// `tokenfab pod`: attention-FFN disaggregated decode on a GPU+LPU pod
// (explore/pod_estimate.h) against the GPU pool alone, from a pod run file
// (app/pod_run.h).
//
// It prints the attention-FFN split at that operating point and at each
// deployment's fastest for one user, then the other style: prefill on the
// GPUs, the KV cache over the interconnect, decode on the LPUs.
//
// Both answers are the hardware bound (no deployment term): the deployed
// engine was fitted on GPU serving, and the pod's crossings have no
// measurement yet.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/pod_run.h"
#include "core/atomic_file.h"
#include "explore/mapping_search.h"
#include "explore/pod_estimate.h"
#include "explore/pod_simulation.h"

namespace tokenfab {
namespace {

struct Options {
  std::string file = "configs/runs/pod_afd_deepseek_r1.yaml";
  std::vector<std::string> sets;
  std::string out = "out/pod";
  std::string engine = "analytical";
  std::string timeline;  // SystemC only
};

std::string side_line(const char* what, const PodSide& s, const SystemConfig& sys) {
  std::string out = fmt::format("  {:<10} {:>9} per step; memory per chip {} of {}{}; time:", what, to_string(s.time),
                                to_string(s.footprint), to_string(s.capacity), s.fits ? "" : " (DOES NOT FIT)");
  for (Resource r : kResources) {
    if (s.breakdown[r].value() > 0) out += fmt::format(" {} {}", resource_key(r, sys), to_string(s.breakdown[r]));
  }
  return out + "\n";
}

// One section of the output: its text and its part of pod.json.
struct Section {
  std::string text;
  nlohmann::ordered_json json;
};

// Attention on the GPUs, the FFN on the LPUs: at the run's batch and at each
// deployment's fastest for one user, against the GPUs alone.
PodInput split_input(const PodRun& run, const ModelSpec& model) {
  return {run.pod, model, run.precision, run.attention_mapping, run.ffn_mapping, run.workload, {}};
}

// The prefill-decode request, the GPUs alone decoding at their fastest
// mapping for its batch.
RequestInput phases_input(const PodRun& run, const ModelSpec& model, const std::string& file) {
  const SystemConfig& gpus = pool_with_role(run.pod, "attention").system;
  const RequestStyle& r = run.prefill_decode;
  const std::vector<Point> gpu_points =
      decode_points({model, run.precision, run.workload.context + r.output_tokens / 2, r.batch}, gpus, {});
  const Point* gpu_decode = nullptr;
  for (const Point& q : gpu_points) {
    if (q.batch == r.batch && (!gpu_decode || q.summary.per_user > gpu_decode->summary.per_user)) gpu_decode = &q;
  }
  if (!gpu_decode) throw InputError({file}, fmt::format("no GPU mapping decodes {} sequences", r.batch));
  return {run.pod,
          model,
          run.precision,
          r.prefill_mapping,
          r.lpu_decode_mapping,
          gpu_decode->mapping,
          run.workload.context,
          r.output_tokens,
          r.batch};
}

Section attention_ffn(const PodRun& run, const ModelSpec& model, const std::string& file,
                      const std::optional<PodSimulation>& simulated) {
  const SystemConfig& gpus = pool_with_role(run.pod, "attention").system;
  const SystemConfig lpus = ffn_system(run.pod);
  const PodEstimate analytical = estimate_pod(split_input(run, model));
  const PodEstimate& p = simulated ? simulated->estimate : analytical;
  const Estimate alone = estimate({gpus, model, run.precision, run.gpu_mapping, run.workload, nullptr, false, {}});
  if (!p.attention.fits || !p.ffn.fits || !alone.fits)
    throw InputError({file}, fmt::format("{} does not fit: the GPUs with the pod need {} of {} per chip, the LPUs "
                                         "{} of {}, the GPUs alone {} of {}",
                                         model.name, to_string(p.attention.footprint), to_string(p.attention.capacity),
                                         to_string(p.ffn.footprint), to_string(p.ffn.capacity),
                                         to_string(alone.footprint.total()), to_string(alone.capacity)));
  const double ratio = p.step / alone.step_time;
  Section out;
  out.text = fmt::format("{} decode on {} (batch {}, context {}), hardware bound{}:\n", model.name, run.pod.name,
                         run.workload.batch, run.workload.context, simulated ? ", the pod simulated in SystemC" : "") +
             fmt::format("  pod:        {:.1f} tok/s per user (a token every {}), {} chips, attention {} + FFN {}\n",
                         p.tokens_per_second_per_user.value(), to_string(p.step), p.chips,
                         run.attention_mapping.label(), run.ffn_mapping.label()) +
             side_line("attention", p.attention, gpus) + side_line("ffn", p.ffn, lpus) +
             fmt::format("  crossings  {} per step of {} each: {}\n", p.crossings, to_string(p.crossing),
                         to_string(p.crossing * static_cast<double>(p.crossings))) +
             (simulated ? fmt::format("  analytical estimate: a token every {} (SystemC / analytical {:.4f}); {} "
                                      "flows through {} FFN NICs per stage\n",
                                      to_string(analytical.step), p.step / analytical.step, simulated->flows.size(),
                                      ports_for(pool_with_role(run.pod, "ffn"), run.ffn_mapping.stage_devices()))
                        : std::string()) +
             fmt::format("  GPUs alone: {:.1f} tok/s per user (a token every {}), {} chips, {}\n",
                         alone.tokens_per_second_per_user.value(), to_string(alone.step_time), gpus.chips,
                         run.gpu_mapping.label()) +
             side_line("alone",
                       {alone.step_time, alone.breakdown, alone.footprint.weights, alone.footprint.total(),
                        alone.capacity, alone.fits},
                       gpus) +
             fmt::format("  latency ratio (pod / GPUs alone): {:.2f}\n", ratio);

  // Each deployment at its own fastest for one user.
  const std::optional<PodCeiling> pc =
      pod_ceiling({run.pod, model, run.precision, run.attention_mapping, run.ffn_mapping, run.workload, {}});
  const std::vector<Point> one_user = decode_points({model, run.precision, run.workload.context, 1}, gpus, {});
  const Point& gc = fastest(one_user);
  std::optional<double> ceiling_ratio;
  if (pc) {
    ceiling_ratio = pc->estimate.step / gc.summary.step_time;
    out.text += fmt::format(
        "  at each one's fastest for one user: pod {:.1f} tok/s per user (attention {}), GPUs "
        "alone {:.1f} ({}); latency ratio {:.2f}\n",
        pc->estimate.tokens_per_second_per_user.value(), pc->attention_mapping.label(), gc.summary.per_user.value(),
        gc.mapping.label(), *ceiling_ratio);
  }
  out.json = {{"pod_step_s", p.step.value()},
              {"analytical_pod_step_s", analytical.step.value()},
              {"attention_s", p.attention.time.value()},
              {"ffn_s", p.ffn.time.value()},
              {"crossing_s", p.crossing.value()},
              {"crossings", p.crossings},
              {"pod_chips", p.chips},
              {"gpus_alone_step_s", alone.step_time.value()},
              {"latency_ratio", ratio},
              {"ceiling_latency_ratio", ceiling_ratio ? nlohmann::ordered_json(*ceiling_ratio) : nullptr}};
  return out;
}

// Prefill on the GPUs, decode on the LPUs, against the GPUs doing both (at
// their fastest mapping for that batch).
Section prefill_decode(const PodRun& run, const RequestInput& in,
                       const std::optional<DisaggregatedSimulation>& simulated) {
  const RequestStyle& r = run.prefill_decode;
  const DisaggregatedEstimate analytical = estimate_disaggregated(in);
  const DisaggregatedEstimate& d = simulated ? simulated->estimate : analytical;
  auto request_line = [](const char* what, const RequestLatency& l) {
    return fmt::format("  {:<11} TTFT {} (prefill {} + KV {}), TPOT {}, end to end {}\n", what, to_string(l.ttft),
                       to_string(l.prefill), to_string(l.kv_transfer), to_string(l.tpot), to_string(l.e2e));
  };
  Section out;
  out.text = fmt::format(
      "prefill on the GPUs ({}), decode on the LPUs ({}) in batches of {}, a {}-token prompt "
      "and {} tokens out, {} of KV cache:\n",
      r.prefill_mapping.label(), r.lpu_decode_mapping.label(), r.batch, run.workload.context, r.output_tokens,
      to_string(d.kv));
  // A placement that cannot hold the batch's KV cache is a result of this
  // style, not bad input: the first style's answer stands.
  const bool fits = d.pod.fits && d.gpus.fits;
  if (fits) {
    out.text += request_line("pod:", d.pod) + request_line("GPUs alone:", d.gpus) +
                fmt::format("  (the GPUs alone decode at their fastest for {} sequences: {})\n", r.batch,
                            in.gpu_decode_mapping.label()) +
                (simulated ? fmt::format("  analytical estimate: pod TTFT {}, TPOT {}; GPUs alone TPOT {} (SystemC / "
                                         "analytical: pod TPOT {:.4f}, KV transfer {:.4f}); {} KV flows\n",
                                         to_string(analytical.pod.ttft), to_string(analytical.pod.tpot),
                                         to_string(analytical.gpus.tpot), d.pod.tpot / analytical.pod.tpot,
                                         d.pod.kv_transfer / analytical.pod.kv_transfer, simulated->kv_flows.size())
                           : std::string()) +
                fmt::format("  latency ratio (pod / GPUs alone): TPOT {:.2f}, end to end {:.2f}\n",
                            d.pod.tpot / d.gpus.tpot, d.pod.e2e / d.gpus.e2e);
  } else {
    out.text += fmt::format("  does not fit: decoding {} sequences needs {} of {} per LPU, {} of {} per GPU\n", r.batch,
                            to_string(d.pod.decode_footprint), to_string(d.pod.decode_capacity),
                            to_string(d.gpus.decode_footprint), to_string(d.gpus.decode_capacity));
  }
  out.json = {{"fits", fits},
              {"kv_bytes", d.kv.value()},
              {"analytical_pod_tpot_s", analytical.pod.tpot.value()},
              {"pod", {{"ttft_s", d.pod.ttft.value()}, {"tpot_s", d.pod.tpot.value()}, {"e2e_s", d.pod.e2e.value()}}},
              {"gpus_alone",
               {{"ttft_s", d.gpus.ttft.value()}, {"tpot_s", d.gpus.tpot.value()}, {"e2e_s", d.gpus.e2e.value()}}}};
  return out;
}

int run_pod(const Options& o) {
  if (!o.timeline.empty() && o.engine != "systemc") {
    throw InputError({"--timeline"}, "a timeline comes from the SystemC engine: add --engine systemc");
  }
  const LoadedPod loaded = load_pod_run(o.file, o.sets);
  const PodRun& run = loaded.run;
  const ModelSpec& model = loaded.model;

  // Everything is computed before anything is printed or written.
  const PodInput split_in = split_input(run, model);
  const RequestInput phases_in = phases_input(run, model, o.file);
  std::optional<PodStyles> simulated;
  if (o.engine == "systemc") {
    PodSimulationOptions so;
    if (!o.timeline.empty()) so.timeline = o.timeline;
    simulated = simulate_pod_styles(split_in, phases_in, so);
  }
  const Section split =
      attention_ffn(run, model, o.file, simulated ? std::optional(simulated->attention_ffn) : std::nullopt);
  const Section phases =
      prefill_decode(run, phases_in, simulated ? std::optional(simulated->prefill_decode) : std::nullopt);
  nlohmann::ordered_json j = {{"format", "tokenfab-pod"},    {"schema_version", 1},
                              {"answer", "hardware bound"},  {"engine", o.engine},
                              {"model", model.name},         {"pod", run.pod.name},
                              {"batch", run.workload.batch}, {"context", run.workload.context}};
  j.update(split.json);
  j["prefill_decode"] = phases.json;
  write_file_atomically(std::filesystem::path(o.out) / "pod.json", j.dump(1) + "\n");
  std::cout << split.text << phases.text << "  wrote " << o.out << "/pod.json\n";
  return 0;
}

}  // namespace

Command pod_command() {
  auto o = std::make_shared<Options>();
  return {
      "pod", "attention-FFN disaggregated decode on a GPU+LPU pod, against its GPUs alone",
      [o](CLI::App& cmd) {
        cmd.add_option("pod_run", o->file, "pod run description (YAML)")->capture_default_str();
        cmd.add_option("--set", o->sets, "override key.path=value (repeatable)");
        require_output_path(cmd.add_option("--out", o->out, "output directory")->capture_default_str());
        cmd.add_option(
               "--engine", o->engine,
               "analytical, or systemc: both styles simulated as one pod (the attention-FFN step at the run's batch; "
               "the prefill, KV transfer and decode steps of the other)")
            ->check(CLI::IsMember({"analytical", "systemc"}))
            ->capture_default_str();
        cmd.add_option("--timeline", o->timeline,
                       "with --engine systemc: Perfetto timeline of the step (GPU, LPU and interconnect tracks)");
      },
      [o](const Invocation&) { return run_pod(*o); }};
}

}  // namespace tokenfab
