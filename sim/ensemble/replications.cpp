#include "ensemble/replications.hpp"

#include <atomic>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>

#include "ensemble/runner.hpp"
#include "ensemble/serialize.hpp"
#include "support/files.hpp"

namespace expoflow::ensemble {

namespace fs = std::filesystem;

namespace {

fs::path replication_file(const Settings& s, std::uint32_t r) {
  return s.replication_dir / fmt::format("replication-{:05}.bin", r);
}

std::optional<model::ReplicationResult> load_saved(const model::Simulation& sim, const Settings& s, std::uint32_t r) {
  std::ifstream in(replication_file(s, r), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  auto rep = load_replication(sim, ss.str(), s.tag);
  if (rep && (rep->seed != s.seed || rep->replication != r)) return std::nullopt;
  return rep;
}

}  // namespace

std::uint32_t run_replications(const model::Simulation& sim, const Settings& settings,
                               const std::function<void(model::ReplicationResult&&)>& consume) {
  const bool save = !settings.replication_dir.empty();
  if (save) fs::create_directories(settings.replication_dir);
  std::atomic<std::uint32_t> resumed{0};
  auto produce = [&](std::uint32_t r) {
    if (settings.resume && save)
      if (auto rep = load_saved(sim, settings, r)) {
        ++resumed;
        return std::move(*rep);
      }
    model::ReplicationResult rep = sim.run(settings.seed, r);
    if (save) support::write_atomically(replication_file(settings, r), save_replication(rep, settings.tag));
    return rep;
  };
  const std::string tag = settings.tag.empty() ? "mpi" : settings.tag;
  const Codec<model::ReplicationResult> codec{
      [&](const model::ReplicationResult& rep) { return save_replication(rep, tag); },
      [&](const std::string& bytes) { return load_replication(sim, bytes, tag); }};
  const Pool pool{settings.threads, settings.rank, settings.ranks, 0, settings.progress};
  run<model::ReplicationResult>(
      settings.replications, pool, produce,
      [&](std::uint32_t, model::ReplicationResult&& rep) { consume(std::move(rep)); }, &codec);
  return resumed;
}

}  // namespace expoflow::ensemble
