// A pod's interconnect in SystemC: the crossings of attention-FFN
// disaggregated decode between the attention pool (side 0, the GPUs) and the
// FFN pool (side 1, the LPUs) as flows through NIC ports, so that crossings
// that share a port queue behind each other.
//
// Every layer crosses twice:
//   forward  each attention device sends its slice of its group's hidden
//            states (1/tp: after the output projection every rank holds
//            them all) to a NIC of the FFN stage holding the layer (device g
//            to the stage's NIC g mod its NICs); the stage's devices start
//            the layer's FFN when the last flow is in (their program is
//            scheduled over the whole batch)
//   return   once every device of the stage is done, NIC j mod NICs sends
//            attention group j's output once, and the switch copies it to
//            each of the group's ranks
// A flow of B bytes from port a to port b, ready at t (the sender's arrival
// plus the pod's crossing_overhead):
//   a.start   = a.reserve(t, B / a.bandwidth)
//   b.start   = b.reserve(a.start + latency, B / b.bandwidth)
//   delivered = max(a.start + B / a.bandwidth + latency, b.start + B / b.bandwidth)
// (cut-through: the receiving port takes the bytes as they come, and a flow
// ends with the slower port); latency is the interconnect's NIC to NIC
// figure plus each side's NIC link latency. Uncontended, a crossing takes
// overhead + latency + B / bandwidth, the analytical estimate's figure
// (explore/pod_estimate.h); k flows into one NIC end k B / bandwidth after
// the first starts.
//
// Op names: a side's device sends with kCrossingSend and waits with
// kCrossingReceive (the attention side sends first, the FFN side receives
// first); op.layer says which layer.
#pragma once

#include <map>
#include <string_view>
#include <vector>

#include "hw/collective/collective_engine.h"
#include "hw/common/port_server.h"
#include "hw/system/pod_config.h"
#include "hw/tlm/op_payload.h"

namespace tokenfab {

inline constexpr std::string_view kCrossingSend = "pod.send";
inline constexpr std::string_view kCrossingReceive = "pod.receive";

// One flow of a crossing, for timelines and tests.
struct CrossingFlow {
  int layer = 0;
  bool forward = true;  // attention to FFN
  int device = 0;       // the attention device at one end
  int nic = 0;          // the FFN pool's NIC at the other
  Seconds start, delivered;
  Bytes bytes;
};

// The ports of one side: one per device, or one per NIC its devices share.
struct CrossingPorts {
  BytesPerSecond bandwidth;
  std::vector<PortServer> egress, ingress;
};

// The prefill-decode style's one crossing: a prompt's KV cache, held evenly
// by the prefill replica's `senders` devices, to the decoding pool (the FFN
// role's LPUs) whose pipeline stages of `stage_devices` each take their
// layers' share `stage_share[s]` over their NICs, evenly. One flow per
// sender and NIC, each sender's flows one NIC after another; all ready at
// `ready` plus the pod's crossing_overhead. Returns when the last byte is
// in; `flows` (if given) receives every flow (layer -1).
Seconds transfer_kv(const PodConfig& pod, int senders, int stage_devices, const std::vector<double>& stage_share,
                    Bytes kv, Seconds ready, std::vector<CrossingFlow>* flows = nullptr);

class CrossingEngine : public CrossingHandler {
 public:
  // `attention_devices`: the attention side's devices (its replica), in
  // groups of `tp`. `ffn_stage_devices`: devices per FFN stage;
  // `layer_stage[l]`: the FFN stage holding layer l.
  CrossingEngine(const PodConfig& pod, int attention_devices, int tp, int ffn_stage_devices,
                 std::vector<int> layer_stage);

  // Forgets the previous step's crossings; ports keep their next-free times.
  void begin_step();
  void cross(int side, int device, const Op& op, Seconds arrival, const std::vector<int>& stands_for,
             CollectiveCharge* charge, sc_core::sc_event& done) override;

  // The step's flows in the order they were timed.
  const std::vector<CrossingFlow>& flows() const { return flows_; }
  int nics_per_stage() const { return nics_per_stage_; }

 private:
  struct Waiter {
    sc_core::sc_event* done = nullptr;
    CollectiveCharge* charge = nullptr;
    Seconds arrival;
  };
  struct Layer {
    int sent = 0;       // attention devices whose states have left
    int finished = 0;   // FFN devices done with the layer
    Seconds last_sent;  // the latest forward flow's start
    Seconds in;         // the forward crossing's last delivery
    Seconds out;        // when the stage's output was ready to return
    bool forward_done = false, return_done = false;
    std::vector<std::pair<int, Seconds>> senders;  // attention device, ready
    std::vector<Bytes> bytes;                      // per attention device
    std::vector<Seconds> back;                     // per attention device: delivered
    std::vector<Waiter> ffn_waiting;
    std::map<int, Waiter> attention_waiting;
  };

  void send_forward(int device, Seconds ready, Bytes bytes, Layer& layer);
  void deliver_forward(int layer_index, Layer& layer);
  void send_back(int layer_index, Layer& layer);
  static void wake(const Waiter& w, Seconds done, Seconds link);
  // The FFN NIC of `layer_index`'s stage that serves the `index`-th sender.
  int nic_of(int layer_index, int index) const;

  Seconds overhead_, latency_;
  int attention_devices_, tp_, ffn_stage_devices_, nics_per_stage_;
  std::vector<int> layer_stage_;
  CrossingPorts attention_, ffn_;
  std::map<int, Layer> layers_;
  std::vector<CrossingFlow> flows_;
};

}  // namespace tokenfab
