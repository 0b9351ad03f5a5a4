#include "ensemble/replications.hpp"

#include <fmt/format.h>
#include <iostream>

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
  const fs::path file = replication_file(s, r);
  // A saved replication that cannot be used is run again, never trusted; but one that is
  // there and damaged is named, so that a failing disk does not go unnoticed.
  auto run_again = [&](const std::string& why) -> std::optional<std::pair<std::string, model::ReplicationResult>> {
    std::cerr << fmt::format("expoflow: warning: the saved replication {} cannot be used: {}; replication {} is run "
                             "again\n", file.string(), why, r);
    return std::nullopt;
  };
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::string bytes;
  try {
    bytes = support::read_file(file);
  } catch (const std::exception& ex) {
    return run_again(ex.what());
  }
  std::string why;
  auto rep = load_replication(sim, bytes, s.tag, &why);
  if (!rep) return run_again(why);
  if (rep->seed != s.seed || rep->replication != r) return run_again("it holds another replication");
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
