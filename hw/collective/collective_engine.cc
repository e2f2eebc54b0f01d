#include "hw/collective/collective_engine.h"

#include <algorithm>
#include <stdexcept>

#include "hw/tlm/op_payload.h"

namespace tokenfab {

CollectiveEngine::CollectiveEngine(const SystemConfig& system, const Mapping& mapping)
    : system_(system), mapping_(mapping), scale_up_(system.chip.scale_up, mapping.replica_devices()) {
  if (system.chip.scale_out)
    scale_out_ = std::make_unique<FabricTiming>(*system.chip.scale_out, mapping.replica_devices());
  for (int d = 0; d < mapping.replica_devices(); ++d) {
    done_.push_back(std::make_unique<sc_core::sc_event>());
    start_.push_back(std::make_unique<sc_core::sc_event>());
  }
  std::vector<int> self(static_cast<std::size_t>(mapping.replica_devices()));
  for (int d = 0; d < mapping.replica_devices(); ++d) self[static_cast<std::size_t>(d)] = d;
  begin_step(std::move(self));
}

void CollectiveEngine::begin_step(std::vector<int> representative) {
  // Collectives are matched by their count within the step.
  sequence_.assign(static_cast<std::size_t>(mapping_.replica_devices()), {0, 0});
  pending_.clear();
  representative_ = std::move(representative);
  stands_for_.assign(representative_.size(), {});
  for (std::size_t d = 0; d < representative_.size(); ++d) {
    auto& list = stands_for_[static_cast<std::size_t>(representative_[d])];
    if (static_cast<int>(d) == representative_[d]) {
      list.insert(list.begin(), static_cast<int>(d));
    } else {
      list.push_back(static_cast<int>(d));
    }
  }
}

CollectiveEngine::Group CollectiveEngine::group_of(int device, const Op& op) const {
  if (op.collective->group == CollectiveGroup::tp) return {0, device - device % mapping_.tp, mapping_.tp};
  const int stage = mapping_.stage_devices();
  return {1, device - device % stage, stage};
}

sc_core::sc_event& CollectiveEngine::arrive(int device, const Op& op, Seconds arrival, CollectiveCharge* charge) {
  if (op.collective->group == CollectiveGroup::pod) {
    if (!crossings_) throw std::logic_error(op.name + ": a crossing between pools outside a pod's simulation");
    sc_core::sc_event& done = *done_[static_cast<std::size_t>(device)];
    crossings_->cross(side_, device, op, arrival, stands_for_[static_cast<std::size_t>(device)], charge, done);
    return done;
  }
  const Route route = route_for(system_, collective_span(*op.collective, mapping_, device));
  const Seconds ready = arrival + route.fabric->collective_overhead;
  const Seconds now = from_sc(sc_core::sc_time_stamp());
  charge->scale_out = route.resource == Resource::scale_out;
  if (op.collective->group == CollectiveGroup::pp) {
    // Only the sender runs this op; its peer in the next stage starts when the
    // data is in. A representative sends for the devices it stands for.
    FabricTiming& f = charge->scale_out ? *scale_out_ : scale_up_;
    Seconds done;
    for (int sender : stands_for_[static_cast<std::size_t>(device)]) {
      const int peer = sender + mapping_.stage_devices();
      const Seconds arrived = f.send(sender, peer, op.collective->bytes, ready);
      if (sender == device) done = arrived;
      if (representative_[static_cast<std::size_t>(peer)] == peer) {
        start_[static_cast<std::size_t>(peer)]->notify(to_sc(arrived - now));
      }
    }
    charge->wait = Seconds(0);
    charge->link = done - ready;
    done_[static_cast<std::size_t>(device)]->notify(to_sc(done - now));
    return *done_[static_cast<std::size_t>(device)];
  }
  const Group g = group_of(device, op);
  const int seq = sequence_[static_cast<std::size_t>(device)][static_cast<std::size_t>(g.kind)]++;
  const std::uint64_t key = (static_cast<std::uint64_t>(g.kind) << 60) | (static_cast<std::uint64_t>(g.first) << 32) |
                            static_cast<std::uint32_t>(seq);
  Pending& p = pending_[key];
  if (p.ready.empty()) {
    p.ready.resize(static_cast<std::size_t>(g.count));
    p.bytes.resize(static_cast<std::size_t>(g.count));
    p.inbound_weights.resize(static_cast<std::size_t>(g.count));
    p.charges.resize(static_cast<std::size_t>(g.count));
    p.kind = op.collective->kind;
  }
  // A representative arrives for itself and for the devices it stands for
  // that are members of this group.
  for (int member : stands_for_[static_cast<std::size_t>(device)]) {
    if (member < g.first || member >= g.first + g.count) continue;
    const auto slot = static_cast<std::size_t>(member - g.first);
    p.ready[slot] = ready;
    p.bytes[slot] = op.collective->bytes;
    p.inbound_weights[slot] = op.collective->inbound_weight;
    p.charges[slot] = member == device ? charge : nullptr;
    ++p.arrived;
  }
  if (p.arrived == g.count) {
    complete(g, p);
    pending_.erase(key);
  }
  return *done_[static_cast<std::size_t>(device)];
}

void CollectiveEngine::complete(const Group& g, Pending& p) {
  const Route route = route_for(system_, {g.first, g.count});
  FabricTiming& f = route.resource == Resource::scale_out ? *scale_out_ : scale_up_;
  std::vector<int> members(static_cast<std::size_t>(g.count));
  for (int i = 0; i < g.count; ++i) members[static_cast<std::size_t>(i)] = g.first + i;
  // Members stood for by their representative need no done time of their own.
  std::vector<bool> observed(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) observed[i] = p.charges[i] != nullptr;
  std::vector<Seconds> done =
      simulate_collective(f, *route.fabric, p.kind, members, p.ready, p.bytes, p.inbound_weights, observed);
  const Seconds all_ready = *std::max_element(p.ready.begin(), p.ready.end());
  const Seconds now = from_sc(sc_core::sc_time_stamp());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!p.charges[i]) continue;  // stood for by its representative
    p.charges[i]->wait = all_ready - p.ready[i];
    p.charges[i]->link = done[i] - all_ready;
    done_[static_cast<std::size_t>(members[i])]->notify(to_sc(done[i] - now));
  }
}

}  // namespace tokenfab
