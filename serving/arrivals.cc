// The request sources' queue (Arrivals) and the prefix cache of a replica
// (PrefixCache), declared in replica.h beside the replica that uses them.
#include <algorithm>
#include <string>

#include "core/diagnostics.h"
#include "serving/replica.h"

namespace tokenfab::serving_detail {

Arrivals::Arrivals(const RequestLoad& load) {
  if (const auto* open = std::get_if<OpenLoop>(&load)) {
    pending_.assign(open->requests.begin(), open->requests.end());
    for (std::size_t i = 1; i < pending_.size(); ++i) {
      if (pending_[i].arrival < pending_[i - 1].arrival)
        throw InputError({"requests"},
                         "request " + std::to_string(pending_[i].id) + " arrives before the one before it");
    }
  } else {
    closed_ = std::get<ClosedLoop>(load);
    if (closed_->concurrency < 1 || closed_->requests < 1)
      throw InputError({"concurrency"}, "expected at least one request and a concurrency of at least one");
    check_lengths(closed_->input, "input tokens");
    check_lengths(closed_->output, "output tokens");
    random_.emplace(closed_->seed);
    for (std::int64_t i = 0; i < std::min(closed_->concurrency, closed_->requests); ++i) send(Seconds(0));
  }
}

Request Arrivals::pop() {
  Request r = pending_.front();
  pending_.pop_front();
  return r;
}

void Arrivals::finished(Seconds t) {
  if (closed_ && sent_ < closed_->requests) send(t);
}

void Arrivals::send(Seconds t) {
  const std::int64_t input = random_->between(closed_->input);
  pending_.push_back({sent_++, t, input, random_->between(closed_->output), {}});
}

std::int64_t PrefixCache::matched(const std::vector<std::int64_t>& blocks) const {
  std::int64_t n = 0;
  while (n < std::ssize(blocks) && last_.contains(blocks[static_cast<std::size_t>(n)])) ++n;
  return n;
}

void PrefixCache::touch(const std::vector<std::int64_t>& blocks, std::int64_t count) {
  if (capacity_ <= 0) return;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t hash = blocks[static_cast<std::size_t>(i)];
    if (auto it = last_.find(hash); it != last_.end()) by_use_.erase(it->second);
    last_[hash] = tick_;
    by_use_[tick_++] = hash;
  }
  while (std::ssize(last_) > capacity_) {
    last_.erase(by_use_.begin()->second);
    by_use_.erase(by_use_.begin());
  }
}

}  // namespace tokenfab::serving_detail
