// An LPU's decode attention timed by its emulator: the kernel library's
// decode-attention kernel (emulator/kernels/kernel_attention.h), costed by
// the scheduler's exact cycle prediction on the chip's preset, the reads of
// the cached keys and values from SRAM included.
//
// What is costed, and how:
// - Attention ops of a chip with an emulator preset whose every query token
//   attends to its own sequence's cache and itself (decode: one new token
//   per sequence) and whose cache is 8-bit (the kernel is INT8; a 16-bit
//   cache keeps the roofline until an FP16 kernel exists).
// - The kernel's shape comes from the op's fields as workloads/trace_gen.cc
//   sets them (op.h has no attention fields of its own): m query tokens,
//   count query heads, k the key width, activation_bytes = m x heads x (k +
//   value width) BF16, kv_write = m x (KV elements a token) x element bytes,
//   kv_read = cached tokens x the same. A token's KV elements equal to k is
//   one shared latent (MLA, absorbed: values are its first lanes); 2 x g x k
//   is GQA with g KV heads.
// - An op takes m x cycles(context) at the preset's clock, the queries one
//   after another, context = the mean cached tokens a query + 1 (its own key,
//   which the op appends). Sequences of different lengths are costed at
//   their mean: exact where cycles are linear between the buckets around them.
// - cycles(context) depends on T = ceil(context / mxm_dim) position tiles
//   only (the kernel pads to whole tiles). At the buckets T = 1, 2, 4, 8, 16
//   the scheduler costs the kernel itself, once per process per shape;
//   between them cycles are linear in T through the two buckets around it;
//   beyond 16 tiles, linear through the costs of 8 and 16 (each tile then
//   adds the same work; the scheduler's time grows faster than linearly with
//   the tiles, so larger contexts are not scheduled). Held to 5% of the exact
//   cycles at off-bucket contexts in emulated_attention_test.cc (3.8% seen
//   on tsp-v1).
// - Beyond 16 query heads on a chip the heads are not scheduled either (the
//   scheduler took 25 s for DeepSeek-R1's 128 MLA heads over 16 tiles on
//   lp30): cycles are linear in the heads through the exact costs of 16 and
//   32 heads, the KV heads scaled with them (one shared KV head stays one);
//   from 16 heads on each head adds about the same work (8 to 16 add less,
//   as the heads' pipelines overlap). Held to 5% of the exact cycles in
//   emulated_attention_test.cc (4.4% seen on tsp-v1 at 48 heads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hw/compute/compute_config.h"
#include "workloads/op.h"

namespace tokenfab {

// The kernel's view of an attention op.
struct DecodeAttentionShape {
  std::int64_t queries = 0;  // new tokens, one kernel run each
  int heads = 0, kv_heads = 0, key_dim = 0, value_dim = 0;
  bool latent = false;
  std::int64_t context = 0;  // positions each query attends, its own included (mean, rounded up)
  bool operator==(const DecodeAttentionShape&) const = default;
};
// The shape of a decode attention op, or nullopt if `op` is not one (by the
// fields above).
std::optional<DecodeAttentionShape> decode_attention_shape(const Op& op);

// Cycles of one query's decode attention on `preset` with `changes`
// ("key=value;..."), by the rule above.
std::int64_t attention_cycles(const std::string& preset, const std::string& changes, int heads, int kv_heads,
                              int key_dim, int value_dim, std::int64_t context);

}  // namespace tokenfab
