# One helper declares every library and test so that each folder's CMake reads
# the same (after abseil's absl_cc_library).
#
#   tokenfab_library(NAME core SRCS units.cc ... DEPS PUBLIC fmt::fmt PRIVATE yaml-cpp)
#   tokenfab_test(NAME core_test SRCS units_test.cc DEPS tokenfab::core)
#
# A header belongs to the library that compiles the .cc of its stem, else to
# the one library compiling sources in its folder; HDRS names the headers
# neither rule places, e.g. a header-only file in a folder two libraries share
# (`HDRS memory/lt_sockets.h`). scripts/check_deps.py fails on an include of a
# header whose owner the includer does not link.
include_guard(GLOBAL)

function(tokenfab_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;HDRS;PUBLIC;PRIVATE" ${ARGN})
  add_library(tokenfab_${ARG_NAME} STATIC ${ARG_SRCS} ${ARG_HDRS})
  add_library(tokenfab::${ARG_NAME} ALIAS tokenfab_${ARG_NAME})
  target_include_directories(tokenfab_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(tokenfab_${ARG_NAME} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  target_compile_options(tokenfab_${ARG_NAME} PRIVATE ${TOKENFAB_WARNINGS})
endfunction()

# A doctest binary whose cases ctest runs one process each (a SystemC kernel
# elaborates once per process). The shared main lives in tests/doctest_main.cc.
function(tokenfab_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT TOKENFAB_BUILD_TESTS)
    return()
  endif()
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE tokenfab::test_main ${ARG_DEPS})
  target_compile_options(${ARG_NAME} PRIVATE ${TOKENFAB_WARNINGS})
  # The tests CI runs under the sanitizers (scripts/sanitize.sh --subset)
  # build through one target, `sanitize_tests`, made at the top level.
  if("sanitize" IN_LIST ARG_LABELS)
    set_property(GLOBAL APPEND PROPERTY TOKENFAB_SANITIZE_TESTS ${ARG_NAME})
  endif()
  doctest_discover_tests(${ARG_NAME} TEST_PREFIX "${ARG_NAME}: " WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # A list-valued property (two labels, two variables) does not survive
  # doctest's discovery script, which splits every value into arguments: a
  # file CTest includes after doctest's sets them on the discovered tests
  # (doctest's <target>_TESTS list; empty while the program is not built).
  set(_labels unit ${ARG_LABELS})
  set(_properties ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_properties.cmake)
  file(WRITE ${_properties}
       "foreach(t IN LISTS ${ARG_NAME}_TESTS)\n"
       "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${_labels}\"\n"
       "    ENVIRONMENT \"SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1;TOKENFAB_ROOT=${PROJECT_SOURCE_DIR}\")\n"
       "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${_properties})
endfunction()
