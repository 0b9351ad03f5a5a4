# libFuzzer target for the scenario loader and builder (tests/fuzz/fuzz_scenario.cpp).
# Clang only: configure with -DCMAKE_CXX_COMPILER=clang++ -DEXPOFLOW_FUZZ=ON and build the target
# fuzz_scenario (scripts/fuzz does both). With any other compiler the option is ignored, so the
# normal g++ build never sees it.
#
# The target compiles the scenario layer itself (no model code), with toml++ in header-only
# mode, so the TOML parser is instrumented (coverage, ASan, UBSan) along with our code; the
# packaged toml++ library would be a black box to the fuzzer.
option(EXPOFLOW_FUZZ "Build the libFuzzer target fuzz_scenario (clang only)" OFF)
if(EXPOFLOW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(STATUS "EXPOFLOW_FUZZ needs clang (have ${CMAKE_CXX_COMPILER_ID}); ignored")
  else()
    file(GLOB EXPOFLOW_FUZZ_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/scenario/*.cpp)
    add_executable(fuzz_scenario ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_scenario.cpp
                   ${EXPOFLOW_FUZZ_SOURCES} )
    target_include_directories(fuzz_scenario PRIVATE ${PROJECT_SOURCE_DIR}/sim)
    target_compile_definitions(fuzz_scenario PRIVATE TOML_HEADER_ONLY=1)
    set(EXPOFLOW_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer)
    target_compile_options(fuzz_scenario PRIVATE ${EXPOFLOW_FUZZ_FLAGS} -g -O1)
    target_link_options(fuzz_scenario PRIVATE ${EXPOFLOW_FUZZ_FLAGS})
    target_link_libraries(fuzz_scenario PRIVATE fmt::fmt)
    set_target_properties(fuzz_scenario PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
  endif()
endif()
