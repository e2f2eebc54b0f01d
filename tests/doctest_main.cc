// The one main() of every doctest binary. Binaries that link libsystemc must
// also define sc_main, since the library's own main() refers to it
// (shared/reference/toolchain.md §1); ours is never called.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

extern "C" int sc_main(int, char**) { return 0; }
