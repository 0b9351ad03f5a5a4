#pragma once
// The site and its transport links as a directed graph of places and walkways. Boost.Graph is
// an implementation detail of this file's .cpp: the rest of the engine sees NodeId and EdgeId
// (dense indices) only.
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace expoflow::network {

using NodeId = std::uint32_t;
using EdgeId = std::uint32_t;
inline constexpr double kUnreachable = std::numeric_limits<double>::infinity();

struct EdgeInfo {
  NodeId from = 0, to = 0;
  double length_m = 0, width_m = 0;
  std::uint32_t walkway = 0;  // index of the scenario walkway it comes from
};

// Shortest walking paths between every pair of nodes for one set of open edges, kept as one
// shortest-path tree per source: for each (source, node) the distance and the edge by which the
// tree reaches the node. That is 12 bytes a pair (48 MB for 2,000 nodes), where a list of edges
// per pair would grow with the cube of the nodes (6 GB for a chain of 2,000); a path is read off
// its tree when it is asked for (walking.cpp keeps the ones a replication uses).
class PathTable {
 public:
  static constexpr EdgeId kNoEdge = std::numeric_limits<EdgeId>::max();
  bool reachable(NodeId a, NodeId b) const { return dist_[a * n_ + b] != kUnreachable; }
  // Shortest path from a to b as a list of edges (empty when a == b); nothing when unreachable.
  std::optional<std::vector<EdgeId>> path(NodeId a, NodeId b) const;
  double distance_m(NodeId a, NodeId b) const { return dist_[a * n_ + b]; }
  std::size_t num_nodes() const { return n_; }

 private:
  friend class SiteGraph;
  std::size_t n_ = 0;
  std::vector<double> dist_;
  std::vector<EdgeId> tree_;  // (source, node): the edge into node on source's tree; kNoEdge at the source
  std::vector<NodeId> from_;  // per edge: the node it leaves (to walk a tree back)
};

class SiteGraph {
 public:
  SiteGraph();
  ~SiteGraph();
  SiteGraph(SiteGraph&&) noexcept;
  SiteGraph& operator=(SiteGraph&&) noexcept;

  NodeId add_node(std::string id, std::string kind);
  EdgeId add_edge(NodeId from, NodeId to, double length_m, double width_m, std::uint32_t walkway);
  // Compute shortest walking paths between every pair of nodes (by length). Call once, after
  // every node and edge was added.
  void finalize();

  std::optional<NodeId> find(std::string_view id) const;
  std::size_t num_nodes() const;
  std::size_t num_edges() const;
  const EdgeInfo& edge(EdgeId e) const;
  const std::string& node_id(NodeId n) const;
  const std::string& node_kind(NodeId n) const;

  // Shortest path from a to b with every edge open (empty when a == b); nothing when unreachable.
  std::optional<std::vector<EdgeId>> path(NodeId a, NodeId b) const;
  double distance_m(NodeId a, NodeId b) const;  // kUnreachable when there is no path
  const PathTable& open_paths() const;
  // Paths avoiding the edges marked closed (closed.size() == num_edges()).
  PathTable paths_without(const std::vector<char>& closed) const;

  // Graphviz drawing: node kinds as shapes, `edge_label(e)` as edge labels; `node_positions`
  // (empty, or one "x,y" per node, in points) pins the nodes (pos="x,y!", for `neato -n`).
  void write_dot(std::ostream& out, const std::vector<std::string>& node_labels,
                 const std::vector<std::string>& edge_labels,
                 const std::vector<std::string>& node_positions = {}) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace expoflow::network
