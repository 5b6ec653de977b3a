# SPDX-License-Identifier: BSL-1.0
# mailwire_man_page(TARGET "one-line description"): TARGET.1 made at build time by help2man from
# the program's own --help and --version (so the page never disagrees with the program), and
# installed into share/man/man1 by `cmake --install`. Without help2man (Debian: help2man) the
# programs build as before and a note says that no man page is made. A cross build (the program
# cannot run here) skips them too.
find_program(MAILWIRE_HELP2MAN help2man)
mark_as_advanced(MAILWIRE_HELP2MAN)
include(GNUInstallDirs)
set(MAILWIRE_MAN_INCLUDES "${CMAKE_CURRENT_LIST_DIR}/man") # help2man --include files

function(mailwire_man_page target description)
    if(NOT MAILWIRE_HELP2MAN)
        message(STATUS "mailwire: help2man not found, no man page for ${target}")
        return()
    endif()
    if(CMAKE_CROSSCOMPILING)
        return()
    endif()
    set(page "${CMAKE_CURRENT_BINARY_DIR}/${target}.1")
    set(include_file "${MAILWIRE_MAN_INCLUDES}/${target}.h2m") # FILES, SEE ALSO
    add_custom_command(OUTPUT "${page}"
        COMMAND "${MAILWIRE_HELP2MAN}" --no-info --no-discard-stderr "--name=${description}"
                "--include=${include_file}" "--output=${page}" "$<TARGET_FILE:${target}>"
        DEPENDS ${target} "${include_file}"
        COMMENT "man page ${target}.1 (help2man)"
        VERBATIM)
    add_custom_target(${target}-man ALL DEPENDS "${page}")
    set_property(GLOBAL APPEND PROPERTY MAILWIRE_MAN_PAGES "${page}")
    install(FILES "${page}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
endfunction()
