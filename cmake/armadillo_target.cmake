# CMake's FindArmadillo sets variables, not a target. gradfuzz links this target instead of the
# absolute paths in those variables, so the exported gradfuzz::gradfuzz names no path of this
# machine: an installed gradfuzz finds Armadillo again wherever the consumer has it.
# Included by the build (after find_package(Armadillo)) and by gradfuzzConfig.cmake.
if(NOT TARGET gradfuzz::armadillo)
  add_library(gradfuzz::armadillo INTERFACE IMPORTED)
  set_target_properties(gradfuzz::armadillo PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ARMADILLO_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${ARMADILLO_LIBRARIES}")
endif()
