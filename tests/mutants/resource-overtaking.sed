# file: sim/kernel/resource.hpp
# function: Resource::request
# bug: a request that fits is granted at once though others wait before it (FIFO broken)
/^  bool request(std::uint32_t id, std::uint32_t units, Time now/,/^  }/ s|if (queue_.empty() \&\& fits(units)) {|if (fits(units)) {|
