#pragma once
// The event calendar: pending events ordered by (time, sequence number). Ties run in the order
// they were scheduled, whatever the heap does, because the sequence number is part of the key.
//
// An event is a 24-byte value: time, sequence, a handler kind and a target id. Events carry ids,
// never pointers, so the calendar has no ownership and no per-event allocation.
//
// Layout choice: an implicit 4-ary min-heap in one vector. Compared with a binary heap it halves
// the depth and keeps a node's children in one cache line; compared with a calendar/ladder queue
// it has no tuning parameters and no pathological bucket widths. Long timers (hall dwell) are the
// bulk of the pending set in big runs; see the performance notes in README.
#include <cstdint>
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
  // Schedule `kind` for `target` at absolute time `t`. Scheduling in the past is a bug.
  void schedule(Time t, std::uint32_t kind, std::uint32_t target) {
    EXPOFLOW_CHECK(t >= now_, "event scheduled in the past");
    push(Event{t, next_seq_++, kind, target});
  }
  void schedule_in(Time delay, std::uint32_t kind, std::uint32_t target) {
    schedule(now_ + delay, kind, target);
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::size_t peak_size() const { return peak_; }
  std::uint64_t num_processed() const { return processed_; }
  Time now() const { return now_; }
  Time next_time() const { return heap_.front().time; }

  // Remove and return the earliest event, advancing the clock to its time.
  Event pop() {
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

  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  static bool before(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
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
    if (heap_.size() > peak_) peak_ = heap_.size();
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t peak_ = 0;
  Time now_ = 0;
};

}  // namespace expoflow
