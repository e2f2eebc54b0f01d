#include "emulator/kernels/schedule.h"

#include <algorithm>
#include <stdexcept>

#include "emulator/isa/lanes.h"
#include "emulator/kernels/queue_builder.h"

namespace tokenfab::lpu {

Scheduler::Scheduler(const LpuParams& p) : p_(p), planes_(static_cast<std::size_t>(p.mxm_planes)) {
  if (p.mxm_queues < p.mxm_planes) throw std::invalid_argument("scheduler: fewer MXM queues than planes");
}

int Scheduler::slice_x(SliceId s) const { return stream_position(p_, {Unit::mem, s.hemisphere, s.index}); }

bool Scheduler::queue_free(const QueueId& q, std::int64_t cycle) const {
  auto it = code_.find(q);
  return it == code_.end() || !it->second.contains(cycle);
}

void Scheduler::place(const QueueId& q, std::int64_t cycle, Instruction ins) {
  happened(cycle);
  code_[q].emplace(cycle, std::move(ins));
}

PlaneAt Scheduler::allocate(const std::set<SliceId>& avoid, Hemisphere side) {
  int& next = next_slice_[side];
  for (int k = 0; k < p_.mem_slices; ++k) {
    const SliceId slice{side, (next + k) % p_.mem_slices};
    if (avoid.contains(slice)) continue;
    next = (slice.index + 1) % p_.mem_slices;
    std::int64_t& a = next_address_[slice];
    if (a >= static_cast<std::int64_t>(p_.banks) * p_.words_per_bank)
      throw std::invalid_argument("scheduler: SRAM of slice " + std::to_string(slice.index) + " is full");
    return {slice, a++};
  }
  throw std::invalid_argument("scheduler: no slice left outside the " + std::to_string(avoid.size()) + " in use");
}

Vec Scheduler::overwrite(const Vec& into, ElemType type) const {
  if (static_cast<int>(into.planes.size()) != elem_bytes(type))
    throw std::invalid_argument("scheduler: a " + std::string(elem_type_name(type)) + " result into a vector of " +
                                std::to_string(into.planes.size()) + " planes");
  Vec out;
  out.type = type;
  out.planes = into.planes;
  return out;
}

Vec Scheduler::allocate_vec(ElemType type, Hemisphere side) {
  Vec v;
  v.type = type;
  for (int b = 0; b < elem_bytes(type); ++b) v.planes.push_back(allocate({}, side));
  return v;
}

std::vector<int> Scheduler::mxm_planes_of(Hemisphere side) const {
  const int east = (p_.mxm_planes + 1) / 2;
  std::vector<int> out;
  for (int k = side == Hemisphere::west ? east : 0; k < (side == Hemisphere::west ? p_.mxm_planes : east); ++k)
    out.push_back(k);
  return out;
}

Vec Scheduler::reserve(ElemType type, Hemisphere side) { return allocate_vec(type, side); }

Hemisphere Scheduler::freer_mxm() const {
  auto free_at = [&](Hemisphere side) {
    std::int64_t at = kSearchHorizon;
    for (int k : mxm_planes_of(side)) {
      const PlaneState& ps = planes_[static_cast<std::size_t>(k)];
      // Loads may fill the free buffer early, but the install waits for the
      // plane's last activation.
      at = std::min(at, std::max(ps.buffer_free[static_cast<std::size_t>(ps.next_buffer)], ps.weights_until));
    }
    return at;
  };
  return free_at(Hemisphere::west) < free_at(Hemisphere::east) ? Hemisphere::west : Hemisphere::east;
}

Vec Scheduler::input(ElemType type, std::vector<std::vector<std::uint8_t>> planes, Hemisphere side) {
  Vec v = allocate_vec(type, side);
  for (std::size_t b = 0; b < planes.size(); ++b) preloads_.push_back({v.planes[b], std::move(planes[b])});
  return v;
}

Vec Scheduler::input_f32(const std::vector<float>& lanes) {
  const Eigen::Map<const Eigen::ArrayXf> values(lanes.data(), static_cast<Eigen::Index>(lanes.size()));
  return input(ElemType::f32, encode_lanes(values.cast<double>(), ElemType::f32));
}

Vec Scheduler::input_i8(const std::vector<std::int8_t>& lanes, Hemisphere side) {
  return input(ElemType::i8, {std::vector<std::uint8_t>(lanes.begin(), lanes.end())}, side);
}

// Copies v through the VXM (a conversion to its own type is exact) into
// slices outside `avoid`.
Vec Scheduler::copy(const Vec& v, std::set<SliceId> avoid) {
  Vec into;
  into.type = v.type;
  while (static_cast<int>(into.planes.size()) < elem_bytes(v.type)) {
    into.planes.push_back(allocate(avoid));
    avoid.insert(into.planes.back().slice);
  }
  return vxm(Opcode::conv, v.type, {&v}, &into);
}

std::vector<const Vec*> Scheduler::distinct(const std::vector<const Vec*>& in, std::vector<Vec>& copies) {
  std::size_t planes = 0;
  for (const Vec* v : in) planes += v->planes.size();
  if (planes > static_cast<std::size_t>(p_.mem_slices))
    throw std::invalid_argument("scheduler: an operation on " + std::to_string(planes) +
                                " operand planes needs as many slices; " + p_.name + " has " +
                                std::to_string(p_.mem_slices) + " a hemisphere");
  copies.reserve(in.size());
  std::vector<const Vec*> out;
  std::set<SliceId> used;
  for (const Vec* v : in) {
    const bool same_as_before = std::find(out.begin(), out.end(), v) != out.end();
    const bool clash = !same_as_before && std::any_of(v->planes.begin(), v->planes.end(),
                                                      [&](const PlaneAt& a) { return used.contains(a.slice); });
    if (clash) {
      std::set<SliceId> avoid = used;
      for (const PlaneAt& a : v->planes) avoid.insert(a.slice);
      copies.push_back(copy(*v, avoid));
      v = &copies.back();
    }
    for (const PlaneAt& a : v->planes) used.insert(a.slice);
    out.push_back(v);
  }
  return out;
}

Vec Scheduler::vxm(Opcode op, ElemType type, const std::vector<const Vec*>& in_raw, const Vec* into) {
  std::vector<Vec> copies;
  const std::vector<const Vec*> in = distinct(in_raw, copies);
  const ElemType to = type;
  const ElemType from = op == Opcode::conv ? in.front()->type : type;
  Vec out = into ? overwrite(*into, to) : allocate_vec(to);
  const Delay& d = p_.delay(op);
  const int ux = p_.stream_positions;  // the VXM, mid-chip
  std::vector<Departure> departures;
  for (const PlaneAt& a : out.planes) departures.push_back({a});
  // Places the op at t if an ALU and every move fit then.
  auto try_at = [&](std::int64_t t, const std::vector<Arrival>& arr, std::int64_t bound) {
    for (int alu = 0; alu < p_.vxm_alus; ++alu) {
      const QueueId q{Unit::vxm, Hemisphere::none, alu};
      if (!queue_free(q, t)) continue;
      const std::optional<Moves> moves = plan_moves(ux, t + d.d_skew, arr, t + d.d_func, departures);
      if (!moves) continue;
      commit_moves(*moves);
      out.flights = moves->flights;
      std::map<Field, Operand> ops{{Field::in, moves->streams_in}, {Field::out, moves->streams_out}};
      if (op == Opcode::conv) {
        ops[Field::from] = from;
        ops[Field::to] = to;
      } else {
        ops[Field::type] = type;
      }
      place(q, t, make(op, std::move(ops)));
      const std::int64_t emit_bound = bound - d.d_skew + d.d_func;
      std::int64_t ready = 0, out_bound = 0;
      for (std::size_t b = 0; b < out.planes.size(); ++b) {
        const std::int64_t dist = std::abs(slice_x(out.planes[b].slice) - ux);
        ready = std::max(ready, t + d.d_func + dist + 1);
        out_bound = std::max(out_bound, emit_bound + dist + 1);
        out.flights[b].bound = emit_bound;
      }
      out.ready = ready;
      out.bound = out_bound;
      chain_ = std::max(chain_, out.bound);
      return true;
    }
    return false;
  };
  std::int64_t earliest = 0, bound = 0;
  // Chained: operands in flight taken as they pass, in the one cycle they do.
  const std::vector<Arrival> chained = arrivals(in, ux, true, earliest, bound);
  const bool any_chained = std::any_of(chained.begin(), chained.end(), [](const Arrival& a) { return a.flight; });
  if (any_chained && earliest - d.d_skew >= 0 && try_at(earliest - d.d_skew, chained, bound)) return out;
  const std::vector<Arrival> from_sram = arrivals(in, ux, false, earliest, bound);
  for (std::int64_t t = std::max<std::int64_t>(0, earliest - d.d_skew); t < earliest + kSearchHorizon; ++t) {
    if (try_at(t, from_sram, bound)) return out;
  }
  throw std::logic_error("scheduler: a VXM op found no cycle to run in");
}

Vec Scheduler::conv(const Vec& in, ElemType to) { return vxm(Opcode::conv, to, {&in}); }

Vec Scheduler::shift(const Vec& in, int lanes) {
  const Delay& d = p_.delay(Opcode::shift);
  const int ux = 2 * p_.stream_positions;  // the east SXM, at the edge
  Vec out = allocate_vec(in.type);
  out.ready = 0;
  out.flights.resize(in.planes.size());
  for (std::size_t b = 0; b < in.planes.size(); ++b) {
    // One plane at a time, as a one-plane vector.
    Vec plane{in.type, {in.planes[b]}, in.ready, in.bound, {}};
    if (b < in.flights.size()) plane.flights.push_back(in.flights[b]);
    const std::int64_t dist_out = std::abs(slice_x(out.planes[b].slice) - ux);
    auto try_at = [&](std::int64_t t, const std::vector<Arrival>& arr, std::int64_t bound) {
      for (int k = 0; k < p_.sxm_queues; ++k) {
        const QueueId q{Unit::sxm, Hemisphere::east, k};
        if (!queue_free(q, t)) continue;
        const std::optional<Moves> moves = plan_moves(ux, t + d.d_skew, arr, t + d.d_func, {{out.planes[b]}});
        if (!moves) continue;
        commit_moves(*moves);
        place(q, t,
              make(Opcode::shift, {{Field::in, moves->streams_in},
                                   {Field::out, moves->streams_out},
                                   {Field::lanes, std::int64_t{lanes}}}));
        const std::int64_t emit_bound = bound - d.d_skew + d.d_func;
        out.flights[b] = moves->flights.front();
        out.flights[b].bound = emit_bound;
        out.ready = std::max(out.ready, t + d.d_func + dist_out + 1);
        out.bound = std::max(out.bound, emit_bound + dist_out + 1);
        return true;
      }
      return false;
    };
    std::int64_t earliest = 0, bound = 0;
    const std::vector<Arrival> chained = arrivals({&plane}, ux, true, earliest, bound);
    if (chained.front().flight && earliest - d.d_skew >= 0 && try_at(earliest - d.d_skew, chained, bound)) continue;
    const std::vector<Arrival> from_sram = arrivals({&plane}, ux, false, earliest, bound);
    bool placed = false;
    for (std::int64_t t = std::max<std::int64_t>(0, earliest - d.d_skew); !placed; ++t) {
      if (t > earliest + kSearchHorizon) throw std::logic_error("scheduler: a shift found no cycle to run in");
      placed = try_at(t, from_sram, bound);
    }
  }
  chain_ = std::max(chain_, out.bound);
  return out;
}

std::int64_t Scheduler::install_bound() const { return p_.install_cycles(weight_bytes_); }

Program Scheduler::take() {
  ProgramBuilder builder;
  for (auto& [q, code] : code_) {
    for (auto& [cycle, ins] : code) builder.queue(q).at(cycle, std::move(ins));
  }
  code_.clear();
  return builder.take(p_.name);
}

}  // namespace tokenfab::lpu
