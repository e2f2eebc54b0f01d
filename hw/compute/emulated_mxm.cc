#include "hw/compute/emulated_mxm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "emulator/kernels/kernel_matmul.h"
#include "hw/common/op_timing.h"
#include "hw/compute/emulated_attention.h"
#include "hw/compute/emulator_presets.h"

namespace tokenfab {
namespace {

// Costs are shared by every step of a process (a sweep re-binds configs
// thousands of times); the scheduler is the expensive part.
std::mutex cache_mutex;

// The scheduler's exact prediction; its data are placeholders (timing does
// not depend on values). Each shape once per preset (emulator_preset's
// references are stable): the rules below ask for the same bucket and tile
// shapes for many row counts. Called under cache_mutex.
std::int64_t exact_cycles(const lpu::LpuParams& p, std::int64_t m, std::int64_t k, std::int64_t n, bool int8) {
  static std::map<std::tuple<const lpu::LpuParams*, std::int64_t, std::int64_t, std::int64_t, bool>, std::int64_t>
      exact;
  const auto key = std::make_tuple(&p, m, k, n, int8);
  if (auto it = exact.find(key); it != exact.end()) return it->second;
  const auto type = int8 ? lpu::ElemType::i8 : lpu::ElemType::f16;
  const std::int64_t cycles =
      lpu::matmul(p, lpu::matmul_data(static_cast<int>(m), static_cast<int>(k), static_cast<int>(n), 1, type))
          .expected_cycles;
  return exact.emplace(key, cycles).first->second;
}

std::int64_t tiles_of(std::int64_t size, int dim) { return (size + dim - 1) / dim; }

// The row counts costed exactly: every one to 8, then half octaves to 64;
// scheduling each of up to 64 row counts of every shape made a frontier
// search's first step take tens of seconds.
constexpr std::array<std::int64_t, 7> kRowBuckets = {8, 12, 16, 24, 32, 48, 64};

std::int64_t rule_cycles(const lpu::LpuParams& p, std::int64_t m, std::int64_t k, std::int64_t n, bool int8) {
  constexpr std::int64_t kMaxRows = 64, kMaxTiles = 64;
  if (m > kMaxRows) {
    const double per_row = static_cast<double>(rule_cycles(p, kMaxRows, k, n, int8)) / kMaxRows;
    return static_cast<std::int64_t>(std::llround(per_row * static_cast<double>(m)));
  }
  if (m > kRowBuckets.front() && !std::binary_search(kRowBuckets.begin(), kRowBuckets.end(), m)) {
    const auto high = std::upper_bound(kRowBuckets.begin(), kRowBuckets.end(), m);
    const std::int64_t lo = *(high - 1), hi = *high;
    const double c_lo = static_cast<double>(rule_cycles(p, lo, k, n, int8));
    const double c_hi = static_cast<double>(rule_cycles(p, hi, k, n, int8));
    return std::llround(c_lo + (c_hi - c_lo) * static_cast<double>(m - lo) / static_cast<double>(hi - lo));
  }
  const int dim = p.mxm_dim;
  const std::int64_t tiles = tiles_of(k, dim) * tiles_of(n, dim);
  if (tiles <= kMaxTiles) return exact_cycles(p, m, k, n, int8);
  const std::int64_t c16 = exact_cycles(p, m, 4 * dim, 4 * dim, int8);
  const std::int64_t c64 = exact_cycles(p, m, 8 * dim, 8 * dim, int8);
  const double slope = static_cast<double>(c64 - c16) / 48.0;
  return c64 + static_cast<std::int64_t>(std::llround(slope * static_cast<double>(tiles - 64)));
}

bool is_mxm(OpKind kind) { return kind == OpKind::gemm || kind == OpKind::grouped_gemm || kind == OpKind::router; }

bool eight_bit(Dtype d) { return d == Dtype::int8 || d == Dtype::fp8; }

}  // namespace

bool emulated(const ComputeConfig& compute, const Op& op) {
  if (compute.emulator.empty()) return false;
  if (op.kind == OpKind::attention) return decode_attention_shape(op).has_value();
  return is_mxm(op.kind) && op.m > 0 && op.k > 0 && op.n > 0;
}

std::int64_t mxm_cycles(const std::string& preset, const std::string& changes, std::int64_t m, std::int64_t k,
                        std::int64_t n, bool int8) {
  static std::map<std::tuple<std::string, std::string, std::int64_t, std::int64_t, std::int64_t, bool>, std::int64_t>
      costs;
  const std::lock_guard<std::mutex> lock(cache_mutex);
  const auto key = std::make_tuple(preset, changes, m, k, n, int8);
  auto it = costs.find(key);
  if (it == costs.end()) it = costs.emplace(key, rule_cycles(emulator_preset(preset, changes), m, k, n, int8)).first;
  return it->second;
}

Seconds emulated_time(const ComputeConfig& compute, const Op& op) {
  const Hertz clock = emulator_preset(compute.emulator, compute.emulator_set).clock;
  if (const auto a = op.kind == OpKind::attention ? decode_attention_shape(op) : std::nullopt) {
    const std::int64_t cycles = attention_cycles(compute.emulator, compute.emulator_set, a->heads, a->kv_heads,
                                                 a->key_dim, a->value_dim, a->context);
    return Seconds(static_cast<double>(cycles * a->queries) / clock.value());
  }
  const std::int64_t cycles = mxm_cycles(compute.emulator, compute.emulator_set, op.m, op.k, op.n, eight_bit(op.dtype));
  return Seconds(static_cast<double>(cycles * std::max<std::int64_t>(op.count, 1)) / clock.value());
}

Bytes kernel_bytes(const ComputeConfig& compute, const Op& op) {
  if (!emulated(compute, op)) return memory_bytes(op);
  // The cycles read the weights, or attention's cached keys and values.
  return memory_bytes(op) - (op.kind == OpKind::attention ? op.kv_read : op.weight_bytes);
}

}  // namespace tokenfab
