#include "model/parking.hpp"

#include "model/world.hpp"

namespace expoflow::model {

namespace {

// The lot of a party at a bay: where it was dropped off, or where it is picked up.
std::size_t bay_lot(const Party& p) { return p.stage == Stage::drop_bay ? p.lot() : p.egress_lot(); }

void start_stop(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  const LotLayout& lot = w.L.lots[bay_lot(p)];
  const double hold = dist::exponential(lot.stop_mean_s, World::u(w.service_rng, p, kDrawBay));
  w.emit(RecordKind::enter, lot.place, 0, 1);
  w.hold(pid, hold);
}

}  // namespace

namespace parking {

void build(World& w) {
  for (auto& l : w.L.lots) w.parking.lot_res.push_back(w.add_resource(static_cast<std::int64_t>(l.spaces), l.place, true));
}

void arrive(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const LotLayout& lot = w.L.lots[p.lot()];
  p.node = narrow<std::uint16_t>(lot.node);
  w.emit(RecordKind::vehicle_in, lot.place, p.size, 1);
  if (w.acquire(pid, w.parking.lot_res[p.lot()], 1)) space_granted(w, pid);
}

// Parked: to the site by the lot's shuttle, or on foot.
void space_granted(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const LotLayout& lot = w.L.lots[p.lot()];
  w.emit(RecordKind::enter, lot.place, 0, 1);
  if (lot.shuttle >= 0) {
    p.ride = narrow<std::int16_t>(w.L.lines[static_cast<std::size_t>(lot.shuttle)].access_dir);
    advance(w, pid, Stage::up_wait);
  } else {
    advance(w, pid, Stage::entrance);
  }
}

void begin_bay(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const std::size_t li = bay_lot(p);
  if (p.stage == Stage::drop_bay) {  // the car arrives at the drop-off lot
    p.node = narrow<std::uint16_t>(w.L.lots[li].node);
    w.emit(RecordKind::vehicle_in, w.L.lots[li].place, p.size, 1);
  }
  if (w.acquire(pid, w.parking.lot_res[li], 1)) start_stop(w, pid);
}

void resume_bay(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  if (p.phase == Phase::waiting) {
    start_stop(w, pid);
    return;
  }
  const std::size_t li = bay_lot(p);
  const LotLayout& lot = w.L.lots[li];
  w.release(w.parking.lot_res[li], 1);
  w.emit(RecordKind::leave, lot.place, 0, 1);
  if (p.stage == Stage::drop_bay) {
    w.emit(RecordKind::vehicle_out, lot.place, 0, 1);  // empty: the party walks to the entrances
    advance(w, pid, Stage::entrance);
  } else {
    w.emit(RecordKind::vehicle_out, lot.place, p.size, 1);
    w.finish(pid);
  }
}

void begin_pickup_wait(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  const LotLayout& lot = w.L.lots[p.egress_lot()];
  w.hold(pid, dist::exponential(lot.pickup_delay_mean_s, World::u(w.service_rng, p, kDrawPickup)));
}

void pickup_arrived(World& w, std::uint32_t pid) {
  const LotLayout& lot = w.L.lots[w.parties[pid].egress_lot()];
  w.emit(RecordKind::vehicle_in, lot.place, 0, 1);
  advance(w, pid, Stage::pickup_bay);
}

void leave(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  const std::size_t li = p.lot();
  const LotLayout& lot = w.L.lots[li];
  w.emit(RecordKind::leave, lot.place, 0, 1);
  w.emit(RecordKind::vehicle_out, lot.place, p.size, 1);
  w.release(w.parking.lot_res[li], 1);
  w.finish(pid);
}

}  // namespace parking
}  // namespace expoflow::model
