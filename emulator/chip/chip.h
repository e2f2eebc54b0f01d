// One LPU chip executing a program: every queue issues in order, values move
// on the stream fabric, MEM slices hold a byte-exact SRAM image, the VXM
// computes real values. Event-driven: the next cycle anything happens is
// taken from an event queue, so long nops and idle stretches cost nothing.
//
//   Chip chip(params, Mode::functional);
//   chip.write_vector({Hemisphere::east, 12}, 0x000, bytes);
//   RunResult r = chip.run(program);   // r.cycles, r.errors
//
// Timing per instruction: issue at t (one per queue per cycle, later by nops
// and repeats), operands read at t + d_skew, result on its streams at
// t + d_func, both from the preset's delay table. A value read where none is,
// or two values put on one stream at one place and cycle, is a schedule
// error with cycle, queue and stream, never a stall. Same program, same
// cycle count, whatever the data; timing-only mode moves no payloads.
//
// C2C: send reads a vector from its stream and puts it on the link, which
// carries one vector per c2c_cycles_per_vector (sending faster is a schedule
// error: there is no flow control); it arrives c2c_hop_latency later in the
// peer's inbox, and the peer's recv must take it at or after that cycle.
//
// This version executes ICU (nop, repeat, sync, notify), MEM read, write,
// gather and scatter, the VXM elementwise, transcendental and conversion
// ops, the MXM's INT8 and FP16 paths (lw, iw, abc, acc; mxm.h), the SXM
// shift, rotate, transpose, permute and distribute (sxm.h; maps come with
// the program) and C2C send/recv/deskew. FP8 (E4M3) is a VXM type
// (conversion and arithmetic); FP8 matrices on the MXM are refused with an
// error naming the instruction.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/chip/c2c_port.h"
#include "emulator/chip/stream_fabric.h"
#include "emulator/isa/program.h"

namespace tokenfab::lpu {

enum class Mode { functional, timing_only };

struct ScheduleError {
  std::int64_t cycle = 0;
  std::string queue;
  std::string message;
  Location loc;
  std::string str() const;
};

// One instruction issued (a repeat's copies each count), for timelines.
struct IssueRecord {
  std::int64_t cycle = 0;
  QueueId queue;
  Opcode op = Opcode::nop;
  int line = 0;  // in the program's source; 0 for generated programs
};

struct RunResult {
  std::int64_t cycles = 0;  // the cycle after the last event
  // A lower bound on `cycles` from the run's dataflow: the longest chain of
  // producer-to-consumer delays (each operation's delays plus the stream
  // positions its values travel, words through SRAM, links' serialisation
  // and hop), as if no instruction ever waited for its queue, a bank, a
  // stream or a link. Preloaded data counts as ready at cycle 0.
  std::int64_t dataflow_bound = 0;
  std::uint64_t instructions = 0;
  std::map<Unit, std::uint64_t> issued;  // instructions per unit (repeats counted)
  std::vector<ScheduleError> errors;
  std::vector<IssueRecord> issues;  // only when record_issues(true)
};

class Chip {
 public:
  Chip(const LpuParams& params, Mode mode);

  // SRAM image, one vector (vector_bytes) per address of a slice.
  void write_vector(SliceId slice, std::int64_t address, const std::vector<std::uint8_t>& bytes);
  std::vector<std::uint8_t> read_vector(SliceId slice, std::int64_t address) const;

  Chip(const Chip&) = delete;
  Chip& operator=(const Chip&) = delete;
  ~Chip();

  // Keep every issue in RunResult::issues (memory grows with the run).
  void record_issues(bool on) { record_issues_ = on; }

  // Runs a program to its end on this chip alone.
  RunResult run(const Program& program);

  // Stepping, for several chips in one time order (system.h): start loads the
  // program (false when it is refused; see result()), step runs the earliest
  // event, next_cycle says when that is (nullopt when done).
  bool start(const Program& program);
  std::optional<std::int64_t> next_cycle() const;
  void step();
  RunResult result() const;

  // Where this chip's C2C links lead (owned by the caller, outliving the
  // run); before start(). Without ports every send is refused.
  void attach(C2cPorts* ports) { ports_ = ports; }
  // A vector arriving on `link` from the far end; false when this chip is
  // not running.
  bool receive(int link, const C2cVector& vector);

  // Stream-register position of a queue's slice: west edge 0, VXM in the middle.
  int position(const QueueId& q) const;
  int positions() const { return 2 * params_.stream_positions + 1; }

 private:
  struct Impl;
  bool start(const Program& program, bool read_runs);
  // The bytes of one word (a vector) of a slice's SRAM. SRAM is allocated,
  // zeroed, in chunks of kChunkWords words on first use, so that a run
  // touching a few words of many slices does not clear megabytes.
  static constexpr std::int64_t kChunkWords = 256;
  std::uint8_t* word(SliceId slice, std::int64_t address);
  const std::uint8_t* word_if_written(SliceId slice, std::int64_t address) const;  // null: all zero
  const LpuParams params_;  // a copy: a chip may outlive its caller's
  Mode mode_;
  bool record_issues_ = false;
  std::map<SliceId, std::vector<std::unique_ptr<std::uint8_t[]>>> sram_;
  C2cPorts* ports_ = nullptr;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tokenfab::lpu
