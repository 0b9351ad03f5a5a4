#pragma once
// Parking: car parks and the coach park (spaces held for the visit, some served by a lot
// shuttle), and drop-off lots (bays held while unloading or loading; a pick-up waits for its car).
// Each lot is a Resource of spaces or bays, whose queue is of vehicles.
#include <cstdint>
#include <vector>

namespace expoflow::model {

struct World;

struct ParkingState {
  std::vector<std::uint32_t> lot_res;  // by lot
};

namespace parking {

void build(World& w);
// Stage::lot_space: a car or coach arrives at its lot and asks for a space.
void arrive(World& w, std::uint32_t pid);
// Stage::drop_bay, Stage::pickup_bay: ask for a bay.
void begin_bay(World& w, std::uint32_t pid);
// Stage::pickup_wait: wait for the car.
void begin_pickup_wait(World& w, std::uint32_t pid);
// Stage::lot_leave: back at the vehicle, leave.
void leave(World& w, std::uint32_t pid);
// Resumes: a space granted (Stage::lot_space), a bay granted or done (Stage::drop_bay,
// Stage::pickup_bay), the car arrived (Stage::pickup_wait).
void space_granted(World& w, std::uint32_t pid);
void resume_bay(World& w, std::uint32_t pid);
void pickup_arrived(World& w, std::uint32_t pid);

}  // namespace parking
}  // namespace expoflow::model
