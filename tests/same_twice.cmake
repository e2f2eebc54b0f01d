# Runs one tokenfab command twice into the same output directory and fails
# unless the file it names comes out byte-identical: same inputs, same
# outputs, bit for bit (issue 13). The command line is recorded in the file,
# so both runs use the same one.
#   cmake -DTOKENFAB=... "-DARGS=run;--engine;systemc" -DOUT=dir -DFILE=results.json -P same_twice.cmake
file(REMOVE_RECURSE ${OUT})
foreach(i 1 2)
  execute_process(COMMAND ${TOKENFAB} ${ARGS} --out ${OUT} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "run ${i} failed (${rc}): ${err}")
  endif()
  file(READ ${OUT}/${FILE} content_${i} HEX)
  file(REMOVE_RECURSE ${OUT})
endforeach()
if(NOT content_1 STREQUAL content_2)
  message(FATAL_ERROR "${FILE} differs between two runs of: ${ARGS}")
endif()
message(STATUS "${FILE}: byte-identical over two runs of: ${ARGS}")
