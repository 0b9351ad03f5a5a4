#pragma once
// Taxi: a stand where two queues meet, parties and cabs (each a Resource waiting line), and
// loading bays (a Resource of bays). Cabs arrive as a non-homogeneous Poisson process while the
// stand is open and wait in a rank of limited size; one party per cab.
#include <cstdint>
#include <vector>

namespace expoflow::model {

struct World;
struct Party;

struct TaxiState {
  std::vector<std::uint32_t> party_res, bay_res, rank_res;  // by stand
  std::vector<std::uint64_t> cab_count;                     // cabs drawn so far, by stand
};

namespace taxi {

void build(World& w);
void schedule(World& w);
// A cab reaches the stand (kCab).
void on_cab(World& w, std::uint32_t stand);
// The stand closes for the day (kStandClose): whoever waits goes another way; the rank empties.
void on_close(World& w, std::uint32_t stand);
// Whether a stand takes parties now: within its hours (or opening within the scenario's
// service_wait_max_min); any stand.
bool open(const World& w, std::size_t stand);
bool any_open(const World& w);
// Stage::taxi: join the stand.
void begin(World& w, std::uint32_t pid);
// The stand's line of parties a party at Stage::taxi waits in.
std::uint32_t party_resource(const World& w, const Party& p);
// The stand's line of parties, the cabs expected per second this hour and the cabs waiting in the
// rank now (choice.hpp).
std::uint32_t line_of_parties(const World& w, std::size_t stand, double* rate, double* ready);
// A party at Stage::taxi_bay resumes: granted a bay, or loaded and gone.
void resume_bay(World& w, std::uint32_t pid);

}  // namespace taxi
}  // namespace expoflow::model
