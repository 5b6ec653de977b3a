# SPDX-License-Identifier: BSL-1.0
# Every header under include/mailwire/ compiles on its own (it includes what it uses), checked
# with -fsyntax-only one header at a time. Called by CTest (repo.headers_self_contained) with
# -DCXX=... -DINCLUDE_DIR=... -DMBEDTLS_INCLUDE=... (empty: the mbedtls_*.hpp headers are skipped).
file(GLOB_RECURSE headers RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/mailwire/*.hpp")
list(SORT headers)
set(failed "")
foreach(h IN LISTS headers)
    if(h MATCHES "^mailwire/mbedtls_" AND NOT MBEDTLS_INCLUDE)
        continue()
    endif()
    set(extra "")
    if(MBEDTLS_INCLUDE AND NOT MBEDTLS_INCLUDE STREQUAL "ON")
        set(extra "-I${MBEDTLS_INCLUDE}")
    endif()
    if(h STREQUAL "mailwire/arduino_client_transport.hpp")
        # Needs the core's Arduino.h: the host stand-ins (tests/arduino/host), as a board build has it.
        list(APPEND extra "-I${CMAKE_CURRENT_LIST_DIR}/../arduino/host" -DARDUINO=10819)
    endif()
    if(h STREQUAL "mailwire/zephyr_transport.hpp")
        # Needs Zephyr's headers: the host stand-ins of examples/zephyr, as the Zephyr build has them.
        list(APPEND extra "-I${CMAKE_CURRENT_LIST_DIR}/../../examples/zephyr/host/include" -D__ZEPHYR__=1)
    endif()
    file(WRITE "${OUT_DIR}/self_contained.cpp" "#include <${h}>\n")
    execute_process(
        COMMAND "${CXX}" -std=c++17 -fsyntax-only -Wall -Wextra -Werror "-I${INCLUDE_DIR}" ${extra}
                "${OUT_DIR}/self_contained.cpp"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        string(APPEND failed "\n${h}:\n${out}${err}")
    endif()
endforeach()
list(LENGTH headers count)
if(failed)
    message(FATAL_ERROR "headers that do not compile on their own:${failed}")
endif()
message(STATUS "${count} headers, each compiles on its own")
