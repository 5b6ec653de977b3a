# SPDX-License-Identifier: BSL-1.0
# FindMbedTLS: mbedTLS 2.28 (Debian ships no CMake package for it), 3.x or 4.x (upstream's package).
#
# Result: MbedTLS_FOUND, MbedTLS_VERSION, and the imported targets MbedTLS::mbedtls,
# MbedTLS::mbedx509, MbedTLS::mbedcrypto (MbedTLS::mbedtls links the other two). With 4.x the
# crypto library is TF-PSA-Crypto's libtfpsacrypto; MbedTLS::mbedcrypto stands for it.
#
# Hints: MbedTLS_ROOT (a prefix, e.g. /opt/mbedtls3), CMAKE_PREFIX_PATH. An upstream install
# (3.x: lib/cmake/MbedTLS/MbedTLSConfig.cmake) is used as it is; otherwise the headers are searched
# for, the version is read from mbedtls/build_info.h (3.x) or mbedtls/version.h (2.x), and the three
# libraries are taken from the same installation only (<prefix>/lib..., where <prefix>/include
# holds the headers): a 3.x header with Debian's 2.28 libraries would link and then fail at run time.
#
# Versions: 2.28 up to, not including, 5.0 (what <mailwire/mbedtls_tls.hpp> supports). A request such as
# find_package(MbedTLS 3.6) narrows it further. An installation outside the range is not found,
# and the reason is printed.

set(_mbedtls_min 2.28)
set(_mbedtls_below 5.0)

function(_mbedtls_version_problem version out)
    set(${out} "" PARENT_SCOPE)
    if(NOT version)
        set(${out} "no MBEDTLS_VERSION_STRING in its headers" PARENT_SCOPE)
    elseif(version VERSION_LESS _mbedtls_min OR NOT version VERSION_LESS _mbedtls_below)
        set(${out} "mbedTLS ${version} is outside what mailwire supports (${_mbedtls_min} to below ${_mbedtls_below})"
            PARENT_SCOPE)
    endif()
endfunction()

if(TARGET MbedTLS::mbedtls AND TARGET MbedTLS::mbedx509 AND TARGET MbedTLS::mbedcrypto)
    set(MbedTLS_FOUND TRUE)
    return()
endif()

# Upstream's own package first, but only where it was asked for or sits in a hinted prefix.
find_package(MbedTLS CONFIG QUIET NO_CMAKE_PACKAGE_REGISTRY NO_CMAKE_SYSTEM_PACKAGE_REGISTRY)
if(MbedTLS_FOUND AND TARGET MbedTLS::mbedtls)
    _mbedtls_version_problem("${MbedTLS_VERSION}" _mbedtls_problem)
    include(FindPackageHandleStandardArgs)
    if(_mbedtls_problem)
        set(MbedTLS_FOUND FALSE)
        find_package_handle_standard_args(MbedTLS REQUIRED_VARS MbedTLS_FOUND VERSION_VAR MbedTLS_VERSION
            REASON_FAILURE_MESSAGE "${_mbedtls_problem} (from ${MbedTLS_DIR})")
    else()
        find_package_handle_standard_args(MbedTLS CONFIG_MODE)
    endif()
    return()
endif()

find_path(MbedTLS_INCLUDE_DIR NAMES mbedtls/ssl.h)
mark_as_advanced(MbedTLS_INCLUDE_DIR)

set(MbedTLS_VERSION "")
if(MbedTLS_INCLUDE_DIR)
    foreach(header IN ITEMS mbedtls/build_info.h mbedtls/version.h)
        if(EXISTS "${MbedTLS_INCLUDE_DIR}/${header}")
            file(STRINGS "${MbedTLS_INCLUDE_DIR}/${header}" version_line
                 REGEX "^#define[ \t]+MBEDTLS_VERSION_STRING[ \t]+\"[0-9.]+\"")
            if(version_line)
                string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" MbedTLS_VERSION "${version_line}")
                break()
            endif()
        endif()
    endforeach()

    # The libraries of this installation, not the first ones on the default search path.
    get_filename_component(_mbedtls_prefix "${MbedTLS_INCLUDE_DIR}" DIRECTORY)
    set(_mbedtls_lib_dirs "${_mbedtls_prefix}/lib" "${_mbedtls_prefix}/lib64")
    if(CMAKE_LIBRARY_ARCHITECTURE)
        list(PREPEND _mbedtls_lib_dirs "${_mbedtls_prefix}/lib/${CMAKE_LIBRARY_ARCHITECTURE}")
    endif()
    find_library(MbedTLS_LIBRARY NAMES mbedtls PATHS ${_mbedtls_lib_dirs} NO_DEFAULT_PATH)
    find_library(MbedTLS_X509_LIBRARY NAMES mbedx509 PATHS ${_mbedtls_lib_dirs} NO_DEFAULT_PATH)
    # 4.x: the crypto library is TF-PSA-Crypto's.
    if(MbedTLS_VERSION VERSION_GREATER_EQUAL 4.0)
        set(_mbedtls_crypto_name tfpsacrypto)
    else()
        set(_mbedtls_crypto_name mbedcrypto)
    endif()
    find_library(MbedTLS_CRYPTO_LIBRARY NAMES ${_mbedtls_crypto_name} PATHS ${_mbedtls_lib_dirs} NO_DEFAULT_PATH)
endif()
mark_as_advanced(MbedTLS_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_CRYPTO_LIBRARY)

set(_mbedtls_problem "")
if(MbedTLS_INCLUDE_DIR)
    _mbedtls_version_problem("${MbedTLS_VERSION}" _mbedtls_problem)
    if(NOT _mbedtls_problem AND NOT (MbedTLS_LIBRARY AND MbedTLS_X509_LIBRARY AND MbedTLS_CRYPTO_LIBRARY))
        string(JOIN ", " _mbedtls_searched ${_mbedtls_lib_dirs})
        string(CONCAT _mbedtls_problem "headers in ${MbedTLS_INCLUDE_DIR}, but not all of libmbedtls, "
                      "libmbedx509 and lib${_mbedtls_crypto_name} in ${_mbedtls_searched} (mailwire does not mix installations)")
    endif()
    if(_mbedtls_problem)
        string(APPEND _mbedtls_problem " [headers: ${MbedTLS_INCLUDE_DIR}]")
        set(MbedTLS_VERSION_OK FALSE)
    else()
        set(MbedTLS_VERSION_OK TRUE)
    endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MbedTLS
    REQUIRED_VARS MbedTLS_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_CRYPTO_LIBRARY MbedTLS_INCLUDE_DIR MbedTLS_VERSION_OK
    VERSION_VAR MbedTLS_VERSION
    REASON_FAILURE_MESSAGE "${_mbedtls_problem}")

if(MbedTLS_FOUND)
    if(NOT TARGET MbedTLS::mbedcrypto)
        add_library(MbedTLS::mbedcrypto UNKNOWN IMPORTED)
        set_target_properties(MbedTLS::mbedcrypto PROPERTIES
            IMPORTED_LOCATION "${MbedTLS_CRYPTO_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}")
    endif()
    if(NOT TARGET MbedTLS::mbedx509)
        add_library(MbedTLS::mbedx509 UNKNOWN IMPORTED)
        set_target_properties(MbedTLS::mbedx509 PROPERTIES
            IMPORTED_LOCATION "${MbedTLS_X509_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}"
            INTERFACE_LINK_LIBRARIES MbedTLS::mbedcrypto)
    endif()
    if(NOT TARGET MbedTLS::mbedtls)
        add_library(MbedTLS::mbedtls UNKNOWN IMPORTED)
        set_target_properties(MbedTLS::mbedtls PROPERTIES
            IMPORTED_LOCATION "${MbedTLS_LIBRARY}"
            INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}"
            INTERFACE_LINK_LIBRARIES MbedTLS::mbedx509)
    endif()
endif()
