#include "app/commands.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/command.h"
#include "core/diagnostics.h"

namespace tokenfab {

void require_output_path(CLI::Option* option) {
  option->check(CLI::Validator(
      [](std::string& value) {
        return value.empty() ? std::string("an empty output path: name a directory or file") : "";
      },
      "PATH"));
}

std::string read_input_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError({file}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run_cli(int argc, char** argv) {
  // Every subcommand, in the order `tokenfab --help` lists them.
  std::vector<Command> commands = {run_command(),       trace_command(),    ceiling_command(),  pareto_command(),
                                   pod_command(),       validate_command(), assemble_command(), disassemble_command(),
                                   emulate_command(),   params_command(),   sweep_command(),    compare_command(),
                                   economics_command(), serve_command()};
  CLI::App app{"tokenfab: performance model of AI inference token factories"};
  app.require_subcommand(1);
  std::vector<CLI::App*> parsers;
  for (auto& command : commands) {
    parsers.push_back(app.add_subcommand(command.name, command.description));
    command.add_options(*parsers.back());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  const Invocation invocation{{argv + 1, argv + argc}};
  try {
    for (std::size_t i = 0; i < commands.size(); ++i) {
      if (parsers[i]->parsed()) return commands[i].run(invocation);
    }
  } catch (const InputError& e) {
    std::cerr << e.what();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}

}  // namespace tokenfab
