#include "hw/analytical/estimate.h"

#include <algorithm>
#include <cmath>

#include "hw/compute/compute_timing.h"
#include "hw/compute/emulated_mxm.h"
#include "hw/link/collective_timing.h"
#include "hw/memory/memory_timing.h"
#include "workloads/trace_gen.h"

namespace tokenfab {

OpTiming time_op(const StepContext& ctx, int device, const Op& op, Seconds start) {
  if (fused_away(ctx.engine, op.kind)) return fused_op(start);
  if (op.collective) {
    Route route = route_for(ctx.system, collective_span(*op.collective, ctx.mapping, device));
    CollectiveTime c = collective_time(*op.collective, *route.link, *route.fabric);
    return charge_collective(start, route.resource, c.overhead + collective_software(ctx.engine, op.collective->kind),
                             c.latency + c.transfer);
  }
  // A kernel at efficiency e moves its bytes at e times the memory's
  // sustained bandwidth; its arithmetic keeps the chip's sustained GEMM
  // rate, a measured figure, except attention over a prompt, at the
  // engine's prefill_attention share of it.
  const ChipConfig& chip = ctx.system.chip;
  const double efficiency = kernel_efficiency(ctx.engine, op.kind);
  return charge_kernel(start, chip.compute.launch_overhead + ctx.engine.kernel_overhead,
                       compute_time(chip.compute, op) / compute_efficiency(ctx.engine, op),
                       stream_time(chip.weight_memory(), kernel_bytes(chip.compute, op) / efficiency));
}

namespace {

// Times `ops` one after another from `stage.time`, each `repeat` times.
void time_all(const StepContext& ctx, int device, const std::vector<Op>& ops, double repeat, bool keep,
              StageEstimate& stage) {
  StageAccumulator sum{stage.time, stage.by_resource};
  for (const Op& op : ops) {
    OpTiming t = time_op(ctx, device, op, sum.time);
    sum.add(t, repeat);
    if (keep) stage.timings.push_back(t);
  }
  stage.time = sum.time;
  stage.by_resource = sum.by_resource;
}

DeviceTrace traced_device(const Trace& trace, int device) {
  for (const auto& d : trace.devices) {
    if (d.device == device) return d;
  }
  throw InputError({"trace"}, "the trace has no ops for device " + std::to_string(device) +
                                  ", the busiest device of its pipeline stage");
}

}  // namespace

StageEstimate time_device(const StepContext& ctx, const RankLoad& load, std::int64_t stage_tokens, int device,
                          bool per_op) {
  StageEstimate s;
  s.stage = ctx.mapping.coords(device).stage;
  s.device = device;
  if (per_op) {
    DeviceTrace trace = generate_device_trace(ctx.model, ctx.precision, ctx.mapping, load, stage_tokens, device);
    s.sequences = trace.sequences;
    s.ops = std::move(trace.ops);
    s.timings.reserve(s.ops.size());
    time_all(ctx, device, s.ops, 1.0, true, s);
    return s;
  }
  CompactDeviceTrace c =
      generate_compact_device_trace(ctx.model, ctx.precision, ctx.mapping, load, stage_tokens, device);
  s.sequences = c.device.sequences;
  time_all(ctx, device, c.head, 1.0, false, s);
  for (const auto& g : c.groups) time_all(ctx, device, g.ops, static_cast<double>(g.count), false, s);
  time_all(ctx, device, c.tail, 1.0, false, s);
  return s;
}

void PassTiming::add_stage(StageEstimate stage, Seconds stage_end) {
  time = std::max(time, stage_end);
  slowest_stage = std::max(slowest_stage, stage.time);
  breakdown += stage.by_resource;
  if (stage.footprint.total() > footprint.total()) footprint = stage.footprint;
  stages.push_back(std::move(stage));
}

Estimate estimate(const EstimateInput& in) {
  const Mapping& map = in.mapping;
  const Workload pass = pass_workload(in);
  const ModelSpec model = step_model(in);
  const StepContext ctx{in.system, model, in.precision, map, in.engine};

  PassTiming totals;
  for (int stage = 0; stage < map.pp; ++stage) {
    const int device = stage * map.stage_devices();
    const RankLoad load = uniform_rank_load(pass, map.attn_dp, map.coords(device).attn_rank);
    StageEstimate s;
    if (in.trace) {
      s.stage = stage;
      s.device = device;
      DeviceTrace trace = traced_device(*in.trace, device);
      s.sequences = trace.sequences;
      s.ops = std::move(trace.ops);
      s.timings.reserve(s.ops.size());
      time_all(ctx, device, s.ops, 1.0, true, s);
    } else {
      s = time_device(ctx, load, pass.batch * pass.tokens, device, in.per_op);
    }
    s.footprint = stage_footprint(in, model, device);
    const Seconds end = totals.time + s.time;
    totals.add_stage(std::move(s), end);
  }
  return finish_estimate(std::move(totals), in);
}

Workload pass_workload(const EstimateInput& in) {
  Workload pass = in.workload;
  // Speculative decoding verifies the drafts with the sequence's own token.
  if (in.workload.phase == Phase::decode) pass.tokens += draft_tokens(in.engine, in.model);
  if (in.workload.phase == Phase::decode && in.mapping.pp > 1) {
    pass.batch = (in.workload.batch + in.mapping.pp - 1) / in.mapping.pp;
  }
  return pass;
}

int micro_batches(const EstimateInput& in) {
  const std::int64_t size = pass_workload(in).batch;
  return static_cast<int>((in.workload.batch + size - 1) / size);
}

ModelSpec step_model(const EstimateInput& in) { return in.trace ? in.model : drafting_model(in.model, in.engine); }

Footprint stage_footprint(const EstimateInput& in, const ModelSpec& model, int device) {
  const Workload pass = pass_workload(in);
  Footprint f = device_footprint(model, in.precision, in.mapping, pass, device);
  if (pass.batch != in.workload.batch) {
    Workload whole = in.workload;
    whole.tokens = pass.tokens;  // each sequence's new tokens, drafts included
    f.kv_cache = device_footprint(model, in.precision, in.mapping, whole, device).kv_cache;
  }
  return f;
}

Estimate finish_estimate(PassTiming pass, const EstimateInput& in) {
  const Mapping& map = in.mapping;
  const Workload& w = in.workload;
  Estimate e;
  e.stages = std::move(pass.stages);
  e.breakdown = pass.breakdown;
  e.footprint = pass.footprint;
  e.pass_time = pass.time;
  e.micro_batches = micro_batches(in);
  e.step_time = std::max(pass.time, pass.slowest_stage * e.micro_batches);
  if (e.step_time.value() <= 0) throw InputError({"trace"}, "the step has no timed ops (every op is fused or empty)");
  // With drafts (their layers are in the pass) a step gains the accepted ones.
  const double tokens_per_step = w.phase == Phase::decode && draft_tokens(in.engine, in.model) > 0
                                     ? in.engine.speculative.tokens_per_step()
                                     : static_cast<double>(w.tokens);
  // One scheduler and sampler per attention data-parallel rank, side by side
  // (finish_step in step_model.cc): the busiest rank's sequences.
  const Seconds host = host_time(in.engine, (w.batch + map.attn_dp - 1) / map.attn_dp);
  e.step_time += host;
  e.breakdown[Resource::host] += host;
  e.bound = e.breakdown.largest();
  const Tokens new_tokens(static_cast<double>(w.batch) * tokens_per_step);
  e.tokens_per_second_per_user = w.phase == Phase::decode ? Tokens(tokens_per_step) / e.step_time : TokensPerSecond();
  e.tokens_per_second_per_replica = new_tokens / e.step_time;
  e.tokens_per_second_per_device = e.tokens_per_second_per_replica / map.replica_devices();
  // A system holds as many whole replicas as fit; a replica bigger than one
  // system is counted by its share of chips.
  const int replicas = in.system.chips / map.replica_devices();
  e.tokens_per_second_per_system =
      replicas > 0 ? e.tokens_per_second_per_replica * replicas : e.tokens_per_second_per_device * in.system.chips;
  e.capacity = usable_memory(in.engine, in.system.chip.weight_memory().capacity);
  e.fits = fits_memory(in.engine, e.footprint, in.system.chip.weight_memory().capacity);
  return e;
}

EstimateInput bound_input(const EstimateInput& in) {
  EstimateInput b = in;
  b.engine = hardware_bound(in.engine);
  b.mapping.expert_imbalance = b.engine.expert_imbalance;
  return b;
}

}  // namespace tokenfab
