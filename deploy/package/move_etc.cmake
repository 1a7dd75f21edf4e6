# CPack runs this after staging the install under /usr and before building the .deb: the
# default config belongs in /etc/mcprt, not /usr/etc/mcprt.
file(GLOB staged_roots "${CPACK_TEMPORARY_INSTALL_DIRECTORY}" "${CPACK_TEMPORARY_DIRECTORY}")
foreach(root IN LISTS staged_roots)
  if(EXISTS "${root}/usr/etc")
    file(MAKE_DIRECTORY "${root}/etc")
    file(RENAME "${root}/usr/etc/mcprt" "${root}/etc/mcprt")
    file(REMOVE_RECURSE "${root}/usr/etc")
  endif()
endforeach()
