#include "emulator/isa/program.h"

#include <charconv>

namespace tokenfab::lpu {

std::string queue_name(const QueueId& q) {
  std::string out(unit_name(q.unit));
  if (q.hemisphere != Hemisphere::none) out += q.hemisphere == Hemisphere::east ? ".E" : ".W";
  return out + "." + std::to_string(q.index);
}

std::optional<QueueId> parse_queue(std::string_view name, const LpuParams& p, std::string& error) {
  auto dot = name.find('.');
  auto unit = unit_named(name.substr(0, dot));
  if (!unit || *unit == Unit::icu || dot == std::string_view::npos) {
    error = "expected a queue such as MEM.E.12, VXM.3, MXM.W.0, SXM.E.5 or C2C.7, got '" + std::string(name) + "'";
    return std::nullopt;
  }
  QueueId q{*unit, Hemisphere::none, 0};
  std::string_view rest = name.substr(dot + 1);
  const bool halves = *unit == Unit::mem || *unit == Unit::mxm || *unit == Unit::sxm;
  if (halves) {
    if (rest.size() < 3 || (rest[0] != 'E' && rest[0] != 'W') || rest[1] != '.') {
      error = "queue '" + std::string(name) + "' needs a hemisphere: " + std::string(unit_name(*unit)) + ".E.<n> or " +
              std::string(unit_name(*unit)) + ".W.<n>";
      return std::nullopt;
    }
    q.hemisphere = rest[0] == 'E' ? Hemisphere::east : Hemisphere::west;
    rest = rest.substr(2);
  }
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), q.index);
  const int count = *unit == Unit::mem   ? p.mem_slices
                    : *unit == Unit::mxm ? p.mxm_queues
                    : *unit == Unit::sxm ? p.sxm_queues
                    : *unit == Unit::vxm ? p.vxm_alus
                                         : p.c2c_links;
  if (ec != std::errc() || end != rest.data() + rest.size() || q.index < 0 || q.index >= count) {
    error = "queue '" + std::string(name) + "': index must be 0.." + std::to_string(count - 1) + " on " + p.name;
    return std::nullopt;
  }
  return q;
}

std::string map_problem(Opcode op, const std::vector<int>& map, const LpuParams& p) {
  if (op == Opcode::distribute) {
    return static_cast<int>(map.size()) == p.lanes_per_superlane
               ? ""
               : "has " + std::to_string(map.size()) + " lanes; distribute takes " +
                     std::to_string(p.lanes_per_superlane) + " (one superlane)";
  }
  if (static_cast<int>(map.size()) != p.vector_bytes())
    return "has " + std::to_string(map.size()) + " lanes; permute takes " + std::to_string(p.vector_bytes());
  std::vector<bool> seen(map.size(), false);
  for (int v : map) {
    if (v < 0 || seen[static_cast<std::size_t>(v)]) return "is not a permutation (lane " + std::to_string(v) + ")";
    seen[static_cast<std::size_t>(v)] = true;
  }
  return "";
}

int stream_position(const LpuParams& p, const QueueId& q) {
  const int half = p.stream_positions;
  switch (q.unit) {
    case Unit::mem: {
      const int offset = 1 + q.index * half / p.mem_slices;
      return q.hemisphere == Hemisphere::east ? half + offset : half - offset;
    }
    case Unit::vxm:
      return half;
    case Unit::icu:
    case Unit::mxm:
    case Unit::sxm:
    case Unit::c2c:
      return q.hemisphere == Hemisphere::west ? 0 : 2 * half;
  }
  return half;
}

}  // namespace tokenfab::lpu
