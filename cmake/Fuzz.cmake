# libFuzzer targets (clang only): configure with -DCMAKE_CXX_COMPILER=clang++ -DEXPOFLOW_FUZZ=ON and
# build them (scripts/fuzz does both). With any other compiler the option is ignored, so the normal
# g++ build never sees it.
#
#   fuzz_scenario  the scenario loader and builder (tests/fuzz/fuzz_scenario.cpp)
#   fuzz_run       the whole model: what validates is built and run, bounded (tests/fuzz/fuzz_run.cpp)
#
# Each target compiles the layers it needs itself, with toml++ in header-only mode, so that the
# TOML parser is instrumented (coverage, ASan, UBSan) along with our code; the packaged toml++
# library would be a black box to the fuzzer. The model's invariant checks are on.
option(EXPOFLOW_FUZZ "Build the libFuzzer targets fuzz_scenario and fuzz_run (clang only)" OFF)
if(EXPOFLOW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(STATUS "EXPOFLOW_FUZZ needs clang (have ${CMAKE_CXX_COMPILER_ID}); ignored")
  else()
    set(EXPOFLOW_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer)
    # expoflow_fuzz_target(name layer...): tests/fuzz/<name>.cpp with the sources of sim/<layer>/.
    function(expoflow_fuzz_target name)
      set(sources)
      foreach(layer ${ARGN})
        file(GLOB layer_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/${layer}/*.cpp)
        list(APPEND sources ${layer_sources})
      endforeach()
      add_executable(${name} ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}.cpp ${sources})
      target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/sim)
      target_compile_definitions(${name} PRIVATE TOML_HEADER_ONLY=1 EXPOFLOW_CHECKS=1)
      target_compile_options(${name} PRIVATE ${EXPOFLOW_FUZZ_FLAGS} -g -O1)
      target_link_options(${name} PRIVATE ${EXPOFLOW_FUZZ_FLAGS})
      target_link_libraries(${name} PRIVATE fmt::fmt Boost::graph)
      set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
    endfunction()
    expoflow_fuzz_target(fuzz_scenario scenario)
    expoflow_fuzz_target(fuzz_run kernel scenario network observe model)
  endif()
endif()
