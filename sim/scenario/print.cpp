#include <fmt/format.h>
#include <sstream>

#include "kernel/hash.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::scenario {

void print_tree(const Node& n, const std::string& path, std::ostream& out, bool positions) {
  auto where = [&](const Node& x) {
    if (!positions) return std::string("-");
    return x.pos.line ? fmt::format("{}:{}", x.pos.file, x.pos.line) : x.pos.file;
  };
  switch (n.kind) {
    case Node::Kind::table:
      for (auto& [k, v] : n.members) print_tree(v, path.empty() ? k : path + "." + k, out, positions);
      return;
    case Node::Kind::array: {
      const bool tables = !n.items.empty() && n.items.front().is_table();
      if (tables) {
        for (std::size_t i = 0; i < n.items.size(); ++i) {
          const Node* id = n.items[i].find("id");
          const std::string key = id && id->kind == Node::Kind::string ? id->text : std::to_string(i);
          print_tree(n.items[i], fmt::format("{}[{}]", path, key), out, positions);
        }
        return;
      }
      std::string v = "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        const auto& x = n.items[i];
        v += (i ? ", " : "") + (x.kind == Node::Kind::string ? "\"" + x.text + "\"" : fmt::format("{}", x.number()));
      }
      out << fmt::format("{} = {}]  # {}\n", path, v, where(n));
      return;
    }
    case Node::Kind::string: out << fmt::format("{} = \"{}\"  # {}\n", path, n.text, where(n)); return;
    case Node::Kind::boolean: out << fmt::format("{} = {}  # {}\n", path, n.boolean, where(n)); return;
    case Node::Kind::datetime: out << fmt::format("{} = {}  # {}\n", path, n.text, where(n)); return;
    default: out << fmt::format("{} = {}  # {}\n", path, n.number(), where(n)); return;
  }
}

std::string values_hash(const Node& root) {
  std::ostringstream text;
  // The [[assumption]] list says what a sensitivity study moves, and [[target]] and [[lever]] what
  // a plan aims at and may change, not what is run: they leave the scenario's results, and its
  // hash, as they were. Nor do the nodes' positions on the site plan (x_m, y_m) and the date of
  // day 1 (start_date): they are drawn, never simulated.
  for (auto& [k, v] : root.members) {
    if (k == "assumption" || k == "target" || k == "lever" || k == "start_date") continue;
    if (k != "node" || !v.is_array()) {
      print_tree(v, k, text, false);
      continue;
    }
    Node nodes = v;
    for (auto& n : nodes.items)
      std::erase_if(n.members, [](const auto& m) { return m.first == "x_m" || m.first == "y_m"; });
    print_tree(nodes, k, text, false);
  }
  return fmt::format("{:016x}", fnv1a(text.str()));
}

}  // namespace expoflow::scenario
