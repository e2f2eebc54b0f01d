// Parameters of one LPU chip, loaded from a preset in configs/lpu/: geometry
// (superlanes, lanes, streams, MEM slices and banks, MXM planes), rates (clock,
// weight install, chip-to-chip links) and the functional delay of every
// opcode. Every number in a preset carries its source and status; no public
// per-instruction latency exists, so the delay table is `assumed`
// (shared/reference/lpu.md §1, §2).
//
//   LpuParams p = load_lpu_params("configs/lpu/tsp_v1.yaml");
//   p.vector_bytes()   // 20 superlanes x 16 lanes = 320
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/schema.h"
#include "emulator/isa/isa.h"

namespace tokenfab::lpu {

struct Delay {
  std::string op;  // opcode name
  int d_func = 0;  // cycles from issue to result on the stream
  int d_skew = 0;  // cycles from issue to reading operands
};

struct LpuParams {
  std::string name;
  Hertz clock;
  int superlanes = 0;
  int lanes_per_superlane = 0;
  int streams_per_direction = 0;
  int stream_positions = 0;  // stream-register positions per hemisphere
  int mem_slices = 0;        // per hemisphere
  int banks = 0;             // per slice
  int words_per_bank = 0;    // per tile; a word is one byte per lane of the tile
  int mxm_planes = 0;
  int mxm_dim = 0;
  Bytes mxm_install_per_cycle;
  int mxm_fp16_interval = 1;  // cycles between FP16 activations on one plane
  int mxm_queues = 0;         // per hemisphere
  int vxm_alus = 0;
  int sxm_queues = 0;  // per hemisphere
  int c2c_links = 0;
  BytesPerSecond c2c_link_bandwidth;  // per direction
  int c2c_hop_latency = 0;            // cycles
  std::vector<Delay> delays;

  int vector_bytes() const { return superlanes * lanes_per_superlane; }
  Bytes sram_capacity() const;
  // Every MEM slice of both hemispheres reads one vector a cycle (the
  // scheduler books one access per slice per cycle): the SRAM's read peak.
  BytesPerSecond sram_read_bandwidth() const;
  // Cycles the MXM needs to install `bytes` of weights at
  // mxm_install_per_cycle (the scheduler's and kernels' install bound), and
  // the rate that amounts to: what weight streaming into the MXM sustains.
  std::int64_t install_cycles(std::int64_t bytes) const;
  BytesPerSecond weight_install_rate() const;
  // All links together, per direction, and one hop's latency in time.
  BytesPerSecond c2c_bandwidth() const { return c2c_link_bandwidth * static_cast<double>(c2c_links); }
  Seconds c2c_hop_time() const { return Seconds(c2c_hop_latency / clock.value()); }
  // The delay entry of `op`; every opcode has one in a validated preset,
  // which load_lpu_params orders by opcode.
  const Delay& delay(Opcode op) const;
  // Cycles to move one vector across a chip-to-chip link.
  int c2c_cycles_per_vector() const;
};

const Schema<LpuParams>& lpu_params_schema();
// Throws InputError with every problem found.
LpuParams load_lpu_params(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

}  // namespace tokenfab::lpu
