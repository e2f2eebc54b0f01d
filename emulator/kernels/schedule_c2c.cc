// Scheduler::exchange: C2C sends and receives of one vector's planes.
#include <stdexcept>

#include "emulator/kernels/queue_builder.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

Vec Scheduler::exchange(const Vec& v, int link) {
  if (link < 0 || link >= p_.c2c_links) throw std::invalid_argument("exchange: no link " + std::to_string(link));
  const Delay &rd = p_.delay(Opcode::read), &send = p_.delay(Opcode::send), &recv = p_.delay(Opcode::recv);
  const int ux = stream_position(p_, {Unit::c2c, Hemisphere::none, link});
  const QueueId q{Unit::c2c, Hemisphere::none, link};
  const std::int64_t ser = p_.c2c_cycles_per_vector(), hop = p_.c2c_hop_latency;
  LinkState& state = links_[link];
  const auto a = [](std::int64_t x) { return Operand{x}; };

  // Sends, one vector per serialisation time; arrivals (and their bounds) at the peer.
  std::vector<std::int64_t> arrival, arrival_bound;
  for (const PlaneAt& plane : v.planes) {
    const std::int64_t travel = rd.d_func + std::abs(ux - slice_x(plane.slice));
    const std::int64_t from = std::max(v.ready + travel, state.free) - send.d_skew;
    for (std::int64_t t = std::max<std::int64_t>(0, from);; ++t) {
      if (t > from + kSearchHorizon) throw std::logic_error("scheduler: a send found no cycle to run in");
      const std::int64_t take = t + send.d_skew;
      if (take < state.free || !queue_free(q, t)) continue;
      const std::optional<Moves> moves = plan_moves(ux, take, {{plane, v.ready}}, take, {});
      if (!moves) continue;
      commit_moves(*moves);
      place(q, t, make(Opcode::send, {{Field::s, moves->streams_in}, {Field::link, a(link)}}));
      state.free = take + ser;
      arrival.push_back(take + ser + hop);
      arrival_bound.push_back(v.bound + travel + ser + hop);  // as if the link were free
      break;
    }
  }

  // Receives, in arrival order, each onto a stream to its slice.
  Vec out = allocate_vec(v.type);
  out.ready = 0;
  out.bound = 0;
  for (std::size_t b = 0; b < out.planes.size(); ++b) {
    const std::int64_t dist = std::abs(slice_x(out.planes[b].slice) - ux);
    const std::int64_t from = std::max(arrival[b], state.last_recv + 1) - recv.d_skew;
    for (std::int64_t t = std::max<std::int64_t>(0, from);; ++t) {
      if (t > from + kSearchHorizon) throw std::logic_error("scheduler: a receive found no cycle to run in");
      const std::int64_t take = t + recv.d_skew, emit = t + recv.d_func;
      if (!queue_free(q, t)) continue;
      const std::optional<Moves> moves = plan_moves(ux, take, {}, emit, {{out.planes[b]}});
      if (!moves) continue;
      commit_moves(*moves);
      place(q, t, make(Opcode::recv, {{Field::s, moves->streams_out}, {Field::link, a(link)}}));
      state.last_recv = take;
      out.ready = std::max(out.ready, emit + dist + 1);
      out.bound = std::max(out.bound, arrival_bound[b] - recv.d_skew + recv.d_func + dist + 1);
      break;
    }
  }
  chain_ = std::max(chain_, out.bound);
  return out;
}

}  // namespace tokenfab::lpu
