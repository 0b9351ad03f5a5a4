#pragma once
// A replication's results as bytes and back, exactly (doubles bit for bit): what --resume reads
// from disk and what MPI ranks send to rank 0. The format is private to one build of expoflow; a
// header with the version and the scenario hash guards against reading another's.
#include <optional>
#include <string>

#include "model/simulation.hpp"

namespace expoflow::ensemble {

std::string save_replication(const model::ReplicationResult& r, const std::string& tag);
// Rebuild into `sim`'s layout; nothing if the bytes are not a replication of this tag, and then
// `why` (when given) says what is wrong with them in a few words ("its checksum does not match").
std::optional<model::ReplicationResult> load_replication(const model::Simulation& sim, const std::string& bytes,
                                                         const std::string& tag, std::string* why = nullptr);

}  // namespace expoflow::ensemble
