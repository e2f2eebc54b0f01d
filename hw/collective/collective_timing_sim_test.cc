// Collectives built from port reservations agree with their closed forms
// when uncontended, and show contention when flows share a port.
#include <doctest/doctest.h>

#include <numeric>

#include "hw/collective/collective_timing_sim.h"
#include "hw/link/collective_timing.h"

namespace tokenfab {
namespace {

LinkConfig test_link() {
  LinkConfig link;
  link.bandwidth = BytesPerSecond(1e12);
  link.latency = Seconds(1e-6);
  return link;
}

// Simulated time of one collective with every member ready at 0, minus the
// software overhead the closed form adds.
double simulated(CollectiveKind kind, AllReduceAlgorithm algo, int g, double bytes) {
  FabricTiming f(test_link(), g);
  FabricConfig fabric;
  fabric.all_reduce = algo;
  fabric.in_network_reduction = true;
  std::vector<int> members(static_cast<std::size_t>(g));
  std::iota(members.begin(), members.end(), 0);
  auto done =
      simulate_collective(f, fabric, kind, members, std::vector<Seconds>(g), std::vector<Bytes>(g, Bytes(bytes)));
  Seconds last;
  for (const auto& t : done) last = std::max(last, t);
  return last.value();
}

double closed(CollectiveKind kind, AllReduceAlgorithm algo, int g, double bytes) {
  FabricConfig fabric;
  fabric.all_reduce = algo;
  return collective_time(Collective{kind, CollectiveGroup::tp, g, Bytes(bytes)}, test_link(), fabric).total().value();
}

TEST_CASE("collectives: simulation equals the closed form when uncontended") {
  const std::pair<CollectiveKind, AllReduceAlgorithm> cases[] = {
      {CollectiveKind::all_reduce, AllReduceAlgorithm::ring},
      {CollectiveKind::all_reduce, AllReduceAlgorithm::tree},
      {CollectiveKind::all_reduce, AllReduceAlgorithm::in_switch},
      {CollectiveKind::all_gather, AllReduceAlgorithm::ring},
      {CollectiveKind::reduce_scatter, AllReduceAlgorithm::ring},
      {CollectiveKind::all_to_all, AllReduceAlgorithm::ring},
  };
  // Named variables, not structured bindings: doctest's CAPTURE lambdas
  // cannot capture bindings before C++20 compilers all allow it.
  for (const auto& one : cases) {
    const CollectiveKind kind = one.first;
    const AllReduceAlgorithm algo = one.second;
    for (int g : {2, 8, 72}) {
      for (double bytes : {1e3, 1e6, 1e9}) {
        CAPTURE(enum_name(kind));
        CAPTURE(enum_name(algo));
        CAPTURE(g);
        CAPTURE(bytes);
        // A binomial tree over a group that is not a power of two has a short
        // top subtree (72 = 64 + 8), so the simulated critical path can be up
        // to two steps shorter than 2 ceil(log2 g) steps: the closed form bounds it.
        if (algo == AllReduceAlgorithm::tree && kind == CollectiveKind::all_reduce && (g & (g - 1)) != 0) {
          CHECK(simulated(kind, algo, g, bytes) <= closed(kind, algo, g, bytes));
        } else {
          CHECK(simulated(kind, algo, g, bytes) == doctest::Approx(closed(kind, algo, g, bytes)).epsilon(1e-9));
        }
      }
    }
  }
  // Send/recv: one hop of 1 MB: 1 us + 1 us.
  CHECK(simulated(CollectiveKind::send_recv, AllReduceAlgorithm::ring, 2, 1e6) == doctest::Approx(2e-6));
}

TEST_CASE("fabric: two flows into one port share it") {
  FabricTiming f(test_link(), 3);
  // 1 MB takes 1 us at 1 TB/s. Alone: 1 us latency + 1 us.
  CHECK(f.send(0, 2, Bytes(1e6), Seconds(0)).value() == doctest::Approx(2e-6));
  // A second sender into the same ingress queues behind the first: done at 3 us.
  CHECK(f.send(1, 2, Bytes(1e6), Seconds(0)).value() == doctest::Approx(3e-6));
  // A different receiver is not delayed.
  CHECK(f.send(1, 0, Bytes(1e6), Seconds(0)).value() == doctest::Approx(3e-6));  // 1's egress is busy until 1 us
}

TEST_CASE("all-to-all: flows converging on a hot receiver queue at its ingress") {
  // Four members send 1 MB each; member 0 receives twice an even share
  // (weights 2, 2/3, 2/3, 2/3: their sum stays 4). 1 MB takes 1 us at 1 TB/s.
  FabricTiming f(test_link(), 4);
  const double cold = 2.0 / 3.0;
  auto done = simulate_collective(f, FabricConfig{}, CollectiveKind::all_to_all, {0, 1, 2, 3}, std::vector<Seconds>(4),
                                  std::vector<Bytes>(4, Bytes(1e6)), {2.0, cold, cold, cold});
  // Into member 0: three flows of 1 MB * 2/4 = 0.5 MB, heads at 1, 1.17 and
  // 1.33 us (each sender's earlier flows of 1/6 MB go first); its ingress
  // takes them back to back from 1 us: done at 1 + 3 * 0.5 = 2.5 us.
  CHECK(done[0].value() == doctest::Approx(2.5e-6).epsilon(1e-9));
  // Alone at its link rate (the closed form, which times what it sends):
  // 1 us + 3/4 us. The queue adds (2 - 1) * 3/4 us.
  CHECK(closed(CollectiveKind::all_to_all, AllReduceAlgorithm::ring, 4, 1e6) == doctest::Approx(1.75e-6));
  // The others receive 3 * 1/6 MB but send 1 MB - 1/6 MB = 5/6 MB: their
  // egress sets their end, 1 us + 5/6 us.
  for (int m = 1; m < 4; ++m) CHECK(done[static_cast<std::size_t>(m)].value() == doctest::Approx(1e-6 + 5e-6 / 6));
}

TEST_CASE("collectives: a late member delays everyone") {
  FabricTiming f(test_link(), 4);
  FabricConfig fabric;
  fabric.all_reduce = AllReduceAlgorithm::in_switch;
  fabric.in_network_reduction = true;
  std::vector<Seconds> ready = {Seconds(0), Seconds(0), Seconds(0), Seconds(10e-6)};
  auto done = simulate_collective(f, fabric, CollectiveKind::all_reduce, {0, 1, 2, 3}, ready,
                                  std::vector<Bytes>(4, Bytes(1e6)));
  // 10 us + 2 hops + 1 us of the buffer, for every member.
  for (const auto& t : done) CHECK(t.value() == doctest::Approx(13e-6));
}

}  // namespace
}  // namespace tokenfab
