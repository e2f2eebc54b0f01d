#include "hw/rack/rack.h"

#include <map>

#include "core/trace_events.h"
#include "hw/common/device_classes.h"
#include "workloads/trace_gen.h"

namespace tokenfab {

PassTiming collect_pass(const ReplicaModule& replica, Seconds begin, const StepLoad& load,
                        const std::function<Footprint(int stage)>& footprint) {
  const Mapping& map = replica.mapping();
  PassTiming pass;
  for (int stage = 0; stage < map.pp; ++stage) {
    const DeviceModule* last = nullptr;
    for (const auto& device : replica.devices()) {
      if (!device->loaded() || map.coords(device->device()).stage != stage) continue;
      if (!last || device->finish() > last->finish()) last = device.get();
    }
    StageEstimate s;
    s.stage = stage;
    s.device = last->device();
    s.sequences = load.ranks[static_cast<std::size_t>(map.coords(last->device()).attn_rank)].sequences();
    s.ops = last->ops();
    s.timings = last->timings();
    for (auto& t : s.timings) t.start -= begin;
    s.time = last->finish() - last->begin();
    s.by_resource = last->charged();
    s.footprint = footprint(stage);
    pass.add_stage(std::move(s), last->finish() - begin);
  }
  return pass;
}

namespace {

// Slices in the order an op spends them: launch or sync first, then the work.
constexpr std::array kDrawOrder = {Resource::launch,  Resource::sync,     Resource::memory,
                                   Resource::compute, Resource::scale_up, Resource::scale_out};

}  // namespace

void add_timeline(TraceEvents& events, const ReplicaModule& replica, Seconds begin, const SystemConfig& system,
                  int pid_offset) {
  const std::string kind = system.chip.kind == ChipKind::gpu ? "GPU " : "LPU ";
  for (const auto& device : replica.devices()) {
    if (!device->loaded()) continue;
    const int pid = pid_offset + device->device();
    events.process(pid, kind + std::to_string(device->device()));
    for (Resource res : kResources) events.track(pid, static_cast<int>(res), resource_key(res, system));
    const auto& ops = device->ops();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const OpTiming& t = device->timings()[i];
      Seconds at = t.start - begin;
      for (Resource res : kDrawOrder) {
        const Seconds d = t.charged[res];
        if (d.value() <= 0) continue;
        events.slice({.pid = pid,
                      .tid = static_cast<int>(res),
                      .name = ops[i].name,
                      .category = std::string(enum_name(ops[i].kind)),
                      .start = at,
                      .duration = d,
                      .args = {{"layer", ops[i].layer}, {"flops", ops[i].flops.value()}}});
        at += d;
      }
    }
  }
}

void write_timeline(const std::filesystem::path& file, const ReplicaModule& replica, Seconds begin,
                    const SystemConfig& system) {
  TraceEvents events;
  add_timeline(events, replica, begin, system, 0);
  events.write(file);
}

ReplicaOps replica_ops(const EstimateInput& in, bool share) {
  const Mapping& map = in.mapping;
  ReplicaOps out;
  out.load = uniform_step_load(pass_workload(in), map.attn_dp);
  out.model = step_model(in);
  out.keys = trace_keys(out.model, map, out.load);
  out.representative = representatives(map, in.system, out.keys, share && !in.trace);
  out.ops.assign(static_cast<std::size_t>(map.replica_devices()), nullptr);
  for (int d = 0; d < map.replica_devices(); ++d) {
    if (out.representative[static_cast<std::size_t>(d)] != d) continue;
    out.simulated.push_back(d);
    if (in.trace) {
      auto it = std::find_if(in.trace->devices.begin(), in.trace->devices.end(),
                             [&](const DeviceTrace& t) { return t.device == d; });
      if (it == in.trace->devices.end()) {
        throw InputError({"trace"}, "the trace has no ops for device " + std::to_string(d) +
                                        "; the SystemC engine needs every device of the replica");
      }
      out.ops[static_cast<std::size_t>(d)] = &it->ops;
      continue;
    }
    const TraceKey& key = out.keys[static_cast<std::size_t>(d)];
    auto it = out.shared.find(key);
    if (it == out.shared.end()) {
      it = out.shared.emplace(key, generate_device_trace(out.model, in.precision, map, pass_workload(in), d).ops).first;
    }
    out.ops[static_cast<std::size_t>(d)] = &it->second;
  }
  // Input errors surface here, before the kernel runs, rather than as a
  // SystemC report from inside a process.
  for (int d : out.simulated) {
    for (const Op& op : *out.ops[static_cast<std::size_t>(d)]) {
      if (op.collective) route_for(in.system, collective_span(*op.collective, map, d));
    }
  }
  return out;
}

Estimate simulate_step(const EstimateInput& in, const SimulationOptions& options) {
  const Mapping& map = in.mapping;
  const ReplicaOps r = replica_ops(in, options.share_identical_groups);
  ReplicaModule replica("replica", in.system, map, in.engine, r.simulated);
  const Seconds begin = replica.run_step(r.ops, r.representative);

  PassTiming timing = collect_pass(
      replica, begin, r.load, [&](int stage) { return stage_footprint(in, r.model, stage * map.stage_devices()); });
  Estimate e = finish_estimate(std::move(timing), in);
  if (options.timeline) write_timeline(*options.timeline, replica, begin, in.system);
  return e;
}

}  // namespace tokenfab
