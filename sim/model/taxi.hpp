#pragma once
// Taxi: a stand where two queues meet, parties and cabs (each a Resource waiting line), and
// loading bays (a Resource of bays). Cabs arrive as a non-homogeneous Poisson process while the
// stand is open and wait in a rank of limited size; one party per cab.
#include <cstdint>
#include <vector>

namespace expoflow::model {

struct World;

struct TaxiState {
  std::vector<std::uint32_t> party_res, bay_res, rank_res;  // by stand
  std::vector<std::uint64_t> cab_count;                     // cabs drawn so far, by stand
};

namespace taxi {

void build(World& w);
void schedule(World& w);
// A cab reaches the stand (kCab).
void on_cab(World& w, std::uint32_t stand);
// The stand closes for the day (kStandClose): whoever waits goes another way.
void on_close(World& w, std::uint32_t stand);
// Stage::taxi: join the stand.
void begin(World& w, std::uint32_t pid);
// A party at Stage::taxi_bay resumes: granted a bay, or loaded and gone.
void resume_bay(World& w, std::uint32_t pid);

}  // namespace taxi
}  // namespace expoflow::model
