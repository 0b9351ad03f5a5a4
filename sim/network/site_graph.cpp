#include "network/site_graph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <ostream>
#include <unordered_map>

namespace expoflow::network {

namespace {
struct EdgeProps {
  double length = 0;
  EdgeId id = 0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    EdgeProps>;
}  // namespace

struct SiteGraph::Impl {
  Graph g;
  std::vector<std::string> ids, kinds;
  std::unordered_map<std::string, NodeId> by_id;
  std::vector<EdgeInfo> edges;
  PathTable open;
};

SiteGraph::SiteGraph() : impl_(std::make_unique<Impl>()) {}
SiteGraph::~SiteGraph() = default;
SiteGraph::SiteGraph(SiteGraph&&) noexcept = default;
SiteGraph& SiteGraph::operator=(SiteGraph&&) noexcept = default;

NodeId SiteGraph::add_node(std::string id, std::string kind) {
  const auto n = static_cast<NodeId>(boost::add_vertex(impl_->g));
  impl_->by_id.emplace(id, n);
  impl_->ids.push_back(std::move(id));
  impl_->kinds.push_back(std::move(kind));
  return n;
}

EdgeId SiteGraph::add_edge(NodeId from, NodeId to, double length_m, double width_m,
                           std::uint32_t walkway) {
  const auto e = static_cast<EdgeId>(impl_->edges.size());
  boost::add_edge(from, to, EdgeProps{length_m, e}, impl_->g);
  impl_->edges.push_back(EdgeInfo{from, to, length_m, width_m, walkway});
  return e;
}

void SiteGraph::finalize() { impl_->open = paths_without(std::vector<char>(impl_->edges.size(), 0)); }

PathTable SiteGraph::paths_without(const std::vector<char>& closed) const {
  const auto& im = *impl_;
  const std::size_t n = boost::num_vertices(im.g);
  PathTable t;
  t.n_ = n;
  t.dist_.assign(n * n, kUnreachable);
  t.tree_.assign(n * n, PathTable::kNoEdge);
  t.from_.reserve(im.edges.size());
  for (const EdgeInfo& e : im.edges) t.from_.push_back(e.from);
  // A closed edge weighs infinity: Dijkstra never relaxes it.
  std::vector<double> weight(im.edges.size());
  for (std::size_t e = 0; e < weight.size(); ++e)
    weight[e] = closed[e] ? std::numeric_limits<double>::infinity() : im.edges[e].length_m;
  auto weight_map = boost::make_function_property_map<Graph::edge_descriptor>(
      [&](const Graph::edge_descriptor& e) { return weight[im.g[e].id]; });
  std::vector<double> d(n);
  std::vector<Graph::vertex_descriptor> pred(n);
  for (std::size_t s = 0; s < n; ++s) {
    boost::dijkstra_shortest_paths(
        im.g, s,
        boost::weight_map(weight_map)
            .distance_map(boost::make_iterator_property_map(d.begin(), boost::get(boost::vertex_index, im.g)))
            .predecessor_map(boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, im.g))));
    for (std::size_t x = 0; x < n; ++x) {
      if (d[x] == std::numeric_limits<double>::max() || d[x] == std::numeric_limits<double>::infinity()) continue;
      t.dist_[s * n + x] = d[x];
      if (x == s) continue;
      // The shortest open edge pred[x] -> x is the one Dijkstra relaxed.
      const std::size_t u = pred[x];
      EdgeId best = 0;
      double best_len = kUnreachable;
      for (auto [ei, ee] = boost::out_edges(u, im.g); ei != ee; ++ei)
        if (boost::target(*ei, im.g) == x && weight[im.g[*ei].id] < best_len) {
          best_len = weight[im.g[*ei].id];
          best = im.g[*ei].id;
        }
      t.tree_[s * n + x] = best;
    }
  }
  return t;
}

std::optional<std::vector<EdgeId>> PathTable::path(NodeId a, NodeId b) const {
  if (!reachable(a, b)) return std::nullopt;
  std::vector<EdgeId> p;
  for (NodeId x = b; x != a; x = from_[p.back()]) p.push_back(tree_[a * n_ + x]);
  std::reverse(p.begin(), p.end());
  return p;
}

std::optional<NodeId> SiteGraph::find(std::string_view id) const {
  auto it = impl_->by_id.find(std::string(id));
  if (it == impl_->by_id.end()) return std::nullopt;
  return it->second;
}
std::size_t SiteGraph::num_nodes() const { return impl_->ids.size(); }
std::size_t SiteGraph::num_edges() const { return impl_->edges.size(); }
const EdgeInfo& SiteGraph::edge(EdgeId e) const { return impl_->edges[e]; }
const std::string& SiteGraph::node_id(NodeId n) const { return impl_->ids[n]; }
const std::string& SiteGraph::node_kind(NodeId n) const { return impl_->kinds[n]; }

std::optional<std::vector<EdgeId>> SiteGraph::path(NodeId a, NodeId b) const { return impl_->open.path(a, b); }
double SiteGraph::distance_m(NodeId a, NodeId b) const { return impl_->open.distance_m(a, b); }
const PathTable& SiteGraph::open_paths() const { return impl_->open; }

void SiteGraph::write_dot(std::ostream& out, const std::vector<std::string>& node_labels,
                          const std::vector<std::string>& edge_labels,
                          const std::vector<std::string>& node_positions) const {
  const auto& im = *impl_;
  auto shape = [](const std::string& kind) {
    if (kind == "gate") return "box";
    if (kind == "hall") return "doubleoctagon";
    if (kind == "platform" || kind == "concourse") return "cylinder";
    if (kind == "zone") return "house";
    if (kind == "stop" || kind == "taxi_stand") return "invhouse";
    if (kind == "lot") return "component";
    return "ellipse";
  };
  boost::write_graphviz(
      out, im.g,
      [&](std::ostream& o, Graph::vertex_descriptor v) {
        o << "[label=" << boost::escape_dot_string(node_labels.at(v)) << ", shape=" << shape(im.kinds[v]);
        if (!node_positions.empty()) o << ", pos=\"" << node_positions.at(v) << "!\"";
        o << "]";
      },
      [&](std::ostream& o, Graph::edge_descriptor e) {
        o << "[label=" << boost::escape_dot_string(edge_labels.at(im.g[e].id)) << "]";
      });
}

}  // namespace expoflow::network
