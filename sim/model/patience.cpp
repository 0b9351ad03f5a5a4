#include "model/patience.hpp"

#include "model/world.hpp"

namespace expoflow::model::patience {

namespace {

// The choices a party may make again after giving up a wait of this kind.
std::uint8_t choices(WaitKind kind) { return kind == WaitKind::security ? 1 : 2; }

// The wait of this kind the party is in, and its resource (false if it is in none: served, moved
// on, or waiting where nobody gives up).
bool waiting_in(const World& w, const Party& p, WaitKind* kind, std::uint32_t* r) {
  switch (p.stage) {
    case Stage::security:
      if (p.phase != Phase::waiting) return false;
      *kind = WaitKind::security, *r = security::gate_resource(w, p);
      return true;
    case Stage::fare_in:
      if (p.phase != Phase::waiting) return false;
      *kind = WaitKind::fare_gates, *r = transit::fare_gate_resource(w, p);
      return true;
    case Stage::taxi: *kind = WaitKind::taxi, *r = taxi::party_resource(w, p); return true;
    case Stage::board:
      if (!transit::waits_at_bus_stop(w, p)) return false;
      *kind = WaitKind::bus, *r = transit::stop_resource(w, p);
      return true;
    default: return false;
  }
}

// Whoever gave up a wait: at an entrance, another entrance (or home); else another way home.
void choose_again(World& w, std::uint32_t pid, WaitKind kind) {
  if (kind == WaitKind::security) security::give_up(w, pid);
  else replan::gave_up(w, pid);
}

}  // namespace

bool applies(const World& w, const Party& p, WaitKind kind) {
  return w.s.patience[static_cast<std::size_t>(kind)].enabled() && !p.background && p.gave_up < choices(kind);
}

double of(const World& w, const Party& p, WaitKind kind) {
  const scenario::PatienceDef& d = w.s.patience[static_cast<std::size_t>(kind)];
  const double u = World::u(w.choice_rng, p, kDrawPatience + p.gave_up);
  return d.dist == scenario::PatienceDist::lognormal ? dist::lognormal_mean_sd(d.mean_s, d.sd_s, u)
                                                     : dist::exponential(d.mean_s, u);
}

bool balks(World& w, std::uint32_t pid, std::uint32_t r, WaitKind kind, double expected_wait_s) {
  const Party& p = w.parties[pid];
  if (!applies(w, p, kind) || !w.s.patience[static_cast<std::size_t>(kind)].balk || expected_wait_s <= of(w, p, kind))
    return false;
  w.emit(RecordKind::balk, w.res_place[r], p.size);
  return true;
}

void start(World& w, std::uint32_t pid, WaitKind kind) {
  const Party& p = w.parties[pid];
  if (applies(w, p, kind)) w.cal.schedule(w.now + of(w, p, kind), kPatience, pid);
}

void on_expire(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  WaitKind kind{};
  std::uint32_t r = 0;
  if (p.stage == Stage::done || !waiting_in(w, p, &kind, &r) || !applies(w, p, kind)) return;
  // The wait this event was set for: the request's start plus the patience drawn for it (a later
  // wait of the same party, elsewhere or after a choice, starts later or draws another).
  const Request* q = w.res[r].find(pid);
  if (q == nullptr || q->since + of(w, p, kind) != w.now) return;
  Request left;
  w.res[r].withdraw(pid, &left, w.grant_to(r));
  w.emit(RecordKind::queue_leave, w.res_place[r], left.weight);
  w.emit(RecordKind::renege, w.res_place[r], p.size, 0, w.now - left.since);
  choose_again(w, pid, kind);
}

}  // namespace expoflow::model::patience
