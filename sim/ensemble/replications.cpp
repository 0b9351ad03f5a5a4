#include "ensemble/replications.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "ensemble/serialize.hpp"
#include "support/files.hpp"

namespace expoflow::ensemble::detail {

namespace fs = std::filesystem;

namespace {
fs::path replication_file(const Settings& s, std::uint32_t r) {
  return s.replication_dir / fmt::format("replication-{:05}.bin", r);
}
}  // namespace

std::optional<std::pair<std::string, model::ReplicationResult>> load_saved(const model::Simulation& sim,
                                                                           const Settings& s, std::uint32_t r) {
  if (s.replication_dir.empty()) return std::nullopt;
  std::ifstream in(replication_file(s, r), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  auto rep = load_replication(sim, bytes, s.tag);
  if (!rep || rep->seed != s.seed || rep->replication != r) return std::nullopt;
  return std::make_pair(std::move(bytes), std::move(*rep));
}

std::pair<std::string, model::ReplicationResult> run_and_save(const model::Simulation& sim, const Settings& s,
                                                              std::uint32_t r) {
  model::ReplicationResult rep = sim.run(s.seed, r);
  std::string bytes;
  if (!s.replication_dir.empty()) {
    bytes = save_replication(rep, s.tag);
    support::write_atomically(replication_file(s, r), bytes);
  }
  return {std::move(bytes), std::move(rep)};
}

std::optional<model::ReplicationResult> from_bytes(const model::Simulation& sim, const Settings& s,
                                                   const std::string& bytes) {
  return load_replication(sim, bytes, s.tag);
}

std::string to_bytes(const model::ReplicationResult& rep, const Settings& s) { return save_replication(rep, s.tag); }

}  // namespace expoflow::ensemble::detail
