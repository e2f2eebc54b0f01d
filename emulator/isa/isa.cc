#include "emulator/isa/isa.h"

#include <charconv>

namespace tokenfab::lpu {

namespace {
using F = Field;
}  // namespace

const std::vector<OpInfo>& op_table() {
  static const std::vector<OpInfo> table = {
      {Opcode::nop, "nop", Unit::icu, 0, {F::n}, {}},
      {Opcode::repeat, "repeat", Unit::icu, 0, {F::n, F::d}, {F::astride}},
      {Opcode::sync, "sync", Unit::icu, 0, {}, {}},
      {Opcode::notify, "notify", Unit::icu, 0, {}, {}},
      {Opcode::read, "read", Unit::mem, 0, {F::a, F::s}, {}},
      {Opcode::write, "write", Unit::mem, 0, {F::a, F::s}, {}},
      {Opcode::gather, "gather", Unit::mem, 0, {F::s, F::addr}, {}},
      {Opcode::scatter, "scatter", Unit::mem, 0, {F::s, F::addr}, {}},
      {Opcode::add, "add", Unit::vxm, 2, {F::in, F::out, F::type}, {}},
      {Opcode::sub, "sub", Unit::vxm, 2, {F::in, F::out, F::type}, {}},
      {Opcode::mul, "mul", Unit::vxm, 2, {F::in, F::out, F::type}, {}},
      {Opcode::max, "max", Unit::vxm, 2, {F::in, F::out, F::type}, {}},
      {Opcode::min, "min", Unit::vxm, 2, {F::in, F::out, F::type}, {}},
      {Opcode::cmp_gt, "cmp_gt", Unit::vxm, 2, {F::in, F::out, F::type}, {}},
      {Opcode::select, "select", Unit::vxm, 3, {F::in, F::out, F::type}, {}},
      {Opcode::neg, "neg", Unit::vxm, 1, {F::in, F::out, F::type}, {}},
      {Opcode::abs, "abs", Unit::vxm, 1, {F::in, F::out, F::type}, {}},
      {Opcode::relu, "relu", Unit::vxm, 1, {F::in, F::out, F::type}, {}},
      {Opcode::exp, "exp", Unit::vxm, 1, {F::in, F::out, F::type}, {}},
      {Opcode::tanh, "tanh", Unit::vxm, 1, {F::in, F::out, F::type}, {}},
      {Opcode::rsqrt, "rsqrt", Unit::vxm, 1, {F::in, F::out, F::type}, {}},
      {Opcode::recip, "recip", Unit::vxm, 1, {F::in, F::out, F::type}, {}},
      {Opcode::conv, "conv", Unit::vxm, 1, {F::in, F::out, F::from, F::to}, {}},
      {Opcode::lw, "lw", Unit::mxm, 0, {F::s, F::plane}, {F::buf, F::type}},
      {Opcode::iw, "iw", Unit::mxm, 0, {F::plane}, {F::buf}},
      {Opcode::abc, "abc", Unit::mxm, 0, {F::s, F::plane}, {F::n, F::type}},
      {Opcode::acc, "acc", Unit::mxm, 0, {F::out, F::plane}, {F::n, F::type}},
      {Opcode::shift, "shift", Unit::sxm, 0, {F::in, F::out, F::lanes}, {}},
      {Opcode::permute, "permute", Unit::sxm, 0, {F::in, F::out, F::map}, {}},
      {Opcode::distribute, "distribute", Unit::sxm, 0, {F::in, F::out, F::map}, {}},
      {Opcode::transpose, "transpose", Unit::sxm, 0, {F::in, F::out}, {}},
      {Opcode::rotate, "rotate", Unit::sxm, 0, {F::in, F::out, F::n}, {}},
      {Opcode::send, "send", Unit::c2c, 0, {F::s, F::link}, {F::n}},
      {Opcode::recv, "recv", Unit::c2c, 0, {F::s, F::link}, {F::n}},
      {Opcode::deskew, "deskew", Unit::c2c, 0, {}, {}},
  };
  return table;
}

const OpInfo& info(Opcode op) { return op_table()[static_cast<std::size_t>(op)]; }

Unit unit_of(Opcode op) {
  static const std::vector<Unit> units = [] {
    std::vector<Unit> u;
    for (const auto& i : op_table()) u.push_back(i.unit);
    return u;
  }();
  return units[static_cast<std::size_t>(op)];
}

std::optional<Opcode> opcode_named(std::string_view name) {
  for (const auto& i : op_table()) {
    if (i.name == name) return i.op;
  }
  return std::nullopt;
}

namespace {
constexpr std::array<std::string_view, 6> kUnits = {"ICU", "MEM", "VXM", "MXM", "SXM", "C2C"};
constexpr std::array<std::string_view, 17> kFields = {"a",       "s",    "in",   "out",  "n",    "d",
                                                      "astride", "type", "from", "to",   "buf",  "plane",
                                                      "lanes",   "map",  "link", "addr", "count"};
constexpr std::array<std::string_view, 7> kTypes = {"i8", "i16", "i32", "f8", "f16", "bf16", "f32"};

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}
}  // namespace

std::string_view unit_name(Unit u) { return kUnits[static_cast<std::size_t>(u)]; }
std::optional<Unit> unit_named(std::string_view name) { return lookup<Unit>(kUnits, name); }
std::string_view field_name(Field f) { return kFields[static_cast<std::size_t>(f)]; }
std::optional<Field> field_named(std::string_view name) { return lookup<Field>(kFields, name); }
std::string_view elem_type_name(ElemType t) { return kTypes[static_cast<std::size_t>(t)]; }
std::optional<ElemType> elem_type_named(std::string_view name) { return lookup<ElemType>(kTypes, name); }

FieldKind field_kind(Field f) {
  switch (f) {
    case Field::s:
    case Field::in:
    case Field::out:
    case Field::addr:
      return FieldKind::streams;
    case Field::type:
    case Field::from:
    case Field::to:
      return FieldKind::elem_type;
    case Field::a:
    case Field::n:
    case Field::d:
    case Field::astride:
    case Field::buf:
    case Field::plane:
    case Field::lanes:
    case Field::map:
    case Field::link:
    case Field::count:
      return FieldKind::integer;
  }
  return FieldKind::integer;
}

int elem_bytes(ElemType t) {
  switch (t) {
    case ElemType::i8:
    case ElemType::f8:
      return 1;
    case ElemType::i16:
    case ElemType::f16:
    case ElemType::bf16:
      return 2;
    case ElemType::i32:
    case ElemType::f32:
      return 4;
  }
  return 1;
}

std::string stream_name(int id) {
  return (id < kStreamsPerDirection ? "E" : "W") + std::to_string(id % kStreamsPerDirection);
}

std::optional<int> stream_named(std::string_view name) {
  if (name.size() < 2 || (name[0] != 'E' && name[0] != 'W')) return std::nullopt;
  int index = -1;
  auto [p, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), index);
  if (ec != std::errc() || p != name.data() + name.size() || index < 0 || index >= kStreamsPerDirection) {
    return std::nullopt;
  }
  return name[0] == 'E' ? index : index + kStreamsPerDirection;
}

}  // namespace tokenfab::lpu
