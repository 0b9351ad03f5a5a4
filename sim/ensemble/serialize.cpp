#include "ensemble/serialize.hpp"

#include <cstring>
#include <type_traits>
#include <vector>

namespace expoflow::ensemble {

namespace {

// Version 3: indicators by typed id (place, metric); histograms as their range of bins and their
// zeros. Bytes of another version are not a replication: a resumed run runs that replication again.
constexpr char kMagic[8] = {'E', 'X', 'P', 'O', 'R', 'E', 'P', '4'};

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

struct Reader {
  const char* p;
  const char* end;
  bool ok = true;
  template <class T>
  void pod(T& v) {
    if (static_cast<std::size_t>(end - p) < sizeof v) {
      ok = false;
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
    if (!ok || n > (1ULL << 32) || nonzero > n) {
      ok = false;
      return;
    }
    v.assign(n, T{});
    for (std::uint64_t k = 0; k < nonzero && ok; ++k) {
      std::uint64_t i = 0;
      pod(i);
      if (i >= n) {
        ok = false;
        return;
      }
      pod(v[i]);
    }
  }
  std::string text() {
    std::uint64_t n = 0;
    pod(n);
    if (!ok || n > static_cast<std::uint64_t>(end - p)) {
      ok = false;
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
  return w.out;
}

std::optional<model::ReplicationResult> load_replication(const model::Simulation& sim, const std::string& bytes,
                                                         const std::string& tag) {
  Reader rd{bytes.data(), bytes.data() + bytes.size()};
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return std::nullopt;
  rd.p += sizeof kMagic;
  if (rd.text() != tag || !rd.ok) return std::nullopt;
  model::ReplicationResult r;
  rd.pod(r.seed);
  rd.pod(r.replication);
  rd(r.observed);
  std::uint64_t n = 0;
  rd.pod(n);
  for (std::uint64_t i = 0; i < n && rd.ok && i < 100000; ++i) {
    observe::Kpi k;
    std::uint32_t metric = 0;
    rd.pod(k.id.place);
    rd.pod(metric);
    rd.pod(k.id.scope);
    rd.pod(k.value);
    if (metric >= observe::kNumMetrics || k.id.scope >= sim.scopes().size() ||
        (k.id.place >= sim.places().size() && k.id.place != observe::kWholeSite))
      rd.ok = false;
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
  r.recorder = std::make_unique<observe::Recorder>(sim.places(), sim.num_bins(), sim.scenario().bin_s);
  // Probes are part of the state: rebuild them as the run does, then overwrite their totals.
  for (std::size_t i = 0; i < sim.scenario().observed.size(); ++i) r.recorder->add_probe(observe::Probe{});
  r.recorder->visit_state(rd);
  if (!rd.ok || rd.p != rd.end || !r.recorder->well_formed()) return std::nullopt;
  return r;
}

}  // namespace expoflow::ensemble
