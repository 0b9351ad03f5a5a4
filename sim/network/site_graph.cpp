#include "network/site_graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/graphviz.hpp>
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
  std::vector<double> dist;                  // n*n
  std::vector<std::vector<EdgeId>> paths;    // n*n
  std::vector<char> reachable;               // n*n
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

void SiteGraph::finalize() {
  auto& im = *impl_;
  const std::size_t n = boost::num_vertices(im.g);
  im.dist.assign(n * n, kUnreachable);
  im.paths.assign(n * n, {});
  im.reachable.assign(n * n, 0);
  std::vector<double> d(n);
  std::vector<Graph::vertex_descriptor> pred(n);
  // Edge ids of the predecessor edges, to rebuild paths as walkway edges.
  for (std::size_t s = 0; s < n; ++s) {
    boost::dijkstra_shortest_paths(
        im.g, s,
        boost::weight_map(boost::get(&EdgeProps::length, im.g))
            .distance_map(boost::make_iterator_property_map(d.begin(), boost::get(boost::vertex_index, im.g)))
            .predecessor_map(boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, im.g))));
    for (std::size_t t = 0; t < n; ++t) {
      if (d[t] == std::numeric_limits<double>::max()) continue;
      im.dist[s * n + t] = d[t];
      im.reachable[s * n + t] = 1;
      std::vector<EdgeId> p;
      for (std::size_t v = t; v != s; v = pred[v]) {
        const std::size_t u = pred[v];
        // The shortest of the parallel edges u->v is the one Dijkstra relaxed.
        EdgeId best = 0;
        double best_len = kUnreachable;
        for (auto [ei, ee] = boost::out_edges(u, im.g); ei != ee; ++ei)
          if (boost::target(*ei, im.g) == v && im.g[*ei].length < best_len) {
            best_len = im.g[*ei].length;
            best = im.g[*ei].id;
          }
        p.push_back(best);
      }
      im.paths[s * n + t].assign(p.rbegin(), p.rend());
    }
  }
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

const std::vector<EdgeId>* SiteGraph::path(NodeId a, NodeId b) const {
  const std::size_t n = num_nodes(), k = a * n + b;
  return impl_->reachable[k] ? &impl_->paths[k] : nullptr;
}
double SiteGraph::distance_m(NodeId a, NodeId b) const { return impl_->dist[a * num_nodes() + b]; }

void SiteGraph::write_dot(std::ostream& out, const std::vector<std::string>& node_labels,
                          const std::vector<std::string>& edge_labels) const {
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
        o << "[label=" << boost::escape_dot_string(node_labels.at(v)) << ", shape=" << shape(im.kinds[v]) << "]";
      },
      [&](std::ostream& o, Graph::edge_descriptor e) {
        o << "[label=" << boost::escape_dot_string(edge_labels.at(im.g[e].id)) << "]";
      });
}

}  // namespace expoflow::network
