#include "explore/pod_simulation.h"

#include <fmt/format.h>

#include <algorithm>

#include "hw/rack/rack.h"
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

}  // namespace

PodSimulation simulate_pod(const PodInput& in, const PodSimulationOptions& options) {
  PodSimulation out;
  out.estimate = estimate_pod(in);  // memory, chips and the pod's throughput rule
  const SystemConfig& gpus = pool_with_role(in.pod, "attention").system;
  const SystemConfig lpus = ffn_system(in.pod);
  const EngineConfig lpu_engine = hardware_bound(in.engine);
  const EstimateInput a{gpus, in.model, in.precision, in.attention_mapping, in.workload, nullptr, true, in.engine};
  const EstimateInput f{lpus, in.model, in.precision, in.ffn_mapping, in.workload, nullptr, true, lpu_engine};
  // Every GPU is simulated: where GPUs share an FFN NIC, each gets its
  // output back at its own place in the NIC's queue, and the next layer's
  // FFN waits for the last of them.
  ReplicaOps gpu_ops = replica_ops(a, false);
  ReplicaOps lpu_ops = replica_ops(f, true);
  const double state_bytes = static_cast<double>(in.model.hidden) * bytes_per_element(in.precision.activations) *
                             static_cast<double>(in.workload.tokens);
  rewrite(gpu_ops, [&](const TraceKey& key, const std::vector<Op>& ops) {
    const auto sequences = gpu_ops.load.ranks[static_cast<std::size_t>(key.rank)].sequences();
    // Each rank sends its slice of the group's states (crossing_engine.h).
    const double slice = state_bytes * static_cast<double>(sequences) / static_cast<double>(in.attention_mapping.tp);
    return attention_side(ops, in.model.layers, Bytes(slice));
  });
  rewrite(lpu_ops, [&](const TraceKey& key, const std::vector<Op>& ops) {
    const auto [first, last] = stage_layers(lpu_ops.model, in.ffn_mapping.pp, key.stage);
    return ffn_side(ops, first, last);
  });

  std::vector<int> layer_stage(static_cast<std::size_t>(in.model.layers));
  for (int s = 0; s < in.ffn_mapping.pp; ++s) {
    const auto [first, last] = stage_layers(lpu_ops.model, in.ffn_mapping.pp, s);
    for (auto l = first; l < last; ++l) layer_stage[static_cast<std::size_t>(l)] = s;
  }
  CrossingEngine link(in.pod, in.attention_mapping.replica_devices(), in.attention_mapping.tp,
                      in.ffn_mapping.stage_devices(), layer_stage);
  ReplicaModule gpu_side("attention", gpus, in.attention_mapping, in.engine, gpu_ops.simulated);
  ReplicaModule lpu_side("ffn", lpus, in.ffn_mapping, lpu_engine, lpu_ops.simulated);
  lpu_side.chain_stages(false);
  gpu_side.collectives().route_crossings(&link, 0);
  lpu_side.collectives().route_crossings(&link, 1);
  link.begin_step();
  const Seconds begin = gpu_side.begin_step(gpu_ops.ops, gpu_ops.representative);
  lpu_side.begin_step(lpu_ops.ops, lpu_ops.representative);
  sc_core::sc_start();

  PodEstimate& e = out.estimate;
  Seconds finish = begin;
  const DeviceModule* last = nullptr;
  for (const auto& d : gpu_side.devices()) {
    if (d->loaded() && (!last || d->finish() > last->finish())) last = d.get();
  }
  finish = last->finish();
  e.attention.time = Seconds(0);
  e.attention.breakdown = {};
  add_own(*last, e.attention.time, e.attention.breakdown);
  e.ffn.time = Seconds(0);
  e.ffn.breakdown = {};
  for (int s = 0; s < in.ffn_mapping.pp; ++s) {
    Seconds slowest;
    ResourceTimes slowest_by;
    for (const auto& d : lpu_side.devices()) {
      if (!d->loaded() || in.ffn_mapping.coords(d->device()).stage != s) continue;
      Seconds t;
      ResourceTimes by;
      add_own(*d, t, by);
      if (t > slowest) std::tie(slowest, slowest_by) = std::tie(t, by);
    }
    e.ffn.time += slowest;
    e.ffn.breakdown += slowest_by;
  }
  e.step = finish - begin;
  e.crossing = (e.step - e.attention.time - e.ffn.time) / static_cast<double>(e.crossings);
  const double scale = e.tokens_per_second.value() / e.tokens_per_second_per_user.value();
  e.tokens_per_second_per_user = TokensPerSecond(static_cast<double>(in.workload.tokens) / e.step.value());
  e.tokens_per_second = e.tokens_per_second_per_user * scale;
  out.flows = link.flows();
  if (options.timeline) {
    TraceEvents events;
    add_timeline(events, gpu_side, begin, gpus, 0);
    const int lpu_pid = in.attention_mapping.replica_devices();
    add_timeline(events, lpu_side, begin, lpus, lpu_pid);
    add_flows(events, out.flows, begin, lpu_pid + in.ffn_mapping.replica_devices());
    events.write(*options.timeline);
  }
  return out;
}

}  // namespace tokenfab
