#pragma once
// The one queueing mechanism of the engine: a pool of identical units and a FIFO of requests.
//
// Everything with a capacity is a Resource: security lanes (a unit per lane), fare gates, taxi
// loading bays, car-park spaces, a walkway's storage (a unit per person), a platform's floor
// space, and a vehicle at a stop (offer() its free places to the waiting line). Each component
// only says how long it holds the units; the queue, its order and its invariants live here.
//
// Strict FIFO: a request that does not fit blocks those behind it (a party stays together and
// does not let later arrivals overtake it). The resource emits nothing: the model turns grants
// into records, and statistics observe those.
//
// The resource also keeps what its waiting line is worth to the model: each request's weight (the
// persons it stands for) and when it joined, so a queue's length in persons and a grant's wait
// need no tally beside it.
//
// A one-unit resource whose hold times are known when requested (a walkway outlet passing a
// party in size / flow seconds) can instead be booked: the same FIFO single server, whose grant
// times follow from the bookings before (Lindley's recursion), so a grant needs no event of its
// own. A booking that has to wait is kept in the waiting line until its turn (take_booked).
// A resource is either booked or requested, never both.
#include <cstdint>
#include <limits>

#include "kernel/check.hpp"
#include "kernel/fifo.hpp"
#include "kernel/time.hpp"

namespace expoflow {

struct Request {
  std::uint32_t id = 0;     // the requesting entity (a party, a vehicle)
  std::uint32_t units = 1;  // how many units it needs at once
  std::uint32_t weight = 1; // what it counts for where it is granted (persons), so that a grant
                            // needs nothing from the requester's own record
  Time since = 0;           // when it joined the queue
};

class Resource {
 public:
  static constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max() / 4;

  explicit Resource(std::int64_t capacity = 0) : capacity_(capacity) {}

  std::int64_t capacity() const { return capacity_; }
  std::int64_t in_use() const { return in_use_; }
  std::int64_t available() const { return capacity_ > in_use_ ? capacity_ - in_use_ : 0; }
  std::size_t num_waiting() const { return queue_.size(); }
  std::uint64_t units_waiting() const { return units_waiting_; }
  // The weight (persons) of every waiting request.
  std::uint64_t weight_waiting() const { return weight_waiting_; }
  const Fifo<Request>& queue() const { return queue_; }

  // Ask for `units`. True: granted now. False: queued, to be granted later by release(),
  // set_capacity() or offer() through their grant callback.
  bool request(std::uint32_t id, std::uint32_t units, Time now, std::uint32_t weight = 1) {
    if (queue_.empty() && fits(units)) {
      in_use_ += units;
      return true;
    }
    enqueue(Request{id, units, weight, now});
    return false;
  }

  // Join the waiting line without asking for units now: a line that vehicles serve with offer().
  void wait(std::uint32_t id, std::uint32_t units, Time now, std::uint32_t weight = 1) {
    enqueue(Request{id, units, weight, now});
  }

  // Return units, then grant waiting requests in order while the head fits.
  // grant(const Request&) is called for each request granted.
  template <class Grant>
  void release(std::uint32_t units, Grant&& grant) {
    EXPOFLOW_CHECK(in_use_ >= static_cast<std::int64_t>(units), "resource released more than held");
    in_use_ -= units;
    serve(grant);
  }

  // Change the number of units (lanes opening or closing). Units in use are not taken away:
  // a closing lane finishes its current person.
  template <class Grant>
  void set_capacity(std::int64_t capacity, Grant&& grant) {
    EXPOFLOW_CHECK(capacity >= 0, "negative capacity");
    capacity_ = capacity;
    serve(grant);
  }

  // Hand `units` transient places (a vehicle's free space at a stop) to the waiting requests, in
  // order while the head fits; the units do not stay in the pool. Returns the units taken.
  template <class Grant>
  std::uint32_t offer(std::uint32_t units, Grant&& grant) {
    std::uint32_t used = 0;
    while (!queue_.empty() && queue_.front().units <= units - used) {
      const Request r = dequeue();
      used += r.units;
      grant(r);
    }
    return used;
  }

  // Book the unit for `hold` from the first moment it is free at or after `now`; returns that
  // moment, when the booking is granted. Bookings are granted in the order they are made. One
  // granted later than `now` waits in the line (for `id`, with `weight`) until take_booked().
  Time book(std::uint32_t id, Time now, Time hold, std::uint32_t weight = 1) {
    EXPOFLOW_CHECK(capacity_ == 1 && in_use_ == 0, "book() is for one-unit resources only booked");
    const Time start = booked_until_ > now ? booked_until_ : now;
    booked_until_ = start + hold;
    if (start > now) enqueue(Request{id, 1, weight, now});
    return start;
  }
  // The oldest waiting booking, leaving the line at its turn.
  Request take_booked() {
    EXPOFLOW_CHECK(!queue_.empty(), "no booking waits");
    return dequeue();
  }

  // The waiting request of `id`, or null if it waits here no longer.
  const Request* find(std::uint32_t id) const {
    for (std::size_t i = 0; i < queue_.size(); ++i)
      if (queue_[i].id == id) return &queue_[i];
    return nullptr;
  }
  // Take the waiting request of `id` out of the line (a party giving up its wait), keeping the
  // order of the others; false if it waits here no longer. Whoever it blocked may now fit: they
  // are granted through grant(const Request&), as on release().
  template <class Grant>
  bool withdraw(std::uint32_t id, Request* out, Grant&& grant) {
    for (std::size_t i = 0; i < queue_.size(); ++i)
      if (queue_[i].id == id) {
        const Request r = queue_.erase_at(i);
        units_waiting_ -= r.units;
        weight_waiting_ -= r.weight;
        if (out) *out = r;
        if (i == 0) serve(grant);
        return true;
      }
    return false;
  }

  // Remove every waiting request (an entrance closing, a line suspended), oldest first; each is
  // passed to drop(const Request&). Units in use are untouched.
  template <class Drop>
  void withdraw_all(Drop&& drop) {
    while (!queue_.empty()) drop(dequeue());
  }

 private:
  bool fits(std::uint32_t units) const {
    // A request larger than the whole capacity is admitted alone when the resource is idle, so
    // that a party bigger than a tiny walkway cannot block it for ever.
    return in_use_ + static_cast<std::int64_t>(units) <= capacity_ ||
           (in_use_ == 0 && capacity_ > 0);
  }
  template <class Grant>
  void serve(Grant& grant) {
    while (!queue_.empty() && fits(queue_.front().units)) {
      const Request r = dequeue();
      in_use_ += r.units;
      grant(r);
    }
  }

  [[gnu::always_inline]] void enqueue(const Request& r) {
    queue_.push_back(r);
    units_waiting_ += r.units;
    weight_waiting_ += r.weight;
  }
  [[gnu::always_inline]] Request dequeue() {
    Request r = queue_.pop_front();
    units_waiting_ -= r.units;
    weight_waiting_ -= r.weight;
    return r;
  }

  std::int64_t capacity_ = 0;
  std::int64_t in_use_ = 0;
  std::uint64_t units_waiting_ = 0, weight_waiting_ = 0;
  Time booked_until_ = 0;
  Fifo<Request> queue_;
};

}  // namespace expoflow
