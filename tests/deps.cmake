# The dependency direction, enforced: every include of a project header must
# name a header of the includer's own target or of one it links
# (scripts/check_deps.py over the map cmake/TokenfabDependencyMap.cmake writes).
# Every target exports the repository root, so the compiler alone cannot catch
# an include that goes against the direction. The map is written when the
# top-level CMakeLists.txt ends, so that it holds every target however the
# add_subdirectory() calls are ordered.
# The third-party headers are held to their links the same way, so that
# "emulator/ never includes SystemC" and "only app parses the command line"
# are checked too.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR}
  CALL tokenfab_write_dependency_map ${PROJECT_BINARY_DIR}/tokenfab_targets.json
  EXTERNAL "SystemC::systemc=systemc,systemc.h,tlm,tlm.h,tlm_core/,tlm_utils/,sysc/"
           "Eigen3::Eigen=Eigen/,unsupported/Eigen/"
           "yaml-cpp::yaml-cpp=yaml-cpp/"
           "CLI11::CLI11=CLI/"
           "nlohmann_json::nlohmann_json=nlohmann/"
           "fmt::fmt=fmt/"
           "doctest::doctest=doctest/,doctest.h"
           "benchmark::benchmark=benchmark/"
           "benchmark::benchmark_main=benchmark/")

add_test(NAME "deps: every include names a header of a linked library"
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/check_deps.py
          --map ${PROJECT_BINARY_DIR}/tokenfab_targets.json --root ${PROJECT_SOURCE_DIR})
set_tests_properties("deps: every include names a header of a linked library" PROPERTIES LABELS "deps")

# The check itself, on a tiny tree (tests/deps/fixture): it passes where the
# includes follow the links and fails, naming the include, where one does not.
function(deps_fixture_case case expect description)
  add_test(NAME "deps: ${description}"
    COMMAND ${CMAKE_COMMAND} -DCASE=${case} "-DEXPECT=${expect}" -DPYTHON=${Python3_EXECUTABLE}
            -DROOT=${PROJECT_SOURCE_DIR} -DWORK=${PROJECT_BINARY_DIR}/deps_fixture
            -P ${PROJECT_SOURCE_DIR}/tests/deps/check_fixture.cmake)
  set_tests_properties("deps: ${description}" PROPERTIES LABELS "deps")
endfunction()
deps_fixture_case(none pass
  "the check passes a tree whose includes follow its links, PUBLIC ones transitively")
deps_fixture_case(listed pass
  "the check passes a shared folder's header that HDRS places")
deps_fixture_case(upward
  "base/upward.cc:1: includes mid/mid.h (tokenfab::mid), but tokenfab::base does not link it"
  "the check fails a library that includes a header of a library above it")
deps_fixture_case(private
  "side/through_private.cc:1: includes mid/mid.h (tokenfab::mid), but tokenfab::side does not link it"
  "the check fails an include reached only through another library's PRIVATE link")
deps_fixture_case(test
  "top/test_includes_side.cc:1: includes side/side.h (tokenfab::side), but top_test does not link it"
  "the check fails a test that includes a header of a library it does not link")
deps_fixture_case(external
  "base/external.cc:1: includes <fake_systemc/systemc.h> (Fake::systemc), but tokenfab::base does not link it"
  "the check fails an include of a third-party header whose target the includer does not link")
deps_fixture_case(unowned
  "loose/loose.h: belongs to no target"
  "the check fails an include of a header no target owns")
deps_fixture_case(ambiguous
  "shared/common.h: belongs to no one target: tokenfab::shared_a, tokenfab::shared_b compile sources in its folder"
  "the check fails a header two libraries could own")
