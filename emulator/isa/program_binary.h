// Binary form of LPU programs, a 1:1 image of the text form: what the
// emulator loads and what tools exchange. Little-endian:
//   magic "TFLPU" 0 0 1, arch (u16 length + bytes), queue count (u32), then
//   per queue: unit, hemisphere (u8 each), index (u16), instruction count
//   (u32), and per instruction: opcode (u8), operand count (u8), then per
//   operand: field (u8) and its value (integer: i64; element type: u8;
//   streams: u16 count + one u8 id each).
// decode(encode(p)) == p; decode rejects truncated or malformed input.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/isa/program.h"

namespace tokenfab::lpu {

std::vector<std::uint8_t> encode(const Program& program);
// Throws InputError naming the byte offset of the problem.
Program decode(const std::vector<std::uint8_t>& bytes, const std::string& file, const LpuParams& params);

}  // namespace tokenfab::lpu
