# file: sim/kernel/resource.hpp
# function: Resource::fits
# bug: a request fits only below capacity, not up to it (capacity off by one)
/^  bool fits(std::uint32_t units) const {/,/^  }/ s|static_cast<std::int64_t>(units) <= capacity_ \|\||static_cast<std::int64_t>(units) < capacity_ \|\||
