#include "emulator/kernel_gemv.h"

#include <map>
#include <stdexcept>

namespace tokenfab::lpu {
namespace {

// Builds one queue's stream, padding with nops up to each instruction's cycle.
class QueueBuilder {
 public:
  explicit QueueBuilder(QueueId id) : code_{id, {}} {}
  // Places `ins` at `cycle`; `repeats` more copies follow one a cycle.
  void at(std::int64_t cycle, Instruction ins, std::int64_t repeats = 0, std::int64_t stride = 0) {
    if (cycle < cursor_) throw std::invalid_argument(queue_name(code_.id) + ": two instructions for one cycle");
    if (cycle > cursor_) code_.code.push_back({Opcode::nop, {{Field::n, cycle - cursor_}}, {}});
    code_.code.push_back(std::move(ins));
    cursor_ = cycle + 1;
    if (repeats > 0) {
      Instruction rep{Opcode::repeat, {{Field::n, repeats}, {Field::d, std::int64_t{1}}}, {}};
      if (stride != 0) rep.operands[Field::astride] = stride;
      code_.code.push_back(std::move(rep));
      cursor_ += repeats;
    }
  }
  QueueCode take() { return std::move(code_); }

 private:
  QueueCode code_;
  std::int64_t cursor_ = 0;
};

Instruction make(Opcode op, std::map<Field, Operand> operands) { return {op, std::move(operands), {}}; }

}  // namespace

GemvKernel gemv_tile(const LpuParams& p, const GemvLayout& layout) {
  auto d = [&](Opcode op) { return p.delay(op); };
  const QueueId mxm{Unit::mxm, Hemisphere::east, 0};
  const auto mem = [](int slice) { return QueueId{Unit::mem, Hemisphere::east, slice}; };
  const int at_mxm = stream_position(p, mxm);
  const int dim = p.mxm_dim;
  const std::int64_t plane = layout.plane;

  // Weights: row r is read at r and reaches the MXM `to_mxm` later.
  const std::int64_t to_mxm_w = d(Opcode::read).d_func + (at_mxm - stream_position(p, mem(layout.weight_slice)));
  const std::int64_t lw_issue = to_mxm_w - d(Opcode::lw).d_skew;
  const std::int64_t iw_issue = lw_issue + dim;  // after dim-1 repeats
  const std::int64_t installed = iw_issue + d(Opcode::iw).d_func;
  // The activation is multiplied the cycle after the install.
  const std::int64_t abc_issue = installed + 1 - d(Opcode::abc).d_skew;
  const std::int64_t to_mxm_x = d(Opcode::read).d_func + (at_mxm - stream_position(p, mem(layout.activation_slice)));
  const std::int64_t x_read = abc_issue + d(Opcode::abc).d_skew - to_mxm_x;
  const std::int64_t ready = abc_issue + d(Opcode::abc).d_func;
  const std::int64_t acc_issue = ready - d(Opcode::acc).d_skew;
  const std::int64_t emitted = acc_issue + d(Opcode::acc).d_func;
  if (lw_issue < 0 || x_read < 0) throw std::invalid_argument("gemv: operands would have to leave before cycle 0");

  std::map<QueueId, QueueBuilder> queues;
  auto queue = [&](QueueId id) -> QueueBuilder& { return queues.try_emplace(id, id).first->second; };
  queue(mem(layout.weight_slice))
      .at(0, make(Opcode::read, {{Field::a, std::int64_t{0}}, {Field::s, Streams{0}}}), dim - 1, 1);
  queue(mxm).at(lw_issue,
                make(Opcode::lw, {{Field::s, Streams{0}}, {Field::plane, plane}, {Field::buf, std::int64_t{0}}}),
                dim - 1);
  queue(mxm).at(iw_issue, make(Opcode::iw, {{Field::plane, plane}, {Field::buf, std::int64_t{0}}}));
  queue(mxm).at(abc_issue,
                make(Opcode::abc, {{Field::s, Streams{1}}, {Field::plane, plane}, {Field::n, std::int64_t{1}}}));
  Streams out;
  for (int b = 0; b < 4; ++b) out.push_back(kStreamsPerDirection + b);  // W0..W3
  queue(mxm).at(acc_issue, make(Opcode::acc, {{Field::out, out}, {Field::plane, plane}, {Field::n, std::int64_t{1}}}));
  queue(mem(layout.activation_slice))
      .at(x_read, make(Opcode::read, {{Field::a, std::int64_t{0}}, {Field::s, Streams{1}}}));

  std::int64_t last = 0;
  for (int b = 0; b < 4; ++b) {
    const int slice = layout.output_slices[static_cast<std::size_t>(b)];
    // Westward from the MXM: the byte plane passes this slice (at_mxm - x) cycles after it is emitted.
    const std::int64_t write_issue = emitted + (at_mxm - stream_position(p, mem(slice))) - d(Opcode::write).d_skew;
    queue(mem(slice))
        .at(write_issue, make(Opcode::write, {{Field::a, std::int64_t{layout.output_address}},
                                              {Field::s, Streams{out[static_cast<std::size_t>(b)]}}}));
    last = std::max(last, write_issue + d(Opcode::write).d_skew);
  }

  GemvKernel k;
  k.program.arch = p.name;
  for (auto& [id, builder] : queues) k.program.queues.push_back(builder.take());
  k.expected_cycles = last + 1;
  k.install_bound = dim;
  return k;
}

}  // namespace tokenfab::lpu
