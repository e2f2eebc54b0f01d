// The VXM's arithmetic on whole vectors: lanes decoded from byte-plane
// streams (byte k of every lane on plane k), computed in the op's element
// type with Eigen, and encoded back. Floats round once per op to their type;
// integers wrap as two's complement.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "emulator/isa.h"

namespace tokenfab::lpu {

// Values of one operand, one per lane, widened for arithmetic.
using Lanes = Eigen::ArrayXd;

// One FP8 E4M3 code's value, and the code of a value (round to nearest
// even, saturating at +-448; NaN stays NaN).
double fp8_value(std::uint8_t bits);
std::uint8_t fp8_bits(double v);

Lanes decode_lanes(const std::vector<const std::vector<std::uint8_t>*>& planes, ElemType type, int lanes);
std::vector<std::vector<std::uint8_t>> encode_lanes(const Lanes& v, ElemType type);
// Result lanes of a VXM op on its operands (conv returns its input for re-encoding).
Lanes vxm_compute(Opcode op, ElemType type, const std::vector<Lanes>& in);
// Operands an op takes: 1, 2 (binary) or 3 (select).
int vxm_operands(Opcode op);

}  // namespace tokenfab::lpu
