// Keys of the node's local blobs (Session::LocalPut): big-endian numbers, so that the core's
// byte-ordered listing returns an author's entries in sequence order. Internal to sync/src.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dosti::sync::local {

inline std::string BigEndian(uint64_t v, int n) {
  std::string out(n, '\0');
  for (int i = n - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}
inline uint64_t ReadBigEndian(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}
// author (16 bytes) ‖ u64 BE seq.
inline std::string AuthorSeq(std::string_view author, uint64_t seq) {
  return std::string(author) + BigEndian(seq, 8);
}

}  // namespace dosti::sync::local
