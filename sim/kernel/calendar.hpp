#pragma once
// The event calendar: pending events ordered by (time, sequence number). Ties run in the order
// they were scheduled, whatever the data structure does, because the sequence number is part of
// the key.
//
// An event is a 24-byte value: time, sequence, a handler kind and a target id. Events carry ids,
// never pointers, so the calendar has no ownership and no per-event allocation.
//
// Layout: two levels. The near future (events before `horizon_`) lives in an implicit 4-ary
// min-heap; later events are appended, unsorted, to buckets of fixed width and move into the heap
// only when the clock reaches their bucket. In an expo most pending events are long timers
// (hours of hall dwell) that a single heap would sift through on every pop; here the heap holds
// only the next bucket's worth of events and stays in cache, while a far event costs one append.
// The pop order is exactly the (time, sequence) order of a single heap: an event waits in a
// bucket only while every event before the bucket's start is still to come. Rejected: a ladder
// queue (more bookkeeping, no gain at these sizes) and a binary heap (twice the depth).
#include <cstdint>
#include <deque>
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
  // `bucket_width`: seconds of simulated time per far bucket (about the span over which a few
  // thousand events fall due).
  explicit Calendar(Time bucket_width = 60.0) : width_(bucket_width), horizon_(bucket_width) {}

  // Schedule `kind` for `target` at absolute time `t`. Scheduling in the past is a bug.
  void schedule(Time t, std::uint32_t kind, std::uint32_t target) {
    EXPOFLOW_CHECK(t >= now_, "event scheduled in the past");
    const Event e{t, next_seq_++, kind, target};
    if (t < horizon_) {
      push(e);
    } else {
      // Bucket k holds [k w, (k+1) w); computed with the same products as horizon_, so an
      // event never lands in a later bucket than its time says.
      auto k = static_cast<std::size_t>(t / width_);
      while (static_cast<Time>(k + 1) * width_ <= t) ++k;
      while (k > base_ + 1 && static_cast<Time>(k) * width_ > t) --k;
      const std::size_t b = k - (base_ + 1);
      if (b >= buckets_.size()) buckets_.resize(b + 1);
      buckets_[b].push_back(e);
      ++far_;
    }
    const std::size_t n = heap_.size() + far_;
    if (n > peak_) peak_ = n;
  }
  void schedule_in(Time delay, std::uint32_t kind, std::uint32_t target) {
    schedule(now_ + delay, kind, target);
  }

  bool empty() const { return heap_.empty() && far_ == 0; }
  std::size_t size() const { return heap_.size() + far_; }
  std::size_t peak_size() const { return peak_; }
  std::uint64_t num_processed() const { return processed_; }
  Time now() const { return now_; }
  // Time of the earliest event. Not const: it may move a bucket into the heap. Requires !empty().
  Time next_time() {
    refill();
    return heap_.front().time;
  }

  // Remove and return the earliest event, advancing the clock to its time. Requires !empty().
  Event pop() {
    refill();
    EXPOFLOW_CHECK(!heap_.empty(), "pop from an empty calendar");
    Event top = heap_.front();
    Event last = heap_.back();
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
    EXPOFLOW_CHECK(top.time >= now_, "clock went back");
    now_ = top.time;
    ++processed_;
    return top;
  }

  // The earliest event already in the near heap, or null: lets a model prefetch what the next
  // event will touch while it handles the current one.
  const Event* peek_near() const { return heap_.empty() ? nullptr : &heap_.front(); }

  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  static bool before(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  // Move buckets into the heap until the heap's earliest event precedes every far event.
  void refill() {
    while (far_ > 0 && (heap_.empty() || heap_.front().time >= horizon_)) {
      std::vector<Event>& b = buckets_.front();  // covers [horizon_, horizon_ + w)
      far_ -= b.size();
      for (const Event& e : b) push(e);
      buckets_.pop_front();
      ++base_;
      horizon_ = static_cast<Time>(base_ + 1) * width_;
    }
  }
  void push(const Event& e) {
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

  std::vector<Event> heap_;
  std::deque<std::vector<Event>> buckets_;  // buckets_[i] covers [(base_+1+i) w, (base_+2+i) w)
  Time width_;
  Time horizon_;            // events before it are in the heap
  std::size_t base_ = 0;    // horizon_ == (base_ + 1) * width_
  std::size_t far_ = 0;     // events in buckets
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t peak_ = 0;
  Time now_ = 0;
};

}  // namespace expoflow
