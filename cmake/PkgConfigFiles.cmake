# SPDX-License-Identifier: BSL-1.0
# pkg-config files, included from the install rules of the top CMakeLists.txt:
#   mailwire.pc          the headers
#   mailwire-mbedtls.pc  the headers and mbedTLS (only when mailwire::mbedtls exists): it requires
#                        mbedTLS's own .pc files where that installation has them (upstream 3.x),
#                        else names the libraries found by FindMbedTLS (Debian's 2.28 has no .pc)
# Both are relocatable: the prefix is found from the file's own place (${pcfiledir}).

set(MAILWIRE_PKGCONFIG_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where mailwire.pc is installed, relative to the prefix")
mark_as_advanced(MAILWIRE_PKGCONFIG_INSTALL_DIR)

# ${pcfiledir} -> the prefix, e.g. "../.." for share/pkgconfig.
file(RELATIVE_PATH mailwire_pc_to_prefix "/prefix/${MAILWIRE_PKGCONFIG_INSTALL_DIR}" "/prefix")
string(REGEX REPLACE "/$" "" mailwire_pc_to_prefix "${mailwire_pc_to_prefix}")

configure_file("${CMAKE_CURRENT_LIST_DIR}/pkgconfig/mailwire.pc.in" "${PROJECT_BINARY_DIR}/mailwire.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/mailwire.pc" DESTINATION "${MAILWIRE_PKGCONFIG_INSTALL_DIR}")

if(NOT TARGET mailwire_mbedtls)
    return()
endif()

# The directories a compiler and linker search anyway need no -I or -L.
function(mailwire_pc_is_implicit dir kind out)
    set(${out} FALSE PARENT_SCOPE)
    if(kind STREQUAL "include")
        set(implicit ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES} /usr/include)
    else()
        set(implicit ${CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES} ${CMAKE_PLATFORM_IMPLICIT_LINK_DIRECTORIES})
    endif()
    get_filename_component(dir "${dir}" REALPATH)
    foreach(candidate IN LISTS implicit)
        get_filename_component(candidate "${candidate}" REALPATH)
        if(dir STREQUAL candidate)
            set(${out} TRUE PARENT_SCOPE)
        endif()
    endforeach()
endfunction()

# mbedTLS's own .pc, if it describes the very installation FindMbedTLS chose (same version).
set(mailwire_pc_requires "mailwire")
set(mailwire_pc_cflags "")
set(mailwire_pc_libs "")
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
    pkg_check_modules(mailwire_pc_mbedtls QUIET mbedtls mbedx509 mbedcrypto)
endif()
if(MbedTLS_VERSION VERSION_LESS 4.0 AND mailwire_pc_mbedtls_FOUND AND
   mailwire_pc_mbedtls_mbedtls_VERSION VERSION_EQUAL MbedTLS_VERSION)
    string(APPEND mailwire_pc_requires ", mbedtls >= ${MbedTLS_VERSION}, mbedx509, mbedcrypto")
else()
    if(MbedTLS_INCLUDE_DIR)
        set(include_dir "${MbedTLS_INCLUDE_DIR}")
    else() # upstream's CMake package
        get_target_property(include_dir MbedTLS::mbedtls INTERFACE_INCLUDE_DIRECTORIES)
        list(GET include_dir 0 include_dir)
    endif()
    if(MbedTLS_LIBRARY)
        set(library "${MbedTLS_LIBRARY}")
    else()
        get_target_property(library MbedTLS::mbedtls LOCATION)
    endif()
    get_filename_component(library_dir "${library}" DIRECTORY)
    mailwire_pc_is_implicit("${include_dir}" include implicit)
    if(NOT implicit)
        set(mailwire_pc_cflags "-I${include_dir}")
    endif()
    mailwire_pc_is_implicit("${library_dir}" lib implicit)
    if(NOT implicit)
        set(mailwire_pc_libs "-L${library_dir} ")
    endif()
    set(crypto mbedcrypto)
    if(MbedTLS_VERSION VERSION_GREATER_EQUAL 4.0)
        set(crypto tfpsacrypto) # TF-PSA-Crypto's, from 4.0 on
    endif()
    string(APPEND mailwire_pc_libs "-lmbedtls -lmbedx509 -l${crypto}")
endif()

configure_file("${CMAKE_CURRENT_LIST_DIR}/pkgconfig/mailwire-mbedtls.pc.in"
               "${PROJECT_BINARY_DIR}/mailwire-mbedtls.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/mailwire-mbedtls.pc" DESTINATION "${MAILWIRE_PKGCONFIG_INSTALL_DIR}")
