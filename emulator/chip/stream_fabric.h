// The stream registers of one chip as a lazy conveyor. A value injected on
// stream s at position x0 in cycle t0 is at x0 + (t - t0) at cycle t when the
// stream flows east, x0 - (t - t0) when it flows west, until a newer value
// injected upstream on the same diagonal overtakes it or it falls off the
// chip's edge. Nothing moves cycle by cycle: a read looks the value up by its
// diagonal, so idle cycles cost nothing (shared/reference/lpu.md §4.3).
//
// Reading where no value is, or injecting twice at one place and cycle, is a
// schedule error: the hardware has no interlocks, so the emulator reports
// what would silently go wrong.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tokenfab::lpu {

using Payload = std::shared_ptr<const std::vector<std::uint8_t>>;  // null in timing-only mode

class StreamFabric {
 public:
  // `positions`: stream-register positions across the chip, 0 at the west edge.
  StreamFabric(int streams_per_direction, int positions);

  // Returns an error message on a collision, empty otherwise. `bound` is the
  // earliest cycle the value could have been injected here had nothing
  // waited for a resource (the dataflow bound, chip.h).
  std::string inject(int stream, int position, std::int64_t cycle, Payload value, std::int64_t bound = 0);
  // The value on `stream` at `position` in `cycle`; nullopt if none is there.
  // With `arrival_bound`, also the value's dataflow bound here: its
  // injection bound plus the positions it travelled.
  std::optional<Payload> read(int stream, int position, std::int64_t cycle,
                              std::int64_t* arrival_bound = nullptr) const;
  // No read or injection will come before `cycle`: diagonals whose values
  // have all left the chip by then may be forgotten.
  void advance(std::int64_t cycle) { now_ = cycle; }

 private:
  struct Packet {
    int position = 0;
    Payload value;
    std::int64_t bound = 0;
  };
  // Packets of one stream by diagonal (east t - x, west t + x). Most
  // diagonals carry one packet, kept inline; overtaking ones go to `more`.
  struct Diagonal {
    Packet first;
    std::vector<Packet> more;
  };
  // One stream's diagonals. Values live only while they cross the chip, so
  // the diagonals in use at any time span the chip's positions plus how far
  // ahead results are registered (about 50 cycles on tsp-v1): a ring
  // indexed by diagonal holds them without hashing or allocation, and a
  // diagonal whose slot is still in use by a live one goes to `overflow`.
  struct Table {
    static constexpr std::int64_t kRing = 128;
    struct Slot {
      std::int64_t key = 0;
      bool used = false;
      Diagonal diagonal;
    };
    std::vector<Slot> ring;  // allocated on the stream's first value
    std::unordered_map<std::int64_t, Diagonal> overflow;
    const Diagonal* find(std::int64_t key) const;
    Diagonal* find(std::int64_t key);
  };
  Diagonal& add(int stream, std::int64_t key, Packet packet);
  bool gone(int stream, std::int64_t key) const;
  std::vector<Table> streams_;
  int positions_;
  std::int64_t now_ = 0;
};

}  // namespace tokenfab::lpu
