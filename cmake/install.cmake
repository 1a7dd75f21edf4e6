# What `cmake --install` puts where, and the .deb `make package` builds from it (CPack).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MCPRT_PLUGIN_DIR "${CMAKE_INSTALL_LIBDIR}/mcprt/plugins")
file(STRINGS runtime/api/plugin_api.hpp abi_line REGEX "plugin_abi_version = [0-9]+")
string(REGEX REPLACE ".*= ([0-9]+).*" "\\1" MCPRT_PLUGIN_ABI_VERSION "${abi_line}")

# The server is also the helper the adapter examples run as workers (mcprt --stdio).
install(TARGETS mcprt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The plugin SDK is one self-contained header, <mcprt/plugin.hpp>, generated from
# sdk/mcprt/plugin.hpp and the runtime headers it reaches (cmake/sdk_header.cmake): no header of
# the server's tree is installed, so none can be included by accident.
set(MCPRT_SDK_HEADER ${CMAKE_BINARY_DIR}/sdk/mcprt/plugin.hpp)
file(GLOB_RECURSE sdk_sources CONFIGURE_DEPENDS runtime/*.hpp)
add_custom_command(OUTPUT ${MCPRT_SDK_HEADER}
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${MCPRT_SDK_HEADER}
          -P ${CMAKE_SOURCE_DIR}/cmake/sdk_header.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/sdk/mcprt/plugin.hpp ${sdk_sources}
          ${CMAKE_SOURCE_DIR}/cmake/sdk_header.cmake
  COMMENT "Generating the one-file plugin SDK header")
add_custom_target(mcprt_sdk_header ALL DEPENDS ${MCPRT_SDK_HEADER})
install(FILES ${MCPRT_SDK_HEADER} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mcprt)

configure_package_config_file(cmake/mcprtConfig.cmake.in
  ${CMAKE_BINARY_DIR}/mcprtConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mcprt
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR MCPRT_PLUGIN_DIR)
# A plugin must be rebuilt for every server release until the ABI is declared stable.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/mcprtConfigVersion.cmake
  COMPATIBILITY ExactVersion)
install(FILES ${CMAKE_BINARY_DIR}/mcprtConfig.cmake ${CMAKE_BINARY_DIR}/mcprtConfigVersion.cmake
  cmake/FindCAF.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mcprt)
install(DIRECTORY DESTINATION ${MCPRT_PLUGIN_DIR})

# Configs: the default one (etc/mcprt; /etc/mcprt in the .deb) and the examples.
install(FILES deploy/package/mcprt.json DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/mcprt)
install(FILES config/examples/mcprt.json config/examples/simulation.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/mcprt/examples)
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mcprt/examples
  PATTERN "build*" EXCLUDE)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES deploy/systemd/mcprt.service DESTINATION lib/systemd/system)
install(DIRECTORY deploy/grafana deploy/prometheus DESTINATION ${CMAKE_INSTALL_DATADIR}/mcprt)

# make package: a .deb for Debian 12.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mcprt)
set(CPACK_PACKAGE_VENDOR "mcprt")
set(CPACK_PACKAGE_CONTACT "mcprt maintainers <mcprt@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Model Context Protocol server runtime on CAF actors")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The plugin SDK's headers need CAF's and RapidJSON's; the server itself does not.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libcaf-dev, rapidjson-dev, cmake, g++")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/deploy/package/conffiles)
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/deploy/package/move_etc.cmake)
include(CPack)
