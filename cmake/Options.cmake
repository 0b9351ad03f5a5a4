set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
# Determinism: the same scenario and seed must give byte-identical outputs on every machine of this
# kind. Fused multiply-add contraction would let the compiler change rounding between builds, so
# it is turned off everywhere.
add_compile_options(-ffp-contract=off)
option(EXPOFLOW_CHECKS "Run-time invariant checks in the engine (on in debug and test builds)" OFF)
