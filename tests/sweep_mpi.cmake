# One sweep in one process and across 2 MPI ranks on this machine: the
# results must be the same, byte for byte.
#   cmake -DTOKENFAB=... -DMPIEXEC=... -DSPEC=... -DOUT=... -P sweep_mpi.cmake
file(REMOVE_RECURSE ${OUT}/one ${OUT}/two)
execute_process(COMMAND ${TOKENFAB} sweep ${SPEC} --out ${OUT}/one RESULT_VARIABLE rc1 OUTPUT_QUIET ERROR_QUIET)
# As root OpenMPI needs its consent; two ranks on two cores need no more slots.
execute_process(COMMAND ${MPIEXEC} --allow-run-as-root --oversubscribe -n 2 ${TOKENFAB} sweep ${SPEC} --out ${OUT}/two
                RESULT_VARIABLE rc2 OUTPUT_VARIABLE said ERROR_VARIABLE err)
if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "sweep failed: one process ${rc1}, two ranks ${rc2}: ${said} ${err}")
endif()
if(NOT said MATCHES "over 2 MPI ranks")
  message(FATAL_ERROR "the sweep did not run over 2 ranks: ${said}")
endif()
file(READ ${OUT}/one/results.jsonl one)
file(READ ${OUT}/two/results.jsonl two)
if(NOT one STREQUAL two)
  message(FATAL_ERROR "results.jsonl differs between one process and 2 MPI ranks")
endif()
message(STATUS "same results from one process and 2 MPI ranks")
