#include "output/site.hpp"

#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace expoflow::output {

namespace {

// Where a place is drawn: at a node, or (a walkway's direction) from a node to another.
struct At {
  std::string node, to;
  double width_m = 0;
};

std::map<std::string, At> place_nodes(const scenario::Scenario& s) {
  std::map<std::string, At> at;
  for (const auto& w : s.walkways) {
    at[fmt::format("walkway[{}].forward", w.id)] = {w.from, w.to, w.width_m};
    at[fmt::format("walkway[{}].backward", w.id)] = {w.to, w.from, w.width_m};
  }
  for (const auto& g : s.gates)
    for (const char* suffix : {"", ".queue_area"}) at[fmt::format("gate[{}]{}", g.id, suffix)] = {g.node, "", 0};
  for (const char* id : {"halls", "halls.hold", "halls.holding_area"}) at[id] = {s.halls.node, "", 0};
  for (const auto& l : s.lines) {
    for (const char* suffix : {"fare_gates_in", "fare_gates_out", "fare_gates_in.queue_area", "fare_gates_out.queue_area"})
      if (!l.concourse_node.empty()) at[fmt::format("line[{}].{}", l.id, suffix)] = {l.concourse_node, "", 0};
    at[fmt::format("line[{}].platform", l.id)] = {l.site_node, "", 0};
    for (const auto& d : l.directions) at[fmt::format("line[{}].direction[{}].stop", l.id, d.id)] = {l.site_node, "", 0};
  }
  for (const auto& t : s.taxi_stands)
    for (const char* suffix : {"", ".cab_rank", ".bays"}) at[fmt::format("taxi_stand[{}]{}", t.id, suffix)] = {t.node, "", 0};
  for (const auto& l : s.lots) at[fmt::format("lot[{}]", l.id)] = {l.node, "", 0};
  return at;
}

}  // namespace

std::string site_json(const model::Simulation& sim) {
  const auto& s = sim.scenario();
  std::map<std::string, const scenario::NodeDef*> nodes;
  bool positioned = !s.nodes.empty();
  nlohmann::ordered_json j, jn = nlohmann::json::array(), jp = nlohmann::json::array();
  for (const auto& n : s.nodes) {
    nodes[n.id] = &n;
    positioned = positioned && n.x_m.has_value();
    nlohmann::ordered_json o{{"id", n.id}, {"kind", n.kind}};
    if (n.x_m) o["x"] = *n.x_m, o["y"] = *n.y_m;
    jn.push_back(o);
  }
  const auto at = place_nodes(s);
  for (const auto& p : sim.places()) {
    const auto it = at.find(p.id);
    if (it == at.end() || !nodes.count(it->second.node)) continue;
    nlohmann::ordered_json o{{"id", p.id}, {"kind", scenario::place_kind_name(p.kind)},
                             {"capacity", p.capacity}, {"area_m2", p.area_m2}, {"node", it->second.node}};
    if (const auto* n = nodes[it->second.node]; n->x_m) o["x"] = *n->x_m, o["y"] = *n->y_m;
    if (!it->second.to.empty() && nodes.count(it->second.to)) {
      o["to"] = it->second.to;
      if (const auto* n = nodes[it->second.to]; n->x_m) o["x2"] = *n->x_m, o["y2"] = *n->y_m;
      o["width_m"] = it->second.width_m;
    }
    jp.push_back(o);
  }
  j["scenario"] = s.name;
  j["title"] = s.title;
  if (!s.start_date.empty()) j["start_date"] = s.start_date;
  j["days"] = s.days;
  j["bin_s"] = s.bin_s;
  j["horizon_s"] = s.horizon_s;
  j["positioned"] = positioned;
  j["fruin"] = {{"walkway", model::kFruinWalkwayBounds}, {"queue", model::kFruinQueueBounds}};
  j["nodes"] = jn;
  j["places"] = jp;
  return j.dump(1) + "\n";
}

}  // namespace expoflow::output
