// Reads a Hugging Face transformers `config.json` as published into a
// ModelSpec. Keys the performance model does not need (token ids, dropout,
// rope scaling...) are ignored; keys it needs are checked for type and range
// and reported with file:line:col. Types are JSON's own: a count must be an
// integer literal, so "8192", 8192.5 and true are refused, not converted
// (Python reads 8192.0 as a float too); null is an absent optional key.
//
// Supported `model_type`s: llama, mistral, qwen2, qwen3 (dense GQA);
// mixtral, qwen3_moe (MoE, GQA); deepseek_v3, kimi_k2 (MLA + MoE with shared
// experts and leading dense layers); gpt_oss (MoE with biases, attention
// sinks and alternating sliding-window layers).
#pragma once

#include <filesystem>

#include "core/config_node.h"
#include "workloads/model.h"

namespace tokenfab {

// Throws InputError listing every problem.
ModelSpec load_hf_config(const std::filesystem::path& file);
// For tests and embedded configs; `name` labels the model and its errors.
ModelSpec read_hf_config(const ConfigNode& root, const std::string& name, Diagnostics& diags);

}  // namespace tokenfab
