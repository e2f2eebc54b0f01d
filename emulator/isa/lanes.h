// Vectors as lane values: a vector of an element type travels as byte
// planes (byte k of every lane on plane k, little-endian); these decode the
// planes into lane values widened to double for arithmetic, and encode lane
// values back, rounding floats once to their type and wrapping integers as
// two's complement. FP8 is E4M3 as the OCP 8-bit floating point
// specification defines it ("FN": no infinities, largest 448). The format
// both the chip and the kernel compiler read and write.
//
//   auto planes = encode_lanes(values, ElemType::f16);   // two planes
//   Lanes back = decode_lanes({&planes[0], &planes[1]}, ElemType::f16, lanes);
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "emulator/isa/isa.h"

namespace tokenfab::lpu {

// Values of one operand, one per lane, widened for arithmetic.
using Lanes = Eigen::ArrayXd;

// One FP8 E4M3 code's value, and the code of a value (round to nearest
// even, saturating at +-448; NaN stays NaN).
double fp8_value(std::uint8_t bits);
std::uint8_t fp8_bits(double v);

Lanes decode_lanes(const std::vector<const std::vector<std::uint8_t>*>& planes, ElemType type, int lanes);
std::vector<std::vector<std::uint8_t>> encode_lanes(const Lanes& v, ElemType type);

}  // namespace tokenfab::lpu
