# Runs a command and checks its exit status and, optionally, what it prints.
#   cmake -DEXPECT_STATUS=N [-DEXPECT_OUTPUT=REGEX] [-DEXPECT_ERROR=REGEX] -P expect_exit.cmake -- CMD ARGS...
# EXPECT_OUTPUT must match stdout, EXPECT_ERROR must match stderr.
set(command "")
set(collect OFF)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(collect)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(collect ON)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "expect_exit.cmake: no command after --")
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT 120)
string(JOIN " " shown ${command})
if(NOT "${status}" STREQUAL "${EXPECT_STATUS}")
  message(FATAL_ERROR "'${shown}' exited with ${status}, expected ${EXPECT_STATUS}\n"
                      "stdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED EXPECT_OUTPUT AND NOT out MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "'${shown}' printed no match for '${EXPECT_OUTPUT}' on stdout\n"
                      "stdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED EXPECT_ERROR AND NOT err MATCHES "${EXPECT_ERROR}")
  message(FATAL_ERROR "'${shown}' printed no match for '${EXPECT_ERROR}' on stderr\n"
                      "stdout:\n${out}\nstderr:\n${err}")
endif()
