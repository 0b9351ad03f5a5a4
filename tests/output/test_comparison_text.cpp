// The printed comparison: an observation of the time pattern reads in its own units.
#include <catch2/catch.hpp>

#include "output/compare.hpp"
#include "../support.hpp"

using namespace expoflow;

namespace {

output::ComparedValue value(const char* name, scenario::Statistic s, double base, double variant) {
  output::ComparedValue v;
  v.name = name;
  v.observed = true;
  v.statistic = s;
  for (int r = 0; r < 3; ++r) {  // three identical pairs: a difference with a zero-width interval
    v.base.add(base);
    v.variant.add(variant);
    v.diff.add(variant - base);
  }
  return v;
}

}  // namespace

TEST_CASE("a compared peak hour prints as clock times and minutes, a share in percent and points", "[compare]") {
  output::Comparison c;
  c.base_name = "base";
  c.variant_name = "variant";
  c.values.push_back(value("exit_peak", scenario::Statistic::peak_hour, 16 * 3600.0, 16.25 * 3600));
  c.values.push_back(value("before_16", scenario::Statistic::share_before, 0.429, 0.404));
  c.values.push_back(value("busiest_hour", scenario::Statistic::max_hourly, 36117, 40081));
  const std::string text = output::comparison_text(c);
  INFO(text);
  // The printed line of a value, split into its fields.
  auto fields = [&](const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    REQUIRE(at != std::string::npos);
    std::string line = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < line.size();) {  // fields are separated by two blanks or more
      const auto end = line.find("  ", i);
      out.push_back(line.substr(i, end - i));
      if (end == std::string::npos) break;
      i = line.find_first_not_of(' ', end);
    }
    return out;
  };
  CHECK(fields("exit_peak") == std::vector<std::string>{"exit_peak", "16:00", "16:15", "15 min", "[15 min, 15 min]", "1 *"});
  CHECK(fields("before_16") ==
        std::vector<std::string>{"before_16", "42.9%", "40.4%", "-2.5 pts", "[-2.5 pts, -2.5 pts]", "1 *"});
  CHECK(fields("busiest_hour") == std::vector<std::string>{"busiest_hour", "36117", "40081", "3964", "[3964, 3964]", "1 *"});
}
