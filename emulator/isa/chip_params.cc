#include "emulator/isa/chip_params.h"

#include <algorithm>
#include <cmath>

#include "core/config_loader.h"

namespace tokenfab::lpu {

Bytes LpuParams::sram_capacity() const {
  // Two hemispheres of slices, each a column of one tile per superlane; a
  // word holds one byte per lane of its tile.
  return Bytes(2.0 * mem_slices * superlanes * banks * words_per_bank * lanes_per_superlane);
}

BytesPerSecond LpuParams::sram_read_bandwidth() const {
  return Bytes(2.0 * mem_slices * vector_bytes()) * clock;
}

std::int64_t LpuParams::install_cycles(std::int64_t bytes) const {
  const auto per_cycle = static_cast<std::int64_t>(mxm_install_per_cycle.value());
  return (bytes + per_cycle - 1) / per_cycle;
}

BytesPerSecond LpuParams::weight_install_rate() const { return mxm_install_per_cycle * clock; }

const Delay& LpuParams::delay(Opcode op) const {
  const auto i = static_cast<std::size_t>(op);
  if (i < delays.size() && delays[i].op == info(op).name) return delays[i];  // ordered by load_lpu_params
  const std::string_view op_name = info(op).name;
  return *std::find_if(delays.begin(), delays.end(), [&](const Delay& d) { return d.op == op_name; });
}

int LpuParams::c2c_cycles_per_vector() const {
  const Seconds per_vector = Bytes(vector_bytes()) / c2c_link_bandwidth;
  return static_cast<int>(std::ceil(per_vector * clock));
}

namespace {
const Schema<Delay>& delay_schema() {
  static const Schema<Delay> schema = [] {
    Schema<Delay> s("the functional delay of one opcode");
    s.add("op", &Delay::op, "opcode name");
    s.add("d_func", &Delay::d_func, "cycles from issue to result on the stream").at_least(0);
    s.add("d_skew", &Delay::d_skew, "cycles from issue to operand read").default_value(0).at_least(0);
    return s;
  }();
  return schema;
}
}  // namespace

const Schema<LpuParams>& lpu_params_schema() {
  static const Schema<LpuParams> schema = [] {
    Schema<LpuParams> s("an LPU chip preset");
    s.add("name", &LpuParams::name, "preset name, as in .arch");
    s.add("clock", &LpuParams::clock, "core clock").positive();
    s.add("superlanes", &LpuParams::superlanes, "tiles stacked north-south").at_least(1);
    s.add("lanes_per_superlane", &LpuParams::lanes_per_superlane, "byte lanes per superlane").at_least(1);
    s.add("streams_per_direction", &LpuParams::streams_per_direction, "stream registers flowing each way")
        .at_least(1)
        .at_most(kStreamsPerDirection);
    s.add("stream_positions", &LpuParams::stream_positions, "stream-register positions per hemisphere").at_least(1);
    s.add("mem_slices", &LpuParams::mem_slices, "MEM slices per hemisphere").at_least(1);
    s.add("banks", &LpuParams::banks, "SRAM banks per slice").at_least(1);
    s.add("words_per_bank", &LpuParams::words_per_bank, "words per bank per tile").at_least(1);
    s.add("mxm_planes", &LpuParams::mxm_planes, "matrix planes").at_least(1);
    s.add("mxm_dim", &LpuParams::mxm_dim, "rows and columns of a plane").at_least(1);
    s.add("mxm_install_per_cycle", &LpuParams::mxm_install_per_cycle, "weight bytes installed per cycle, all planes")
        .positive();
    s.add("mxm_fp16_interval", &LpuParams::mxm_fp16_interval,
          "cycles between FP16 activation vectors on one plane (INT8: one a cycle)")
        .at_least(1);
    s.add("mxm_queues", &LpuParams::mxm_queues, "MXM instruction queues per hemisphere").at_least(1);
    s.add("vxm_alus", &LpuParams::vxm_alus, "vector ALUs per lane (one queue each)").at_least(1);
    s.add("sxm_queues", &LpuParams::sxm_queues, "SXM instruction queues per hemisphere").at_least(1);
    s.add("c2c_links", &LpuParams::c2c_links, "chip-to-chip links").at_least(0);
    s.add("c2c_link_bandwidth", &LpuParams::c2c_link_bandwidth, "bandwidth of one link per direction").positive();
    s.add("c2c_hop_latency", &LpuParams::c2c_hop_latency, "cycles from send to arrival on the next chip").at_least(0);
    s.list("delays", &LpuParams::delays, delay_schema(), 1);
    s.check([](const LpuParams& p, Checker& k) {
      for (const auto& op : op_table()) {
        if (std::none_of(p.delays.begin(), p.delays.end(), [&](const Delay& d) { return d.op == op.name; })) {
          k.fail("delays", "no delay for opcode '" + std::string(op.name) + "'");
        }
      }
      for (const auto& d : p.delays) {
        auto op = opcode_named(d.op);
        if (!op) {
          k.fail("delays", "'" + d.op + "' is not an opcode");
          continue;
        }
        // A producer's result must land after it reads its operands: the chip
        // registers results while reading, ahead of any consumer.
        const Unit unit = info(*op).unit;
        const bool produces = unit == Unit::vxm || unit == Unit::sxm || *op == Opcode::read || *op == Opcode::gather ||
                              *op == Opcode::acc || *op == Opcode::recv;
        if (produces && d.d_func <= d.d_skew) {
          k.fail("delays", "'" + d.op + "' must have d_func > d_skew (" + std::to_string(d.d_func) +
                               " <= " + std::to_string(d.d_skew) + ")");
        }
      }
    });
    return s;
  }();
  return schema;
}

LpuParams load_lpu_params(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  LpuParams p = load_config(file, lpu_params_schema(), overrides);
  // Opcode order, so that delay() is an index (the schema checked there is one per opcode).
  std::stable_sort(p.delays.begin(), p.delays.end(),
                   [](const Delay& a, const Delay& b) { return *opcode_named(a.op) < *opcode_named(b.op); });
  return p;
}

}  // namespace tokenfab::lpu
