#include "emulator/isa/program_binary.h"

#include "emulator/isa/assembler.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace tokenfab::lpu {
namespace {

// Version 2 adds the program's SXM maps.
constexpr std::array<std::uint8_t, 8> kMagic = {'T', 'F', 'L', 'P', 'U', 0, 0, 2};

class Writer {
 public:
  void u8(std::uint64_t v) { out.push_back(static_cast<std::uint8_t>(v)); }
  void u16(std::uint64_t v) { bytes(v, 2); }
  void u32(std::uint64_t v) { bytes(v, 4); }
  void i64(std::int64_t v) { bytes(static_cast<std::uint64_t>(v), 8); }
  void text(const std::string& s) {
    u16(s.size());
    out.insert(out.end(), s.begin(), s.end());
  }
  std::vector<std::uint8_t> out;

 private:
  void bytes(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
};

// Reads little-endian fields; the first failure is kept and every later read
// returns 0, so one check at the end reports where the input went wrong.
class Reader {
 public:
  Reader(const std::vector<std::uint8_t>& in) : in_(in) {}
  std::uint64_t u8() { return bytes(1); }
  std::uint64_t u16() { return bytes(2); }
  std::uint64_t u32() { return bytes(4); }
  std::int64_t i64() { return static_cast<std::int64_t>(bytes(8)); }
  std::string text() {
    std::size_t n = u16();
    if (!need(n)) return {};
    std::string s(in_.begin() + static_cast<std::ptrdiff_t>(pos_), in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return s;
  }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = "byte " + std::to_string(pos_) + ": " + why;
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  bool need(std::size_t n) {
    if (!error_.empty()) return false;
    if (pos_ + n > in_.size()) {
      fail("truncated: expected " + std::to_string(n) + " more bytes");
      return false;
    }
    return true;
  }
  std::uint64_t bytes(int n) {
    if (!need(static_cast<std::size_t>(n))) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(in_[pos_ + static_cast<std::size_t>(i)]) << (8 * i);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  const std::vector<std::uint8_t>& in_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::vector<std::uint8_t> encode(const Program& program) {
  Writer w;
  w.out.assign(kMagic.begin(), kMagic.end());
  w.text(program.arch);
  w.u32(program.maps.size());
  for (const auto& [id, lanes] : program.maps) {
    w.i64(id);
    w.u16(lanes.size());
    for (int v : lanes) w.u16(static_cast<std::uint64_t>(v) + 1);  // -1 (zero) as 0
  }
  w.u32(program.queues.size());
  for (const auto& q : program.queues) {
    w.u8(static_cast<std::uint8_t>(q.id.unit));
    w.u8(static_cast<std::uint8_t>(q.id.hemisphere));
    w.u16(static_cast<std::uint64_t>(q.id.index));
    w.u32(q.code.size());
    for (const auto& ins : q.code) {
      w.u8(static_cast<std::uint8_t>(ins.op));
      w.u8(ins.operands.size());
      for (const auto& [field, value] : ins.operands) {
        w.u8(static_cast<std::uint8_t>(field));
        switch (field_kind(field)) {
          case FieldKind::integer:
            w.i64(std::get<std::int64_t>(value));
            break;
          case FieldKind::elem_type:
            w.u8(static_cast<std::uint8_t>(std::get<ElemType>(value)));
            break;
          case FieldKind::streams: {
            const Streams& s = std::get<Streams>(value);
            w.u16(s.size());
            for (int id : s) w.u8(static_cast<std::uint64_t>(id));
            break;
          }
        }
      }
    }
  }
  return w.out;
}

Program decode(const std::vector<std::uint8_t>& bytes, const std::string& file, const LpuParams& params) {
  if (bytes.size() < kMagic.size() || !std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    throw InputError({file}, "not a tokenfab LPU binary (bad magic)");
  }
  std::vector<std::uint8_t> body(bytes.begin() + kMagic.size(), bytes.end());
  Reader r(body);
  Program p;
  p.arch = r.text();
  if (r.ok() && p.arch != params.name)
    r.fail("the program is for '" + p.arch + "' but the chip is '" + params.name + "'");
  const std::uint64_t maps = r.u32();
  for (std::uint64_t mi = 0; mi < maps && r.ok(); ++mi) {
    const std::int64_t id = r.i64();
    std::vector<int> lanes(r.u16());
    for (int& v : lanes) v = static_cast<int>(r.u16()) - 1;
    p.maps[id] = std::move(lanes);
  }
  const std::uint64_t queues = r.u32();
  for (std::uint64_t qi = 0; qi < queues && r.ok(); ++qi) {
    QueueCode q;
    const auto unit = r.u8(), hemisphere = r.u8(), index = r.u16();
    if (unit > static_cast<std::uint64_t>(Unit::c2c) || hemisphere > 2) {
      r.fail("bad queue unit or hemisphere");
      break;
    }
    q.id = {static_cast<Unit>(unit), static_cast<Hemisphere>(hemisphere), static_cast<int>(index)};
    std::string error;
    if (!parse_queue(queue_name(q.id), params, error)) r.fail(error);
    const std::uint64_t count = r.u32();
    for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
      Instruction ins;
      const auto op = r.u8();
      if (op >= op_table().size()) {
        r.fail("bad opcode " + std::to_string(op));
        break;
      }
      ins.op = static_cast<Opcode>(op);
      const auto operands = r.u8();
      for (std::uint64_t k = 0; k < operands && r.ok(); ++k) {
        const auto f = r.u8();
        if (f >= static_cast<std::uint64_t>(Field::count)) {
          r.fail("bad operand field " + std::to_string(f));
          break;
        }
        const Field field = static_cast<Field>(f);
        switch (field_kind(field)) {
          case FieldKind::integer:
            ins.operands[field] = r.i64();
            break;
          case FieldKind::elem_type: {
            const auto t = r.u8();
            if (t > static_cast<std::uint64_t>(ElemType::f32)) r.fail("bad element type");
            ins.operands[field] = static_cast<ElemType>(t);
            break;
          }
          case FieldKind::streams: {
            Streams s(r.u16());
            for (int& id : s) {
              id = static_cast<int>(r.u8());
              if (id % kStreamsPerDirection >= params.streams_per_direction || id >= 2 * kStreamsPerDirection) {
                r.fail("stream id " + std::to_string(id) + " does not exist on " + params.name);
              }
            }
            ins.operands[field] = std::move(s);
            break;
          }
        }
      }
      q.code.push_back(std::move(ins));
    }
    p.queues.push_back(std::move(q));
  }
  if (r.ok() && !r.at_end()) r.fail("trailing bytes after the last queue");
  if (!r.ok()) throw InputError({file}, r.error());
  // Units, required and allowed operands are the assembler's rules: check the
  // decoded program by assembling its text form.
  return assemble(disassemble(p), file + " (disassembled)", params);
}

}  // namespace tokenfab::lpu
