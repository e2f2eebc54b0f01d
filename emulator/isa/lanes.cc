#include "emulator/isa/lanes.h"

#include <cmath>

namespace tokenfab::lpu {

// FP8 E4M3 ("FN": no infinities; S.1111.111 is NaN; largest 448), as the
// OCP 8-bit floating point specification defines it.
double fp8_value(std::uint8_t bits) {
  const int e = (bits >> 3) & 0xF, m = bits & 7;
  const double sign = (bits & 0x80) != 0 ? -1.0 : 1.0;
  if (e == 15 && m == 7) return std::nan("");
  if (e == 0) return sign * std::ldexp(m, -9);  // subnormal: m/8 x 2^-6
  return sign * std::ldexp(8 + m, e - 10);      // (1 + m/8) x 2^(e-7)
}

std::uint8_t fp8_bits(double v) {
  if (std::isnan(v)) return 0x7F;
  const std::uint8_t sign = std::signbit(v) ? 0x80 : 0;
  const double a = std::fabs(v);
  // Below the smallest normal (2^-6) in steps of 2^-9; a carry into 8
  // steps is the smallest normal's code.
  if (a < std::ldexp(1.0, -6)) return static_cast<std::uint8_t>(sign | static_cast<int>(std::nearbyint(a * 512.0)));
  int e = std::ilogb(a);
  int q = static_cast<int>(std::nearbyint((a / std::ldexp(1.0, e) - 1.0) * 8.0));  // ties to even
  if (q == 8) {
    ++e;
    q = 0;
  }
  // Saturating: beyond 448 (e 8, m 6), including what would be NaN's code.
  if (e > 8 || (e == 8 && q == 7)) return static_cast<std::uint8_t>(sign | 0x7E);
  return static_cast<std::uint8_t>(sign | ((e + 7) << 3) | q);
}

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
        out[l] = fp8_value(static_cast<std::uint8_t>(raw));
        break;
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
        raw = fp8_bits(v[l]);
        break;
    }
    for (int k = 0; k < bytes; ++k)
      planes[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(raw >> (8 * k));
  }
  return planes;
}

}  // namespace tokenfab::lpu
