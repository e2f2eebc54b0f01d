# Configures the fixture tree with one CASE and runs the dependency check on
# it: EXPECT is "pass", or a message the check must print when it fails.
#   cmake -DCASE=upward -DEXPECT=... -DPYTHON=... -DROOT=<source root> -DWORK=<dir> -P check_fixture.cmake
set(fixture ${ROOT}/tests/deps/fixture)
set(build ${WORK}/${CASE})
file(REMOVE_RECURSE ${build})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${fixture} -B ${build} -DCASE=${CASE} -DTOKENFAB_CMAKE_DIR=${ROOT}/cmake
  RESULT_VARIABLE configured OUTPUT_VARIABLE configure_log ERROR_VARIABLE configure_log)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "the fixture did not configure:\n${configure_log}")
endif()
execute_process(
  COMMAND ${PYTHON} ${ROOT}/scripts/check_deps.py --map ${build}/tokenfab_targets.json --root ${fixture}
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
message("${output}")
if(EXPECT STREQUAL "pass")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "case ${CASE}: expected the check to pass")
  endif()
else()
  if(result EQUAL 0)
    message(FATAL_ERROR "case ${CASE}: expected the check to fail with: ${EXPECT}")
  endif()
  string(FIND "${output}" "${EXPECT}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "case ${CASE}: expected the message: ${EXPECT}")
  endif()
endif()
