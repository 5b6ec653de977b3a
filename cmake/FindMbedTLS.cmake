# SPDX-License-Identifier: BSL-1.0
# FindMbedTLS: mbedTLS 2.28 (Debian ships no CMake package for it) or 3.x (upstream's package).
#
# Result: MbedTLS_FOUND, MbedTLS_VERSION, and the imported targets MbedTLS::mbedtls,
# MbedTLS::mbedx509, MbedTLS::mbedcrypto (MbedTLS::mbedtls links the other two).
#
# Hints: MbedTLS_ROOT (a prefix, e.g. /opt/mbedtls3), CMAKE_PREFIX_PATH. An upstream install
# (3.x: lib/cmake/MbedTLS/MbedTLSConfig.cmake) is used as it is; otherwise the headers and the
# three libraries are searched for and the version is read from mbedtls/build_info.h (3.x) or
# mbedtls/version.h (2.x).

if(TARGET MbedTLS::mbedtls AND TARGET MbedTLS::mbedx509 AND TARGET MbedTLS::mbedcrypto)
    set(MbedTLS_FOUND TRUE)
    return()
endif()

# Upstream's own package first, but only where it was asked for or sits in a hinted prefix.
find_package(MbedTLS CONFIG QUIET NO_CMAKE_PACKAGE_REGISTRY NO_CMAKE_SYSTEM_PACKAGE_REGISTRY)
if(MbedTLS_FOUND AND TARGET MbedTLS::mbedtls)
    include(FindPackageHandleStandardArgs)
    find_package_handle_standard_args(MbedTLS CONFIG_MODE)
    return()
endif()

find_path(MbedTLS_INCLUDE_DIR NAMES mbedtls/ssl.h)
find_library(MbedTLS_LIBRARY NAMES mbedtls)
find_library(MbedTLS_X509_LIBRARY NAMES mbedx509)
find_library(MbedTLS_CRYPTO_LIBRARY NAMES mbedcrypto)
mark_as_advanced(MbedTLS_INCLUDE_DIR MbedTLS_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_CRYPTO_LIBRARY)

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
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MbedTLS
    REQUIRED_VARS MbedTLS_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_CRYPTO_LIBRARY MbedTLS_INCLUDE_DIR
    VERSION_VAR MbedTLS_VERSION)

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
