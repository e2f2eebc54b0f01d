#include "explore/pod_estimate.h"

#include <string_view>

namespace tokenfab {
namespace {

// Sums the ops of one side of every stage of `e`.
void add_side(const Estimate& e, bool ffn, PodSide& side) {
  for (const StageEstimate& s : e.stages) {
    for (std::size_t i = 0; i < s.ops.size(); ++i) {
      if (ffn_op(s.ops[i]) != ffn) continue;
      side.time += s.timings[i].time;
      side.breakdown += s.timings[i].charged;
    }
  }
}

}  // namespace

namespace {

// The LPUs' side: their FFN ops, and their share of the FFN's weights
// spread evenly over the mapping's devices.
PodSide ffn_side(const PodInput& in) {
  PodSide out;
  // The LPUs' compiled program has no kernel launches or host steps.
  const SystemConfig lpus = ffn_system(in.pod);
  const Estimate f = estimate({lpus, in.model, in.precision, in.ffn_mapping, in.workload, nullptr, true,
                               engine_for_chip(in.engine, true, lpus.chip.name)});
  add_side(f, true, out);
  out.weights = ffn_weight_bytes(in.model, in.precision) / static_cast<double>(in.ffn_mapping.replica_devices());
  out.footprint = out.weights + f.footprint.activations;
  out.capacity = f.capacity;
  out.fits = out.footprint <= out.capacity;
  return out;
}

// The GPUs' side against a timed FFN side, and the crossings between them.
PodEstimate with_ffn(const PodInput& in, const PodSide& ffn) {
  PodEstimate out;
  out.ffn = ffn;
  const SystemConfig& gpus = pool_with_role(in.pod, "attention").system;
  const Estimate a = estimate({gpus, in.model, in.precision, in.attention_mapping, in.workload, nullptr, true,
                               engine_for_chip(in.engine, false, gpus.chip.name)});
  add_side(a, false, out.attention);
  // The GPUs hold the rest of the weights, spread over their tensor-parallel
  // ranks and replicated across attention data-parallel ones, and the KV cache.
  const Bytes other_weights = weight_bytes(in.model, in.precision) - ffn_weight_bytes(in.model, in.precision);
  out.attention.weights = other_weights / static_cast<double>(in.attention_mapping.tp);
  out.attention.footprint = out.attention.weights + a.footprint.kv_cache + a.footprint.activations;
  out.attention.capacity = a.capacity;
  out.attention.fits = out.attention.footprint <= out.attention.capacity;

  // Each attention device sends its sequences' hidden states, in the
  // activations' format, and takes the FFN's output back in the same.
  const auto local = static_cast<double>(a.stages.front().sequences) * static_cast<double>(in.workload.tokens);
  const Bytes sent = Bytes(local * static_cast<double>(in.model.hidden) * bytes_per_element(in.precision.activations));
  const LayerCrossings layer = crossing_times(in.pod, in.attention_mapping, in.ffn_mapping.stage_devices(), sent);
  out.crossing = (layer.forward + layer.back) / 2.0;
  out.crossings = 2 * static_cast<int>(in.model.layers);
  out.own_step = out.attention.time + out.ffn.time + out.crossing * static_cast<double>(out.crossings);
  return share_ffn_pool(out, in, pool_with_role(in.pod, "attention").systems);
}

}  // namespace

LayerCrossings crossing_times(const PodConfig& pod, const Mapping& attention, int ffn_stage_devices, Bytes states) {
  const BytesPerSecond port = port_bandwidth(pod, pool_with_role(pod, "attention"));
  const PoolConfig& ffn = pool_with_role(pod, "ffn");
  const BytesPerSecond nic = port_bandwidth(pod, ffn);
  const int nics = ports_for(ffn, ffn_stage_devices);
  auto busiest = [&](int senders) { return static_cast<double>((senders + nics - 1) / nics); };
  const Bytes slice = states / static_cast<double>(attention.tp);
  const int devices = attention.replica_devices();
  const Seconds fixed = pod.crossing_overhead + crossing_latency(pod);
  return {fixed + std::max(slice / port, slice * busiest(devices) / nic),
          fixed + std::max(states / port, states * busiest(devices / attention.tp) / nic)};
}

Seconds kv_transfer_time(const PodConfig& pod, int prefill_devices, int decode_devices, Bytes kv) {
  const PoolConfig& gpus = pool_with_role(pod, "attention");
  const PoolConfig& lpus = pool_with_role(pod, "ffn");
  const BytesPerSecond sending = port_bandwidth(pod, gpus) * static_cast<double>(ports_for(gpus, prefill_devices));
  const BytesPerSecond taking = port_bandwidth(pod, lpus) * static_cast<double>(ports_for(lpus, decode_devices));
  return pod.crossing_overhead + crossing_latency(pod) + kv / std::min(sending, taking);
}

PodEstimate estimate_pod(const PodInput& in) { return with_ffn(in, ffn_side(in)); }

PodEstimate share_ffn_pool(PodEstimate e, const PodInput& in, int systems) {
  const SystemConfig& gpus = pool_with_role(in.pod, "attention").system;
  const Seconds fixed = in.pod.crossing_overhead + crossing_latency(in.pod);
  const Seconds on_nics = (e.crossing - fixed) * static_cast<double>(e.crossings);
  e.attention_systems = systems;
  e.occupancy = (e.ffn.time + on_nics) * static_cast<double>(systems) / static_cast<double>(in.ffn_mapping.pp);
  e.step = std::max(e.own_step, e.occupancy);
  e.tokens_per_second_per_user = TokensPerSecond(static_cast<double>(in.workload.tokens) / e.step.value());
  const int replicas = std::max(1, gpus.chips / in.attention_mapping.replica_devices());
  e.tokens_per_second = e.tokens_per_second_per_user * static_cast<double>(in.workload.batch) *
                        static_cast<double>(replicas) * static_cast<double>(systems);
  e.chips = gpus.chips * systems + ffn_system(in.pod).chips;
  return e;
}

std::vector<PodPoint> pod_points(const PodInput& in, std::int64_t max_batch, int max_systems) {
  std::vector<PodPoint> out;
  const Mapping& base = in.attention_mapping;
  const int width = base.tp * base.attn_dp;
  for (std::int64_t batch = 1; batch <= max_batch * width; batch *= 2) {
    PodInput at = in;
    at.workload.batch = batch;
    const PodSide ffn = ffn_side(at);
    if (!ffn.fits) break;  // more sequences only need more
    for (int tp = 1; tp <= width; tp *= 2) {
      if (width % tp != 0) continue;
      Mapping m = base;
      m.tp = tp;
      m.attn_dp = width / tp;
      Diagnostics d;
      validate_mapping(m, in.model, d, {});
      if (!d.ok()) continue;
      at.attention_mapping = m;
      const PodEstimate one = with_ffn(at, ffn);
      if (!one.attention.fits) continue;
      for (int systems = 1; systems <= max_systems; systems *= 2) {
        out.push_back({m, batch, share_ffn_pool(one, at, systems)});
      }
    }
  }
  return out;
}

void set_request_times(RequestLatency& r, Seconds prefill, Seconds kv_transfer, Seconds tpot, std::int64_t output) {
  r.prefill = prefill;
  r.kv_transfer = kv_transfer;
  r.ttft = prefill + kv_transfer;
  r.tpot = tpot;
  r.e2e = r.ttft + tpot * static_cast<double>(output);
}

DisaggregatedEstimate estimate_disaggregated(const RequestInput& in) {
  DisaggregatedEstimate out;
  const SystemConfig& gpus = pool_with_role(in.pod, "attention").system;
  const SystemConfig lpus = ffn_system(in.pod);
  const Estimate prefill = estimate({gpus,
                                     in.model,
                                     in.precision,
                                     in.prefill_mapping,
                                     Workload{Phase::prefill, 1, in.prompt, 0},
                                     nullptr,
                                     false,
                                     {}});
  const Workload decode{Phase::decode, in.batch, 1, in.prompt + in.output / 2};
  const Estimate on_lpus = estimate({lpus, in.model, in.precision, in.lpu_decode_mapping, decode, nullptr, false, {}});
  const Estimate on_gpus = estimate({gpus, in.model, in.precision, in.gpu_decode_mapping, decode, nullptr, false, {}});
  out.kv = kv_cache_bytes(in.model, in.prompt, in.precision.kv_cache);
  auto finish = [&](RequestLatency& r, const Estimate& d, Seconds transfer) {
    set_request_times(r, prefill.step_time, transfer, d.step_time, in.output);
    r.decode_footprint = d.footprint.total();
    r.decode_capacity = d.capacity;
    r.fits = prefill.fits && d.fits;
  };
  finish(
      out.pod, on_lpus,
      kv_transfer_time(in.pod, in.prefill_mapping.replica_devices(), in.lpu_decode_mapping.replica_devices(), out.kv));
  finish(out.gpus, on_gpus, Seconds(0));
  return out;
}

std::optional<PodCeiling> pod_ceiling(const PodInput& in) {
  const SystemConfig& gpus = pool_with_role(in.pod, "attention").system;
  PodInput one = in;
  one.workload.batch = 1;
  // The FFN side does not depend on the GPUs' mapping: timed once.
  const PodSide ffn = ffn_side(one);
  std::optional<PodCeiling> best;
  for (int tp = 1; tp <= gpus.chips; tp *= 2) {
    Mapping m{.tp = tp, .ep = in.model.moe ? tp : 1};
    Diagnostics d;
    validate_mapping(m, in.model, d, {});
    if (!d.ok()) continue;
    one.attention_mapping = m;
    const PodEstimate e = with_ffn(one, ffn);
    if (!e.attention.fits || !e.ffn.fits) continue;
    if (!best || e.step < best->estimate.step) best = PodCeiling{m, e};
  }
  return best;
}

}  // namespace tokenfab
