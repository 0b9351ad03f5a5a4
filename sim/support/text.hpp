#pragma once
// Numbers as people read them in a terminal table.
#include <cmath>
#include <string>
#include <string_view>

namespace expoflow::support {

// "852000" -> "852,000": thousands separators in a string of digits (with an optional sign).
inline std::string group_thousands(std::string_view number) {
  const bool sign = !number.empty() && (number[0] == '-' || number[0] == '+');
  const std::string_view digits = number.substr(sign ? 1 : 0);
  std::string out(number.substr(0, sign ? 1 : 0));
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// `v` kept to three significant digits (1234.5 -> 1230, 0.012345 -> 0.0123); 0 for 0 or a
// non-finite value. Series meant to be looked at (series.csv, the site map's page) stay small.
inline double three_significant(double v) {
  if (v == 0 || !std::isfinite(v)) return 0;
  const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::fabs(v))));
  return std::round(v * scale) / scale;
}

}  // namespace expoflow::support
