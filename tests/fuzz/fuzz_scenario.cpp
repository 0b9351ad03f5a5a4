// libFuzzer target: the scenario loader and builder on arbitrary bytes. Whatever the input, the
// loader and builder must report problems (or accept it), never crash, hang, throw out or trip
// AddressSanitizer / UndefinedBehaviorSanitizer. Built by cmake/Fuzz.cmake (clang only) and run by
// scripts/fuzz; the inputs it found are kept in tests/fuzz/corpus/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "scenario/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace expoflow;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  scenario::Problems problems;
  auto root = scenario::parse(text, "fuzz.toml", problems);
  if (root) {
    const scenario::Scenario s = scenario::build_scenario(*root, "fuzz.toml", problems);
    // A scenario without problems must be one the engine can take: a few of its promises.
    if (problems.empty() && (s.days < 1 || s.gates.empty() || s.classes.empty() || !(s.bin_s > 0)))
      __builtin_trap();
    // Parameter paths of what was read resolve again in the tree.
    for (const auto& g : s.gates)
      if (!g.id.empty() && g.id.find_first_of("[]") == std::string::npos)
        (void)scenario::lookup(*root, "gate[" + g.id + "].node");
  }
  for (const auto& p : problems.list()) (void)scenario::format(p);
  return 0;
}
