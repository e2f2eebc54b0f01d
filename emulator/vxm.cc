#include "emulator/vxm.h"

#include <cmath>

namespace tokenfab::lpu {

// Lane values of `type` from its byte planes (byte k of every lane on plane k).
Lanes decode_lanes(const std::vector<const std::vector<std::uint8_t>*>& planes, ElemType type, int lanes) {
  Lanes out(lanes);
  for (int l = 0; l < lanes; ++l) {
    std::uint32_t raw = 0;
    for (std::size_t k = 0; k < planes.size(); ++k)
      raw |= static_cast<std::uint32_t>((*planes[k])[static_cast<std::size_t>(l)]) << (8 * k);
    switch (type) {
      case ElemType::i8:
        out[l] = static_cast<std::int8_t>(raw);
        break;
      case ElemType::i16:
        out[l] = static_cast<std::int16_t>(raw);
        break;
      case ElemType::i32:
        out[l] = static_cast<std::int32_t>(raw);
        break;
      case ElemType::f16:
        out[l] = static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(static_cast<std::uint16_t>(raw)));
        break;
      case ElemType::bf16:
        out[l] = static_cast<float>(Eigen::numext::bit_cast<Eigen::bfloat16>(static_cast<std::uint16_t>(raw)));
        break;
      case ElemType::f32:
        out[l] = Eigen::numext::bit_cast<float>(raw);
        break;
      case ElemType::f8:
        out[l] = 0;
        break;  // refused before execution
    }
  }
  return out;
}

// Rounds or wraps each lane to `type` and splits it into byte planes.
std::vector<std::vector<std::uint8_t>> encode_lanes(const Lanes& v, ElemType type) {
  const int bytes = elem_bytes(type);
  std::vector<std::vector<std::uint8_t>> planes(static_cast<std::size_t>(bytes),
                                                std::vector<std::uint8_t>(static_cast<std::size_t>(v.size())));
  for (Eigen::Index l = 0; l < v.size(); ++l) {
    std::uint32_t raw = 0;
    switch (type) {
      case ElemType::i8:
      case ElemType::i16:
      case ElemType::i32: {
        // Two's-complement wrap, as integer ALUs do.
        const auto wide = static_cast<std::int64_t>(std::llround(v[l]));
        raw = static_cast<std::uint32_t>(static_cast<std::uint64_t>(wide));
        break;
      }
      case ElemType::f16:
        raw = Eigen::numext::bit_cast<std::uint16_t>(Eigen::half(static_cast<float>(v[l])));
        break;
      case ElemType::bf16:
        raw = Eigen::numext::bit_cast<std::uint16_t>(Eigen::bfloat16(static_cast<float>(v[l])));
        break;
      case ElemType::f32:
        raw = Eigen::numext::bit_cast<std::uint32_t>(static_cast<float>(v[l]));
        break;
      case ElemType::f8:
        break;
    }
    for (int k = 0; k < bytes; ++k)
      planes[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(raw >> (8 * k));
  }
  return planes;
}

namespace {
bool is_float(ElemType t) {
  return t == ElemType::f16 || t == ElemType::bf16 || t == ElemType::f32 || t == ElemType::f8;
}
}  // namespace

// The arithmetic of one VXM op on lane values (in the op's element type).
Lanes vxm_compute(Opcode op, ElemType type, const std::vector<Lanes>& in) {
  const bool fp = is_float(type);
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
    default:
      return in[0];  // conv: the value itself, re-encoded by the caller
  }
}

int vxm_operands(Opcode op) {
  switch (op) {
    case Opcode::add:
    case Opcode::sub:
    case Opcode::mul:
    case Opcode::max:
    case Opcode::min:
    case Opcode::cmp_gt:
      return 2;
    case Opcode::select:
      return 3;
    default:
      return 1;
  }
}

}  // namespace tokenfab::lpu
