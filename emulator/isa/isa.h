// The instruction set of a Groq-style LPU (TSP), by functional unit, as the
// emulator executes it: what each opcode is called, which unit's queues issue
// it, and which operands it takes.
//
// Opcodes follow the ISCA 2020 Table I classes (shared/reference/lpu.md §2):
// ICU nop/repeat/sync/notify on every queue; MEM read/write/gather/scatter;
// VXM elementwise, conversion and transcendental ops; MXM lw/iw/abc/acc;
// SXM shift/permute/distribute/transpose/rotate; C2C send/recv/deskew.
// Operands are named, so text and binary forms stay readable and checkable:
//   read a=0x100 s=E3        (MEM: address, destination stream)
//   add in=E3,E4 out=W5 type=f32
//   lw s=E0..E7 plane=0 buf=1
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tokenfab::lpu {

enum class Unit : std::uint8_t { icu, mem, vxm, mxm, sxm, c2c };

enum class Opcode : std::uint8_t {
  // ICU, valid on every queue
  nop,
  repeat,
  sync,
  notify,
  // MEM
  read,
  write,
  gather,
  scatter,
  // VXM
  add,
  sub,
  mul,
  max,
  min,
  cmp_gt,
  select,
  neg,
  abs,
  relu,
  exp,
  tanh,
  rsqrt,
  recip,
  conv,
  // MXM
  lw,
  iw,
  abc,
  acc,
  // SXM
  shift,
  permute,
  distribute,
  transpose,
  rotate,
  // C2C
  send,
  recv,
  deskew,
};

// Element formats on the streams: a vector of 320 lanes is one stream per
// byte of the element (an f32 vector spans 4 streams).
enum class ElemType : std::uint8_t { i8, i16, i32, f8, f16, bf16, f32 };

// Operand names. Each has one value kind.
enum class Field : std::uint8_t {
  a,
  s,
  in,
  out,
  n,
  d,
  astride,
  type,
  from,
  to,
  buf,
  plane,
  lanes,
  map,
  link,
  addr,
  count
};

enum class FieldKind : std::uint8_t { integer, streams, elem_type };

// Streams: E0..E31 flow east (ids 0..31), W0..W31 west (ids 32..63).
inline constexpr int kStreamsPerDirection = 32;
using Streams = std::vector<int>;
using Operand = std::variant<std::int64_t, Streams, ElemType>;

struct OpInfo {
  Opcode op;
  std::string_view name;
  Unit unit;  // icu ops are valid on every queue
  // Vector operands a VXM op computes on: 1, 2 (binary) or 3 (select); 0
  // for other units. Each spans elem_bytes of its type in streams.
  int vector_operands;
  std::vector<Field> required;
  std::vector<Field> optional;
};

const std::vector<OpInfo>& op_table();
const OpInfo& info(Opcode op);
// The unit of an opcode, from a table built once (info(op).unit, cheaper).
Unit unit_of(Opcode op);
std::optional<Opcode> opcode_named(std::string_view name);

std::string_view unit_name(Unit u);
std::optional<Unit> unit_named(std::string_view name);
std::string_view field_name(Field f);
std::optional<Field> field_named(std::string_view name);
FieldKind field_kind(Field f);
std::string_view elem_type_name(ElemType t);
std::optional<ElemType> elem_type_named(std::string_view name);
int elem_bytes(ElemType t);

std::string stream_name(int id);  // 3 -> "E3", 37 -> "W5"
std::optional<int> stream_named(std::string_view name);

}  // namespace tokenfab::lpu
