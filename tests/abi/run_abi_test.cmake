# SPDX-License-Identifier: BSL-1.0
# Builds tests/abi's two translation units (different knobs) into one program with link-time
# optimisation and -Werror=odr, then runs it. Called by CTest (abi.knobs_per_translation_unit)
# with -DCXX=... -DSOURCE_DIR=... -DINCLUDE_DIR=... -DOUT=...
execute_process(
    COMMAND "${CXX}" -std=c++17 -O1 -flto -Wodr -Werror=odr "-I${INCLUDE_DIR}"
            "${SOURCE_DIR}/firmware_knobs.cpp" "${SOURCE_DIR}/default_knobs.cpp" -o "${OUT}"
    RESULT_VARIABLE built OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT built EQUAL 0)
    message(FATAL_ERROR "the two translation units did not build into one program:\n${out}${err}")
endif()
execute_process(COMMAND "${OUT}" RESULT_VARIABLE ran OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}")
if(NOT ran EQUAL 0)
    message(FATAL_ERROR "each translation unit did not keep its own knobs:\n${out}${err}")
endif()
