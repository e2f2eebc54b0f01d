// `tokenfab trace`: the per-device operator trace of one step, as CSV or JSON
// lines, and its per-token totals.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/command.h"
#include "app/run_options.h"
#include "core/atomic_file.h"
#include "workloads/trace_gen.h"
#include "workloads/trace_io.h"

namespace tokenfab {
namespace {

struct Options {
  RunOptions run;
  std::string format;  // csv or jsonl; empty: from the file name
};

int trace(const Options& o) {
  LoadedRun run = load(o.run);
  const RunConfig& c = run.config;
  // The ops the run times: with speculative decoding the verifying pass
  // through the drafting model; the header keeps the run's own workload.
  Workload verify = c.workload;
  if (verify.phase == Phase::decode) verify.tokens += draft_tokens(c.engine, run.model);
  Trace t = generate_trace(drafting_model(run.model, c.engine), c.precision, c.mapping, verify);
  t.workload = c.workload;
  TraceFormat f = o.format.empty()    ? trace_format_for(o.run.out)
                  : o.format == "csv" ? TraceFormat::csv
                                      : TraceFormat::jsonl;
  write_file_atomically(o.run.out, write_trace(t, f));
  if (o.run.quiet) return 0;
  OpTotals sum;
  std::int64_t ops = 0;
  for (const auto& d : t.devices) {
    for (const auto& op : d.ops) sum.add(op);
    ops += static_cast<std::int64_t>(d.ops.size());
  }
  const double tokens = static_cast<double>(c.workload.batch * c.workload.tokens);
  std::cout << fmt::format("{} ops of one {} step on {} devices ({}) -> {}\n", ops, enum_name(c.workload.phase),
                           t.devices.size(), c.mapping.str(), o.run.out);
  std::cout << fmt::format(
      "  per token: {}, {} of weights and {} of KV cache read, {} sent in collectives\n",
      to_string(Flops(sum.flops.value() / tokens)), to_string(Bytes(sum.weight_bytes.value() / tokens)),
      to_string(Bytes(sum.kv_read.value() / tokens)), to_string(Bytes(sum.collective_bytes.value() / tokens)));
  std::cout << fmt::format("  {} collectives over all devices, {} per device\n", sum.collectives,
                           sum.collectives / static_cast<std::int64_t>(t.devices.size()));
  return 0;
}

}  // namespace

Command trace_command() {
  auto o = std::make_shared<Options>();
  o->run.out = "out/trace.csv";
  return {"trace", "write the per-device operator trace of one step",
          [o](CLI::App& cmd) {
            add_run_options(cmd, o->run, "trace file (.csv or .jsonl)");
            cmd.add_option("--format", o->format, "csv or jsonl (default: from the file name)")
                ->check(CLI::IsMember({"csv", "jsonl"}));
          },
          [o](const Invocation&) { return trace(*o); }};
}

}  // namespace tokenfab
