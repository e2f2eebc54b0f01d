#include "explore/pod_simulation.h"

#include <fmt/format.h>

#include <algorithm>

#include "hw/rack/rack.h"
#include "hw/tlm/op_payload.h"
#include "workloads/trace_gen.h"

namespace tokenfab {
namespace {

Op crossing(std::string_view name, std::int64_t layer, Bytes bytes) {
  Op op;
  op.layer = static_cast<int>(layer);
  op.name = std::string(name);
  op.kind = OpKind::collective;
  op.collective = Collective{CollectiveKind::send_recv, CollectiveGroup::pod, 2, bytes};
  return op;
}

bool is_crossing(const Op& op) { return op.collective && op.collective->group == CollectiveGroup::pod; }

// The GPUs' ops: the trace without its FFN ops, a send and a receive where
// each layer's FFN began (after the layer's own ops when a device has no FFN
// op in it: every device crosses at every layer, with what it holds).
std::vector<Op> attention_side(const std::vector<Op>& ops, std::int64_t layers, Bytes sent) {
  std::vector<Op> out;
  std::int64_t next = 0;  // the first layer not crossed yet
  auto cross_up_to = [&](std::int64_t end) {
    for (; next < std::min(end, layers); ++next) {
      out.push_back(crossing(kCrossingSend, next, sent));
      out.push_back(crossing(kCrossingReceive, next, sent));
    }
  };
  for (const Op& op : ops) {
    if (ffn_op(op)) {
      cross_up_to(op.layer + 1);
      continue;
    }
    cross_up_to(op.layer);
    out.push_back(op);
  }
  cross_up_to(layers);
  return out;
}

// The LPUs' ops: each of the stage's layers [first, last) between a receive
// and a send, with its FFN ops (if the device has any in it).
std::vector<Op> ffn_side(const std::vector<Op>& ops, std::int64_t first, std::int64_t last) {
  std::vector<Op> out;
  auto op = ops.begin();
  for (std::int64_t layer = first; layer < last; ++layer) {
    out.push_back(crossing(kCrossingReceive, layer, Bytes(0)));
    for (; op != ops.end() && op->layer <= layer; ++op) {
      if (ffn_op(*op)) out.push_back(*op);
    }
    out.push_back(crossing(kCrossingSend, layer, Bytes(0)));
  }
  return out;
}

// Rewrites each distinct list of `r` with `side`, keeping who shares it.
template <class Fn>
void rewrite(ReplicaOps& r, Fn side) {
  std::map<TraceKey, std::vector<Op>> rewritten;
  for (const auto& [key, ops] : r.shared) rewritten.emplace(key, side(key, ops));
  r.shared = std::move(rewritten);
  for (int d : r.simulated) r.ops[static_cast<std::size_t>(d)] = &r.shared.at(r.keys[static_cast<std::size_t>(d)]);
}

// A device's own work: its ops' times and charges, crossings left out.
void add_own(const DeviceModule& device, Seconds& time, ResourceTimes& by_resource) {
  for (std::size_t i = 0; i < device.ops().size(); ++i) {
    if (is_crossing(device.ops()[i])) continue;
    time += device.timings()[i].time;
    by_resource += device.timings()[i].charged;
  }
}

void add_flows(TraceEvents& events, const std::vector<CrossingFlow>& flows, Seconds begin, int pid) {
  events.process(pid, "interconnect");
  constexpr int kNicTracks = 100000;  // FFN NICs after the attention devices' ports
  for (const CrossingFlow& f : flows) {
    const std::string name = fmt::format("layer {} {}", f.layer, f.forward ? "to FFN" : "back");
    for (int tid : {f.device, kNicTracks + f.nic}) {
      events.track(pid, tid,
                   tid < kNicTracks ? fmt::format("GPU {} port", f.device) : fmt::format("FFN NIC {}", f.nic));
      events.slice({.pid = pid,
                    .tid = tid,
                    .name = name,
                    .category = "crossing",
                    .start = f.start - begin,
                    .duration = f.delivered - f.start,
                    .args = {{"bytes", f.bytes.value()}}});
    }
  }
}

// Style (a): both pools' replicas and the interconnect, built at
// construction (before the kernel first runs), one step per run().
class AttentionFfn {
 public:
  explicit AttentionFfn(const PodInput& in)
      : in_(in),
        gpus_(pool_with_role(in.pod, "attention").system),
        lpus_(ffn_system(in.pod)),
        gpu_engine_(engine_for_chip(in.engine, false, gpus_.chip.name)),
        lpu_engine_(engine_for_chip(in.engine, true, lpus_.chip.name)) {
    const EstimateInput a{gpus_, in.model, in.precision, in.attention_mapping, in.workload, nullptr, true, gpu_engine_};
    const EstimateInput f{lpus_, in.model, in.precision, in.ffn_mapping, in.workload, nullptr, true, lpu_engine_};
    // Every GPU is simulated: where GPUs share an FFN NIC, each gets its
    // output back at its own place in the NIC's queue, and the next layer's
    // FFN waits for the last of them.
    gpu_ops_ = replica_ops(a, false);
    lpu_ops_ = replica_ops(f, true);
    const double state_bytes = static_cast<double>(in.model.hidden) * bytes_per_element(in.precision.activations) *
                               static_cast<double>(in.workload.tokens);
    rewrite(gpu_ops_, [&](const TraceKey& key, const std::vector<Op>& ops) {
      const auto sequences = gpu_ops_.load.ranks[static_cast<std::size_t>(key.rank)].sequences();
      // Each rank sends its slice of the group's states (crossing_engine.h).
      const double slice = state_bytes * static_cast<double>(sequences) / static_cast<double>(in.attention_mapping.tp);
      return attention_side(ops, in.model.layers, Bytes(slice));
    });
    rewrite(lpu_ops_, [&](const TraceKey& key, const std::vector<Op>& ops) {
      const auto [first, last] = stage_layers(lpu_ops_.model, in.ffn_mapping.pp, key.stage);
      return ffn_side(ops, first, last);
    });
    std::vector<int> layer_stage(static_cast<std::size_t>(in.model.layers));
    for (int s = 0; s < in.ffn_mapping.pp; ++s) {
      const auto [first, last] = stage_layers(lpu_ops_.model, in.ffn_mapping.pp, s);
      for (auto l = first; l < last; ++l) layer_stage[static_cast<std::size_t>(l)] = s;
    }
    link_ = std::make_unique<CrossingEngine>(in.pod, in.attention_mapping.replica_devices(), in.attention_mapping.tp,
                                             in.ffn_mapping.stage_devices(), layer_stage);
    gpu_side_ =
        std::make_unique<ReplicaModule>("attention", gpus_, in.attention_mapping, gpu_engine_, gpu_ops_.simulated);
    lpu_side_ = std::make_unique<ReplicaModule>("ffn", lpus_, in.ffn_mapping, lpu_engine_, lpu_ops_.simulated);
    lpu_side_->chain_stages(false);
    gpu_side_->collectives().route_crossings(link_.get(), 0);
    lpu_side_->collectives().route_crossings(link_.get(), 1);
  }

  PodSimulation run(const PodSimulationOptions& options) {
    PodSimulation out;
    out.estimate = estimate_pod(in_);  // memory, chips and the pod's throughput rule
    link_->begin_step();
    const Seconds begin = gpu_side_->begin_step(gpu_ops_.ops, gpu_ops_.representative);
    lpu_side_->begin_step(lpu_ops_.ops, lpu_ops_.representative);
    sc_core::sc_start();

    PodEstimate& e = out.estimate;
    const DeviceModule* last = nullptr;
    for (const auto& d : gpu_side_->devices()) {
      if (d->loaded() && (!last || d->finish() > last->finish())) last = d.get();
    }
    e.attention.time = Seconds(0);
    e.attention.breakdown = {};
    add_own(*last, e.attention.time, e.attention.breakdown);
    e.ffn.time = Seconds(0);
    e.ffn.breakdown = {};
    for (int s = 0; s < in_.ffn_mapping.pp; ++s) {
      Seconds slowest;
      ResourceTimes slowest_by;
      for (const auto& d : lpu_side_->devices()) {
        if (!d->loaded() || in_.ffn_mapping.coords(d->device()).stage != s) continue;
        Seconds t;
        ResourceTimes by;
        add_own(*d, t, by);
        if (t > slowest) std::tie(slowest, slowest_by) = std::tie(t, by);
      }
      e.ffn.time += slowest;
      e.ffn.breakdown += slowest_by;
    }
    e.own_step = last->finish() - begin;
    e.crossing = (e.own_step - e.attention.time - e.ffn.time) / static_cast<double>(e.crossings);
    e = share_ffn_pool(e, in_, e.attention_systems);
    out.flows = link_->flows();
    if (options.timeline) {
      TraceEvents events;
      add_timeline(events, *gpu_side_, begin, gpus_, 0);
      const int lpu_pid = in_.attention_mapping.replica_devices();
      add_timeline(events, *lpu_side_, begin, lpus_, lpu_pid);
      add_flows(events, out.flows, begin, lpu_pid + in_.ffn_mapping.replica_devices());
      events.write(*options.timeline);
    }
    return out;
  }

 private:
  PodInput in_;
  SystemConfig gpus_, lpus_;
  EngineConfig gpu_engine_, lpu_engine_;
  ReplicaOps gpu_ops_, lpu_ops_;
  std::unique_ptr<CrossingEngine> link_;
  std::unique_ptr<ReplicaModule> gpu_side_, lpu_side_;
};

// One replica of style (b): its system and input kept alive, its ops and
// SystemC module built before the kernel first runs.
struct Replica {
  SystemConfig system;
  EstimateInput in;
  ReplicaOps ops;
  std::unique_ptr<ReplicaModule> module;
  Replica(const std::string& name, SystemConfig sys, const ModelSpec& model, Precision precision, Mapping mapping,
          Workload workload)
      : system(std::move(sys)), in{system, model, precision, mapping, workload, nullptr, true, {}} {
    ops = replica_ops(in, true);
    module = std::make_unique<ReplicaModule>(name.c_str(), system, mapping, in.engine, ops.simulated);
  }
  Estimate step() {
    const Seconds begin = module->run_step(ops.ops, ops.representative);
    PassTiming timing = collect_pass(*module, begin, ops.load, [&](int stage) {
      return stage_footprint(in, ops.model, stage * in.mapping.stage_devices());
    });
    return finish_estimate(std::move(timing), in);
  }
};

// Style (b): the GPUs' prefill replica, the LPUs' and the GPUs' decoding
// replicas, built at construction.
class PrefillDecode {
 public:
  explicit PrefillDecode(const RequestInput& in)
      : in_(in),
        decode_{Phase::decode, in.batch, 1, in.prompt + in.output / 2},
        prefill_("prefill", pool_with_role(in.pod, "attention").system, in.model, in.precision, in.prefill_mapping,
                 Workload{Phase::prefill, 1, in.prompt, 0}),
        on_lpus_("lpu_decode", ffn_system(in.pod), in.model, in.precision, in.lpu_decode_mapping, decode_),
        on_gpus_("gpu_decode", pool_with_role(in.pod, "attention").system, in.model, in.precision,
                 in.gpu_decode_mapping, decode_) {}

  DisaggregatedSimulation run() {
    DisaggregatedSimulation out;
    out.estimate = estimate_disaggregated(in_);  // footprints and the latency rule
    const Estimate p = prefill_.step();
    // The KV cache leaves when the prefill is done; each decoding stage
    // takes its layers' share.
    const Mapping& lpu = in_.lpu_decode_mapping;
    std::vector<double> share(static_cast<std::size_t>(lpu.pp));
    for (int s = 0; s < lpu.pp; ++s) {
      const auto [first, last] = stage_layers(on_lpus_.ops.model, lpu.pp, s);
      share[static_cast<std::size_t>(s)] = static_cast<double>(last - first) / static_cast<double>(in_.model.layers);
    }
    const Seconds now = from_sc(sc_core::sc_time_stamp());
    const Seconds in_place = transfer_kv(in_.pod, in_.prefill_mapping.replica_devices(), lpu.stage_devices(), share,
                                         out.estimate.kv, now, &out.kv_flows);
    sc_core::sc_start(to_sc(in_place - now));
    const Estimate l = on_lpus_.step();
    const Estimate g = on_gpus_.step();
    set_request_times(out.estimate.pod, p.step_time, in_place - now, l.step_time, in_.output);
    set_request_times(out.estimate.gpus, p.step_time, Seconds(0), g.step_time, in_.output);
    return out;
  }

 private:
  RequestInput in_;
  Workload decode_;
  Replica prefill_, on_lpus_, on_gpus_;
};

}  // namespace

PodSimulation simulate_pod(const PodInput& in, const PodSimulationOptions& options) {
  return AttentionFfn(in).run(options);
}

DisaggregatedSimulation simulate_prefill_decode(const RequestInput& in) { return PrefillDecode(in).run(); }

PodStyles simulate_pod_styles(const PodInput& split, const RequestInput& phases, const PodSimulationOptions& options) {
  // Every module of both styles exists before the kernel first runs.
  AttentionFfn a(split);
  PrefillDecode b(phases);
  PodStyles out{a.run(options), b.run()};
  return out;
}

}  // namespace tokenfab
