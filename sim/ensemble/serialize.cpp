#include "ensemble/serialize.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernel/hash.hpp"
#include "kernel/stats.hpp"

namespace expoflow::ensemble {

namespace {

// Version 5: indicators by typed id (place, metric); histograms as their range of bins and their
// zeros; a checksum at the end. Bytes of another version are not a replication: a resumed run runs
// that replication again.
constexpr char kMagic[8] = {'E', 'X', 'P', 'O', 'R', 'E', 'P', '5'};
constexpr std::size_t kChecksumBytes = sizeof(std::uint64_t);

std::uint64_t checksum(const char* p, std::size_t n) { return Fnv1a().add_bytes(p, n).value(); }

struct Writer {
  std::string out;
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void operator()(double& v) { pod(v); }
  void operator()(std::uint64_t& v) { pod(v); }
  // Statistics vectors are mostly zeros: store (index, value) pairs for the others.
  template <class T>
  void operator()(std::vector<T>& v) {
    pod(static_cast<std::uint64_t>(v.size()));
    std::uint64_t nonzero = 0;
    for (const T& x : v) nonzero += x != T{};
    pod(nonzero);
    for (std::uint64_t i = 0; i < v.size(); ++i)
      if (v[i] != T{}) {
        pod(i);
        pod(v[i]);
      }
  }
  void text(const std::string& s) {
    pod(static_cast<std::uint64_t>(s.size()));
    out += s;
  }
};

// Reads what Writer wrote, trusting no length: `max_length` bounds every vector's length (the
// largest a replication of the simulation holds), and the entries a length announces must fit in
// the bytes left; the first thing wrong is kept in `why`.
struct Reader {
  const char* p;
  const char* end;
  std::uint64_t max_length;
  bool ok = true;
  const char* why = "it ends early";
  std::uint64_t left() const { return static_cast<std::uint64_t>(end - p); }
  void fail(const char* what) {
    if (ok) why = what;
    ok = false;
  }
  template <class T>
  void pod(T& v) {
    if (left() < sizeof v) {
      fail("it ends early");
      return;
    }
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
  }
  void operator()(double& v) { pod(v); }
  void operator()(std::uint64_t& v) { pod(v); }
  template <class T>
  void operator()(std::vector<T>& v) {
    std::uint64_t n = 0, nonzero = 0;
    pod(n);
    pod(nonzero);
    if (!ok) return;
    if (n > max_length || nonzero > n || nonzero > left() / (sizeof(std::uint64_t) + sizeof(T))) {
      fail("a length in it is larger than the file or the simulation");
      return;
    }
    v.assign(n, T{});
    for (std::uint64_t k = 0; k < nonzero && ok; ++k) {
      std::uint64_t i = 0;
      pod(i);
      if (i >= n) {
        fail("an index in it is out of range");
        return;
      }
      pod(v[i]);
    }
  }
  std::string text() {
    std::uint64_t n = 0;
    pod(n);
    if (!ok) return {};
    if (n > left()) {
      fail("a length in it is larger than the file");
      return {};
    }
    std::string s(p, n);
    p += n;
    return s;
  }
};

}  // namespace

std::string save_replication(const model::ReplicationResult& r, const std::string& tag) {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  w.text(tag);
  w.pod(r.seed);
  w.pod(r.replication);
  std::vector<double> observed = r.observed;
  w(observed);
  w.pod(static_cast<std::uint64_t>(r.kpis.size()));
  for (const observe::Kpi& k : r.kpis) {
    w.pod(k.id.place);
    w.pod(static_cast<std::uint32_t>(k.id.metric));
    w.pod(k.id.scope);
    w.pod(k.value);
  }
  w.pod(static_cast<std::uint64_t>(r.events));
  w.pod(static_cast<std::uint64_t>(r.peak_pending));
  w.pod(static_cast<std::uint64_t>(r.num_parties));
  w.pod(r.persons_generated);
  w.pod(r.persons_left_inside);
  r.recorder->visit_state(w);
  w.pod(checksum(w.out.data(), w.out.size()));
  return w.out;
}

std::optional<model::ReplicationResult> load_replication(const model::Simulation& sim, const std::string& bytes,
                                                         const std::string& tag, std::string* why) {
  auto refuse = [&](const char* what) -> std::optional<model::ReplicationResult> {
    if (why) *why = what;
    return std::nullopt;
  };
  if (bytes.size() < sizeof kMagic + kChecksumBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return refuse("it is not a replication of this version of expoflow");
  const std::size_t payload = bytes.size() - kChecksumBytes;
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + payload, kChecksumBytes);
  if (stored != checksum(bytes.data(), payload)) return refuse("its checksum does not match (it was altered or damaged)");
  // A replication's vectors: the bins of a time series, a histogram's bins, the observed totals.
  const std::uint64_t max_length = std::max<std::uint64_t>(
      {sim.num_bins(), Histogram::num_possible_bins(), sim.scenario().observed.size()});
  Reader rd{bytes.data() + sizeof kMagic, bytes.data() + payload, max_length};
  if (rd.text() != tag || !rd.ok) return refuse(rd.ok ? "it is of another scenario or seed" : rd.why);
  model::ReplicationResult r;
  rd.pod(r.seed);
  rd.pod(r.replication);
  rd(r.observed);
  std::uint64_t n = 0;
  rd.pod(n);
  const std::uint64_t kpi_bytes = sizeof(observe::KpiId::place) + sizeof(std::uint32_t) + sizeof(observe::KpiId::scope) +
                                  sizeof(observe::Kpi::value);
  if (rd.ok && n > rd.left() / kpi_bytes) rd.fail("a length in it is larger than the file");
  if (rd.ok) r.kpis.reserve(n);
  for (std::uint64_t i = 0; i < n && rd.ok; ++i) {
    observe::Kpi k;
    std::uint32_t metric = 0;
    rd.pod(k.id.place);
    rd.pod(metric);
    rd.pod(k.id.scope);
    rd.pod(k.value);
    if (metric >= observe::kNumMetrics || k.id.scope >= sim.scopes().size() ||
        (k.id.place >= sim.places().size() && k.id.place != observe::kWholeSite))
      rd.fail("an indicator in it is not one of this simulation");
    k.id.metric = static_cast<observe::Metric>(metric);
    r.kpis.push_back(k);
  }
  std::uint64_t events = 0, pending = 0, parties = 0;
  rd.pod(events);
  rd.pod(pending);
  rd.pod(parties);
  r.events = events;
  r.peak_pending = pending;
  r.num_parties = parties;
  rd.pod(r.persons_generated);
  rd.pod(r.persons_left_inside);
  if (!rd.ok) return refuse(rd.why);
  r.recorder = std::make_unique<observe::Recorder>(sim.places(), sim.num_bins(), sim.scenario().bin_s);
  // Probes are part of the state: rebuild them as the run does, then overwrite their totals.
  for (std::size_t i = 0; i < sim.scenario().observed.size(); ++i) r.recorder->add_probe(observe::Probe{});
  r.recorder->visit_state(rd);
  if (!rd.ok) return refuse(rd.why);
  if (rd.p != rd.end) return refuse("it is longer than a replication");
  if (!r.recorder->well_formed()) return refuse("its statistics are inconsistent");
  return r;
}

}  // namespace expoflow::ensemble
