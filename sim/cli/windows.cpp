#include "cli/windows.hpp"

#include <fmt/format.h>
#include <iostream>

#include "kernel/hash.hpp"
#include "scenario/document.hpp"

namespace expoflow::cli {

namespace {

// The window of one spec, or the reason it is not one.
std::string parse_window(const scenario::Scenario& s, const std::string& spec, std::size_t index,
                         scenario::WindowDef& w) {
  std::string text = spec;
  w.id = fmt::format("window{}", index + 1);
  if (const auto eq = text.find('='); eq != std::string::npos) {
    w.id = text.substr(0, eq);
    text = text.substr(eq + 1);
    if (!scenario::is_plain_id(w.id)) return "its name must be a plain word (letters, digits, '_', '-', '.')";
  }
  const auto dots = text.find("..");
  if (dots == std::string::npos) return "expected FROM..TO, e.g. \"d4 17:00..d4 19:00\"";
  auto trim = [](std::string t) {
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return t;
  };
  const auto from = scenario::parse_moment(trim(text.substr(0, dots)));
  const auto to = scenario::parse_moment(trim(text.substr(dots + 2)));
  if (!from || !to) return "FROM and TO must each be a day and a clock time, \"dN HH:MM\"";
  if (*to <= *from) return "it ends before it begins";
  if (*from >= s.horizon_s)
    return fmt::format("it begins after the run ends ({} days, horizon {:.0f} h)", s.days, s.horizon_s / 3600);
  w.from_s = *from;
  w.to_s = std::min(*to, s.horizon_s);
  if (w.id == "run" || (w.id.size() > 1 && w.id[0] == 'd' && w.id.find_first_not_of("0123456789", 1) == std::string::npos))
    return fmt::format("'{}' names the run or a day: choose another name", w.id);
  for (const auto& e : s.events)
    if (e.id == w.id) return fmt::format("'{}' is the name of an event's window already", w.id);
  for (const auto& other : s.windows)
    if (other.id == w.id) return fmt::format("'{}' names two windows", w.id);
  return "";
}

}  // namespace

bool add_windows(scenario::Scenario& s, const std::vector<std::string>& specs) {
  if (specs.empty()) return true;
  Fnv1a h;
  h.add(s.hash);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    scenario::WindowDef w;
    if (const std::string why = parse_window(s, specs[i], i, w); !why.empty()) {
      std::cerr << fmt::format("expoflow: --window \"{}\": {}; nothing was run or written\n", specs[i], why);
      return false;
    }
    h.add(fmt::format("|{}={}..{}", w.id, w.from_s, w.to_s));
    s.windows.push_back(std::move(w));
  }
  s.hash = fmt::format("{:016x}", h.value());
  return true;
}

}  // namespace expoflow::cli
