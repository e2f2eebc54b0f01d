#include "hw/compute/emulated_attention.h"

#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

#include "emulator/kernels/kernel_attention.h"
#include "hw/compute/emulator_presets.h"

namespace tokenfab {
namespace {

// trace_gen.cc's softmax FLOPs a score (kSoftmaxFlopsPerScore): a score
// costs 2 (key width + value width) + this.
constexpr double kSoftmaxFlopsPerScore = 5;
constexpr std::int64_t kLastBucket = 16;  // tiles
constexpr int kMaxHeads = 16;             // query heads on a chip costed exactly

// A whole number from a ratio of the op's fields, or -1 if it is not one.
std::int64_t whole(double x) {
  const double r = std::round(x);
  return std::abs(x - r) < 1e-6 * std::max(1.0, std::abs(x)) ? static_cast<std::int64_t>(r) : -1;
}

// The scheduler's own count, each shape once per preset (emulator_preset's
// references are stable): the heads rule asks for the same 16- and 32-head
// shapes for every larger head count. Called under attention_cycles' mutex.
std::int64_t exact_cycles(const lpu::LpuParams& p, int heads, int kv_heads, int key_dim, int value_dim,
                          std::int64_t tiles) {
  static std::map<std::tuple<const lpu::LpuParams*, int, int, int, int, std::int64_t>, std::int64_t> exact;
  const auto key = std::make_tuple(&p, heads, kv_heads, key_dim, value_dim, tiles);
  if (auto it = exact.find(key); it != exact.end()) return it->second;
  const lpu::AttentionShape shape{.heads = heads,
                                  .kv_heads = kv_heads,
                                  .key_dim = key_dim,
                                  .value_dim = value_dim,
                                  .context = static_cast<int>(tiles * p.mxm_dim)};
  return exact.emplace(key, lpu::decode_attention(p, lpu::attention_data(shape, 0, true)).expected_cycles)
      .first->second;
}

// By the heads rule of the header: up to kMaxHeads exact; beyond, linear in
// the heads through the exact costs of kMaxHeads and twice as many, the KV
// heads scaled with them (at least one).
std::int64_t head_rule_cycles(const lpu::LpuParams& p, int heads, int kv_heads, int key_dim, int value_dim,
                              std::int64_t tiles) {
  if (heads <= kMaxHeads) return exact_cycles(p, heads, kv_heads, key_dim, value_dim, tiles);
  const int group = heads / kv_heads;
  auto at = [&](int h) {
    return static_cast<double>(exact_cycles(p, h, std::max(1, h / group), key_dim, value_dim, tiles));
  };
  const double low = at(kMaxHeads), high = at(2 * kMaxHeads);
  return std::llround(low + (high - low) / kMaxHeads * static_cast<double>(heads - kMaxHeads));
}

}  // namespace

std::optional<DecodeAttentionShape> decode_attention_shape(const Op& op) {
  if (op.kind != OpKind::attention || op.m < 1 || op.k < 1 || op.count < 1) return std::nullopt;
  if (op.dtype != Dtype::int8 && op.dtype != Dtype::fp8) return std::nullopt;
  const double m = static_cast<double>(op.m), heads = static_cast<double>(op.count);
  const double element = bytes_per_element(op.dtype);
  const std::int64_t per_token = whole(op.kv_write.value() / (m * element));
  const std::int64_t width = whole(op.activation_bytes.value() / (m * heads * kBf16Bytes));  // key + value
  if (per_token < 1 || width <= op.k) return std::nullopt;
  DecodeAttentionShape a;
  a.queries = op.m;
  a.heads = static_cast<int>(op.count);
  a.key_dim = static_cast<int>(op.k);
  a.value_dim = static_cast<int>(width - op.k);
  a.latent = per_token == op.k;
  a.kv_heads = a.latent ? 1 : static_cast<int>(per_token / (2 * op.k));
  if (!a.latent && (per_token != 2 * a.kv_heads * op.k || a.value_dim != a.key_dim)) return std::nullopt;
  if (a.kv_heads < 1 || a.heads % a.kv_heads != 0) return std::nullopt;
  // Decode: each query scores its cache and itself (fewer under a sliding
  // window); a second new token of a sequence would add at least half a
  // score a query more.
  const double cached = op.kv_read.value() / (static_cast<double>(per_token) * element);
  const double pairs = op.flops.value() / (heads * (2.0 * static_cast<double>(width) + kSoftmaxFlopsPerScore));
  if (pairs >= cached + 1.5 * m) return std::nullopt;
  a.context = static_cast<std::int64_t>(std::ceil(cached / m)) + 1;
  return a;
}

std::int64_t attention_cycles(const std::string& preset, const std::string& changes, int heads, int kv_heads,
                              int key_dim, int value_dim, std::int64_t context) {
  static std::mutex mutex;
  static std::map<std::tuple<std::string, std::string, int, int, int, int, std::int64_t>, std::int64_t> costs;
  const lpu::LpuParams& p = emulator_preset(preset, changes);
  auto bucket = [&](std::int64_t tiles) {
    const std::lock_guard<std::mutex> lock(mutex);
    const auto key = std::make_tuple(preset, changes, heads, kv_heads, key_dim, value_dim, tiles);
    auto it = costs.find(key);
    if (it == costs.end())
      it = costs.emplace(key, head_rule_cycles(p, heads, kv_heads, key_dim, value_dim, tiles)).first;
    return static_cast<double>(it->second);
  };
  const std::int64_t tiles = std::max<std::int64_t>(1, (context + p.mxm_dim - 1) / p.mxm_dim);
  std::int64_t low = 1;
  while (low * 2 <= std::min(tiles, kLastBucket)) low *= 2;
  if (low == tiles) return static_cast<std::int64_t>(bucket(tiles));
  const std::int64_t high = low == kLastBucket ? low : low * 2;
  const std::int64_t from = low == kLastBucket ? low / 2 : low;
  const double slope = (bucket(high) - bucket(from)) / static_cast<double>(high - from);
  return std::llround(bucket(low) + slope * static_cast<double>(tiles - low));
}

}  // namespace tokenfab
