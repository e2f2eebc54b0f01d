// tokenfab: performance model of AI inference token factories.
//
//   tokenfab run configs/runs/default.yaml
//   tokenfab trace configs/runs/default.yaml --out r1.csv
//   tokenfab params system
//
// Exit codes: 0 success, 2 bad input (every problem printed with its
// file:line:col), 1 anything else.
#include "app/commands.h"

// libsystemc's own main() refers to sc_main; ours is main(), which starts the
// kernel only for `run --engine systemc`.
extern "C" int sc_main(int, char**) { return 0; }

int main(int argc, char** argv) { return tokenfab::run_cli(argc, argv); }
