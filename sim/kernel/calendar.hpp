#pragma once
// The event calendar: pending events ordered by (time, sequence number). Ties run in the order
// they were scheduled, whatever the data structure does, because the sequence number is part of
// the key.
//
// An event is a time, a sequence number, a handler kind and a target id. Events carry ids, never
// pointers, so the calendar has no ownership and no per-event allocation. Inside the calendar an
// event is 16 bytes: the time and one word packing (sequence, kind, target), so that the four
// children of a heap node share a cache line and comparing the word compares the sequence.
//
// Layout: three levels, so that the structure that orders events stays small and in cache.
//  - near: the events of the current fine bucket, sorted once when the bucket becomes current and
//    taken from the front, plus a small implicit 4-ary min-heap of the events scheduled into the
//    bucket after that (zero delays, short services); a pop takes the earlier of the two fronts;
//  - fine: a ring of kFine buckets of `width` seconds, events appended unsorted;
//  - coarse: buckets of kFine * width seconds beyond the ring, events appended unsorted.
// A coarse bucket is spread over the ring when the clock reaches it, a fine bucket becomes the
// sorted run when the clock reaches it. In an expo most pending events are long timers (hours of
// hall dwell): each costs an append or two, a place in a sort of a dozen, and a pop from the front
// of an array; only the few scheduled into the current bucket are sifted through a heap. Buckets
// keep their storage when emptied, so steady state allocates nothing.
// The pop order is exactly the (time, sequence) order of a single heap: an event waits in a
// bucket only while every event before the bucket's start is still to come. Rejected: a ladder
// queue (more bookkeeping, no gain at these sizes), a single binary heap (its depth and cache
// misses dominate with 10^5 pending events) and a heap for the whole near bucket (a pop sifting
// through it cost as much as the rest of the calendar).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernel/check.hpp"
#include "kernel/time.hpp"

namespace expoflow {

struct Event {
  Time time = 0;
  std::uint64_t seq = 0;
  std::uint32_t kind = 0;    // which handler runs it (the model's enum)
  std::uint32_t target = 0;  // id of the entity or component it concerns
};

class Calendar {
 public:
  static constexpr std::uint32_t kMaxKinds = 16;
  static constexpr std::uint32_t kMaxTarget = (1u << 24) - 1;
  static constexpr std::uint64_t kMaxEvents = 1ULL << 36;
  // The latest time an event may be scheduled at: 10^8 s, about three years, far beyond any run
  // (a scenario spans at most weeks) yet small enough that a bucket index never overflows and the
  // coarse level stays small for any bucket width. A later or non-finite time comes from a value
  // nobody meant and would make the index arithmetic overflow (the clock would spin for ever).
  static constexpr Time kMaxTime = 1e8;

  // `bucket_width`: seconds of simulated time per fine bucket (about the span over which a few
  // hundred events fall due). A coarse bucket spans kFine fine buckets.
  explicit Calendar(Time bucket_width = 2.0)
      : width_(bucket_width), inv_width_(1 / bucket_width), horizon_(bucket_width) {
    fine_.resize(kFine);
  }

  // Choose the fine bucket width before the first event is scheduled. About a dozen to a few
  // dozen events per bucket at the busiest time keeps the heap small and the ring short of empty
  // buckets. Outputs do not depend on it: only the speed does.
  void set_bucket_width(Time width) {
    if (next_seq_ != 0 || !(width > 0)) throw std::logic_error("calendar: bucket width is set once, positive, before any event");
    width_ = width;
    inv_width_ = 1 / width;
    horizon_ = width;
  }

  // Schedule `kind` for `target` at absolute time `t`. Scheduling in the past is a bug.
  void schedule(Time t, std::uint32_t kind, std::uint32_t target) {
    // One test for every limit (`!(t <= kMaxTime)` also holds for NaN): one predictable branch.
    if (kind >= kMaxKinds || target > kMaxTarget || next_seq_ >= kMaxEvents || !(t <= kMaxTime)) [[unlikely]]
      too_large(t, kind, target);
    EXPOFLOW_CHECK(t >= now_, "event scheduled in the past");
    const Slot e{t, (next_seq_++ << 28) | (static_cast<std::uint64_t>(kind) << 24) | target};
    if (t < horizon_) {
      push(e);
    } else {
      const std::size_t k = fine_index(t, cur_ + 1);  // t >= horizon_: after the near bucket
      if (k < (coarse_base_ + 1) * kFine) {
        append(fine_[k & kMask], e);
        ++in_fine_;
      } else {
        schedule_coarse(k, e);
      }
    }
    if (++pending_ > peak_) peak_ = pending_;
  }
  void schedule_in(Time delay, std::uint32_t kind, std::uint32_t target) {
    schedule(now_ + delay, kind, target);
  }

  bool empty() const { return size() == 0; }
  std::size_t size() const { return pending_; }
  std::size_t peak_size() const { return peak_; }
  std::uint64_t num_processed() const { return processed_; }
  Time now() const { return now_; }
  // Time of the earliest event. Not const: it may make the next bucket the near one. Requires !empty().
  Time next_time() {
    if (near_empty()) refill();
    return front().time;
  }

  // Remove and return the earliest event, advancing the clock to its time. Requires !empty().
  Event pop() {
    if (near_empty()) refill();
    EXPOFLOW_CHECK(!near_empty(), "pop from an empty calendar");
    Slot top;
    if (run_first()) {
      top = run_[run_pos_++];
    } else {
      top = heap_.front();
      pop_heap();
    }
    EXPOFLOW_CHECK(top.time >= now_, "clock went back");
    now_ = top.time;
    ++processed_;
    --pending_;
    return unpack(top);
  }

  // How many buckets have become the sorted run so far: a new run's first events had no earlier
  // chance to be prefetched.
  std::uint64_t num_runs() const { return runs_; }
  // The event `ahead` places after the front of the current bucket's sorted run, if there is one
  // (true): most likely among the next few to be popped, so a model can prefetch what it will
  // touch a few events in advance (far enough to hide a miss to memory).
  bool peek_ahead(std::size_t ahead, Event* e) const {
    if (run_pos_ + ahead >= run_.size()) return false;
    *e = unpack(run_[run_pos_ + ahead]);
    return true;
  }

  // The earliest event of the current bucket, if any (true): lets a model prefetch what the next
  // event will touch while it handles the current one.
  bool peek_near(Event* next) const {
    if (near_empty()) return false;
    *next = unpack(front());
    return true;
  }

 private:
  static constexpr std::size_t kFine = 1024;  // fine buckets per coarse bucket (a power of 2)
  static constexpr std::size_t kKeep = 64;    // events of storage a fine bucket keeps when emptied
  static constexpr std::size_t kMask = kFine - 1;

  struct Slot {
    Time time;
    std::uint64_t word;  // seq << 28 | kind << 24 | target
  };
  static Event unpack(const Slot& s) {
    return Event{s.time, s.word >> 28, static_cast<std::uint32_t>(s.word >> 24) & 0xf,
                 static_cast<std::uint32_t>(s.word) & kMaxTarget};
  }
  bool near_empty() const { return run_pos_ == run_.size() && heap_.empty(); }
  // Whether the earliest near event is the run's front (else the heap's). Requires !near_empty().
  bool run_first() const {
    return run_pos_ < run_.size() && (heap_.empty() || before(run_[run_pos_], heap_.front()));
  }
  const Slot& front() const { return run_first() ? run_[run_pos_] : heap_.front(); }
  void pop_heap() {
    const Slot last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n > 0) {
      std::size_t i = 0;
      for (;;) {
        std::size_t c = 4 * i + 1;
        if (c >= n) break;
        std::size_t best = c;
        const std::size_t end = c + 4 < n ? c + 4 : n;
        for (std::size_t j = c + 1; j < end; ++j)
          if (before(heap_[j], heap_[best])) best = j;
        if (!before(heap_[best], last)) break;
        heap_[i] = heap_[best];
        i = best;
      }
      heap_[i] = last;
    }
  }

  [[noreturn]] static void too_large(Time t, std::uint32_t kind, std::uint32_t target) {
    if (!(t <= kMaxTime)) {
      char shown[32];
      std::snprintf(shown, sizeof shown, "%g", t);
      throw std::range_error(std::string("an event at ") + shown +
                             " s: beyond the calendar's limit of 1e8 s (about three years)");
    }
    throw std::length_error(
        kind >= kMaxKinds ? "event kind " + std::to_string(kind) + " beyond the calendar's 16 kinds"
        : target > kMaxTarget
            ? "event target " + std::to_string(target) + " beyond the calendar's limit of 16,777,215 (more entities at once than the calendar can address)"
            : std::string("more than 2^36 events scheduled in one run"));
  }
  // Out of the common path: events beyond the ring (hours ahead), and appends that allocate.
  [[gnu::noinline]] void schedule_coarse(std::size_t k, const Slot& e) {
    const std::size_t c = k / kFine - (coarse_base_ + 1);
    if (c >= coarse_.size()) coarse_.resize(c + 1);
    coarse_[c].push_back(e);
    ++in_coarse_;
  }
  static void append(std::vector<Slot>& b, const Slot& e) {
    if (b.size() < b.capacity()) [[likely]]
      b.push_back(e);
    else
      grow_append(b, e);
  }
  [[gnu::noinline]] static void grow_append(std::vector<Slot>& b, const Slot& e) { b.push_back(e); }
  static bool before(const Slot& a, const Slot& b) {
    return a.time < b.time || (a.time == b.time && a.word < b.word);
  }
  // Global index k >= lowest of the fine bucket holding t: k w <= t < (k+1) w, with the same
  // products as horizon_, so an event never lands in a later bucket than its time says.
  // (A multiplication by the reciprocal first, since the loops make the index exact anyway.)
  // Signed arithmetic: converting a signed integer to double is one instruction, an unsigned one
  // is several (indices stay far below 2^63).
  std::size_t fine_index(Time t, std::size_t lowest) const {
    auto k = static_cast<std::int64_t>(t * inv_width_);
    while (static_cast<Time>(k + 1) * width_ <= t) ++k;
    const auto lo = static_cast<std::int64_t>(lowest);
    while (k > lo && static_cast<Time>(k) * width_ > t) --k;
    return static_cast<std::size_t>(k);
  }
  // Make the next non-empty bucket the near one, if any. Every event of the near level is before
  // horizon_, every bucketed one at or after it, so only an empty near level needs it.
  void refill() {
    while ((in_fine_ > 0 || in_coarse_ > 0) && near_empty()) {
      if (in_fine_ == 0) {
        // Nothing left in the ring: jump to the start of the next non-empty coarse bucket.
        std::size_t c = 0;
        while (coarse_[c].empty()) ++c;
        cur_ = (coarse_base_ + 1 + c) * kFine - 1;
      }
      ++cur_;  // the fine bucket [cur_ w, (cur_+1) w) becomes the near future
      if ((cur_ & kMask) == 0) spread_coarse();
      std::vector<Slot>& b = fine_[cur_ & kMask];
      in_fine_ -= b.size();
      // The bucket becomes the run, and the run's old storage the (empty) bucket.
      run_.swap(b);
      run_pos_ = 0;
      ++runs_;
      b.clear();
      if (b.capacity() > kKeep) std::vector<Slot>().swap(b);  // a burst's storage is not kept
      sort_run();
      horizon_ = static_cast<Time>(static_cast<std::int64_t>(cur_ + 1)) * width_;
    }
  }
  // The ring now covers coarse bucket cur_ / kFine: spread its events (and those of any coarse
  // bucket skipped over, which are empty) over the ring.
  void spread_coarse() {
    const std::size_t target = cur_ / kFine;
    while (coarse_base_ < target) {
      ++coarse_base_;
      if (coarse_.empty()) continue;
      std::vector<Slot> b = std::move(coarse_.front());
      coarse_.pop_front();
      in_coarse_ -= b.size();
      in_fine_ += b.size();
      for (const Slot& e : b) append(fine_[fine_index(e.time, cur_) & kMask], e);
    }
  }
  // Insertion sort for the usual dozen, a library sort for a burst unless it is in order already
  // (the halls closing, a train's riders alighting: one time, scheduled in sequence).
  void sort_run() {
    const std::size_t n = run_.size();
    if (n > 32) {
      const auto less = [](const Slot& a, const Slot& b) { return before(a, b); };
      if (!std::is_sorted(run_.begin(), run_.end(), less)) std::sort(run_.begin(), run_.end(), less);
      return;
    }
    for (std::size_t i = 1; i < n; ++i) {
      const Slot x = run_[i];
      std::size_t j = i;
      for (; j > 0 && before(x, run_[j - 1]); --j) run_[j] = run_[j - 1];
      run_[j] = x;
    }
  }
  void push(const Slot& e) {
    std::size_t i = heap_.size();
    heap_.push_back(e);
    while (i > 0) {
      std::size_t p = (i - 1) >> 2;
      if (!before(e, heap_[p])) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }

  std::vector<Slot> run_;      // the current fine bucket, sorted; run_[run_pos_] is next
  std::size_t run_pos_ = 0;
  std::uint64_t runs_ = 0;
  std::vector<Slot> heap_;     // events scheduled into the current fine bucket since it became current
  std::vector<std::vector<Slot>> fine_;    // fine_[k & kMask]: events of fine bucket k, cur_ < k < (coarse_base_+1) kFine
  std::deque<std::vector<Slot>> coarse_;   // coarse_[i]: events of fine buckets [(coarse_base_+1+i) kFine, ...+kFine)
  Time width_, inv_width_;
  Time horizon_;                 // events before it are in the heap; == (cur_ + 1) * width_
  std::size_t cur_ = 0;          // fine bucket of the near heap
  std::size_t coarse_base_ = 0;  // coarse bucket of cur_ (== cur_ / kFine)
  std::size_t in_fine_ = 0, in_coarse_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t pending_ = 0, peak_ = 0;
  Time now_ = 0;
};

}  // namespace expoflow
