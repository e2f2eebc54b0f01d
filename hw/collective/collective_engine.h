// Matches the members of each collective as their GPU threads arrive, then
// times the whole collective on the fabric it crosses (simulate_collective)
// and wakes each member when it is done. Members are found from the op's group:
//   tp  the tp devices of one attention group
//   ep  every device of the pipeline stage
//   pp  a device and its peer in the next stage (send only; the peer's
//       thread waits on its start event)
// The n-th collective of a group on every member is the same collective.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <systemc>
#include <unordered_map>
#include <vector>

#include "hw/collective/collective_timing_sim.h"
#include "hw/system/system_config.h"
#include "hw/system/topology.h"
#include "workloads/mapping.h"

namespace tokenfab {

struct CollectiveCharge {
  Seconds wait;  // from this member's readiness to the group's readiness
  Seconds link;  // from the group's readiness to this member's completion
  bool scale_out = false;
};

// Where a replica's crossings to a pod's other pool go (group pod): the
// pod's interconnect, outside the replica's own fabrics
// (hw/pod/crossing_engine.h).
class CrossingHandler {
 public:
  virtual ~CrossingHandler() = default;
  // `device` of the pod's pool `side` reaches the crossing `op` at `arrival`,
  // for itself and the devices it stands for (`stands_for`, itself first);
  // the handler fills `charge` and notifies `done` when the device may go on.
  virtual void cross(int side, int device, const Op& op, Seconds arrival, const std::vector<int>& stands_for,
                     CollectiveCharge* charge, sc_core::sc_event& done) = 0;
};

class CollectiveEngine {
 public:
  CollectiveEngine(const SystemConfig& system, const Mapping& mapping);

  // `device` reaches the collective `op` at `arrival` (at or after the current
  // simulation time: GPUs run ahead in local time). Returns the event that
  // fires when this member is done; `charge` is filled in by then.
  sc_core::sc_event& arrive(int device, const Op& op, Seconds arrival, CollectiveCharge* charge);
  // Starts a step. Devices that are not simulated because they behave
  // exactly like another (`representative[d] != d`): their representative's
  // arrival at a stage-wide collective stands for them too, with the same
  // readiness and payload, and their ports are reserved like its. Default:
  // every device is its own representative.
  void begin_step(std::vector<int> representative);
  // Sends the replica's crossings (group pod) to `handler` as pool `side`.
  void route_crossings(CrossingHandler* handler, int side) {
    crossings_ = handler;
    side_ = side;
  }
  // Fires when the previous stage's data has reached `device`.
  sc_core::sc_event& start_event(int device) { return *start_[static_cast<std::size_t>(device)]; }

 private:
  // Members are consecutive devices [first, first + count).
  struct Group {
    int kind = 0;  // 0: tp, 1: the whole stage
    int first = 0;
    int count = 1;
  };
  struct Pending {
    std::vector<Seconds> ready;
    std::vector<Bytes> bytes;
    std::vector<double> inbound_weights;
    std::vector<CollectiveCharge*> charges;
    int arrived = 0;
    CollectiveKind kind = CollectiveKind::all_reduce;
  };
  Group group_of(int device, const Op& op) const;
  void complete(const Group& g, Pending& p);

  const SystemConfig& system_;
  Mapping mapping_;
  FabricTiming scale_up_;
  std::unique_ptr<FabricTiming> scale_out_;
  std::vector<std::unique_ptr<sc_core::sc_event>> done_, start_;
  std::vector<std::array<int, 2>> sequence_;  // per device, per group kind: collectives so far
  std::vector<int> representative_;
  std::vector<std::vector<int>> stands_for_;  // per representative: the devices it stands for, itself first
  std::unordered_map<std::uint64_t, Pending> pending_;
  CrossingHandler* crossings_ = nullptr;
  int side_ = 0;
};

}  // namespace tokenfab
