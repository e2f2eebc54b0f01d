// Request traces replayed by `tokenfab serve --trace`: when each request
// arrived and its prompt and output lengths, in the published formats
// (economics-serving.md section 4), told apart by name and header:
//
//   Azure LLM inference (2023, 2024)  .csv   TIMESTAMP,ContextTokens,GeneratedTokens
//       datetimes "2023-11-16 18:15:46.6805900" or "2024-05-10 00:00:00.009930+00:00"
//   BurstGPT                          .csv   Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
//       seconds from the trace's start; a row of 0 response tokens is a failed request, skipped
//   Mooncake                          .jsonl {"timestamp": ms, "input_length", "output_length", "hash_ids": [...]}
//
//   RequestTrace t = read_request_trace("workloads/requests/azure_conv_sample.csv");
//   t.requests[0].arrival == 0 s (times from the first request), t.skipped (BurstGPT failures)
//
// Bad input is an InputError with file:line: a missing column, a length that
// is not a whole number of at least 1 (0 output tokens outside BurstGPT),
// a timestamp earlier than the one before it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "serving/requests.h"

namespace tokenfab {

enum class RequestTraceFormat { azure, burstgpt, mooncake };

struct RequestTrace {
  RequestTraceFormat format = RequestTraceFormat::azure;
  std::vector<Request> requests;  // arrivals from the first request's, ids in file order
  std::int64_t skipped = 0;       // failed requests left out (BurstGPT)
  // Tokens per prefix block of the requests' prefix_blocks (Mooncake's
  // hash_ids are of 512-token blocks, economics-serving.md 3.5); 0: none.
  std::int64_t prefix_block_tokens = 0;
};

RequestTrace read_request_trace(const std::string& file);

// Seconds since 1970 of "YYYY-MM-DD hh:mm:ss[.fraction][+hh:mm|Z]"; nullopt when it is not one.
std::optional<double> parse_datetime(const std::string& text);

// Each arrival time divided by `speedup` (2: the same requests twice as fast).
void scale_arrivals(std::vector<Request>& requests, double speedup);

}  // namespace tokenfab
