// `tokenfab assemble` and `tokenfab disassemble`: LPU programs from text to
// their binary form and back, checked against a chip preset.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "app/command.h"
#include "core/atomic_file.h"
#include "core/diagnostics.h"
#include "emulator/isa/assembler.h"
#include "emulator/isa/chip_params.h"
#include "emulator/isa/program_binary.h"

namespace tokenfab {
namespace {

struct Options {
  std::string input;
  std::string chip = "configs/lpu/tsp_v1.yaml";
  std::string out;
};

int convert(const Options& o, bool to_binary) {
  const lpu::LpuParams params = lpu::load_lpu_params(o.chip);
  const std::string data = read_input_file(o.input);
  if (to_binary) {
    std::vector<std::uint8_t> bytes = lpu::encode(lpu::assemble(data, o.input, params));
    write_file_atomically(o.out, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  } else {
    write_file_atomically(o.out, lpu::disassemble(lpu::decode({data.begin(), data.end()}, o.input, params)));
  }
  std::cout << "wrote " << o.out << "\n";
  return 0;
}

Command program_command(std::string name, std::string description, bool to_binary) {
  auto o = std::make_shared<Options>();
  return {std::move(name), std::move(description),
          [o](CLI::App& cmd) {
            cmd.add_option("file", o->input, "input program")->required();
            cmd.add_option("--chip", o->chip, "LPU preset (configs/lpu/*.yaml)")->capture_default_str();
            require_output_path(cmd.add_option("--out", o->out, "output file")->required());
          },
          [o, to_binary](const Invocation&) { return convert(*o, to_binary); }};
}

}  // namespace

Command assemble_command() {
  return program_command("assemble", "assemble an LPU program (text) into its binary form", true);
}

Command disassemble_command() { return program_command("disassemble", "turn an LPU binary back into text", false); }

}  // namespace tokenfab
