#pragma once
// A growable ring buffer: FIFO queues without the per-block allocations of std::deque.
#include <cstddef>
#include <utility>
#include <vector>

namespace expoflow {

template <class T>
class Fifo {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& front() { return buf_[head_]; }
  const T& front() const { return buf_[head_]; }
  const T& operator[](std::size_t i) const { return buf_[(head_ + i) & (buf_.size() - 1)]; }
  [[gnu::always_inline]] void push_back(const T& v) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = v;
    ++size_;
  }
  // Remove the element at position i (0: the front), keeping the order of the others: the ones
  // behind it move up one place.
  T erase_at(std::size_t i) {
    const std::size_t mask = buf_.size() - 1;
    T v = std::move(buf_[(head_ + i) & mask]);
    for (std::size_t k = i; k + 1 < size_; ++k) buf_[(head_ + k) & mask] = std::move(buf_[(head_ + k + 1) & mask]);
    --size_;
    return v;
  }
  T pop_front() {
    T v = std::move(buf_[head_]);
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
    return v;
  }

 private:
  void grow() {
    std::vector<T> next(buf_.empty() ? 16 : buf_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) next[i] = std::move(buf_[(head_ + i) & (buf_.size() - 1)]);
    buf_ = std::move(next);
    head_ = 0;
  }
  std::vector<T> buf_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace expoflow
