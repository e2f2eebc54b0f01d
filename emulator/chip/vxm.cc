#include "emulator/chip/vxm.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace tokenfab::lpu {

namespace {
bool is_float(ElemType t) {
  return t == ElemType::f16 || t == ElemType::bf16 || t == ElemType::f32 || t == ElemType::f8;
}
}  // namespace

// The arithmetic of one VXM op on lane values (in the op's element type).
Lanes vxm_compute(Opcode op, ElemType type, const std::vector<Lanes>& in) {
  // FP8 results round once, when encoded: rounding them to FP32 first could
  // move a value onto an FP8 tie.
  const bool fp = is_float(type) && type != ElemType::f8;
  auto rounded = [&](const Lanes& x) -> Lanes { return fp ? x.cast<float>().cast<double>() : x; };
  switch (op) {
    case Opcode::add:
      return rounded(in[0] + in[1]);
    case Opcode::sub:
      return rounded(in[0] - in[1]);
    case Opcode::mul:
      return rounded(in[0] * in[1]);
    case Opcode::max:
      return in[0].max(in[1]);
    case Opcode::min:
      return in[0].min(in[1]);
    case Opcode::cmp_gt:
      return (in[0] > in[1]).cast<double>();
    case Opcode::select:
      return (in[0] != 0).select(in[1], in[2]);
    case Opcode::neg:
      return -in[0];
    case Opcode::abs:
      return in[0].abs();
    case Opcode::relu:
      return in[0].max(0.0);
    case Opcode::exp:
      return rounded(in[0].cast<float>().exp().cast<double>());
    case Opcode::tanh:
      return rounded(in[0].cast<float>().tanh().cast<double>());
    case Opcode::rsqrt:
      return rounded(in[0].cast<float>().rsqrt().cast<double>());
    case Opcode::recip:
      return rounded(in[0].cast<float>().inverse().cast<double>());
    case Opcode::conv:
      return in[0];  // the value itself, re-encoded by the caller in its new type
    case Opcode::nop:
    case Opcode::repeat:
    case Opcode::sync:
    case Opcode::notify:
    case Opcode::read:
    case Opcode::write:
    case Opcode::gather:
    case Opcode::scatter:
    case Opcode::lw:
    case Opcode::iw:
    case Opcode::abc:
    case Opcode::acc:
    case Opcode::shift:
    case Opcode::permute:
    case Opcode::distribute:
    case Opcode::transpose:
    case Opcode::rotate:
    case Opcode::send:
    case Opcode::recv:
    case Opcode::deskew:
      break;
  }
  throw std::logic_error("vxm_compute: '" + std::string(info(op).name) + "' is not a VXM op");
}

}  // namespace tokenfab::lpu
