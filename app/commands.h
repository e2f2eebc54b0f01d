// The subcommands of the tokenfab command line, each a function from parsed
// options to an exit code, so that tests can call them in process.
#pragma once

namespace tokenfab {

int run_cli(int argc, char** argv);

}  // namespace tokenfab
