// An LPU program: one instruction stream per queue of one chip. The schedule
// is implicit, as on the hardware: each queue issues its next instruction one
// cycle after the previous one, later by the cycles of nops and repeats.
//
// Queues are named by unit and place: MEM.E.12 (east hemisphere, slice 12),
// VXM.3 (ALU 3), MXM.W.0, SXM.E.5, C2C.7 (link 7).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "emulator/isa/chip_params.h"
#include "emulator/isa/isa.h"

namespace tokenfab::lpu {

struct Instruction {
  Opcode op = Opcode::nop;
  std::map<Field, Operand> operands;
  Location loc;  // where it was assembled from (empty for decoded binaries)

  bool operator==(const Instruction& o) const { return op == o.op && operands == o.operands; }
};

enum class Hemisphere : std::uint8_t { none, east, west };

struct QueueId {
  Unit unit = Unit::icu;
  Hemisphere hemisphere = Hemisphere::none;  // MEM, MXM, SXM
  int index = 0;
  bool operator==(const QueueId&) const = default;
  auto operator<=>(const QueueId&) const = default;
};

std::string queue_name(const QueueId& q);
// Parses "MEM.E.12"; checks the index against the chip's queue counts.
// Returns an error message in `error` when the name is not a queue of `p`.
std::optional<QueueId> parse_queue(std::string_view name, const LpuParams& p, std::string& error);

// Stream-register position of a queue's slice: the west edge is 0, the VXM
// sits in the middle at stream_positions, MEM slice 0 next to it and higher
// slices outward (several slices share a position), MXM/SXM/C2C at the edges.
int stream_position(const LpuParams& p, const QueueId& q);

// Streams E0..E31 flow east, W0..W31 west; a value on a stream moves one
// position a cycle, so it stays on one diagonal through (position, cycle):
// cycle - position going east, cycle + position going west. The stream
// fabric finds values by it and the scheduler books stream cells by it.
inline bool flows_east(int stream) { return stream < kStreamsPerDirection; }
inline std::int64_t stream_diagonal(int stream, int position, std::int64_t cycle) {
  return flows_east(stream) ? cycle - position : cycle + position;
}

// One MEM slice: its hemisphere and index, 0 next to the VXM.
struct SliceId {
  Hemisphere hemisphere = Hemisphere::east;
  int index = 0;
  auto operator<=>(const SliceId&) const = default;
};

// Why `map` cannot serve `op` (permute: a permutation of the vector's
// lanes; distribute: a superlane's lanes, -1 for zero); empty when it can.
std::string map_problem(Opcode op, const std::vector<int>& map, const LpuParams& p);

struct QueueCode {
  QueueId id;
  std::vector<Instruction> code;
  bool operator==(const QueueCode& o) const { return id == o.id && code == o.code; }
};

struct Program {
  std::string arch;  // the preset's name
  // SXM maps configured with the program (`.map id lanes...`): for permute,
  // the input lane each output lane takes, a permutation of the vector's
  // lanes; for distribute, the same within each superlane, -1 for a zero.
  std::map<std::int64_t, std::vector<int>> maps;
  std::vector<QueueCode> queues;
  bool operator==(const Program&) const = default;
};

}  // namespace tokenfab::lpu
