# SPDX-License-Identifier: BSL-1.0
# Runs one compile-fail test or its control; see CMakeLists.txt beside this file.
#   cmake -DCONFIG=<generated settings> -P run_compile_test.cmake
# The settings file sets MODE (fail or control), COMPILER, FLAGS, SOURCE, OBJECT and EXPECT.
if(NOT CONFIG OR NOT EXISTS "${CONFIG}")
    message(FATAL_ERROR "run_compile_test.cmake: pass -DCONFIG=<settings file> (got '${CONFIG}')")
endif()
include("${CONFIG}")

set(command "${COMPILER}" ${FLAGS})
if(MODE STREQUAL "control")
    list(APPEND command -DMAILWIRE_CONTROL)
endif()
list(APPEND command -c "${SOURCE}" -o "${OBJECT}")
file(REMOVE "${OBJECT}")

list(JOIN command " " shown)
message("${shown}")
# LC_ALL=C: plain ASCII quotes and English diagnostics, whatever the caller's locale.
execute_process(COMMAND "${CMAKE_COMMAND}" -E env LC_ALL=C ${command}
                RESULT_VARIABLE status
                OUTPUT_VARIABLE output
                ERROR_VARIABLE output)
message("${output}")

if(MODE STREQUAL "control")
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "FAILED: the control (-DMAILWIRE_CONTROL) of ${SOURCE} does not compile, so "
                            "its compile-fail test would prove nothing. Fix the snippet or the flags.")
    endif()
    message("PASSED: the control compiles.")
    return()
endif()

if(status EQUAL 0)
    message(FATAL_ERROR "FAILED: ${SOURCE} compiled, but this misuse must be rejected at compile time.")
endif()
if(NOT output MATCHES "${EXPECT}")
    message(FATAL_ERROR "FAILED: ${SOURCE} did not compile, as it must, but no diagnostic matches the "
                        "regular expression [${EXPECT}]: the message users see has changed or the "
                        "snippet fails for another reason.")
endif()
message("PASSED: does not compile, and the diagnostics match [${EXPECT}].")
