#include "emulator/kernels/kernel_allreduce.h"

#include <stdexcept>
#include <string>

#include "emulator/kernels/queue_builder.h"

namespace tokenfab::lpu {

AllReduceKernel all_reduce(const LpuParams& p, int chips, const AllReduceLayout& layout) {
  const int peers = chips - 1;
  if (chips < 2 || (chips & peers) != 0 || peers > p.c2c_links || peers > p.vxm_alus ||
      chips > p.streams_per_direction) {
    throw std::invalid_argument("all-reduce: " + std::to_string(chips) + " chips is not a power of two from 2 to " +
                                std::to_string(p.c2c_links + 1) + " that the chip's ALUs and streams can sum");
  }
  auto d = [&](Opcode op) { return p.delay(op); };
  const auto mem = [](int slice) { return QueueId{Unit::mem, Hemisphere::east, slice}; };
  const int edge = stream_position(p, {Unit::c2c, Hemisphere::none, 0});
  const int vxm = stream_position(p, {Unit::vxm, Hemisphere::none, 0});
  const int in_pos = stream_position(p, mem(layout.input_slice));
  const int out_pos = stream_position(p, mem(layout.output_slice));
  const auto a = [](std::int64_t v) { return Operand{v}; };
  ProgramBuilder b;

  // Own vector eastward on E0 to the C2C edge; N - 1 sends leave together.
  b.queue(mem(layout.input_slice))
      .at(0, make(Opcode::read, {{Field::a, a(layout.input_address)}, {Field::s, Streams{0}}}));
  const std::int64_t at_edge = d(Opcode::read).d_func + (edge - in_pos);
  const std::int64_t arrive = at_edge + p.c2c_cycles_per_vector() + p.c2c_hop_latency;
  const std::int64_t recv_issue = arrive - d(Opcode::recv).d_skew;
  // Received vectors go west on W(link) and meet the own vector, read again
  // onto W(N-1), at the VXM.
  const std::int64_t at_vxm = recv_issue + d(Opcode::recv).d_func + (edge - vxm);
  for (int k = 0; k < peers; ++k) {
    QueueBuilder& q = b.queue({Unit::c2c, Hemisphere::none, k});
    q.at(at_edge - d(Opcode::send).d_skew, make(Opcode::send, {{Field::s, Streams{0}}, {Field::link, a(k)}}));
    q.at(recv_issue, make(Opcode::recv, {{Field::s, Streams{kStreamsPerDirection + k}}, {Field::link, a(k)}}));
  }
  const std::int64_t own_read = at_vxm - d(Opcode::read).d_func - (in_pos - vxm);
  if (own_read <= 0) throw std::invalid_argument("all-reduce: the hop is too short to read the vector twice");
  b.queue(mem(layout.input_slice))
      .at(own_read,
          make(Opcode::read, {{Field::a, a(layout.input_address)}, {Field::s, Streams{kStreamsPerDirection + peers}}}));

  // Tree of adds at the VXM: each level's sums (eastward, so they stay at
  // the VXM's position the cycle they appear) feed the next.
  Streams level;
  for (int k = 0; k < chips; ++k) level.push_back(kStreamsPerDirection + k);
  std::int64_t issue = at_vxm - d(Opcode::add).d_skew;
  int alu = 0, next_out = 0;
  while (level.size() > 1) {
    Streams sums;
    for (std::size_t j = 0; j < level.size(); j += 2) {
      sums.push_back(next_out++);
      b.queue({Unit::vxm, Hemisphere::none, alu++})
          .at(issue, make(Opcode::add, {{Field::in, Streams{level[j], level[j + 1]}},
                                        {Field::out, Streams{sums.back()}},
                                        {Field::type, ElemType::i8}}));
    }
    level = sums;
    issue += d(Opcode::add).d_func - d(Opcode::add).d_skew;
  }
  const std::int64_t sum_at = issue + d(Opcode::add).d_skew;  // the sum on E(level[0]) at the VXM
  const std::int64_t write_issue = sum_at + (out_pos - vxm) - d(Opcode::write).d_skew;
  b.queue(mem(layout.output_slice))
      .at(write_issue, make(Opcode::write, {{Field::a, a(layout.output_address)}, {Field::s, Streams{level[0]}}}));

  AllReduceKernel k;
  k.program = b.take(p.name);
  k.links = fully_connected(chips);
  k.expected_cycles = write_issue + d(Opcode::write).d_skew + 1;
  k.hop_bound = p.c2c_cycles_per_vector() + p.c2c_hop_latency;
  return k;
}

}  // namespace tokenfab::lpu
