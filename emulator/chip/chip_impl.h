// The inside of a Chip: its event queue, queue states, MXM planes and link
// inboxes, and the handlers that schedule each instruction's reads and
// results. Shared by chip.cc (issue, MEM, VXM, stepping) and chip_units.cc
// (MXM, SXM, C2C). Internal to emulator/.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "emulator/chip/chip.h"
#include "emulator/chip/event_calendar.h"
#include "emulator/chip/mxm.h"
#include "emulator/chip/vxm.h"

namespace tokenfab::lpu {

namespace chip_detail {

inline std::int64_t slice_words(const LpuParams& p) { return static_cast<std::int64_t>(p.banks) * p.words_per_bank; }

inline std::int64_t integer(const Instruction& ins, Field f, std::int64_t fallback = 0) {
  auto it = ins.operands.find(f);
  return it == ins.operands.end() ? fallback : std::get<std::int64_t>(it->second);
}
inline const Streams& streams(const Instruction& ins, Field f) { return std::get<Streams>(ins.operands.at(f)); }
inline ElemType elem(const Instruction& ins, Field f) { return std::get<ElemType>(ins.operands.at(f)); }

}  // namespace chip_detail
using chip_detail::elem;
using chip_detail::integer;
using chip_detail::slice_words;
using chip_detail::streams;

struct Chip::Impl {
  struct QueueState;
  // Events are small and trivially copied, so the heap moves them cheaply:
  // a queue's next issue and a repeat's next copy carry the queue; any other
  // action is a function parked in `actions` and named by its slot.
  enum class Kind : std::uint8_t { issue, repeat, action };
  struct Event {
    std::int64_t cycle;
    int phase;  // 0: values land on streams, 1: queues issue, 2: operands are read
    std::uint64_t seq;
    QueueState* queue;
    std::uint32_t action;
    Kind kind;
    bool operator>(const Event& o) const { return std::tie(cycle, phase, seq) > std::tie(o.cycle, o.phase, o.seq); }
  };
  std::vector<std::function<void()>> actions;
  std::vector<std::uint32_t> free_actions;
  struct QueueState {
    const QueueCode* code = nullptr;
    int position = 0;  // of the queue's slice on the streams
    std::size_t pc = 0;
    bool parked = false;
    // A repeat in progress: its copies run one event each, at their cycles.
    const Instruction* repeating = nullptr;
    std::int64_t repeat_k = 0, repeat_n = 0, repeat_d = 0, repeat_stride = 0;
    // The last cycle a write, gather or scatter of this queue books a bank
    // of its slice (read_run waits until it is past).
    std::int64_t bank_actions_until = -1;
  };
  // Repeated reads run ahead in windows (read_run): set by Chip::run for a
  // timing-only chip alone, which runs again copy by copy if errors appear.
  bool read_runs = false;
  // Per opcode, looked up on every issue: its delays and unit.
  std::vector<Delay> delay_of;
  std::array<std::uint64_t, 6> issued{};  // per unit; into result.issued at the end

  Chip& chip;
  StreamFabric fabric;
  EventCalendar<Event> events;
  std::uint64_t seq = 0;
  std::int64_t last = -1;
  std::int64_t now = 0;  // the cycle of the event being run
  RunResult result;
  std::vector<QueueState> queues;
  const std::map<std::int64_t, std::vector<int>>* maps = nullptr;  // the running program's SXM maps
  std::vector<MxmPlane> mxm_planes;
  // Weight bytes taken into the MXM's buffers in one cycle, over all planes,
  // checked against mxm_install_per_cycle: (cycle, bytes so far).
  std::pair<std::int64_t, std::int64_t> install_load = {-1, 0};
  // Per chip-to-chip link: when it is free to start the next vector, and the
  // vectors that have arrived (or will) from its peer, in order.
  struct Link {
    std::int64_t busy_until = 0;
    std::deque<C2cVector> inbox;
  };
  std::map<int, Link> links;
  // The cycles each MEM bank is booked for, from now on: a slice's two banks
  // each take one access a cycle, so a read and a write meeting in one bank
  // is a schedule error (possible when a write's operand skew delays its
  // access, booked ahead). Sorted cycles, pruned of the past; bookings come
  // almost in order, so most land at the back. Indexed by (hemisphere,
  // slice, bank).
  std::vector<std::deque<std::int64_t>> bank_busy;

  bool book_bank(std::int64_t cycle, const QueueState& q, const Instruction& ins, SliceId slice, std::int64_t address) {
    const LpuParams& p = chip.params_;
    const std::int64_t bank = address / p.words_per_bank;
    const auto hemisphere = static_cast<std::int64_t>(slice.hemisphere == Hemisphere::east);
    auto& booked = bank_busy[static_cast<std::size_t>((hemisphere * p.mem_slices + slice.index) * p.banks + bank)];
    while (!booked.empty() && booked.front() < now) booked.pop_front();
    if (booked.empty() || booked.back() < cycle) {
      booked.push_back(cycle);
      return true;
    }
    const auto at_or_after = std::lower_bound(booked.begin(), booked.end(), cycle);
    if (at_or_after != booked.end() && *at_or_after == cycle) {
      fail(cycle, q, ins,
           "bank double-booked: bank " + std::to_string(bank) + " of this slice is accessed twice in one cycle");
      return false;
    }
    booked.insert(at_or_after, cycle);
    return true;
  }

  Impl(Chip& c)
      : chip(c),
        fabric(c.params_.streams_per_direction, c.positions()),
        mxm_planes(static_cast<std::size_t>(c.params_.mxm_planes)),
        bank_busy(static_cast<std::size_t>(2 * c.params_.mem_slices * c.params_.banks)),
        word_bounds(static_cast<std::size_t>(2 * c.params_.mem_slices)) {
    for (const auto& op : op_table()) delay_of.push_back(c.params_.delay(op.op));
  }

  void at(std::int64_t cycle, int phase, std::function<void()> fn) {
    std::uint32_t slot;
    if (free_actions.empty()) {
      slot = static_cast<std::uint32_t>(actions.size());
      actions.push_back(std::move(fn));
    } else {
      slot = free_actions.back();
      free_actions.pop_back();
      actions[slot] = std::move(fn);
    }
    events.push({cycle, phase, seq++, nullptr, slot, Kind::action});
  }
  void at_issue(std::int64_t cycle, QueueState& q) { events.push({cycle, 1, seq++, &q, 0, Kind::issue}); }
  void at_repeat(std::int64_t cycle, QueueState& q) { events.push({cycle, 1, seq++, &q, 0, Kind::repeat}); }
  void run_event(const Event& e) {
    switch (e.kind) {
      case Kind::issue:
        return issue(now, *e.queue);
      case Kind::repeat:
        return repeat_copy(now, *e.queue);
      case Kind::action: {
        std::function<void()> fn = std::move(actions[e.action]);
        free_actions.push_back(e.action);
        return fn();
      }
    }
  }
  // The run lasts until the last cycle in which something happened.
  void happened(std::int64_t cycle) { last = std::max(last, cycle); }

  // The dataflow bound: each value's earliest cycle had every instruction
  // run as soon as its operands could arrive (operation delays and stream
  // travel only; no queue order, nops, bank, stream or link contention).
  // operand_bound is the latest arrival bound of the operands last read.
  std::int64_t operand_bound = 0;
  std::int64_t bound_last = -1;
  void bounded(std::int64_t cycle) { bound_last = std::max(bound_last, cycle); }
  // Per slice (indexed as bank_busy), the dataflow bound of each word: 0
  // for data loaded before the run, so a slice never written keeps none.
  std::vector<std::vector<std::int64_t>> word_bounds;
  std::vector<std::int64_t>& slice_bounds(SliceId slice) {
    const auto east = static_cast<std::size_t>(slice.hemisphere == Hemisphere::east);
    return word_bounds[east * static_cast<std::size_t>(chip.params_.mem_slices) +
                       static_cast<std::size_t>(slice.index)];
  }
  std::int64_t word_bound(SliceId slice, std::int64_t address) {
    const auto& words = slice_bounds(slice);
    return words.empty() ? 0 : words[static_cast<std::size_t>(address)];
  }
  void set_word_bound(SliceId slice, std::int64_t address, std::int64_t bound) {
    auto& words = slice_bounds(slice);
    if (words.empty()) words.assign(static_cast<std::size_t>(slice_words(chip.params_)), 0);
    words[static_cast<std::size_t>(address)] = bound;
  }

  void fail(std::int64_t cycle, const QueueState& q, const Instruction& ins, std::string message) {
    result.errors.push_back({cycle, queue_name(q.code->id), std::move(message), ins.loc});
  }

  // Puts a value on the fabric now for `cycle`: the conveyor is lazy, so a
  // value can be registered before it lands. Every producer registers while
  // being issued or while reading its operands, which happens before any
  // consumer reads at or after `cycle`, since d_func > d_skew for producers.
  void inject(std::int64_t cycle, const QueueState& q, const Instruction& ins, int stream, Payload value,
              std::int64_t bound) {
    happened(cycle);
    bounded(bound);
    if (std::string err = fabric.inject(stream, q.position, cycle, std::move(value), bound); !err.empty()) {
      fail(cycle, q, ins, err);
    }
  }

  // The values on `ids` at this queue's position now; reports stale reads.
  std::optional<std::vector<Payload>> operands(std::int64_t cycle, const QueueState& q, const Instruction& ins,
                                               const Streams& ids) {
    happened(cycle);
    std::vector<Payload> out;
    operand_bound = 0;
    for (int s : ids) {
      std::int64_t arrival = 0;
      auto v = fabric.read(s, q.position, cycle, &arrival);
      operand_bound = std::max(operand_bound, arrival);
      if (!v) {
        fail(cycle, q, ins,
             "stale read: no value on stream " + stream_name(s) + " at position " + std::to_string(q.position));
        return std::nullopt;
      }
      out.push_back(*v);
    }
    return out;
  }

  void perform(std::int64_t t, QueueState& q, const Instruction& ins, std::int64_t address_offset) {
    const LpuParams& p = chip.params_;
    const Delay& d = delay_of[static_cast<std::size_t>(ins.op)];
    ++issued[static_cast<std::size_t>(unit_of(ins.op))];
    ++result.instructions;
    if (chip.record_issues_) result.issues.push_back({t, q.code->id, ins.op, ins.loc.line});
    const SliceId slice{q.code->id.hemisphere, q.code->id.index};
    std::int64_t a = 0;  // a read's or write's address
    if (ins.op == Opcode::read || ins.op == Opcode::write) {
      a = integer(ins, Field::a) + address_offset;
      if (a < 0 || a >= slice_words(p)) {
        fail(t, q, ins,
             "address " + std::to_string(a) + " outside the slice (" + std::to_string(slice_words(p)) + " vectors)");
        return;
      }
    }
    switch (unit_of(ins.op)) {
      case Unit::icu:
        return;  // issue() runs the ICU's ops itself
      case Unit::mem:
        return mem(t, q, ins, d, slice, a);
      case Unit::mxm:
        return mxm(t, q, ins, d);
      case Unit::sxm:
        return sxm(t, q, ins, d);
      case Unit::c2c:
        return c2c(t, q, ins, d);
      case Unit::vxm:
        break;
    }
    // VXM: operands at t + d_skew, results at t + d_func.
    const std::int64_t when = t + d.d_skew;
    // d is in delay_of, which outlives every event: captured by reference.
    at(when, 2, [this, when, t, &d, &q, &ins] {
      const Streams& in = streams(ins, Field::in);
      auto values = operands(when, q, ins, in);
      if (!values) return;
      const Streams& out = streams(ins, Field::out);
      const std::int64_t out_bound = operand_bound - d.d_skew + d.d_func;
      if (chip.mode_ == Mode::timing_only) {
        for (int s : out) inject(t + d.d_func, q, ins, s, nullptr, out_bound);
        return;
      }
      const ElemType from = ins.op == Opcode::conv ? elem(ins, Field::from) : elem(ins, Field::type);
      const ElemType to = ins.op == Opcode::conv ? elem(ins, Field::to) : from;
      const int width = elem_bytes(from), lanes = chip.params_.vector_bytes();
      std::vector<Lanes> args;
      args.reserve(static_cast<std::size_t>(info(ins.op).vector_operands));
      for (int k = 0; k < info(ins.op).vector_operands; ++k) {
        std::vector<const std::vector<std::uint8_t>*> planes;
        planes.reserve(static_cast<std::size_t>(width));
        const std::size_t operand_first = static_cast<std::size_t>(k) * static_cast<std::size_t>(width);
        for (int b = 0; b < width; ++b) planes.push_back((*values)[operand_first + static_cast<std::size_t>(b)].get());
        args.push_back(decode_lanes(planes, from, lanes));
      }
      auto planes = encode_lanes(vxm_compute(ins.op, from, args), to);
      for (std::size_t b = 0; b < planes.size(); ++b) {
        inject(t + d.d_func, q, ins, out[b], std::make_shared<const std::vector<std::uint8_t>>(std::move(planes[b])),
               out_bound);
      }
    });
  }
  // MEM: a read puts a word on its streams at t + d_func; a write takes its
  // operand at t + d_skew; gather and scatter go through indirect().
  void mem(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d, SliceId slice, std::int64_t a) {
    if (ins.op == Opcode::read) {
      if (!book_bank(t, q, ins, slice, a)) return;
      Payload value;
      if (chip.mode_ == Mode::functional)
        value = std::make_shared<std::vector<std::uint8_t>>(chip.read_vector(slice, a));
      const std::int64_t b = word_bound(slice, a) + d.d_func;
      for (int s : streams(ins, Field::s)) inject(t + d.d_func, q, ins, s, value, b);
      return;
    }
    if (ins.op == Opcode::write) {
      const std::int64_t when = t + d.d_skew;
      q.bank_actions_until = std::max(q.bank_actions_until, when);
      at(when, 2, [this, when, &q, &ins, slice, a] {
        if (!book_bank(when, q, ins, slice, a)) return;
        auto v = operands(when, q, ins, {streams(ins, Field::s).front()});
        if (!v) return;
        // Stored at the value's arrival; a read sees it the cycle after.
        bounded(operand_bound);
        set_word_bound(slice, a, operand_bound + 1);
        if (chip.mode_ == Mode::functional) chip.write_vector(slice, a, *v->front());
      });
      return;
    }
    q.bank_actions_until = std::max(q.bank_actions_until, t + d.d_skew);
    indirect(t, q, ins, d, slice);  // gather, scatter
  }
  // Unit handlers (chip_units.cc): schedule the reads and results of one issue.
  void mxm(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d);
  void c2c(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d);
  void sxm(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d);
  void indirect(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d, SliceId slice);

  // Checks the operands an instruction needs can run here; empty when fine.
  std::string refuse(const Instruction& ins) const {
    // Counts that expand into one event each are bounded, so that a typo
    // cannot exhaust memory; nops only move a cycle counter and are not.
    constexpr std::int64_t kMaxCount = std::int64_t{1} << 24;
    if (ins.op != Opcode::nop && integer(ins, Field::n, 1) > kMaxCount) {
      return "'" + std::string(info(ins.op).name) + "' with n above " + std::to_string(kMaxCount) + " is";
    }
    switch (info(ins.op).unit) {
      case Unit::icu:
        return "";
      case Unit::mem:
        if (ins.op != Opcode::read && streams(ins, Field::s).size() != 1) {
          return "a '" + std::string(info(ins.op).name) + "' of several streams is";
        }
        if ((ins.op == Opcode::gather || ins.op == Opcode::scatter) &&
            (streams(ins, Field::addr).empty() || streams(ins, Field::addr).size() > 2)) {
          return "an address map on other than one (low byte) or two (low, high byte) streams is";
        }
        return "";
      case Unit::mxm: {
        const auto plane = integer(ins, Field::plane);
        if (plane < 0 || plane >= chip.params_.mxm_planes) return "plane " + std::to_string(plane) + " on this chip is";
        if (chip.params_.mxm_dim != chip.params_.vector_bytes()) return "an MXM narrower or wider than a vector";
        auto it = ins.operands.find(Field::type);
        const bool acc = ins.op == Opcode::acc;
        const ElemType type =
            it == ins.operands.end() ? (acc ? ElemType::i32 : ElemType::i8) : std::get<ElemType>(it->second);
        const bool known =
            acc ? (type == ElemType::i32 || type == ElemType::f32) : (type == ElemType::i8 || type == ElemType::f16);
        if (!known) return "MXM types other than i8 x i8 -> i32 and f16 x f16 -> f32";
        if (acc && streams(ins, Field::out).size() != 4) return "acc to other than 4 (i32 or f32) streams";
        const auto width = static_cast<std::size_t>(elem_bytes(type));
        if (ins.op == Opcode::abc && streams(ins, Field::s).size() != width)
          return "abc of " + std::string(elem_type_name(type)) + " from other than " + std::to_string(width) +
                 " streams";
        if (ins.op == Opcode::lw && streams(ins, Field::s).size() % width != 0)
          return "lw of " + std::string(elem_type_name(type)) + " rows from other than pairs of streams";
        return "";
      }
      case Unit::sxm: {
        if (ins.op == Opcode::shift) {
          return streams(ins, Field::in).size() == 1 && streams(ins, Field::out).size() == 1
                     ? ""
                     : "shift of several streams";
        }
        if (ins.op != Opcode::transpose) {
          if (streams(ins, Field::in).size() != streams(ins, Field::out).size())
            return "'" + std::string(info(ins.op).name) + "' with different input and output stream counts";
          if (ins.op == Opcode::rotate) return "";
          const auto id = integer(ins, Field::map);
          if (!maps || !maps->count(id))
            return "'" + std::string(info(ins.op).name) + "' with undefined map " + std::to_string(id);
          if (std::string why = map_problem(ins.op, maps->at(id), chip.params_); !why.empty())
            return "a map that " + why + ":";
          return "";
        }
        const auto n = static_cast<std::size_t>(chip.params_.lanes_per_superlane);
        return streams(ins, Field::in).size() == n && streams(ins, Field::out).size() == n
                   ? ""
                   : "transpose of other than " + std::to_string(n) + " streams (the lanes of a superlane)";
      }
      case Unit::c2c: {
        if (ins.op == Opcode::deskew) return "";
        const auto link = integer(ins, Field::link);
        if (link < 0 || link >= chip.params_.c2c_links) return "link " + std::to_string(link) + " on this chip is";
        if (ins.op == Opcode::send && (!chip.ports_ || !chip.ports_->connected(static_cast<int>(link)))) {
          return "a send on unconnected link " + std::to_string(link) + " is";
        }
        if (ins.op == Opcode::send && streams(ins, Field::s).size() != 1) return "a send of several streams";
        return "";
      }
      case Unit::vxm:
        break;
    }
    const ElemType from = ins.op == Opcode::conv ? elem(ins, Field::from) : elem(ins, Field::type);
    const ElemType to = ins.op == Opcode::conv ? elem(ins, Field::to) : from;
    const std::size_t need =
        static_cast<std::size_t>(info(ins.op).vector_operands) * static_cast<std::size_t>(elem_bytes(from));
    if (streams(ins, Field::in).size() != need) {
      return "'" + std::string(info(ins.op).name) + "' on " + std::string(elem_type_name(from)) + " needs " +
             std::to_string(need) + " input streams; this";
    }
    if (streams(ins, Field::out).size() != static_cast<std::size_t>(elem_bytes(to))) {
      return "'" + std::string(info(ins.op).name) + "' to " + std::string(elem_type_name(to)) + " needs " +
             std::to_string(elem_bytes(to)) + " output streams; this";
    }
    return "";
  }

  // Copy k of a repeat at its own cycle (so that it reads SRAM then), and
  // the next copy d cycles later.
  void repeat_copy(std::int64_t t, QueueState& q) {
    if (read_runs && q.repeating->op == Opcode::read && q.bank_actions_until < t) return read_run(t, q);
    perform(t, q, *q.repeating, q.repeat_stride * (q.repeat_k + 1));
    if (++q.repeat_k < q.repeat_n) at_repeat(t + q.repeat_d, q);
  }

  // A repeated read's copies for the next kRunWindow cycles at once, in
  // timing-only mode. Their values go on the lazy conveyor early, which no
  // reader can tell (a value is visible only from the cycle it is injected).
  // Their bank bookings are left out and the words' bounds read now: only
  // this queue accesses its slice, it issues nothing until the repeat ends,
  // and no write, gather or scatter of it is pending, so nothing could meet
  // those bookings or change those bounds. Schedule errors would be found in
  // another order, so Chip::run then runs the program again copy by copy.
  static constexpr std::int64_t kRunWindow = 64;
  void read_run(std::int64_t t, QueueState& q) {
    const Instruction& ins = *q.repeating;
    const Delay& d = delay_of[static_cast<std::size_t>(Opcode::read)];
    const SliceId slice{q.code->id.hemisphere, q.code->id.index};
    const Streams& out = streams(ins, Field::s);
    std::int64_t bound_max = -1;
    const std::int64_t first = integer(ins, Field::a), words = slice_words(chip.params_);
    const std::vector<std::int64_t>& bounds = slice_bounds(slice);  // empty: never written
    std::int64_t cycle = t;
    for (; q.repeat_k < q.repeat_n && cycle < t + kRunWindow; ++q.repeat_k, cycle += q.repeat_d) {
      const std::int64_t offset = q.repeat_stride * (q.repeat_k + 1), a = first + offset;
      if (a < 0 || a >= words) {
        perform(cycle, q, ins, offset);  // reports the address
        continue;
      }
      ++issued[static_cast<std::size_t>(Unit::mem)];
      ++result.instructions;
      const std::int64_t bound = (bounds.empty() ? 0 : bounds[static_cast<std::size_t>(a)]) + d.d_func;
      for (int s : out) {
        // inject() without its running maxima, taken once below.
        if (std::string err = fabric.inject(s, q.position, cycle + d.d_func, nullptr, bound); !err.empty())
          fail(cycle + d.d_func, q, ins, err);
        bound_max = std::max(bound_max, bound);
      }
    }
    if (!out.empty()) {
      happened(cycle - q.repeat_d + d.d_func);
      bounded(bound_max);
    }
    if (q.repeat_k < q.repeat_n) at_repeat(cycle, q);
  }

  void issue(std::int64_t t, QueueState& q) {
    if (q.pc >= q.code->code.size()) return;
    happened(t);
    const Instruction& ins = q.code->code[q.pc++];
    std::int64_t next = t + 1;
    if (unit_of(ins.op) != Unit::icu) {
      perform(t, q, ins, 0);
    } else if (ins.op == Opcode::nop) {
      next = t + std::max<std::int64_t>(1, integer(ins, Field::n));
    } else if (ins.op == Opcode::repeat) {
      const std::int64_t n = integer(ins, Field::n), d = integer(ins, Field::d), stride = integer(ins, Field::astride);
      if (q.pc < 2 || info(q.code->code[q.pc - 2].op).unit == Unit::icu || d < 1) {
        fail(t, q, ins, "repeat needs a preceding non-ICU instruction and d >= 1");
        return;
      }
      q.repeating = &q.code->code[q.pc - 2];
      q.repeat_k = 0;
      q.repeat_n = n;
      q.repeat_d = d;
      q.repeat_stride = stride;
      if (n > 0) repeat_copy(t, q);
      next = t + n * d;
    } else if (ins.op == Opcode::sync) {
      ++issued[static_cast<std::size_t>(Unit::icu)];
      q.parked = true;
      return;
    } else {  // notify
      ++issued[static_cast<std::size_t>(Unit::icu)];
      for (auto& other : queues) {
        if (!other.parked) continue;
        other.parked = false;
        at_issue(t + 1, other);
      }
    }
    // Two pointers fit std::function's inline buffer: no allocation per issue.
    at_issue(next, q);
  }
};

}  // namespace tokenfab::lpu
