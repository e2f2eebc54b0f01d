// A chip's pending events in order of (cycle, phase, order of scheduling):
// a calendar of buckets for the next kWindow cycles (128), one FIFO per phase in
// each, and a heap for events further ahead, moved into the calendar as
// the window reaches them. Pushing and taking the next event cost O(1) for
// events within the window, which is where almost all of them fall.
//
// Events are never scheduled before the one being run. Every event further
// ahead moves into its bucket before any later-scheduled event can land in
// that bucket (the window advances only in settle(), which moves them
// first), so scheduling order is kept within a (cycle, phase).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <queue>
#include <stdexcept>
#include <vector>

namespace tokenfab::lpu {

// E has `cycle`, `phase` (0..2) and an ordering operator> over (cycle, phase, seq).
template <class E>
class EventCalendar {
 public:
  bool empty() const { return count_ == 0 && far_.empty(); }
  void push(const E& e) {
    // An event before the one being run would land a whole window late.
    if (e.cycle < base_) throw std::logic_error("event calendar: an event scheduled in the past");
    if (e.cycle < base_ + kWindow) {
      Bucket& b = buckets_[static_cast<std::size_t>(e.cycle) & kMask];
      b.fifo[static_cast<std::size_t>(e.phase)].push_back(e);
      ++count_;
    } else {
      far_.push(e);
    }
  }
  // The next event; the calendar must not be empty.
  const E& top() const {
    if (empty()) throw std::logic_error("event calendar: top() of an empty calendar");
    settle();
    const Bucket& b = buckets_[static_cast<std::size_t>(base_) & kMask];
    for (std::size_t p = 0; p < 3; ++p) {
      if (b.head[p] < b.fifo[p].size()) return b.fifo[p][b.head[p]];
    }
    return b.fifo[0][0];  // unreachable: settle() stops at a non-empty bucket
  }
  // The next event, taken off the calendar (one settle instead of two).
  E take() {
    if (empty()) throw std::logic_error("event calendar: take() from an empty calendar");
    settle();
    Bucket& b = buckets_[static_cast<std::size_t>(base_) & kMask];
    for (std::size_t p = 0; p < 3; ++p) {
      if (b.head[p] < b.fifo[p].size()) {
        --count_;
        return b.fifo[p][b.head[p]++];
      }
    }
    return b.fifo[0][0];  // unreachable: settle() stops at a non-empty bucket
  }
  void pop() {
    settle();
    Bucket& b = buckets_[static_cast<std::size_t>(base_) & kMask];
    for (std::size_t p = 0; p < 3; ++p) {
      if (b.head[p] < b.fifo[p].size()) {
        ++b.head[p];
        --count_;
        return;
      }
    }
  }

 private:
  // Results land at most a few tens of cycles ahead; longer waits (nops,
  // C2C hops) go to the heap. A small window keeps the buckets' storage hot.
  static constexpr std::int64_t kWindow = 128;
  static constexpr std::size_t kMask = kWindow - 1;
  struct Bucket {
    std::array<std::vector<E>, 3> fifo;
    std::array<std::size_t, 3> head{};
    bool drained() const {
      for (std::size_t p = 0; p < 3; ++p) {
        if (head[p] < fifo[p].size()) return false;
      }
      return true;
    }
    void clear() {
      for (std::size_t p = 0; p < 3; ++p) {
        fifo[p].clear();
        head[p] = 0;
      }
    }
  };
  // Moves base_ to the next event's cycle, bringing far events into the window.
  void settle() const {
    for (;;) {
      while (!far_.empty() && far_.top().cycle < base_ + kWindow) {
        const E e = far_.top();
        far_.pop();
        buckets_[static_cast<std::size_t>(e.cycle) & kMask].fifo[static_cast<std::size_t>(e.phase)].push_back(e);
        ++count_;
      }
      if (count_ == 0) {
        if (far_.empty()) return;
        base_ = far_.top().cycle;
        continue;
      }
      Bucket& b = buckets_[static_cast<std::size_t>(base_) & kMask];
      if (!b.drained()) return;
      b.clear();
      ++base_;
    }
  }
  // Logically const: top() settles the window without changing what comes next.
  mutable std::vector<Bucket> buckets_ = std::vector<Bucket>(static_cast<std::size_t>(kWindow));
  mutable std::priority_queue<E, std::vector<E>, std::greater<>> far_;
  mutable std::int64_t base_ = 0;
  mutable std::size_t count_ = 0;
};

}  // namespace tokenfab::lpu
