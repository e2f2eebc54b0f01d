// Scheduler::matvec: one weight tile streamed into a free buffer of a plane
// of the MXM on the rows' side at the chip's install rate, installed once
// the plane's previous tile has taken its last activation, then one product
// per activation, emitted in order.
#include <algorithm>
#include <stdexcept>

#include "emulator/kernels/queue_builder.h"
#include "emulator/kernels/schedule.h"

namespace tokenfab::lpu {

namespace {
void guard(std::int64_t t, std::int64_t from) {
  if (t > from + Scheduler::kSearchHorizon) throw std::logic_error("scheduler: an MXM step found no cycle to run in");
}
}  // namespace

std::vector<Vec> Scheduler::matvec(const std::vector<Vec>& rows, const std::vector<const Vec*>& xs,
                                   const std::vector<const Vec*>& low_byte_into) {
  const int dim = p_.mxm_dim;
  if (static_cast<int>(rows.size()) != dim) throw std::invalid_argument("matvec: a tile has mxm_dim rows");
  const ElemType type = rows.front().type;
  if (type != ElemType::i8 && type != ElemType::f16) throw std::invalid_argument("matvec: i8 or f16 tiles");
  for (const Vec& r : rows)
    if (r.type != type) throw std::invalid_argument("matvec: rows of one type");
  for (const Vec* x : xs)
    if (x->type != type) throw std::invalid_argument("matvec: activations of the tile's type");
  if (!low_byte_into.empty() && (low_byte_into.size() != xs.size() || type != ElemType::i8))
    throw std::invalid_argument("matvec: one low-byte destination per INT8 activation");
  const int width = elem_bytes(type);
  const auto install = static_cast<std::int64_t>(p_.mxm_install_per_cycle.value());
  const std::int64_t row_bytes = static_cast<std::int64_t>(dim) * width;
  if (install < row_bytes) throw std::invalid_argument("matvec: the MXM installs less than a row a cycle");
  const std::int64_t interval = type == ElemType::f16 ? p_.mxm_fp16_interval : 1;
  const std::map<Field, Operand> typed =
      type == ElemType::f16 ? std::map<Field, Operand>{{Field::type, ElemType::f16}} : std::map<Field, Operand>{};
  const Delay& rd = p_.delay(Opcode::read);
  const Delay &lw = p_.delay(Opcode::lw), &iw = p_.delay(Opcode::iw), &abc = p_.delay(Opcode::abc),
              &acc = p_.delay(Opcode::acc);
  // The MXM at the edge of the rows' hemisphere: rows cross no other side.
  const Hemisphere side = rows.front().planes.front().slice.hemisphere;
  for (const Vec& r : rows)
    for (const PlaneAt& a : r.planes)
      if (a.slice.hemisphere != side) throw std::invalid_argument("matvec: a tile's rows in one hemisphere");
  const std::vector<int> side_planes = mxm_planes_of(side);
  if (side_planes.empty()) throw std::invalid_argument("matvec: " + p_.name + " has no MXM plane on that side");
  const int ux = stream_position(p_, {Unit::mxm, side, 0});
  auto travel = [&](const PlaneAt& a) { return rd.d_func + std::abs(ux - slice_x(a.slice)); };

  // The plane that could start this tile's products first. With several
  // activations a plane stays busy long after its buffer frees (the next
  // install waits for the last of them), so that decides; with one, the
  // previous tile's activation is taken soon after its install and the
  // load into the free buffer is what waits.
  auto free_at = [&](int k) {
    const PlaneState& ps = planes_[static_cast<std::size_t>(k)];
    const std::int64_t buffer = ps.buffer_free[static_cast<std::size_t>(ps.next_buffer)];
    return xs.size() > 1 ? std::max(buffer, ps.weights_until) : buffer;
  };
  int plane = side_planes.front();
  for (int k : side_planes)
    if (free_at(k) < free_at(plane)) plane = k;
  PlaneState& ps = planes_[static_cast<std::size_t>(plane)];
  const int buf = ps.next_buffer;
  ps.next_buffer ^= 1;
  const QueueId q{Unit::mxm, side, plane};
  const std::map<Field, Operand> where{{Field::plane, std::int64_t{plane}}, {Field::buf, std::int64_t{buf}}};

  // Load: as many rows a cycle as the install rate leaves room for, rows of
  // one lw in distinct slices (a slice reads one word a cycle).
  std::int64_t rows_bound = 0;
  for (const Vec& r : rows) {
    for (const PlaneAt& a : r.planes) {
      rows_bound = std::max(rows_bound, r.bound + travel(a));
    }
  }
  std::int64_t last_issue = -1, last_take = -1;
  const std::int64_t first = std::max<std::int64_t>(0, ps.buffer_free[static_cast<std::size_t>(buf)] - lw.d_skew);
  for (std::size_t r = 0; r < rows.size();) {
    for (std::int64_t t = std::max(first, last_issue + 1);; ++t) {
      guard(t, first);
      const std::int64_t take = t + lw.d_skew;
      const std::int64_t g =
          std::min<std::int64_t>({(install - installing(take)) / row_bytes, p_.streams_per_direction / width,
                                  static_cast<std::int64_t>(rows.size() - r)});
      std::vector<Arrival> arrivals;
      std::int64_t taken = 0;
      for (; taken < g; ++taken) {
        const Vec& row = rows[r + static_cast<std::size_t>(taken)];
        const bool clash = std::any_of(row.planes.begin(), row.planes.end(), [&](const PlaneAt& a) {
          return std::any_of(arrivals.begin(), arrivals.end(),
                             [&](const Arrival& o) { return o.from.slice == a.slice && o.from.address != a.address; });
        });
        if (clash) break;
        for (const PlaneAt& a : row.planes) arrivals.push_back({a, row.ready});
      }
      if (arrivals.empty() || !queue_free(q, t)) continue;
      const std::optional<Moves> moves = plan_moves(ux, take, arrivals, take, {});
      if (!moves) continue;
      commit_moves(*moves);
      auto ops = where;
      ops.insert(typed.begin(), typed.end());
      ops[Field::s] = moves->streams_in;
      place(q, t, make(Opcode::lw, std::move(ops)));
      install_bytes_[take] += taken * row_bytes;
      r += static_cast<std::size_t>(taken);
      last_issue = t;
      last_take = take;
      break;
    }
  }
  weight_bytes_ += dim * row_bytes;

  // Install once the last row is in and the plane's previous tile is done.
  std::int64_t installed = 0;
  for (std::int64_t t = last_issue + 1;; ++t) {
    guard(t, last_issue);
    installed = t + iw.d_func;
    if (installed <= last_take || installed <= ps.weights_until || !queue_free(q, t)) continue;
    place(q, t, make(Opcode::iw, where));
    happened(installed);
    break;
  }
  ps.buffer_free[static_cast<std::size_t>(buf)] = installed + 1;
  const std::int64_t installed_bound = rows_bound - lw.d_skew + 1 + iw.d_func;

  // Products, one activation a cycle at most.
  std::vector<std::int64_t> ready(xs.size()), ready_bound(xs.size());
  std::int64_t prev_take = std::max(installed, ps.last_abc + interval - 1);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Vec& x = *xs[i];
    std::vector<Arrival> x_planes;
    std::int64_t x_travel = 0;
    for (const PlaneAt& a : x.planes) {
      x_planes.push_back({a, x.ready});
      x_travel = std::max<std::int64_t>(x_travel, travel(a));
    }
    const std::int64_t from = std::max(prev_take + (i == 0 ? 1 : interval), x.ready + x_travel) - abc.d_skew;
    for (std::int64_t t = std::max<std::int64_t>(0, from);; ++t) {
      guard(t, from);
      const std::int64_t take = t + abc.d_skew;
      if (!queue_free(q, t)) continue;
      const std::optional<Moves> moves = plan_moves(ux, take, x_planes, take, {});
      if (!moves) continue;
      commit_moves(*moves);
      auto ops = typed;
      ops[Field::s] = moves->streams_in;
      ops[Field::plane] = std::int64_t{plane};
      ops[Field::n] = std::int64_t{1};
      place(q, t, make(Opcode::abc, std::move(ops)));
      ready[i] = t + abc.d_func;
      ready_bound[i] = std::max(installed_bound + 1, x.bound + x_travel) - abc.d_skew + abc.d_func;
      prev_take = take;
      ps.weights_until = take;
      ps.last_abc = take;
      break;
    }
  }

  // Emit in order: four INT32 byte planes towards the middle, to their slices.
  std::vector<Vec> out;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    Vec y;
    std::vector<Departure> departures;
    if (low_byte_into.empty()) {
      y = allocate_vec(type == ElemType::f16 ? ElemType::f32 : ElemType::i32, side);
      for (const PlaneAt& a : y.planes) departures.push_back({a});
    } else {
      y = overwrite(*low_byte_into[i], ElemType::i8);
      departures.push_back({y.planes[0]});
      for (int b = 1; b < 4; ++b) departures.push_back({PlaneAt{{}, -1}});
    }
    const std::int64_t from = std::max(ready[i], ps.last_acc + 1) - acc.d_skew;
    for (std::int64_t t = std::max<std::int64_t>(0, from);; ++t) {
      guard(t, from);
      const std::int64_t take = t + acc.d_skew, emit = t + acc.d_func;
      if (!queue_free(q, t)) continue;
      const std::optional<Moves> moves = plan_moves(ux, take, {}, emit, departures);
      if (!moves) continue;
      // Products go through SRAM (their flights are not kept): chaining them
      // into the VXM was tried and made the 8192 x 8192 GEMV 6% slower (each
      // chained add books the stream cells west of the write slice that
      // later products need).
      commit_moves(*moves);
      auto ops = std::map<Field, Operand>{
          {Field::out, moves->streams_out}, {Field::plane, std::int64_t{plane}}, {Field::n, std::int64_t{1}}};
      if (type == ElemType::f16) ops[Field::type] = ElemType::f32;
      place(q, t, make(Opcode::acc, std::move(ops)));
      ps.last_acc = take;
      y.ready = 0;
      y.bound = 0;
      for (const Departure& d : departures) {
        if (d.to.address < 0) continue;
        const std::int64_t dist = std::abs(slice_x(d.to.slice) - ux);
        y.ready = std::max(y.ready, emit + dist + 1);
        y.bound = std::max(y.bound, ready_bound[i] - acc.d_skew + acc.d_func + dist + 1);
      }
      break;
    }
    chain_ = std::max(chain_, y.bound);
    out.push_back(std::move(y));
  }
  return out;
}

}  // namespace tokenfab::lpu
