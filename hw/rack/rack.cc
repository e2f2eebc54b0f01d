#include "hw/rack/rack.h"

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <systemc>

#include "core/atomic_file.h"
#include "hw/compute/compute_engine.h"
#include "hw/gpu/gpu.h"
#include "hw/memory/hbm.h"
#include "workloads/footprint.h"
#include "workloads/trace_gen.h"

namespace tokenfab {
namespace {

// The modules of one replica: GPUs with their memories and engines.
class Replica : public sc_core::sc_module {
 public:
  Replica(sc_core::sc_module_name name, const EstimateInput& in, const Workload& pass, bool share)
      : sc_module(name), collectives_(in.system, in.mapping) {
    const Mapping& map = in.mapping;
    const ChipConfig& chip = in.system.chip;
    const std::vector<int> representative = representatives(in, pass, share && !in.trace);
    collectives_.set_representatives(representative);
    for (int d = 0; d < map.replica_devices(); ++d) {
      if (representative[static_cast<std::size_t>(d)] != d) continue;
      const std::vector<Op>& ops = ops_for(in, pass, d);
      // Input errors surface here, before the kernel runs, rather than as a
      // SystemC report from inside a process.
      for (const Op& op : ops) {
        if (op.collective) route_for(in.system, collective_span(*op.collective, map, d));
      }
      const std::string id = std::to_string(d);
      hbm_.push_back(std::make_unique<HbmModule>(("hbm" + id).c_str(), chip.weight_memory()));
      compute_.push_back(std::make_unique<ComputeEngine>(("compute" + id).c_str(), chip.compute));
      gpus_.push_back(std::make_unique<GpuModule>(("gpu" + id).c_str(), d, d / map.stage_devices(), ops, chip,
                                                  in.engine, collectives_));
      gpus_.back()->hbm_socket.bind(hbm_.back()->socket);
      gpus_.back()->compute_socket.bind(compute_.back()->socket);
    }
  }
  const std::vector<std::unique_ptr<GpuModule>>& gpus() const { return gpus_; }

 private:
  std::tuple<int, std::int64_t, std::int64_t> trace_key(const EstimateInput& in, const Workload& pass,
                                                        int device) const {
    const DeviceCoords at = in.mapping.coords(device);
    const std::int64_t seqs = sequences_of_rank(pass.batch, in.mapping.attn_dp, at.attn_rank);
    const std::int64_t experts = in.model.moe ? local_experts(*in.model.moe, in.mapping, at.ep_rank) : 0;
    return {at.stage, seqs, experts};
  }

  // Each device's representative: the device at the same position of the
  // first attention group of its stage whose members have, position by
  // position, the same traces. Inside a group whose members all have the same
  // trace, the first member stands for all of them when the group's
  // collectives are symmetric (in-switch or ring all-reduce, ring all-gather:
  // equal members finish together; a tree does not).
  std::vector<int> representatives(const EstimateInput& in, const Workload& pass, bool share) const {
    const Mapping& map = in.mapping;
    std::vector<int> rep(static_cast<std::size_t>(map.replica_devices()));
    for (int d = 0; d < map.replica_devices(); ++d) rep[static_cast<std::size_t>(d)] = d;
    if (!share) return rep;
    const bool symmetric_collectives = in.system.scale_up.all_reduce != AllReduceAlgorithm::tree;
    std::map<std::vector<std::tuple<int, std::int64_t, std::int64_t>>, int> first_group;
    for (int group = 0; group < map.pp * map.attn_dp; ++group) {
      std::vector<std::tuple<int, std::int64_t, std::int64_t>> signature;
      for (int r = 0; r < map.tp; ++r) signature.push_back(trace_key(in, pass, group * map.tp + r));
      const bool uniform =
          std::all_of(signature.begin(), signature.end(), [&](const auto& k) { return k == signature[0]; });
      const int first = first_group.emplace(signature, group).first->second;
      for (int r = 0; r < map.tp; ++r) {
        rep[static_cast<std::size_t>(group * map.tp + r)] = first * map.tp + (uniform && symmetric_collectives ? 0 : r);
      }
    }
    return rep;
  }

  // Devices whose traces are identical share one list: the trace depends on
  // the stage, the sequences of the attention rank and the experts held.
  const std::vector<Op>& ops_for(const EstimateInput& in, const Workload& pass, int device) {
    if (in.trace) {
      for (const auto& d : in.trace->devices) {
        if (d.device == device) return d.ops;
      }
      throw InputError({"trace"}, "the trace has no ops for device " + std::to_string(device) +
                                      "; the SystemC engine needs every device of the replica");
    }
    const auto key = trace_key(in, pass, device);
    auto it = shared_.find(key);
    if (it == shared_.end()) {
      it = shared_.emplace(key, generate_device_trace(in.model, in.precision, in.mapping, pass, device).ops).first;
    }
    return it->second;
  }

  CollectiveEngine collectives_;
  std::map<std::tuple<int, std::int64_t, std::int64_t>, std::vector<Op>> shared_;
  std::vector<std::unique_ptr<HbmModule>> hbm_;
  std::vector<std::unique_ptr<ComputeEngine>> compute_;
  std::vector<std::unique_ptr<GpuModule>> gpus_;
};

void write_timeline(const std::filesystem::path& file, const Replica& r, const SystemConfig& system) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& gpu : r.gpus()) {
    const int pid = gpu->device();
    events.push_back(
        {{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", "GPU " + std::to_string(pid)}}}});
    for (Resource res : kResources) {
      events.push_back({{"ph", "M"},
                        {"name", "thread_name"},
                        {"pid", pid},
                        {"tid", static_cast<int>(res)},
                        {"args", {{"name", resource_key(res, system)}}}});
    }
    const auto& ops = gpu->ops();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const OpTiming& t = gpu->timings()[i];
      if (t.time.value() <= 0) continue;
      events.push_back({{"ph", "X"},
                        {"name", ops[i].name},
                        {"cat", std::string(enum_name(ops[i].kind))},
                        {"pid", pid},
                        {"tid", static_cast<int>(t.bound)},
                        {"ts", t.start.value() * 1e6},
                        {"dur", t.time.value() * 1e6},
                        {"args", {{"layer", ops[i].layer}, {"flops", ops[i].flops.value()}}}});
    }
  }
  nlohmann::json doc = {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
  write_file_atomically(file, doc.dump() + "\n");
}

}  // namespace

Estimate simulate_step(const EstimateInput& in, const SimulationOptions& options) {
  const Mapping& map = in.mapping;
  const Workload pass = pass_workload(in);
  // from_sc/to_sc count integer picoseconds.
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time::from_value(1) ||
      sc_core::sc_time(1, sc_core::SC_PS).value() != 1) {
    throw std::logic_error("the SystemC time resolution must be 1 ps");
  }

  Replica replica("replica", in, pass, options.share_identical_groups);
  sc_core::sc_start();

  Estimate e;
  Seconds pass_time, slowest_stage;
  for (int stage = 0; stage < map.pp; ++stage) {
    const GpuModule* last = nullptr;
    for (const auto& gpu : replica.gpus()) {
      if (gpu->device() / map.stage_devices() != stage) continue;
      if (!last || gpu->finish() > last->finish()) last = gpu.get();
    }
    StageEstimate s;
    s.stage = stage;
    s.device = last->device();
    s.sequences = sequences_of_rank(pass.batch, map.attn_dp, (last->device() / map.tp) % map.attn_dp);
    s.ops = last->ops();
    s.timings = last->timings();
    s.time = last->finish() - last->begin();
    s.by_resource = last->charged();
    s.footprint = device_footprint(in.model, in.precision, map, pass, stage * map.stage_devices());
    pass_time = std::max(pass_time, last->finish());
    slowest_stage = std::max(slowest_stage, s.time);
    e.breakdown += s.by_resource;
    if (s.footprint.total() > e.footprint.total()) e.footprint = s.footprint;
    e.stages.push_back(std::move(s));
  }
  finish_estimate(e, in, pass_time, slowest_stage);
  if (options.timeline) write_timeline(*options.timeline, replica, in.system);
  return e;
}

}  // namespace tokenfab
