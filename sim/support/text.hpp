#pragma once
// Numbers as people read them in a terminal table.
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

}  // namespace expoflow::support
