# Warnings live on an INTERFACE target that real targets link privately.
add_library(expoflow_warnings INTERFACE)
target_compile_options(expoflow_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast)
