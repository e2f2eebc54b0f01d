// Scheduler: the moves of one operation's operands and results: SRAM reads
// timed to reach the unit when it takes them, chained operands taken off
// their streams, writes as results pass their slices, and the stream cells,
// queues and slice cycles they book.
#include <algorithm>

#include "emulator/kernels/queue_builder.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

namespace {
// The cells of one stream's diagonal through (position, cycle), as one key.
std::int64_t cell_key(int stream, int position, std::int64_t cycle) {
  return (static_cast<std::int64_t>(stream) << 40) + stream_diagonal(stream, position, cycle) + (std::int64_t{1} << 39);
}
}  // namespace

// A stream id of the given direction whose cells from from_x to to_x along
// the diagonal through (from_x, at_from) are free; -1 if none is.
int Scheduler::free_stream(bool east, int from_x, int to_x, std::int64_t at_from,
                           const std::vector<Booking>& pending) const {
  const int lo = std::min(from_x, to_x), hi = std::max(from_x, to_x);
  for (int k = 0; k < p_.streams_per_direction; ++k) {
    const int stream = east ? k : kStreamsPerDirection + k;
    if (cells_free(cell_key(stream, from_x, at_from), lo, hi, pending)) return stream;
  }
  return -1;
}

std::int64_t Scheduler::passes(const Flight& f, int unit_x) {
  const bool east = flows_east(f.stream);
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

bool Scheduler::cells_free(std::int64_t key, int lo, int hi, const std::vector<Booking>& pending) const {
  auto overlaps = [&](int a_lo, int a_hi) { return a_lo <= hi && lo <= a_hi; };
  if (std::any_of(pending.begin(), pending.end(),
                  [&](const Booking& b) { return b.key == key && overlaps(b.lo, b.hi); }))
    return false;
  auto it = cells_.find(key);
  return it == cells_.end() ||
         std::none_of(it->second.begin(), it->second.end(), [&](auto& iv) { return overlaps(iv.first, iv.second); });
}

std::optional<Scheduler::Moves> Scheduler::plan_moves(int unit_x, std::int64_t take, const std::vector<Arrival>& in,
                                                      std::int64_t emit, const std::vector<Departure>& out) const {
  const Delay& rd = p_.delay(Opcode::read);
  const Delay& wr = p_.delay(Opcode::write);
  Moves m;
  m.take = take;
  m.emit = emit;
  auto slice_ok = [&](SliceId s, std::int64_t issue, std::int64_t access) {
    const QueueId q{Unit::mem, s.hemisphere, s.index};
    if (issue < 0 || !queue_free(q, issue)) return false;
    if (auto it = slice_busy_.find(s); it != slice_busy_.end() && it->second.contains(access)) return false;
    for (auto& [pq, pc] : m.issues)
      if (pq == q && pc == issue) return false;
    for (auto& [ps, pc] : m.accesses)
      if (ps == s && pc == access) return false;
    m.issues.emplace_back(q, issue);
    m.accesses.emplace_back(s, access);
    return true;
  };
  for (const Arrival& a : in) {
    if (a.flight) {
      // Taken off its stream as it passes: no read; the cells from where its
      // own booking ends to here must be free.
      const Flight& f = *a.flight;
      if (passes(f, unit_x) != take) return std::nullopt;
      const bool east = flows_east(f.stream);
      const std::int64_t key = cell_key(f.stream, f.x0, f.t0);
      const int lo = east ? f.hi + 1 : unit_x, hi = east ? unit_x : f.lo - 1;
      if (lo <= hi) {
        if (!cells_free(key, lo, hi, m.cells)) return std::nullopt;
        m.cells.push_back({key, lo, hi});
      }
      m.streams_in.push_back(f.stream);
      continue;
    }
    const int x = slice_x(a.from.slice);
    const std::int64_t r = take - rd.d_func - std::abs(unit_x - x);
    if (r < a.ready) return std::nullopt;
    // One read per distinct word: a read may put its word on several streams.
    auto same = std::find_if(m.reads.begin(), m.reads.end(), [&](const Moves::Read& o) {
      return o.at.slice == a.from.slice && o.at.address == a.from.address;
    });
    if (same == m.reads.end()) {
      if (!slice_ok(a.from.slice, r, r)) return std::nullopt;
      m.reads.push_back({a.from, r, {}});
      same = m.reads.end() - 1;
    }
    const bool east = unit_x >= x;
    const int s = free_stream(east, x, unit_x, r + rd.d_func, m.cells);
    if (s < 0) return std::nullopt;
    m.cells.push_back({cell_key(s, x, r + rd.d_func), std::min(x, unit_x), std::max(x, unit_x)});
    same->streams.push_back(s);
    m.streams_in.push_back(s);
  }
  for (const Departure& d : out) {
    if (d.to.address < 0) {  // a discarded plane: only its injection cell is booked
      const int s = free_stream(false, unit_x, unit_x, emit, m.cells);
      if (s < 0) return std::nullopt;
      m.cells.push_back({cell_key(s, unit_x, emit), unit_x, unit_x});
      m.streams_out.push_back(s);
      continue;
    }
    const int x = slice_x(d.to.slice);
    const std::int64_t access = emit + std::abs(x - unit_x), issue = access - wr.d_skew;
    if (auto it = last_read_.find({d.to.slice, d.to.address}); it != last_read_.end() && access <= it->second)
      return std::nullopt;
    if (auto it = last_write_.find({d.to.slice, d.to.address}); it != last_write_.end() && access <= it->second)
      return std::nullopt;
    if (!slice_ok(d.to.slice, issue, access)) return std::nullopt;
    const bool east = x >= unit_x;
    const int s = free_stream(east, unit_x, x, emit, m.cells);
    if (s < 0) return std::nullopt;
    m.cells.push_back({cell_key(s, unit_x, emit), std::min(x, unit_x), std::max(x, unit_x)});
    m.writes.push_back({d.to, issue, access, s});
    m.streams_out.push_back(s);
    m.flights.push_back({s, unit_x, emit, std::min(x, unit_x), std::max(x, unit_x), 0});
  }
  return m;
}

void Scheduler::commit_moves(const Moves& m) {
  const Delay& rd = p_.delay(Opcode::read);
  for (const Booking& b : m.cells) cells_[b.key].push_back({b.lo, b.hi});
  for (auto& [s, c] : m.accesses) slice_busy_[s].insert(c);
  for (const Moves::Read& r : m.reads) {
    place({Unit::mem, r.at.slice.hemisphere, r.at.slice.index}, r.cycle,
          make(Opcode::read, {{Field::a, r.at.address}, {Field::s, r.streams}}));
    happened(r.cycle + rd.d_func);
    auto& last = last_read_[{r.at.slice, r.at.address}];
    last = std::max(last, r.cycle);
  }
  for (const Moves::Write& w : m.writes) {
    place({Unit::mem, w.at.slice.hemisphere, w.at.slice.index}, w.issue,
          make(Opcode::write, {{Field::a, w.at.address}, {Field::s, Streams{w.stream}}}));
    happened(w.access);
    last_write_[{w.at.slice, w.at.address}] = w.access;
  }
  happened(m.take);
  happened(m.emit);
}

}  // namespace tokenfab::lpu
