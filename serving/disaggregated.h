// Prefill/decode disaggregated serving (DistServe, Splitwise, Dynamo): a
// prefill pool's replicas take each request's prompt and give its first
// token; its KV cache then crosses a link to a decode pool's replica, which
// generates the rest. Each pool's replicas run the engine loop of
// serving/simulator.h under their own scheduler and step model.
//
//   Pool prefill{{&gpu_prefill, &gpu_prefill}, prefill_scheduler};
//   Pool decode{{&lpu_decode}, decode_scheduler};
//   KvLink link{.fixed = Seconds(10e-6), .sending = ..., .taking = ..., .per_token = Bytes(70e3)};
//   ServingRun run = simulate_disaggregated(prefill, decode, link, ClosedLoop{...}, Routing::least_loaded);
//
// The KV transfer: the prompt's keys and values (per_token x its tokens)
// leave the prefill replica when the step that ended its prompt ends and the
// per-transfer overhead has passed, to the decode replica the router picks
// then (least loaded counts the transfers still on their way to it). Each
// prefill replica's ports are one port server and each decode replica's
// another, and a transfer goes through both as the SystemC pod's crossings
// do (cut_through, hw/common/port_server.h): a cache leaves when its
// sender's ports are free and lands when the slower side has it, so caches
// that share a replica's ports queue behind each other.
// On arrival the request waits in the decode replica's queue like any other,
// admitted when its batch and KV cache have room (the whole prompt's blocks).
// A request of one output token finishes on the prefill pool. A preempted
// request recomputes its prompt and tokens on the decode replica (vLLM's
// recompute there).
#pragma once

#include "serving/simulator.h"

namespace tokenfab {

struct KvLink {
  Seconds overhead;        // software per transfer, before its first byte leaves
  Seconds latency;         // NIC to NIC
  BytesPerSecond sending;  // one prefill replica's ports together
  BytesPerSecond taking;   // one decode replica's ports together
  Bytes per_token;         // one token's keys and values, every layer
};

struct Pool {
  std::vector<StepModel*> steps;  // one per replica (may repeat one model)
  Scheduler scheduler;
};

// Where a moved request's first token reaches the client: when the prefill
// step that sampled it ends, or with the decode pool's first step for it
// (Dynamo: the prefill worker returns the transfer's metadata, the decode
// worker takes the cache and streams every token, docs.nvidia.com/dynamo
// "Architecture Flow"), so that TTFT holds the transfer and the wait there.
enum class FirstToken { prefill, decode };

// Throws InputError as simulate() does, naming the pool, and when a pool is
// empty or the link's bandwidths are not positive.
ServingRun simulate_disaggregated(const Pool& prefill, const Pool& decode, const KvLink& link, const RequestLoad& load,
                                  Routing routing, FirstToken first_token = FirstToken::prefill);

}  // namespace tokenfab
