# cmake --install build --prefix P: the headers, the library, the gradfuzz command and a CMake
# package, so that a consumer's find_package(gradfuzz CONFIG REQUIRED) gives gradfuzz::gradfuzz.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GRADFUZZ_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gradfuzz)

install(TARGETS gradfuzz EXPORT gradfuzzTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# Each folder keeps its public headers under include/gradfuzz/; installed, they share one tree.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/ ${PROJECT_SOURCE_DIR}/fuzz/include/
                  ${PROJECT_SOURCE_DIR}/reports/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/lib/generated/gradfuzz/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gradfuzz)
if(TARGET gradfuzz_cli)
  install(TARGETS gradfuzz_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT gradfuzzTargets NAMESPACE gradfuzz:: DESTINATION ${GRADFUZZ_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/gradfuzzConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/gradfuzzConfig.cmake
                              INSTALL_DESTINATION ${GRADFUZZ_CMAKE_DIR})
# Before 1.0 a minor release may change the API (semantic versioning's 0.y rule), so 0.1 accepts
# any 0.1.z but not 0.2; SameMajorVersion would wrongly promise 0.2 to code written for 0.1.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gradfuzzConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gradfuzzConfig.cmake
              ${PROJECT_BINARY_DIR}/gradfuzzConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/armadillo_target.cmake
        DESTINATION ${GRADFUZZ_CMAKE_DIR})
