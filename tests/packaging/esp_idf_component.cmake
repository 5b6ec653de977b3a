# SPDX-License-Identifier: BSL-1.0
# The repository root as an ESP-IDF component, without ESP-IDF: `cmake -DROOT=<repo> -P this`.
#
# ESP-IDF reads every component's CMakeLists.txt in script mode first, to collect what it requires
# (tools/cmake/scripts/component_get_requirements.cmake includes the file with ESP_PLATFORM set and
# its own idf_component_register). This does the same with a stand-in that records the arguments:
# the root must register itself and return before anything that needs a project (project() is an
# error in script mode, so reaching it fails this test), and what it registers must exist.
cmake_minimum_required(VERSION 3.16)
if(NOT ROOT)
    message(FATAL_ERROR "pass -DROOT=<the mailwire repository>")
endif()

function(idf_component_register)
    set_property(GLOBAL PROPERTY mailwire_registered "${ARGN}")
endfunction()

set(ESP_PLATFORM 1)
include("${ROOT}/CMakeLists.txt")

get_property(registered GLOBAL PROPERTY mailwire_registered)
if(NOT registered)
    message(FATAL_ERROR "the root CMakeLists.txt did not call idf_component_register() under ESP_PLATFORM")
endif()
cmake_parse_arguments(arg "" "" "SRCS;INCLUDE_DIRS;REQUIRES;PRIV_REQUIRES" ${registered})
if(arg_SRCS)
    message(FATAL_ERROR "mailwire is header-only, but the component registers sources: ${arg_SRCS}")
endif()
if(NOT arg_INCLUDE_DIRS)
    message(FATAL_ERROR "the component registers no INCLUDE_DIRS")
endif()
foreach(dir IN LISTS arg_INCLUDE_DIRS)
    if(NOT EXISTS "${ROOT}/${dir}/mailwire/mailwire.hpp" OR NOT EXISTS "${ROOT}/${dir}/mailwire/mbedtls_tls.hpp")
        message(FATAL_ERROR "INCLUDE_DIRS ${dir} does not hold mailwire/mailwire.hpp and mailwire/mbedtls_tls.hpp")
    endif()
endforeach()
# mbedtls_tls.hpp needs ESP-IDF's mbedtls component, posix_transport.hpp lwip's sockets, and
# file_reader the VFS (open/read on /spiffs, /sdcard).
foreach(component IN ITEMS mbedtls lwip vfs)
    if(NOT component IN_LIST arg_REQUIRES)
        message(FATAL_ERROR "the component does not require ${component} (REQUIRES ${arg_REQUIRES})")
    endif()
endforeach()
message(STATUS "ESP-IDF component: INCLUDE_DIRS ${arg_INCLUDE_DIRS}, REQUIRES ${arg_REQUIRES}")
