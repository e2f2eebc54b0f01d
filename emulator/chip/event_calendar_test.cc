#include "emulator/chip/event_calendar.h"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <tuple>

namespace tokenfab::lpu {
namespace {

struct Ev {
  std::int64_t cycle;
  int phase;
  std::uint64_t seq;
  bool operator>(const Ev& o) const { return std::tie(cycle, phase, seq) > std::tie(o.cycle, o.phase, o.seq); }
  bool operator<(const Ev& o) const { return std::tie(cycle, phase, seq) < std::tie(o.cycle, o.phase, o.seq); }
};

// Random schedules against an ordered set: events at the current cycle (any
// phase), a few cycles ahead, just inside and beyond the window, and far
// ahead after empty stretches; every event must come out in (cycle, phase,
// order of scheduling) order.
TEST_CASE("event calendar: events come out in (cycle, phase, scheduling order)") {
  std::mt19937_64 rng(12345);
  for (int trace = 0; trace < 200; ++trace) {
    EventCalendar<Ev> calendar;
    std::set<Ev> reference;
    std::uint64_t seq = 0;
    std::int64_t now = 0;
    auto schedule = [&](std::int64_t cycle, int phase) {
      const Ev e{cycle, phase, seq++};
      calendar.push(e);
      reference.insert(e);
    };
    for (int k = 0; k < 8; ++k) schedule(static_cast<std::int64_t>(rng() % 300), static_cast<int>(rng() % 3));
    int taken = 0;
    while (!reference.empty() && taken < 3000) {
      const Ev got = calendar.take();
      const Ev want = *reference.begin();
      reference.erase(reference.begin());
      REQUIRE(got.seq == want.seq);
      now = got.cycle;
      ++taken;
      const auto spawn = rng() % 4;
      for (std::uint64_t s = 0; s < spawn && seq < 2000; ++s) {
        const std::int64_t ahead[] = {0, 1, 5, 127, 128, 129, 500, 5000};
        const std::int64_t cycle = now + ahead[rng() % 8] + static_cast<std::int64_t>(rng() % 3);
        // The current cycle only in a later phase than the event being run.
        const int phase = cycle == now ? got.phase + static_cast<int>(rng() % static_cast<std::uint64_t>(3 - got.phase))
                                       : static_cast<int>(rng() % 3);
        schedule(cycle, phase);
      }
    }
    CHECK(calendar.empty());
  }
  EventCalendar<Ev> calendar;
  CHECK_THROWS_AS(calendar.take(), std::logic_error);
  calendar.push({10, 0, 0});
  (void)calendar.take();
  CHECK_THROWS_AS(calendar.push({9, 0, 1}), std::logic_error);
}

}  // namespace
}  // namespace tokenfab::lpu
