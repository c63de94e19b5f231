# Installs the libraries and headers and exports a CMake package: find_package(ttnn_cpp).
include(CMakePackageConfigHelpers)

install(TARGETS ttnn ttnn_io EXPORT ttnn_cppTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/ttnn DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ttnn_cppTargets NAMESPACE ttnn_cpp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ttnn_cpp)

configure_package_config_file(cmake/ttnn_cppConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ttnn_cppConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ttnn_cpp)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ttnn_cppConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ttnn_cppConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/ttnn_cppConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/TtnnIoDependencies.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ttnn_cpp)
