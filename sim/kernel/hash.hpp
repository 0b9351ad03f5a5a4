#pragma once
// FNV-1a, 64 bits: a hash that is the same on every platform and compiler, for names (random
// streams), the scenario's values and cache files. Not for security.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace expoflow {

class Fnv1a {
 public:
  constexpr Fnv1a& add(std::string_view s) {
    for (char c : s) byte(static_cast<unsigned char>(c));
    return *this;
  }
  // The object representation of a value (its bytes as stored: fine for hashing within one build).
  Fnv1a& add_bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) byte(c[i]);
    return *this;
  }
  constexpr std::uint64_t value() const { return h_; }

 private:
  constexpr void byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

constexpr std::uint64_t fnv1a(std::string_view s) { return Fnv1a().add(s).value(); }

}  // namespace expoflow
