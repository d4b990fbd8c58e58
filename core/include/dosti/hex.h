// The one hex codec of Dosti: ids, digests, keys and test vectors are written as lowercase
// hexadecimal and read back here (the sync layer's sync::ToHex/FromHex forward to it).
// Pure inline functions over bytes held in std::string; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dosti {

namespace hex_detail {
inline constexpr char kDigits[] = "0123456789abcdef";
// The value of a hex digit (either case), or -1.
constexpr int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace hex_detail

// Appends the lowercase hex of `bytes` (two digits per byte) to `out`.
inline void AppendHex(std::string& out, std::string_view bytes) {
  std::size_t at = out.size();
  out.resize(at + bytes.size() * 2);
  for (unsigned char b : bytes) {
    out[at++] = hex_detail::kDigits[b >> 4];
    out[at++] = hex_detail::kDigits[b & 15];
  }
}

// The lowercase hex of `bytes`.
inline std::string ToHex(std::string_view bytes) {
  std::string out;
  AppendHex(out, bytes);
  return out;
}

// Appends the bytes written as hex in `hex` (either case) to `out`. Returns false, leaving
// `out` as it was, unless `hex` is an even number of hex digits.
inline bool AppendFromHex(std::string& out, std::string_view hex) {
  if (hex.size() % 2) return false;
  std::size_t at = out.size();
  out.resize(at + hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_detail::Nibble(hex[i]), lo = hex_detail::Nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      out.resize(at);
      return false;
    }
    out[at++] = static_cast<char>((hi << 4) | lo);
  }
  return true;
}

// The bytes written as hex in `hex` (either case); nullopt unless it is an even number of
// hex digits.
inline std::optional<std::string> FromHex(std::string_view hex) {
  std::string out;
  if (!AppendFromHex(out, hex)) return std::nullopt;
  return out;
}

// True when `s` is `size` lowercase hex digits (any length when `size` is 0) — the form of
// Dosti's ids (32 digits) and digests (64).
inline bool IsLowerHex(std::string_view s, std::size_t size = 0) {
  if (size != 0 && s.size() != size) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace dosti
