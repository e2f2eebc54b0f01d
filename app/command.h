// One subcommand of the tokenfab command line: its name, one line of help,
// how it adds its options to the parser and how it runs once they are
// parsed. The options live in state the two functions share, so that each
// command file owns its options, its checks and its output.
//
//   Command ceiling_command() {
//     auto o = std::make_shared<CeilingOptions>();
//     return {"ceiling", "search mappings ...",
//             [o](CLI::App& cmd) { cmd.add_option("--max-batch", o->max_batch, "..."); },
//             [o](const Invocation&) { return run_ceiling(*o); }};
//   }
//
// commands.cc lists every command in one table, in the order `--help` shows.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace tokenfab {

struct Invocation {
  std::vector<std::string> arguments;  // the command line after the program name, as results.json records it
};

struct Command {
  std::string name;
  std::string description;
  std::function<void(CLI::App&)> add_options;
  std::function<int(const Invocation&)> run;  // the exit code: 0 success, 1 failure, 2 bad input
};

// A check for an output option: an empty path would write into the working
// directory under another name than the one printed, so it is refused.
void require_output_path(CLI::Option* option);

// A whole input file, or InputError when it cannot be read.
std::string read_input_file(const std::string& file);

// One per command file of app/.
Command run_command();
Command trace_command();
Command ceiling_command();
Command pareto_command();
Command pod_command();
Command validate_command();
Command assemble_command();
Command disassemble_command();
Command emulate_command();
Command params_command();
Command sweep_command();
Command compare_command();
Command economics_command();
Command serve_command();

}  // namespace tokenfab
