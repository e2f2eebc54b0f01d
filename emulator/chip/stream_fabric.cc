#include "emulator/chip/stream_fabric.h"

#include <algorithm>
#include <cstdlib>

#include "emulator/isa/program.h"

namespace tokenfab::lpu {

StreamFabric::StreamFabric(int streams_per_direction, int positions)
    : streams_(static_cast<std::size_t>(2 * kStreamsPerDirection)), positions_(positions) {
  (void)streams_per_direction;  // ids are global (E0..E31, W0..W31); the assembler bounds them
}

const StreamFabric::Diagonal* StreamFabric::Table::find(std::int64_t key) const {
  if (ring.empty()) return nullptr;
  const Slot& s = ring[static_cast<std::size_t>(key & (kRing - 1))];
  if (s.used && s.key == key) return &s.diagonal;
  if (overflow.empty()) return nullptr;
  auto it = overflow.find(key);
  return it == overflow.end() ? nullptr : &it->second;
}

StreamFabric::Diagonal* StreamFabric::Table::find(std::int64_t key) {
  return const_cast<Diagonal*>(static_cast<const Table&>(*this).find(key));
}

// A diagonal is gone once its last position has been passed: going east it
// leaves the chip at the east edge (t = key + positions - 1), going west at
// position 0 (t = key).
bool StreamFabric::gone(int stream, std::int64_t key) const {
  return (flows_east(stream) ? key + positions_ - 1 : key) < now_;
}

StreamFabric::Diagonal& StreamFabric::add(int stream, std::int64_t key, Packet packet) {
  Table& t = streams_[static_cast<std::size_t>(stream)];
  if (t.ring.empty()) t.ring.resize(static_cast<std::size_t>(Table::kRing));
  Table::Slot& s = t.ring[static_cast<std::size_t>(key & (Table::kRing - 1))];
  if (!s.used || gone(stream, s.key)) {
    s.used = true;
    s.key = key;
    s.diagonal.first = std::move(packet);
    s.diagonal.more.clear();  // keeps its storage for the next overtaking packet
    return s.diagonal;
  }
  // Rare: keep the overflow to the diagonals still on the chip.
  if (t.overflow.size() >= static_cast<std::size_t>(Table::kRing)) {
    for (auto it = t.overflow.begin(); it != t.overflow.end();)
      it = gone(stream, it->first) ? t.overflow.erase(it) : std::next(it);
  }
  return t.overflow.emplace(key, Diagonal{std::move(packet), {}}).first->second;
}

std::string StreamFabric::inject(int stream, int position, std::int64_t cycle, Payload value, std::int64_t bound) {
  const std::int64_t key = stream_diagonal(stream, position, cycle);
  Diagonal* d = streams_[static_cast<std::size_t>(stream)].find(key);
  if (!d) {
    add(stream, key, {position, std::move(value), bound});
    return "";
  }
  auto clash = [&](const Packet& p) { return p.position == position; };
  if (clash(d->first) || std::any_of(d->more.begin(), d->more.end(), clash)) {
    return "stream " + stream_name(stream) + " written twice at position " + std::to_string(position) + " in cycle " +
           std::to_string(cycle);
  }
  d->more.push_back({position, std::move(value), bound});
  return "";
}

std::optional<Payload> StreamFabric::read(int stream, int position, std::int64_t cycle,
                                          std::int64_t* arrival_bound) const {
  if (position < 0 || position >= positions_) return std::nullopt;
  const std::int64_t key = stream_diagonal(stream, position, cycle);
  const Diagonal* d = streams_[static_cast<std::size_t>(stream)].find(key);
  if (!d) return std::nullopt;
  // The value here is the one injected nearest upstream: the largest
  // position at or below this one going east, the smallest at or above going west.
  const Packet* best = nullptr;
  auto consider = [&](const Packet& p) {
    const bool upstream = flows_east(stream) ? p.position <= position : p.position >= position;
    if (!upstream) return;
    if (!best || (flows_east(stream) ? p.position > best->position : p.position < best->position)) best = &p;
  };
  consider(d->first);
  for (const auto& p : d->more) consider(p);
  if (!best) return std::nullopt;
  if (arrival_bound) *arrival_bound = best->bound + std::abs(position - best->position);
  return best->value;
}

}  // namespace tokenfab::lpu
