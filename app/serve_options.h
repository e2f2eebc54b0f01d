// `tokenfab serve`'s options and what its three ways of serving share: a
// run file's replica (serve_command.cc), a deployment file's pools and
// several deployments on one request stream (serve_deployments.cc), each
// reported by report() (serve_report.cc).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "app/command.h"
#include "app/run_options.h"
#include "serving/metrics.h"
#include "serving/replica_setup.h"
#include "serving/request_trace.h"
#include "serving/simulator.h"

namespace tokenfab {

struct SystemConfig;

struct ServeOptions {
  RunOptions run;
  std::string engine = "analytical";
  std::int64_t concurrency = 0;  // closed loop when positive
  double rate = 0;               // Poisson requests per second otherwise
  double burstiness = 1;         // coefficient of variation of the gaps (1: Poisson; above: gamma bursts)
  std::string trace;             // or a request trace replayed
  double speedup = 1;            // the trace's arrivals this many times faster
  std::int64_t requests = 0;     // 0: ten per concurrent user (InferenceX), or 1,000 at a rate
  std::int64_t input_tokens = 1024, output_tokens = 1024;
  double length_ratio = 0.8;  // lengths uniform in [ratio, 1] x nominal (InferenceX's random_range_ratio)
  std::uint64_t seed = 1;
  // A run file's scheduler (max_batch absent: the engine's, else 256).
  SchedulerLimits limits;
  double ttft_slo = 0, tpot_slo = 0;  // seconds; 0: no limit
  bool bound = false;                 // the hardware bound's engine instead of the run's
  std::string timeline;               // Perfetto timeline of a window of the run
  int replicas = 1;                   // of the run's mapping, behind one router
  std::string routing = "round_robin";
  bool prefix_caching = false;        // replicas keep prefilled prompts' blocks (a trace with block hashes)
  std::vector<double> window;         // its start and end, seconds (default: the first 10 s)
  std::vector<std::string> compare;   // deployments served the same stream after the first
  std::int64_t context_bucket = 256;  // decodes timed at contexts rounded up to this (1: exact)
  double goodput = 0;                 // with --compare: search each one's goodput at this attainment
};

// Whether the command line sets a run file's replicas or scheduler limits,
// which a deployment file sets for each of its pools.
bool sets_run_limits(const ServeOptions& o);
// The requests the options ask for: the trace, a closed loop or an open one.
RequestLoad request_load(const ServeOptions& o, const std::optional<RequestTrace>& trace);
Routing routing_of(const ServeOptions& o);
// Tokens per prefix block when --prefix-caching asks for a cache, else 0.
std::int64_t prefix_blocks_of(const ServeOptions& o, const std::optional<RequestTrace>& trace);
// The request stream in words, for a comparison's heading.
std::string load_text(const ServeOptions& o);

nlohmann::ordered_json percentiles_json(const Percentiles& p);
nlohmann::ordered_json scheduler_json(const Scheduler& s);
// The scheduler's limits and the admission settings that are on, in words.
std::string scheduler_line(const Scheduler& s);

// What every serving run writes and prints after its own header lines.
struct Served {
  ServingRun run;
  nlohmann::ordered_json json;      // the run's own fields
  std::vector<std::string> header;  // lines after the first
  int devices = 0;
  std::int64_t kv_blocks = 0;
  int kv_pool = 0;
  std::string answer;
  const SystemConfig* timeline_system = nullptr;
};

// Prints the run's metrics after its header lines and writes serving.json,
// requests.csv and the timeline the options ask for.
int report(const ServeOptions& o, const Invocation& invocation, const std::optional<RequestTrace>& trace, Served& s);

// A deployment file: its pools, as the file sets them.
int serve_deployment(const ServeOptions& o, const Invocation& invocation, const std::optional<RequestTrace>& trace);
// Several deployments, one request stream: each one's latencies, throughput
// and SLO attainment, and its latencies over the first one's.
int serve_comparison(const ServeOptions& o, const Invocation& invocation, const std::optional<RequestTrace>& trace);

}  // namespace tokenfab
