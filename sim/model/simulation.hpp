#pragma once
// The expo model: builds the site graph and the components of a Scenario once, then runs
// replications. A replication is a pure function of (scenario, seed, replication index).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/vocabulary.hpp"
#include "observe/kpis.hpp"
#include "network/site_graph.hpp"

namespace expoflow::model {

struct ReplicationResult {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
  std::vector<double> observed;                            // one per scenario.observed
  std::vector<Kpi> kpis;                                   // the indicators, in compute_kpis' order
  std::unique_ptr<Recorder> recorder;                      // the full statistics
  std::uint64_t events = 0;
  std::size_t peak_pending = 0;
  std::size_t num_parties = 0;
  double persons_generated = 0;
  double persons_left_inside = 0;  // persons still inside any component at the horizon
  bool capped = false;  // stopped at RunLimits::max_events, before the horizon
};

// Bounds on one replication, apart from the scenario (a run setting, not part of what is
// simulated): a replication stops after max_events events (0: no bound) whatever the horizon, and
// says so (ReplicationResult::capped). The fuzz target of the whole model runs under it, so that
// no input can run long.
struct RunLimits {
  std::uint64_t max_events = 0;
};

class Simulation {
 public:
  explicit Simulation(const Scenario& s);
  ~Simulation();

  ReplicationResult run(std::uint64_t seed, std::uint32_t replication,
                        RecordObserver* extra_observer = nullptr, const RunLimits& limits = {}) const;

  // Demand (visitors and the metro's background users) only on days first..last (0-based,
  // inclusive); every day by default. Supply runs over every day regardless (lanes, trains and
  // their background loads, cabs, halls, events), its draws keyed by trip, cab and day, never by
  // what demand did; the stands empty their ranks at closing and nobody is left on site at
  // midnight, so each day of the range comes out bit for bit as in the run of every day
  // (tests/model/test_days.cpp). Out-of-range days record supply alone.
  void simulate_days(int first, int last);
  int first_day() const { return first_day_; }
  int last_day() const { return last_day_; }

  const Scenario& scenario() const { return s_; }
  const std::vector<Place>& places() const { return places_; }
  const network::SiteGraph& graph() const { return graph_; }
  std::size_t num_bins() const;
  // Which places the indicators are of (entrances, lines, taxi stands, lots, ...), from the layout.
  const KpiPlaces& kpi_places() const { return kpi_places_; }
  // The spans the indicators are computed over: the whole run, each day, each event's window and
  // each window asked for (Scenario::windows), in that order.
  const std::vector<observe::Scope>& scopes() const { return scopes_; }

  // Internal layout shared with the run (sim/model/run.cpp); not for users of the model.
  struct Layout;
  const Layout& layout() const { return *layout_; }

 private:
  const Scenario& s_;
  network::SiteGraph graph_;
  std::vector<Place> places_;
  std::unique_ptr<Layout> layout_;
  KpiPlaces kpi_places_;
  std::vector<observe::Scope> scopes_;
  int first_day_ = 0, last_day_ = 0;
};

// Asking every running replication to stop (a signal handler may call request_stop: it only
// stores to a lock-free atomic). A replication that sees it throws Interrupted within a few
// thousand events.
void request_stop();
bool stop_requested();
struct Interrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

// Fruin's bounds of space per person (m²/person) between the levels of service A|B, B|C, C|D,
// D|E and E|F: for queues (and platforms) and for walkways.
inline constexpr double kFruinQueueBounds[5] = {1.2, 0.9, 0.6, 0.3, 0.2};
inline constexpr double kFruinWalkwayBounds[5] = {3.25, 2.32, 1.39, 0.93, 0.46};

// The Fruin level of service (A..F) of a queueing area from its space per person (m²/person).
char fruin_queue_los(double area_m2, double persons);
// ... of a walkway, on Fruin's walkway scale (m²/person: A > 3.25, B > 2.32, C > 1.39, D > 0.93,
// E > 0.46, F below).
char fruin_walkway_los(double area_m2, double persons);
// The scale that fits the place: walkways on the walkway scale, the rest (queues, platforms,
// holding and queueing areas) on the queueing scale.
char fruin_los(const Place& place, double persons);

}  // namespace expoflow::model
