#include "hw/pod/crossing_engine.h"

#include <algorithm>
#include <stdexcept>

namespace tokenfab {
namespace {

CrossingPorts ports_of(const PodConfig& pod, const PoolConfig& pool, int ports) {
  CrossingPorts p;
  p.bandwidth = port_bandwidth(pod, pool);
  p.egress.resize(static_cast<std::size_t>(ports));
  p.ingress.resize(static_cast<std::size_t>(ports));
  return p;
}

}  // namespace

Seconds transfer_kv(const PodConfig& pod, int senders, int stage_devices, const std::vector<double>& stage_share,
                    Bytes kv, Seconds ready, std::vector<CrossingFlow>* flows) {
  const PoolConfig& gpus = pool_with_role(pod, "attention");
  const PoolConfig& lpus = pool_with_role(pod, "ffn");
  const int nics = ports_for(lpus, stage_devices);
  std::vector<PortServer> egress(static_cast<std::size_t>(senders));
  std::vector<PortServer> ingress(static_cast<std::size_t>(nics) * stage_share.size());
  const BytesPerSecond out = port_bandwidth(pod, gpus), in = port_bandwidth(pod, lpus);
  const Seconds latency = crossing_latency(pod);
  Seconds done = ready;
  // Sender p starts at NIC p of the stage, so that the senders' first flows
  // land on different NICs.
  for (int k = 0; k < nics * std::ssize(stage_share); ++k) {
    for (int p = 0; p < senders; ++p) {
      const int n = (p + k) % (nics * static_cast<int>(stage_share.size()));
      const double share = stage_share[static_cast<std::size_t>(n / nics)];
      const Bytes bytes = kv * (share / static_cast<double>(senders) / static_cast<double>(nics));
      Seconds start;
      const Seconds delivered =
          cut_through(egress[static_cast<std::size_t>(p)], out, ingress[static_cast<std::size_t>(n)], in, latency,
                      ready + pod.crossing_overhead, bytes, &start);
      done = std::max(done, delivered);
      if (flows) flows->push_back({-1, true, p, n, start, delivered, bytes});
    }
  }
  return done;
}

CrossingEngine::CrossingEngine(const PodConfig& pod, int attention_devices, int tp, int ffn_stage_devices,
                               std::vector<int> layer_stage)
    : overhead_(pod.crossing_overhead),
      attention_devices_(attention_devices),
      tp_(tp),
      ffn_stage_devices_(ffn_stage_devices),
      layer_stage_(std::move(layer_stage)) {
  attention_ = ports_of(pod, pool_with_role(pod, "attention"), attention_devices);
  const PoolConfig& ffn = pool_with_role(pod, "ffn");
  nics_per_stage_ = ports_for(ffn, ffn_stage_devices);
  const int stages = layer_stage_.empty() ? 1 : *std::max_element(layer_stage_.begin(), layer_stage_.end()) + 1;
  ffn_ = ports_of(pod, ffn, stages * nics_per_stage_);
  latency_ = crossing_latency(pod);
}

void CrossingEngine::begin_step() {
  layers_.clear();
  flows_.clear();
}

int CrossingEngine::nic_of(int layer_index, int attention_device) const {
  return layer_stage_.at(static_cast<std::size_t>(layer_index)) * nics_per_stage_ + attention_device % nics_per_stage_;
}

void CrossingEngine::wake(const Waiter& w, Seconds done, Seconds link) {
  const Seconds now = from_sc(sc_core::sc_time_stamp());
  const Seconds at = std::max(done, w.arrival);
  // The crossing's own time is link (Ethernet); the rest of the wait is the
  // other pool's work.
  w.charge->link = std::clamp(link, Seconds(0), at - w.arrival);
  w.charge->wait = at - w.arrival - w.charge->link;
  w.charge->scale_out = true;
  w.done->notify(to_sc(at - now));
}

void CrossingEngine::send_forward(int device, Seconds ready, Bytes bytes, Layer& layer) {
  layer.senders.emplace_back(device, ready);
  layer.bytes[static_cast<std::size_t>(device)] = bytes;
  ++layer.sent;
}

void CrossingEngine::deliver_forward(int layer_index, Layer& layer) {
  // Flows are timed in the order they became ready, so that each port
  // serves them first come, first served.
  std::stable_sort(layer.senders.begin(), layer.senders.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [device, ready] : layer.senders) {
    const Bytes bytes = layer.bytes[static_cast<std::size_t>(device)];
    const int nic = nic_of(layer_index, device);
    Seconds start;
    const Seconds delivered =
        cut_through(attention_.egress[static_cast<std::size_t>(device)], attention_.bandwidth,
                    ffn_.ingress[static_cast<std::size_t>(nic)], ffn_.bandwidth, latency_, ready, bytes, &start);
    flows_.push_back({layer_index, true, device, nic, start, delivered, bytes});
    layer.in = std::max(layer.in, delivered);
    layer.last_sent = std::max(layer.last_sent, start);
  }
  layer.forward_done = true;
  for (const Waiter& w : layer.ffn_waiting) wake(w, layer.in, layer.in - std::max(w.arrival, layer.last_sent));
  layer.ffn_waiting.clear();
}

void CrossingEngine::send_back(int layer_index, Layer& layer) {
  const Seconds ready = layer.out + overhead_;
  for (int group = 0; group * tp_ < attention_devices_; ++group) {
    const int first = group * tp_;
    Bytes bytes;
    for (int m = first; m < first + tp_; ++m) bytes += layer.bytes[static_cast<std::size_t>(m)];
    const int nic = nic_of(layer_index, group);
    // The NIC sends the group's output once; the switch copies it to each rank.
    const Seconds out = bytes / ffn_.bandwidth;
    const Seconds start = ffn_.egress[static_cast<std::size_t>(nic)].reserve(ready, out);
    const Seconds in = bytes / attention_.bandwidth;
    for (int m = first; m < first + tp_; ++m) {
      const Seconds taken = attention_.ingress[static_cast<std::size_t>(m)].reserve(start + latency_, in);
      const Seconds delivered = std::max(start + out + latency_, taken + in);
      flows_.push_back({layer_index, false, m, nic, start, delivered, bytes});
      layer.back[static_cast<std::size_t>(m)] = delivered;
    }
  }
  layer.return_done = true;
  for (const auto& [device, w] : layer.attention_waiting) {
    wake(w, layer.back[static_cast<std::size_t>(device)], layer.back[static_cast<std::size_t>(device)] - layer.out);
  }
  layer.attention_waiting.clear();
}

void CrossingEngine::cross(int side, int device, const Op& op, Seconds arrival, const std::vector<int>& stands_for,
                           CollectiveCharge* charge, sc_core::sc_event& done) {
  if (op.layer < 0 || op.layer >= std::ssize(layer_stage_))
    throw std::logic_error(op.name + ": a crossing needs a layer of the model");
  Layer& layer = layers_[op.layer];
  if (layer.bytes.empty()) {
    layer.bytes.resize(static_cast<std::size_t>(attention_devices_));
    layer.back.resize(static_cast<std::size_t>(attention_devices_));
  }
  const Waiter self{&done, charge, arrival};
  const bool send = op.name == kCrossingSend;
  if (side == 0 && send) {
    const Seconds ready = arrival + overhead_;
    // A representative sends for the devices it stands for: their flows
    // contend at the FFN side's NICs like its own.
    for (int member : stands_for) send_forward(member, ready, op.collective->bytes, layer);
    const Seconds out = ready + op.collective->bytes / attention_.bandwidth;
    wake(self, out, out - arrival);
    if (layer.sent == attention_devices_) deliver_forward(op.layer, layer);
  } else if (side == 0) {
    if (layer.return_done) {
      const Seconds back = layer.back[static_cast<std::size_t>(device)];
      wake(self, back, back - layer.out);
    } else {
      layer.attention_waiting[device] = self;
    }
  } else if (!send) {
    if (layer.forward_done) {
      wake(self, layer.in, layer.in - std::max(arrival, layer.last_sent));
    } else {
      layer.ffn_waiting.push_back(self);
    }
  } else {
    // The NICs take the output over: the LPU goes on at once.
    wake(self, arrival, Seconds(0));
    layer.out = std::max(layer.out, arrival);
    layer.finished += static_cast<int>(stands_for.size());
    if (layer.finished == ffn_stage_devices_) send_back(op.layer, layer);
  }
}

}  // namespace tokenfab
