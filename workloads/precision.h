// Number formats of weights, activations and the KV cache, with the storage
// cost of their block scales.
//
//   bytes_per_element(Dtype::fp4)   // 0.5 + 1/16: NVFP4 keeps an FP8 scale per 16 values
//   bytes_per_element(Dtype::mxfp4) // 0.5 + 1/32: OCP MX keeps an E8M0 scale per 32 values
//   bytes_per_element(Dtype::fp8)   // 1 + 4/16384: DeepSeek-V3 keeps an FP32 scale per 128x128 block
//
// Sources: NVIDIA NVFP4 blog (16-element micro-blocks, FP8 E4M3 scale), OCP
// Microscaling spec v1.0 (32-element blocks, E8M0 scale), DeepSeek-V3
// config.json `weight_block_size: [128, 128]`.
#pragma once

#include <array>
#include <string_view>
#include <utility>

#include "core/value_codec.h"

namespace tokenfab {

enum class Dtype { fp4, mxfp4, fp8, int8, bf16, fp16, fp32 };

template <>
struct EnumNames<Dtype> {
  static constexpr std::array<std::pair<Dtype, std::string_view>, 7> table{{{Dtype::fp4, "fp4"},
                                                                            {Dtype::mxfp4, "mxfp4"},
                                                                            {Dtype::fp8, "fp8"},
                                                                            {Dtype::int8, "int8"},
                                                                            {Dtype::bf16, "bf16"},
                                                                            {Dtype::fp16, "fp16"},
                                                                            {Dtype::fp32, "fp32"}}};
};

// Bits of the element itself, without scales.
constexpr int element_bits(Dtype d) {
  switch (d) {
    case Dtype::fp4:
    case Dtype::mxfp4:
      return 4;
    case Dtype::fp8:
    case Dtype::int8:
      return 8;
    case Dtype::bf16:
    case Dtype::fp16:
      return 16;
    case Dtype::fp32:
      return 32;
  }
  return 0;
}

// Storage bytes per element including block-scale overhead.
constexpr double bytes_per_element(Dtype d) {
  switch (d) {
    case Dtype::fp4:
      return 0.5 + 1.0 / 16.0;
    case Dtype::mxfp4:
      return 0.5 + 1.0 / 32.0;
    case Dtype::fp8:
      return 1.0 + 4.0 / (128.0 * 128.0);
    case Dtype::int8:
    case Dtype::bf16:
    case Dtype::fp16:
    case Dtype::fp32:
      return element_bits(d) / 8.0;
  }
  return 0.0;
}

// Bytes of the formats activations and reductions use between ops.
inline constexpr double kBf16Bytes = bytes_per_element(Dtype::bf16);
inline constexpr double kFp32Bytes = bytes_per_element(Dtype::fp32);

// What a deployment stores and computes in.
struct Precision {
  Dtype weights = Dtype::bf16;            // linear layers of FFN and experts
  Dtype attention_weights = Dtype::bf16;  // attention projections
  Dtype embeddings = Dtype::bf16;         // token embedding and LM head
  Dtype kv_cache = Dtype::bf16;
  Dtype activations = Dtype::bf16;  // activations moved between devices and GEMM inputs
};

}  // namespace tokenfab
