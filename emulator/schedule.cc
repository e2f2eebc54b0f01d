#include "emulator/schedule.h"

#include <algorithm>
#include <stdexcept>

#include "emulator/queue_builder.h"
#include "emulator/vxm.h"

namespace tokenfab::lpu {

namespace {
// Search horizon for one operation's placement: far beyond any real wait, so
// hitting it means the operation can never fit (a scheduler bug or a chip
// too small), reported rather than looped on.
constexpr std::int64_t kHorizon = 1 << 20;

std::int64_t cell_key(int stream, std::int64_t diagonal) {
  return (static_cast<std::int64_t>(stream) << 40) + diagonal + (std::int64_t{1} << 39);
}
}  // namespace

// One tentative reservation of an operation being placed: nothing is
// committed until every part of the operation fits.
struct Scheduler::Booking {
  std::int64_t key;  // stream cell diagonal
  int lo, hi;        // positions
};

Scheduler::Scheduler(const LpuParams& p) : p_(p), planes_(static_cast<std::size_t>(p.mxm_planes)) {
  if (p.mxm_queues < p.mxm_planes) throw std::invalid_argument("scheduler: fewer MXM queues than planes");
}

int Scheduler::slice_x(SliceId s) const { return stream_position(p_, {Unit::mem, s.hemisphere, s.index}); }

bool Scheduler::queue_free(const QueueId& q, std::int64_t cycle) const {
  auto it = code_.find(q);
  return it == code_.end() || !it->second.count(cycle);
}

void Scheduler::place(const QueueId& q, std::int64_t cycle, Instruction ins) {
  happened(cycle);
  code_[q].emplace(cycle, std::move(ins));
}

PlaneAt Scheduler::allocate() {
  const SliceId slice{Hemisphere::east, next_slice_};
  next_slice_ = (next_slice_ + 1) % p_.mem_slices;
  std::int64_t& a = next_address_[slice];
  if (a >= static_cast<std::int64_t>(p_.banks) * p_.words_per_bank)
    throw std::invalid_argument("scheduler: SRAM of slice " + std::to_string(slice.index) + " is full");
  return {slice, a++};
}

Vec Scheduler::allocate_vec(ElemType type) {
  Vec v;
  v.type = type;
  for (int b = 0; b < elem_bytes(type); ++b) v.planes.push_back(allocate());
  return v;
}

Vec Scheduler::reserve(ElemType type) { return allocate_vec(type); }

Vec Scheduler::input(ElemType type, std::vector<std::vector<std::uint8_t>> planes) {
  Vec v = allocate_vec(type);
  for (std::size_t b = 0; b < planes.size(); ++b) preloads_.push_back({v.planes[b], std::move(planes[b])});
  return v;
}

Vec Scheduler::input_f32(const std::vector<float>& lanes) {
  std::vector<std::vector<std::uint8_t>> planes(4, std::vector<std::uint8_t>(lanes.size()));
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    const auto raw = Eigen::numext::bit_cast<std::uint32_t>(lanes[l]);
    for (std::size_t b = 0; b < 4; ++b) planes[b][l] = static_cast<std::uint8_t>(raw >> (8 * b));
  }
  return input(ElemType::f32, std::move(planes));
}

Vec Scheduler::input_i8(const std::vector<std::int8_t>& lanes) {
  return input(ElemType::i8, {std::vector<std::uint8_t>(lanes.begin(), lanes.end())});
}

// A stream id of the given direction whose cells from from_x to to_x along
// the diagonal through (from_x, at_from) are free; -1 if none is.
int Scheduler::free_stream(bool east, int from_x, int to_x, std::int64_t at_from,
                           const std::vector<Booking>& pending) const {
  const int lo = std::min(from_x, to_x), hi = std::max(from_x, to_x);
  for (int k = 0; k < p_.streams_per_direction; ++k) {
    const int stream = east ? k : kStreamsPerDirection + k;
    const std::int64_t key = cell_key(stream, east ? at_from - from_x : at_from + from_x);
    auto overlaps = [&](int a, int b) { return a <= hi && lo <= b; };
    bool taken = std::any_of(pending.begin(), pending.end(),
                             [&](const Booking& b) { return b.key == key && overlaps(b.lo, b.hi); });
    if (auto it = cells_.find(key); !taken && it != cells_.end()) {
      taken =
          std::any_of(it->second.begin(), it->second.end(), [&](auto& iv) { return overlaps(iv.first, iv.second); });
    }
    if (!taken) return stream;
  }
  return -1;
}

std::int64_t Scheduler::passes(const Flight& f, int unit_x) {
  const bool east = f.stream < kStreamsPerDirection;
  if (east ? unit_x < f.x0 : unit_x > f.x0) return -1;
  return f.t0 + std::abs(unit_x - f.x0);
}

std::vector<Scheduler::Arrival> Scheduler::arrivals(const std::vector<const Vec*>& in, int unit_x, bool chain,
                                                    std::int64_t& earliest, std::int64_t& bound) const {
  const Delay& rd = p_.delay(Opcode::read);
  std::vector<Arrival> out;
  earliest = 0;
  bound = 0;
  for (const Vec* v : in) {
    for (std::size_t b = 0; b < v->planes.size(); ++b) {
      const PlaneAt& a = v->planes[b];
      const std::int64_t travel = rd.d_func + std::abs(unit_x - slice_x(a.slice));
      std::int64_t plane_bound = v->bound + travel;
      const Flight* f = b < v->flights.size() ? &v->flights[b] : nullptr;
      const std::int64_t pass = f ? passes(*f, unit_x) : -1;
      if (pass >= 0) plane_bound = std::min(plane_bound, f->bound + std::abs(unit_x - f->x0));
      bound = std::max(bound, plane_bound);
      if (chain && pass >= 0) {
        out.push_back({a, v->ready, f});
        earliest = std::max(earliest, pass);
      } else {
        out.push_back({a, v->ready, nullptr});
        earliest = std::max(earliest, v->ready + travel);
      }
    }
  }
  return out;
}

bool Scheduler::book_moves(int unit_x, std::int64_t take, const std::vector<Arrival>& in, std::int64_t emit,
                           const std::vector<Departure>& out, Streams& streams_in, Streams& streams_out, bool commit,
                           std::vector<Flight>* flights) {
  const Delay& rd = p_.delay(Opcode::read);
  const Delay& wr = p_.delay(Opcode::write);
  std::vector<Booking> cells;
  std::vector<std::pair<QueueId, std::int64_t>> issues;  // queue, issue cycle
  std::vector<std::pair<SliceId, std::int64_t>> accesses;
  auto slice_ok = [&](SliceId s, std::int64_t issue, std::int64_t access) {
    const QueueId q{Unit::mem, s.hemisphere, s.index};
    if (issue < 0 || !queue_free(q, issue)) return false;
    if (slice_busy_.count(s) && slice_busy_.at(s).count(access)) return false;
    for (auto& [pq, pc] : issues)
      if (pq == q && pc == issue) return false;
    for (auto& [ps, pc] : accesses)
      if (ps == s && pc == access) return false;
    issues.push_back({q, issue});
    accesses.push_back({s, access});
    return true;
  };
  // Reads: one per distinct plane (a read may put its word on several streams).
  struct Read {
    PlaneAt at;
    std::int64_t cycle;
    Streams streams;
  };
  std::vector<Read> reads;
  streams_in.clear();
  for (const Arrival& a : in) {
    if (a.flight) {
      // Taken off its stream as it passes: no read; the cells from where its
      // own booking ends to here must be free.
      const Flight& f = *a.flight;
      if (passes(f, unit_x) != take) return false;
      const bool east = f.stream < kStreamsPerDirection;
      const std::int64_t key = cell_key(f.stream, east ? f.t0 - f.x0 : f.t0 + f.x0);
      const int lo = east ? f.hi + 1 : unit_x, hi = east ? unit_x : f.lo - 1;
      if (lo <= hi) {
        auto overlaps = [&](int a_lo, int a_hi) { return a_lo <= hi && lo <= a_hi; };
        if (std::any_of(cells.begin(), cells.end(),
                        [&](const Booking& b) { return b.key == key && overlaps(b.lo, b.hi); }))
          return false;
        if (auto it = cells_.find(key);
            it != cells_.end() &&
            std::any_of(it->second.begin(), it->second.end(), [&](auto& iv) { return overlaps(iv.first, iv.second); }))
          return false;
        cells.push_back({key, lo, hi});
      }
      streams_in.push_back(f.stream);
      continue;
    }
    const int x = slice_x(a.from.slice);
    const std::int64_t r = take - rd.d_func - std::abs(unit_x - x);
    if (r < a.ready) return false;
    auto same = std::find_if(reads.begin(), reads.end(), [&](const Read& o) {
      return o.at.slice == a.from.slice && o.at.address == a.from.address;
    });
    if (same == reads.end()) {
      if (!slice_ok(a.from.slice, r, r)) return false;
      reads.push_back({a.from, r, {}});
      same = reads.end() - 1;
    }
    const bool east = unit_x >= x;
    const int s = free_stream(east, x, unit_x, r + rd.d_func, cells);
    if (s < 0) return false;
    cells.push_back(
        {cell_key(s, east ? r + rd.d_func - x : r + rd.d_func + x), std::min(x, unit_x), std::max(x, unit_x)});
    same->streams.push_back(s);
    streams_in.push_back(s);
  }
  struct Write {
    PlaneAt at;
    std::int64_t issue, access;
    int stream;
  };
  std::vector<Write> writes;
  streams_out.clear();
  for (const Departure& d : out) {
    if (d.to.address < 0) {  // a discarded plane: only its injection cell is booked
      const int s = free_stream(false, unit_x, unit_x, emit, cells);
      if (s < 0) return false;
      cells.push_back({cell_key(s, emit + unit_x), unit_x, unit_x});
      streams_out.push_back(s);
      continue;
    }
    const int x = slice_x(d.to.slice);
    const std::int64_t access = emit + std::abs(x - unit_x), issue = access - wr.d_skew;
    if (auto it = last_read_.find({d.to.slice, d.to.address}); it != last_read_.end() && access <= it->second)
      return false;
    if (!slice_ok(d.to.slice, issue, access)) return false;
    const bool east = x >= unit_x;
    const int s = free_stream(east, unit_x, x, emit, cells);
    if (s < 0) return false;
    cells.push_back({cell_key(s, east ? emit - unit_x : emit + unit_x), std::min(x, unit_x), std::max(x, unit_x)});
    writes.push_back({d.to, issue, access, s});
    streams_out.push_back(s);
    if (flights) flights->push_back({s, unit_x, emit, std::min(x, unit_x), std::max(x, unit_x), 0});
  }
  if (!commit) {
    if (flights) flights->clear();
    return true;
  }
  for (const Booking& b : cells) cells_[b.key].push_back({b.lo, b.hi});
  for (auto& [s, c] : accesses) slice_busy_[s].insert(c);
  for (const Read& r : reads) {
    place({Unit::mem, r.at.slice.hemisphere, r.at.slice.index}, r.cycle,
          make(Opcode::read, {{Field::a, r.at.address}, {Field::s, r.streams}}));
    happened(r.cycle + rd.d_func);
    auto& last = last_read_[{r.at.slice, r.at.address}];
    last = std::max(last, r.cycle);
  }
  for (const Write& w : writes) {
    place({Unit::mem, w.at.slice.hemisphere, w.at.slice.index}, w.issue,
          make(Opcode::write, {{Field::a, w.at.address}, {Field::s, Streams{w.stream}}}));
    happened(w.access);
  }
  happened(take);
  happened(emit);
  return true;
}

// Copies v through the VXM (a conversion to its own type is exact) into
// slices outside `avoid`.
Vec Scheduler::copy(const Vec& v, const std::set<SliceId>& avoid) {
  Vec into;
  into.type = v.type;
  while (static_cast<int>(into.planes.size()) < elem_bytes(v.type)) {
    PlaneAt at = allocate();
    const bool clash = avoid.count(at.slice) || std::any_of(into.planes.begin(), into.planes.end(),
                                                            [&](auto& o) { return o.slice == at.slice; });
    if (!clash) into.planes.push_back(at);
  }
  return vxm(Opcode::conv, v.type, {&v}, &into);
}

std::vector<const Vec*> Scheduler::distinct(const std::vector<const Vec*>& in, std::vector<Vec>& copies) {
  copies.reserve(in.size());
  std::vector<const Vec*> out;
  std::set<SliceId> used;
  for (const Vec* v : in) {
    const bool same_as_before = std::find(out.begin(), out.end(), v) != out.end();
    const bool clash = !same_as_before && std::any_of(v->planes.begin(), v->planes.end(),
                                                      [&](const PlaneAt& a) { return used.count(a.slice); });
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
  Vec out = into ? *into : allocate_vec(to);
  out.type = to;
  const Delay& d = p_.delay(op);
  const int ux = p_.stream_positions;  // the VXM, mid-chip
  std::vector<Departure> departures;
  for (const PlaneAt& a : out.planes) departures.push_back({a});
  // Places the op at t if an ALU and every move fit then.
  auto try_at = [&](std::int64_t t, const std::vector<Arrival>& arr, std::int64_t bound) {
    for (int alu = 0; alu < p_.vxm_alus; ++alu) {
      const QueueId q{Unit::vxm, Hemisphere::none, alu};
      Streams s_in, s_out;
      if (!queue_free(q, t) || !book_moves(ux, t + d.d_skew, arr, t + d.d_func, departures, s_in, s_out, false))
        continue;
      book_moves(ux, t + d.d_skew, arr, t + d.d_func, departures, s_in, s_out, true, &out.flights);
      std::map<Field, Operand> ops{{Field::in, s_in}, {Field::out, s_out}};
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
  for (std::int64_t t = std::max<std::int64_t>(0, earliest - d.d_skew); t < earliest + kHorizon; ++t) {
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
        Streams s_in, s_out;
        std::vector<Flight> flights;
        if (!queue_free(q, t) ||
            !book_moves(ux, t + d.d_skew, arr, t + d.d_func, {{out.planes[b]}}, s_in, s_out, false))
          continue;
        book_moves(ux, t + d.d_skew, arr, t + d.d_func, {{out.planes[b]}}, s_in, s_out, true, &flights);
        place(q, t, make(Opcode::shift, {{Field::in, s_in}, {Field::out, s_out}, {Field::lanes, std::int64_t{lanes}}}));
        const std::int64_t emit_bound = bound - d.d_skew + d.d_func;
        out.flights[b] = flights.front();
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
      if (t > earliest + kHorizon) throw std::logic_error("scheduler: a shift found no cycle to run in");
      placed = try_at(t, from_sram, bound);
    }
  }
  chain_ = std::max(chain_, out.bound);
  return out;
}

std::int64_t Scheduler::install_bound() const {
  const auto per_cycle = static_cast<std::int64_t>(p_.mxm_install_per_cycle.value());
  return (weight_bytes_ + per_cycle - 1) / per_cycle;
}

Program Scheduler::take() {
  ProgramBuilder builder;
  for (auto& [q, code] : code_) {
    for (auto& [cycle, ins] : code) builder.queue(q).at(cycle, std::move(ins));
  }
  code_.clear();
  return builder.take(p_.name);
}

void load(Chip& chip, const std::vector<Preload>& data) {
  for (const Preload& d : data) chip.write_vector(d.at.slice, d.at.address, d.bytes);
}

std::vector<double> read_lanes(const Chip& chip, const Vec& v) {
  std::vector<std::vector<std::uint8_t>> planes;
  std::vector<const std::vector<std::uint8_t>*> ptrs;
  for (const PlaneAt& a : v.planes) planes.push_back(chip.read_vector(a.slice, a.address));
  for (const auto& b : planes) ptrs.push_back(&b);
  const Lanes lanes = decode_lanes(ptrs, v.type, static_cast<int>(planes.front().size()));
  return {lanes.data(), lanes.data() + lanes.size()};
}

}  // namespace tokenfab::lpu
