# SPDX-License-Identifier: BSL-1.0
# Every Catch test name must survive catch_discover_tests: CTest keeps its test names in a CMake
# list, so a ';' in a name splits it, and the test CTest then runs is a truncated name that
# matches no test case (it "passes" without running). Fails naming each such TEST_CASE.
#   cmake -DSOURCE_DIR=<repo> -P tests/packaging/test_names.cmake
file(GLOB_RECURSE sources "${SOURCE_DIR}/tests/*.cpp")
set(bad "")
foreach(f IN LISTS sources)
    file(READ "${f}" text)
    # The name: TEST_CASE(" up to the closing quote of its first literal.
    string(REGEX MATCHALL "TEST_CASE\\(\"[^\"]*" cases "${text}")
    foreach(c IN LISTS cases)
        # (MATCHALL's own list splits a match at ';': a piece that is not a whole match had one.)
        if(NOT c MATCHES "^TEST_CASE\\(\"")
            file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
            string(APPEND bad "\n  ${rel}: ...${c}")
        endif()
    endforeach()
endforeach()
if(bad)
    message(FATAL_ERROR "test names with ';' (CTest would run none of them; use ',' or ':'):${bad}")
endif()
message(STATUS "test names: no ';' in any TEST_CASE name")
