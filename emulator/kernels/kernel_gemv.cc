#include "emulator/kernels/kernel_gemv.h"

#include <stdexcept>

#include "emulator/kernels/queue_builder.h"

namespace tokenfab::lpu {

GemvKernel gemv(const LpuParams& p, const GemvLayout& layout, int column_tiles) {
  if (column_tiles < 1) throw std::invalid_argument("gemv: at least one column tile");
  if (static_cast<std::int64_t>(column_tiles) * p.mxm_dim > static_cast<std::int64_t>(p.banks) * p.words_per_bank)
    throw std::invalid_argument("gemv: the weights must fit in one slice");
  auto d = [&](Opcode op) { return p.delay(op); };
  // Separate queues for loading, installing and multiplying, and emitting,
  // so that the next tile loads while this one computes.
  const QueueId load{Unit::mxm, Hemisphere::east, 0}, compute{Unit::mxm, Hemisphere::east, 1},
      emit{Unit::mxm, Hemisphere::east, 2};
  const auto mem = [](int slice) { return QueueId{Unit::mem, Hemisphere::east, slice}; };
  const int at_mxm = stream_position(p, load);
  const std::int64_t dim = p.mxm_dim, tiles = column_tiles, plane = layout.plane;

  // Weight row r (tile r / dim) is read at r and reaches the MXM to_mxm_w later.
  const std::int64_t to_mxm_w = d(Opcode::read).d_func + (at_mxm - stream_position(p, mem(layout.weight_slice)));
  const std::int64_t to_mxm_x = d(Opcode::read).d_func + (at_mxm - stream_position(p, mem(layout.activation_slice)));
  const std::int64_t lw0 = to_mxm_w - d(Opcode::lw).d_skew;
  if (lw0 < 0) throw std::invalid_argument("gemv: weights would have to leave before cycle 0");

  ProgramBuilder builder;
  auto queue = [&](QueueId id) -> QueueBuilder& { return builder.queue(id); };
  queue(mem(layout.weight_slice))
      .at(0, make(Opcode::read, {{Field::a, std::int64_t{0}}, {Field::s, Streams{0}}}), tiles * dim - 1, 1);
  Streams out;
  for (int b = 0; b < 4; ++b) out.push_back(kStreamsPerDirection + b);  // W0..W3
  std::int64_t last = 0;
  for (std::int64_t t = 0; t < tiles; ++t) {
    const std::int64_t buf = t % 2;  // the next tile loads into the other buffer
    const std::int64_t lw_issue = lw0 + t * dim;
    const std::int64_t iw_issue = lw_issue + dim;  // once the tile's last row is in
    const std::int64_t installed = iw_issue + d(Opcode::iw).d_func;
    const std::int64_t abc_issue = installed + 1 - d(Opcode::abc).d_skew;  // the cycle after the install
    const std::int64_t x_read = abc_issue + d(Opcode::abc).d_skew - to_mxm_x;
    const std::int64_t acc_issue = abc_issue + d(Opcode::abc).d_func - d(Opcode::acc).d_skew;
    const std::int64_t emitted = acc_issue + d(Opcode::acc).d_func;
    if (x_read < 0) throw std::invalid_argument("gemv: the activation would have to leave before cycle 0");
    queue(load).at(lw_issue, make(Opcode::lw, {{Field::s, Streams{0}}, {Field::plane, plane}, {Field::buf, buf}}),
                   dim - 1);
    queue(compute).at(iw_issue, make(Opcode::iw, {{Field::plane, plane}, {Field::buf, buf}}));
    queue(compute).at(abc_issue,
                      make(Opcode::abc, {{Field::s, Streams{1}}, {Field::plane, plane}, {Field::n, std::int64_t{1}}}));
    queue(emit).at(acc_issue,
                   make(Opcode::acc, {{Field::out, out}, {Field::plane, plane}, {Field::n, std::int64_t{1}}}));
    queue(mem(layout.activation_slice))
        .at(x_read, make(Opcode::read, {{Field::a, std::int64_t{0}}, {Field::s, Streams{1}}}));
    for (int b = 0; b < 4; ++b) {
      const int slice = layout.output_slices[static_cast<std::size_t>(b)];
      // Westward from the MXM: the byte plane passes this slice (at_mxm - x) cycles after it is emitted.
      const std::int64_t write_issue = emitted + (at_mxm - stream_position(p, mem(slice))) - d(Opcode::write).d_skew;
      queue(mem(slice))
          .at(write_issue, make(Opcode::write, {{Field::a, std::int64_t{layout.output_address} + t},
                                                {Field::s, Streams{out[static_cast<std::size_t>(b)]}}}));
      last = std::max(last, write_issue + d(Opcode::write).d_skew);
    }
  }

  GemvKernel k;
  k.program = builder.take(p.name);
  k.expected_cycles = last + 1;
  k.install_bound = tiles * dim;  // every weight row passes one stream, one a cycle
  return k;
}

}  // namespace tokenfab::lpu
