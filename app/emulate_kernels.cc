// `tokenfab emulate --kernel NAME`: one registry maps each name to its runner
// and says which options apply to it.
#include "app/emulate_kernels.h"

#include <algorithm>

#include "app/emulate_runners.h"
#include "core/diagnostics.h"
#include "emulator/reference/kernel_vector.h"

namespace tokenfab {

namespace {

struct KernelEntry {
  std::string_view name;
  int (*run)(const lpu::LpuParams&, const KernelOptions&);
  bool matrix = false;  // --shape, --type and --timing-only apply
  bool layer = false;   // --d, --heads, --ffn and --context apply
  bool chips = false;   // --chips applies
};

const std::vector<KernelEntry>& registry() {
  static const std::vector<KernelEntry> kernels = [] {
    std::vector<KernelEntry> k = {
        {"gemv", run_gemv, true, false, false},
        {"matmul", run_matmul_kernel, true, false, false},
        {"allreduce", run_all_reduce, false, false, true},
        {"layer", run_layer, false, true, true},
    };
    // vector_kernel_names() is a function-local static: the views stay valid.
    for (const std::string& name : lpu::vector_kernel_names()) k.push_back({name, run_vector});
    return k;
  }();
  return kernels;
}

}  // namespace

std::vector<std::string_view> kernel_names() {
  std::vector<std::string_view> names;
  for (const KernelEntry& k : registry()) names.push_back(k.name);
  return names;
}

int cmd_emulate_kernel(const KernelOptions& o) {
  const auto& kernels = registry();
  const auto entry =
      std::find_if(kernels.begin(), kernels.end(), [&](const KernelEntry& k) { return k.name == o.kernel; });
  if (entry == kernels.end()) {
    std::string names;
    for (const KernelEntry& k : kernels) names += (names.empty() ? "" : ", ") + std::string(k.name);
    throw InputError({"--kernel"}, "unknown kernel '" + o.kernel + "' (" + names + ")");
  }
  if ((o.d > 0 || o.heads > 0 || o.ffn > 0 || o.context >= 0) && !entry->layer)
    throw InputError({"--kernel"}, "--d, --heads, --ffn and --context apply to the layer kernel");
  if (o.chips > 0 && !entry->chips)
    throw InputError({"--chips"},
                     "applies to the allreduce and layer kernels; the " + o.kernel + " kernel runs on one chip");
  if (o.timing_only && !entry->matrix)
    throw InputError({"--timing-only"}, "applies to files and the gemv and matmul kernels; the " + o.kernel +
                                            " kernel is checked against its reference");
  if (o.type != "i8" && !entry->matrix)
    throw InputError({"--type"}, "applies to gemv and matmul; the " + o.kernel + " kernel's types are fixed");
  const lpu::LpuParams params = lpu::load_lpu_params(o.chip_file);
  if (entry->matrix && o.type != "i8" && o.type != "f16")
    throw InputError({"--type"}, "expected i8 or f16, got '" + o.type + "'");
  return entry->run(params, o);
}

}  // namespace tokenfab
