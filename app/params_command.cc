// `tokenfab params`: the parameters of a config document as a Markdown table,
// from the schema that parses it.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/command.h"
#include "app/run_config.h"
#include "emulator/isa/chip_params.h"
#include "hw/system/pod_config.h"

namespace tokenfab {
namespace {

int print_params(const std::string& what) {
  // Every config document, by the name `tokenfab params` takes.
  const std::vector<std::pair<std::string, std::function<std::vector<ParamDoc>()>>> documents = {
      {"run", [] { return run_schema().document(); }},
      {"system", [] { return system_schema().document(); }},
      {"chip", [] { return chip_schema().document(); }},
      {"link", [] { return link_schema().document(); }},
      {"fabric", [] { return fabric_schema().document(); }},
      {"pod", [] { return pod_schema().document(); }},
      {"lpu", [] { return lpu::lpu_params_schema().document(); }},
  };
  for (const auto& [name, document] : documents) {
    if (name != what) continue;
    std::cout << "| key | type | default | range | description |\n|---|---|---|---|---|\n";
    for (const auto& row : document()) {
      std::cout << "| `" << row.key << "` | " << row.type << " | " << row.default_text << " | " << row.range << " | "
                << row.description << " |\n";
    }
    return 0;
  }
  throw InputError({"params"}, "unknown document '" + what + "' (run, system, chip, link, fabric, pod, lpu)");
}

}  // namespace

Command params_command() {
  auto what = std::make_shared<std::string>("run");
  return {"params", "print the parameters of a config document as a Markdown table",
          [what](CLI::App& cmd) {
            cmd.add_option("document", *what, "run, system, chip, link, fabric, pod or lpu")->capture_default_str();
          },
          [what](const Invocation&) { return print_params(*what); }};
}

}  // namespace tokenfab
