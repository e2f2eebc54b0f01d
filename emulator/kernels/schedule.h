// The kernel library's scheduler: places dataflow operations on vectors at
// the earliest cycle the chip's resources allow, and emits the program.
// Every operation writes its result to SRAM, each plane taken off its stream
// as it passes the slice that stores it; operands come from SRAM (reads
// timed so that every plane reaches the unit in the cycle the unit takes
// it) or, chained, straight off the stream that carries them.
//
//   Scheduler s(params);
//   Vec x = s.input(ElemType::f32, bytes);        // preloaded data
//   Vec y = s.vxm(Opcode::mul, ElemType::f32, {&x, &x});
//   Program prog = s.take();                      // s.cycles() predicted
//
// Chaining: a result is written to SRAM as it passes its slice, and an
// operation whose unit lies further along the result's stream takes it off
// the stream instead, in the cycle it passes, when everything else fits then
// (VXM -> VXM in the cycle of the result, VXM -> SXM, SXM -> VXM; MXM
// products go through SRAM).
//
// Resources it books, so that the chip's schedule checks pass by
// construction: one issue per queue per cycle; one access per MEM slice per
// cycle; each stream's (position, cycle) cells along every value's path from
// producer to consumer (values on a stream move one position a cycle, so a
// value's path is one diagonal); the MXM's install rate per cycle; each
// plane's weight buffers and its product FIFO.
//
// Both hemispheres: data lives in the east hemisphere's slices unless a
// caller asks for the west (`input(..., Hemisphere::west)`); the VXM sits in
// the middle, an MXM at each edge (the SXM at the east one). Each MXM has
// half the chip's planes, as the real chip has two of its four on each side
// (lpu.md 1.1 #5): the east the first ceil(mxm_planes / 2), the west the
// rest, each on its own hemisphere's queues. A tile's rows feed the MXM on
// their side over that side's streams flowing towards it, at most
// streams_per_direction rows a cycle; the install rate (mxm_install_per_cycle)
// is the chip's, shared by both MXMs and booked per cycle over all planes,
// as the chip checks it. So a kernel that feeds one side reaches at most
// streams_per_direction x vector bytes a cycle (tsp-v1: the whole 10,240 B;
// lp30: half its assumed 20,480 B) and needs both to reach the chip's rate.
//
// Besides the cycles it predicts, the scheduler keeps each value's
// dependency bound: the earliest cycle it could exist if no two operations
// ever competed for a resource. The largest is the program's dependency-chain
// lower bound.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "emulator/isa/program.h"

namespace tokenfab::lpu {

// One byte plane of a vector: a word of one slice.
struct PlaneAt {
  SliceId slice;
  std::int64_t address = 0;
};

// A plane on its way: put on `stream` at position x0 in cycle t0, its
// stream cells booked over positions [lo, hi]. A consumer further along
// that reads it as it passes (chaining) needs no SRAM read.
struct Flight {
  int stream = 0;
  int x0 = 0;
  std::int64_t t0 = 0;
  int lo = 0, hi = 0;
  std::int64_t bound = 0;  // dependency bound of t0
};

// A vector value in SRAM: one plane per byte of its element type, and, when
// an operation has just produced it, the planes' flights.
struct Vec {
  ElemType type = ElemType::i8;
  std::vector<PlaneAt> planes;
  std::int64_t ready = 0;       // first cycle a read sees every plane
  std::int64_t bound = 0;       // the same with no resource conflicts
  std::vector<Flight> flights;  // one per plane, or none (preloaded)
};

// Data a program expects in SRAM before it starts.
struct Preload {
  PlaneAt at;
  std::vector<std::uint8_t> bytes;
};

class Scheduler {
 public:
  explicit Scheduler(const LpuParams& p);
  // Cycles an operation's placement is searched beyond its earliest: far
  // beyond any real wait, so reaching it means it can never fit.
  static constexpr std::int64_t kSearchHorizon = std::int64_t{1} << 20;

  // A vector preloaded with `planes` (one byte vector per plane), ready at 0,
  // in the slices of hemisphere `side`.
  Vec input(ElemType type, std::vector<std::vector<std::uint8_t>> planes, Hemisphere side = Hemisphere::east);
  // A preloaded f32 or i8 vector from lane values.
  Vec input_f32(const std::vector<float>& lanes);
  Vec input_i8(const std::vector<std::int8_t>& lanes, Hemisphere side = Hemisphere::east);
  // Whether hemisphere `side` has MXM planes of its own (see above).
  bool has_mxm(Hemisphere side) const { return !mxm_planes_of(side).empty(); }
  // The side whose MXM could install a new tile first (see schedule.cc):
  // where a caller should store the next tile's rows.
  Hemisphere freer_mxm() const;
  // Storage for a vector written later (`into` arguments below).
  Vec reserve(ElemType type, Hemisphere side = Hemisphere::east);

  // out = op(in...) on the VXM in `type` (conv: from in's type to `to`).
  // With `into`, the result goes to that vector's planes (its old value
  // must not be read after this call).
  Vec vxm(Opcode op, ElemType type, const std::vector<const Vec*>& in, const Vec* into = nullptr);
  Vec conv(const Vec& in, ElemType to);
  // Every lane moved `lanes` places north (negative: south), zero-filled, on the SXM.
  Vec shift(const Vec& in, int lanes);

  // y_i = x_i^T W for each activation x_i on one MXM plane, W a dim x dim
  // tile whose row r is `rows[r]`, on the MXM of the hemisphere that holds
  // the rows (all in one; activations may be on either side): INT8 rows and activations give INT32
  // results, FP16 ones FP32 (one activation per mxm_fp16_interval cycles).
  // With `low_byte_into` (INT8 only), only byte plane 0 of each result is
  // kept, written to that vector's plane (the INT8 value of an exact result).
  std::vector<Vec> matvec(const std::vector<Vec>& rows, const std::vector<const Vec*>& xs,
                          const std::vector<const Vec*>& low_byte_into = {});

  // Sends v's planes on C2C `link` and receives, on the same link, the
  // planes the peer sends in the same cycles: every chip of a node runs the
  // same program (an SPMD exchange), so the peer's sends are this chip's.
  // Each plane occupies the link for its serialisation; the received planes
  // are stored in fresh SRAM.
  Vec exchange(const Vec& v, int link);

  const std::vector<Preload>& preloads() const { return preloads_; }
  // The cycles the chip will take to run the program (its last event + 1).
  std::int64_t cycles() const { return last_ + 1; }
  // The dependency-chain lower bound of what was scheduled so far.
  std::int64_t chain_bound() const { return chain_; }
  // Cycles of weight streaming at the chip's install rate (bytes /
  // mxm_install_per_cycle, both MXMs together): a lower bound for any
  // kernel; one that feeds a single hemisphere's MXM is further held to that
  // side's streams (see above).
  std::int64_t install_bound() const;
  Program take();

 private:
  struct Arrival {  // one operand plane reaching a unit
    PlaneAt from;
    std::int64_t ready = 0;
    const Flight* flight = nullptr;  // taken off its stream instead of read from SRAM
  };
  struct Departure {  // one result plane leaving a unit for a slice
    PlaneAt to;
  };
  // One stream-cell reservation: positions [lo, hi] of a (stream, diagonal).
  struct Booking {
    std::int64_t key;
    int lo, hi;
  };
  // The moves of one operation, planned but not yet booked: the reads
  // bringing its operands to the unit when it takes them, the writes storing
  // its results as they pass their slices, and what they occupy.
  struct Moves {
    struct Read {
      PlaneAt at;
      std::int64_t cycle = 0;
      Streams streams;
    };
    struct Write {
      PlaneAt at;
      std::int64_t issue = 0, access = 0;
      int stream = 0;
    };
    std::int64_t take = 0, emit = 0;
    std::vector<Booking> cells;
    std::vector<std::pair<QueueId, std::int64_t>> issues;  // MEM queue, issue cycle
    std::vector<std::pair<SliceId, std::int64_t>> accesses;
    std::vector<Read> reads;
    std::vector<Write> writes;
    Streams streams_in, streams_out;  // in operand and result order
    std::vector<Flight> flights;      // of the written results
  };
  // Plans the moves for a unit at `unit_x` taking `in` at `take` and
  // emitting `out` at `emit`; nullopt unless every one fits.
  std::optional<Moves> plan_moves(int unit_x, std::int64_t take, const std::vector<Arrival>& in, std::int64_t emit,
                                  const std::vector<Departure>& out) const;
  void commit_moves(const Moves& m);
  // The cycle a flight passes `unit_x`, or -1 if it flows the other way.
  static std::int64_t passes(const Flight& f, int unit_x);
  // Operand planes of `in` at a unit: those in flight to `unit_x` chained,
  // when `chain`, the rest read from SRAM; the dependency bound of the take.
  std::vector<Arrival> arrivals(const std::vector<const Vec*>& in, int unit_x, bool chain, std::int64_t& earliest,
                                std::int64_t& bound) const;
  int free_stream(bool east, int from_x, int to_x, std::int64_t at_from, const std::vector<Booking>& pending) const;
  bool cells_free(std::int64_t key, int lo, int hi, const std::vector<Booking>& pending) const;
  // A word in the next slice of `side` (round robin) outside `avoid`.
  PlaneAt allocate(const std::set<SliceId>& avoid = {}, Hemisphere side = Hemisphere::east);
  // The planes of the MXM at `side`'s edge.
  std::vector<int> mxm_planes_of(Hemisphere side) const;
  // A vector over the planes of `into`, with nothing known of its value yet.
  Vec overwrite(const Vec& into, ElemType type) const;
  Vec allocate_vec(ElemType type, Hemisphere side = Hemisphere::east);
  void place(const QueueId& q, std::int64_t cycle, Instruction ins);
  bool queue_free(const QueueId& q, std::int64_t cycle) const;
  int slice_x(SliceId s) const;
  void happened(std::int64_t cycle) { last_ = std::max(last_, cycle); }
  // Operands of one operation in distinct slices (a slice reads one word a
  // cycle, and every operand must reach the unit in one cycle): copies the
  // ones that collide.
  std::vector<const Vec*> distinct(const std::vector<const Vec*>& in, std::vector<Vec>& copies);
  Vec copy(const Vec& v, std::set<SliceId> avoid);

  const LpuParams p_;  // a copy: the scheduler may outlive its caller's
  std::map<QueueId, std::map<std::int64_t, Instruction>> code_;
  std::map<SliceId, std::set<std::int64_t>> slice_busy_;
  // Last cycle each word is read: a write into it (`into`) must come later.
  std::map<std::pair<SliceId, std::int64_t>, std::int64_t> last_read_;
  // Last cycle each word is written: a later write must come later still.
  std::map<std::pair<SliceId, std::int64_t>, std::int64_t> last_write_;
  // Stream cells booked, per (stream, diagonal): position intervals.
  std::unordered_map<std::int64_t, std::vector<std::pair<int, int>>> cells_;
  std::map<std::int64_t, std::int64_t> install_bytes_;  // weight bytes taken into the MXM per cycle
  std::int64_t installing(std::int64_t cycle) const {
    auto it = install_bytes_.find(cycle);
    return it == install_bytes_.end() ? 0 : it->second;
  }
  struct PlaneState {
    std::int64_t weights_until = -1;            // last cycle an abc reads the installed weights
    std::array<std::int64_t, 2> buffer_free{};  // first cycle an lw may load each buffer
    int next_buffer = 0;
    std::int64_t last_acc = -1;  // products leave in order
    std::int64_t last_abc = -1;  // activations taken, FP16 ones spaced
  };
  std::vector<PlaneState> planes_;
  struct LinkState {
    std::int64_t free = 0;        // first cycle a send may read its next vector
    std::int64_t last_recv = -1;  // receives take arrivals in order
  };
  std::map<int, LinkState> links_;
  std::int64_t weight_bytes_ = 0;
  std::vector<Preload> preloads_;
  std::map<SliceId, std::int64_t> next_address_;
  std::map<Hemisphere, int> next_slice_;
  std::int64_t last_ = -1;
  std::int64_t chain_ = 0;
};

// Hands a scheduled kernel its cycles, bounds, preloads and program (the
// scheduler gives its program up, so this comes last).
template <class Kernel>
void finish(Scheduler& s, Kernel& k) {
  k.expected_cycles = s.cycles();
  k.chain_bound = s.chain_bound();
  k.install_bound = s.install_bound();
  k.preloads = s.preloads();
  k.program = s.take();
}

}  // namespace tokenfab::lpu
