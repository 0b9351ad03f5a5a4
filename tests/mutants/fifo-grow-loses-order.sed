# file: sim/kernel/fifo.hpp
# function: Fifo::grow
# bug: a ring buffer that grows while wrapped copies its slots from index 0, not from its head (queue order lost)
/^  void grow() {/,/^  }/ s|next\[i\] = std::move(buf_\[(head_ + i) \& (buf_.size() - 1)\]);|next[i] = std::move(buf_[i]);|
