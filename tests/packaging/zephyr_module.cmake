# SPDX-License-Identifier: BSL-1.0
# The Zephyr module without Zephyr: `cmake -DROOT=<repo> -DCXX=<compiler> -DOUT=<dir> -P this`.
#
# Reads zephyr/module.yml for the module's CMake and Kconfig, sets every CONFIG_MAILWIRE_* to its
# Kconfig default (as a fresh build's autoconf would), includes the module's CMakeLists.txt with
# stand-ins for zephyr_include_directories() and zephyr_compile_definitions() that record their
# arguments, and checks: the include directory holds the headers; every definition is a knob that
# config.hpp knows, with an integer literal (config.hpp pastes them into the ABI namespace's name);
# every ${CONFIG_...} the CMake uses has a Kconfig entry; and the umbrella header compiles with
# exactly those definitions.
cmake_minimum_required(VERSION 3.16)
foreach(var ROOT CXX OUT)
    if(NOT ${var})
        message(FATAL_ERROR "pass -D${var}=...")
    endif()
endforeach()

file(READ "${ROOT}/zephyr/module.yml" module)
if(NOT module MATCHES "cmake: ([^\n]+)" OR NOT module MATCHES "kconfig: ([^\n]+)")
    message(FATAL_ERROR "zephyr/module.yml names no build.cmake or build.kconfig")
endif()
string(REGEX MATCH "cmake: ([^\n]+)" _ "${module}")
set(module_cmake "${ROOT}/${CMAKE_MATCH_1}/CMakeLists.txt") # build.cmake names a directory
string(REGEX MATCH "kconfig: ([^\n]+)" _ "${module}")
set(module_kconfig "${ROOT}/${CMAKE_MATCH_1}")

# Kconfig defaults: "config NAME" then "default VALUE" (an int, y, or another symbol).
file(STRINGS "${module_kconfig}" lines)
set(current "")
set(declared "")
foreach(line IN LISTS lines)
    if(line MATCHES "^config ([A-Z0-9_]+)")
        set(current "${CMAKE_MATCH_1}")
        list(APPEND declared "${current}")
    elseif(current AND line MATCHES "^[ \t]+default ([A-Za-z0-9_]+)")
        set(value "${CMAKE_MATCH_1}")
        if(value STREQUAL "y")
            set(CONFIG_${current} y)
        elseif(value MATCHES "^[0-9]+$")
            set(CONFIG_${current} ${value})
        elseif(DEFINED CONFIG_${value})
            set(CONFIG_${current} "${CONFIG_${value}}")
        endif()
    endif()
endforeach()
set(CONFIG_MAILWIRE y) # as prj.conf sets it

# Every ${CONFIG_...} in the module's CMake is a Kconfig symbol.
file(READ "${module_cmake}" cmake_text)
string(REGEX MATCHALL "CONFIG_MAILWIRE_[A-Z0-9_]+" used "${cmake_text}")
foreach(symbol IN LISTS used)
    string(REPLACE "CONFIG_" "" name "${symbol}")
    if(NOT name IN_LIST declared)
        message(FATAL_ERROR "${module_cmake} uses ${symbol}, which ${module_kconfig} does not declare")
    endif()
endforeach()

function(zephyr_include_directories)
    set_property(GLOBAL APPEND PROPERTY mw_includes ${ARGN})
endfunction()
function(zephyr_compile_definitions)
    set_property(GLOBAL APPEND PROPERTY mw_definitions ${ARGN})
endfunction()
set(ZEPHYR_CURRENT_MODULE_DIR "${ROOT}")
include("${module_cmake}")

get_property(includes GLOBAL PROPERTY mw_includes)
get_property(definitions GLOBAL PROPERTY mw_definitions)
if(NOT includes)
    message(FATAL_ERROR "the module adds no include directory")
endif()
foreach(dir IN LISTS includes)
    if(NOT EXISTS "${dir}/mailwire/mailwire.hpp" OR NOT EXISTS "${dir}/mailwire/zephyr_transport.hpp")
        message(FATAL_ERROR "${dir} does not hold mailwire/mailwire.hpp and mailwire/zephyr_transport.hpp")
    endif()
endforeach()

file(READ "${ROOT}/include/mailwire/config.hpp" config)
set(flags "")
foreach(definition IN LISTS definitions)
    if(NOT definition MATCHES "^(MAILWIRE_[A-Z0-9_]+)=([0-9]+)$")
        message(FATAL_ERROR "definition '${definition}' is not MAILWIRE_NAME=<integer literal>")
    endif()
    if(NOT config MATCHES "#ifndef ${CMAKE_MATCH_1}\n")
        message(FATAL_ERROR "${CMAKE_MATCH_1} is not a knob of config.hpp")
    endif()
    list(APPEND flags "-D${definition}")
endforeach()
# Every Kconfig symbol of a knob reaches a definition.
foreach(name IN LISTS declared)
    if(name STREQUAL "MAILWIRE")
        continue()
    endif()
    if(NOT definitions MATCHES "(^|;)${name}=")
        message(FATAL_ERROR "Kconfig's ${name} is not passed on by ${module_cmake}")
    endif()
endforeach()

file(MAKE_DIRECTORY "${OUT}")
file(WRITE "${OUT}/zephyr_knobs.cpp" "#define MAILWIRE_NO_POSIX 1\n#include <mailwire/mailwire.hpp>\nint main() { return 0; }\n")
execute_process(COMMAND "${CXX}" -std=c++17 -fsyntax-only -Wall -Wextra -Werror "-I${ROOT}/include" ${flags}
                        "${OUT}/zephyr_knobs.cpp"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the umbrella header does not compile with the module's definitions:\n${out}${err}")
endif()
string(REPLACE ";" "\n" flag_lines "${flags}")
file(WRITE "${OUT}/knobs.txt" "${flag_lines}\n") # scripts/zephyr-host.sh compiles with these
list(LENGTH definitions count)
message(STATUS "Zephyr module: ${count} knobs from Kconfig, all integer literals config.hpp knows; it compiles with them")
