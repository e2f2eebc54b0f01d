// The VXM's arithmetic on whole vectors: lane values (decoded from their
// byte planes, isa/lanes.h) computed in the op's element type with Eigen.
// Floats round once per op to their type; integers wrap as two's
// complement when encoded back. How many operands an op takes is the
// opcode table's (info(op).vector_operands).
#pragma once

#include <vector>

#include "emulator/isa/isa.h"
#include "emulator/isa/lanes.h"

namespace tokenfab::lpu {

// Result lanes of a VXM op on its operands (conv returns its input for
// re-encoding); throws std::logic_error for an op of another unit.
Lanes vxm_compute(Opcode op, ElemType type, const std::vector<Lanes>& in);

}  // namespace tokenfab::lpu
