# Runs one tokenfab command that must fail on bad input: exit code 2, the
# expected message on stderr, and nothing written to the output path.
#   cmake -DTOKENFAB=... -DARGS="run;file.yaml" -DEXPECT="..." -DOUT=... -P expect_failure.cmake
if(OUT)
  file(REMOVE_RECURSE "${OUT}")
  list(APPEND ARGS --out "${OUT}")
endif()
execute_process(COMMAND "${TOKENFAB}" ${ARGS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "expected exit code 2, got '${rc}'\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "expected on stderr: ${EXPECT}\ngot: ${err}")
endif()
if(OUT AND EXISTS "${OUT}")
  message(FATAL_ERROR "a failed run left output behind: ${OUT}")
endif()
message(STATUS "failed as expected: ${err}")
