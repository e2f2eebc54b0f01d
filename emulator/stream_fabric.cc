#include "emulator/stream_fabric.h"

#include <algorithm>
#include <cstdlib>

#include "emulator/isa.h"

namespace tokenfab::lpu {

StreamFabric::StreamFabric(int streams_per_direction, int positions)
    : streams_(static_cast<std::size_t>(2 * kStreamsPerDirection)), positions_(positions) {
  (void)streams_per_direction;  // ids are global (E0..E31, W0..W31); the assembler bounds them
}

bool StreamFabric::east(int stream) { return stream < kStreamsPerDirection; }

std::string StreamFabric::inject(int stream, int position, std::int64_t cycle, Payload value, std::int64_t bound) {
  const std::int64_t diagonal = east(stream) ? cycle - position : cycle + position;
  auto& by_diagonal = streams_[static_cast<std::size_t>(stream)];
  auto [it, fresh] = by_diagonal.try_emplace(diagonal, Diagonal{{position, cycle, value, bound}, {}});
  if (fresh) return "";
  Diagonal& d = it->second;
  auto clash = [&](const Packet& p) { return p.position == position; };
  if (clash(d.first) || std::any_of(d.more.begin(), d.more.end(), clash)) {
    return "stream " + stream_name(stream) + " written twice at position " + std::to_string(position) + " in cycle " +
           std::to_string(cycle);
  }
  d.more.push_back({position, cycle, std::move(value), bound});
  return "";
}

std::optional<Payload> StreamFabric::read(int stream, int position, std::int64_t cycle,
                                          std::int64_t* arrival_bound) const {
  if (position < 0 || position >= positions_) return std::nullopt;
  const std::int64_t diagonal = east(stream) ? cycle - position : cycle + position;
  const auto& by_diagonal = streams_[static_cast<std::size_t>(stream)];
  auto it = by_diagonal.find(diagonal);
  if (it == by_diagonal.end()) return std::nullopt;
  // The value here is the one injected nearest upstream: the largest
  // position at or below this one going east, the smallest at or above going west.
  const Packet* best = nullptr;
  auto consider = [&](const Packet& p) {
    const bool upstream = east(stream) ? p.position <= position : p.position >= position;
    if (!upstream) return;
    if (!best || (east(stream) ? p.position > best->position : p.position < best->position)) best = &p;
  };
  consider(it->second.first);
  for (const auto& p : it->second.more) consider(p);
  if (!best) return std::nullopt;
  if (arrival_bound) *arrival_bound = best->bound + std::abs(position - best->position);
  return best->value;
}

}  // namespace tokenfab::lpu
