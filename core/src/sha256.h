// SHA-256 (FIPS 180-4), for the state digest and stable conflict ids. The core carries its own
// because libsodium belongs to sync/ (DESIGN.md §1). Not for secrets; incremental; not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dosti {

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t n);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  std::array<uint8_t, 32> Final();
  // Lowercase hex of the final hash.
  std::string HexFinal();

 private:
  void Block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string Sha256Hex(std::string_view s);

}  // namespace dosti
