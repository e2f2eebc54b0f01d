#include "hw/analytical/estimate.h"

#include <algorithm>
#include <cmath>

#include "hw/compute/compute_timing.h"
#include "hw/memory/memory_timing.h"
#include "workloads/trace_gen.h"

namespace tokenfab {

Seconds ResourceTimes::total() const {
  Seconds t;
  for (const auto& s : by) t += s;
  return t;
}

Resource ResourceTimes::largest() const {
  Resource best = Resource::memory;
  for (Resource r : kResources) {
    if ((*this)[r] > (*this)[best]) best = r;
  }
  return best;
}

ResourceTimes& ResourceTimes::operator+=(const ResourceTimes& o) {
  for (std::size_t i = 0; i < by.size(); ++i) by[i] += o.by[i];
  return *this;
}

std::string resource_key(Resource r, const SystemConfig& system) {
  switch (r) {
    case Resource::memory:
      return system.chip.hbm ? "hbm" : "sram";
    case Resource::compute:
      return "compute";
    case Resource::scale_up:
      return std::string(enum_name(system.chip.scale_up.kind));
    case Resource::scale_out:
      return system.chip.scale_out ? std::string(enum_name(system.chip.scale_out->kind)) : "scale_out";
    case Resource::launch:
      return "launch";
    case Resource::sync:
      return "sync";
  }
  return "?";
}

DeviceSpan collective_span(const Collective& c, const Mapping& mapping, int device) {
  switch (c.group) {
    case CollectiveGroup::pp:
      return {device, mapping.stage_devices() + 1};
    case CollectiveGroup::tp:
      return {device - device % mapping.tp, mapping.tp};
    case CollectiveGroup::ep:
      return {device - device % mapping.stage_devices(), mapping.stage_devices()};
  }
  return {device, 1};
}

Route route_for(const SystemConfig& system, DeviceSpan span) {
  const int domain = system.scale_up.domain;
  if (span.first / domain == (span.first + span.count - 1) / domain) {
    return {&system.chip.scale_up, &system.scale_up, Resource::scale_up};
  }
  const int group = span.count;
  if (!system.scale_out || !system.chip.scale_out) {
    throw InputError({system.name}, "a collective over " + std::to_string(group) + " chips leaves the " +
                                        std::to_string(system.scale_up.domain) +
                                        "-chip scale-up domain, and the system has no scale_out fabric");
  }
  return {&*system.chip.scale_out, &*system.scale_out, Resource::scale_out};
}

namespace {

OpTiming time_op(const SystemConfig& system, const Mapping& mapping, int device, const EngineConfig& engine,
                 const Op& op, Seconds start) {
  OpTiming t;
  t.start = start;
  if (fused_away(engine, op.kind)) return t;  // inside its neighbour: no time of its own
  if (op.collective) {
    Route route = route_for(system, collective_span(*op.collective, mapping, device));
    CollectiveTime c = collective_time(*op.collective, *route.link, *route.fabric);
    t.charged[Resource::sync] = c.overhead;
    t.charged[route.resource] = c.latency + c.transfer;
    t.bound = route.resource;
    t.time = c.total();
    return t;
  }
  const ChipConfig& chip = system.chip;
  t.compute = compute_time(chip.compute, op);
  t.memory = stream_time(chip.weight_memory(), op.weight_bytes + op.activation_bytes + op.kv_read + op.kv_write);
  t.bound = t.compute > t.memory ? Resource::compute : Resource::memory;
  t.charged[t.bound] = std::max(t.compute, t.memory);
  t.charged[Resource::launch] = chip.compute.launch_overhead;
  t.time = t.charged.total();
  return t;
}

DeviceTrace traced_device(const Trace& trace, int device) {
  for (const auto& d : trace.devices) {
    if (d.device == device) return d;
  }
  throw InputError({"trace"}, "the trace has no ops for device " + std::to_string(device) +
                                  ", the busiest device of its pipeline stage");
}

}  // namespace

Estimate estimate(const EstimateInput& in) {
  Estimate e;
  const Mapping& map = in.mapping;
  const Workload pass = pass_workload(in);

  Seconds pass_time, slowest_stage;
  for (int stage = 0; stage < map.pp; ++stage) {
    StageEstimate s;
    s.stage = stage;
    s.device = stage * map.stage_devices();
    s.footprint = device_footprint(in.model, in.precision, map, pass, s.device);
    auto time_all = [&](const std::vector<Op>& ops, double repeat, bool keep) {
      for (const Op& op : ops) {
        OpTiming t = time_op(in.system, map, s.device, in.engine, op, s.time);
        for (auto& charged : t.charged.by) charged *= repeat;
        s.time += t.time * repeat;
        s.by_resource += t.charged;
        if (keep) s.timings.push_back(t);
      }
    };
    if (in.per_op || in.trace) {
      DeviceTrace trace = in.trace ? traced_device(*in.trace, s.device)
                                   : generate_device_trace(in.model, in.precision, map, pass, s.device);
      s.sequences = trace.sequences;
      s.ops = std::move(trace.ops);
      s.timings.reserve(s.ops.size());
      time_all(s.ops, 1.0, true);
    } else {
      CompactDeviceTrace c = generate_compact_device_trace(in.model, in.precision, map, pass, s.device);
      s.sequences = c.device.sequences;
      time_all(c.head, 1.0, false);
      for (const auto& g : c.groups) time_all(g.ops, static_cast<double>(g.count), false);
      time_all(c.tail, 1.0, false);
    }
    pass_time += s.time;
    slowest_stage = std::max(slowest_stage, s.time);
    e.breakdown += s.by_resource;
    if (s.footprint.total() > e.footprint.total()) e.footprint = s.footprint;
    e.stages.push_back(std::move(s));
  }

  finish_estimate(e, in, pass_time, slowest_stage);
  return e;
}

Workload pass_workload(const EstimateInput& in) {
  Workload pass = in.workload;
  if (in.workload.phase == Phase::decode && in.mapping.pp > 1) {
    pass.batch = (in.workload.batch + in.mapping.pp - 1) / in.mapping.pp;
  }
  return pass;
}

void finish_estimate(Estimate& e, const EstimateInput& in, Seconds pass_time, Seconds slowest_stage) {
  const Mapping& map = in.mapping;
  const Workload& w = in.workload;
  e.step_time =
      in.workload.phase == Phase::decode && map.pp > 1 ? std::max(pass_time, slowest_stage * map.pp) : pass_time;
  if (e.step_time.value() <= 0) throw InputError({"trace"}, "the step has no timed ops (every op is fused or empty)");
  e.bound = e.breakdown.largest();
  const double new_tokens = static_cast<double>(w.batch) * w.tokens;
  e.tokens_per_second_per_user = w.phase == Phase::decode ? w.tokens / e.step_time.value() : 0.0;
  e.tokens_per_second_per_replica = new_tokens / e.step_time.value();
  e.tokens_per_second_per_device = e.tokens_per_second_per_replica / map.replica_devices();
  // A system holds as many whole replicas as fit; a replica bigger than one
  // system is counted by its share of chips.
  const int replicas = in.system.chips / map.replica_devices();
  e.tokens_per_second_per_system =
      replicas > 0 ? e.tokens_per_second_per_replica * replicas : e.tokens_per_second_per_device * in.system.chips;
  // Chips one all-in megawatt powers, times each chip's rate.
  const double chips_per_mw = Watts(1e6) / in.system.economics.all_in_power_per_chip;
  e.tokens_per_second_per_mw = e.tokens_per_second_per_device * chips_per_mw;
  e.capacity = in.system.chip.weight_memory().capacity;
  e.fits = e.footprint.total() <= e.capacity;
}

}  // namespace tokenfab
