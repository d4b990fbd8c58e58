// The one base64 codec of Dosti: base64url without padding (RFC 4648 §5), the form of invite
// links (RELAY_URL/#invite=..., sync/identity.h), which travel in URLs and chat messages.
// Pure inline functions over bytes held in std::string; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dosti {

namespace base64_detail {
inline constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// The value of a base64url digit, or -1.
constexpr int Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}
}  // namespace base64_detail

// `bytes` in base64url, unpadded: 4 characters per 3 bytes, 2 or 3 for a last 1 or 2.
inline std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    for (int s = 18; s >= 0; s -= 6) out.push_back(base64_detail::kAlphabet[(v >> s) & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = at(i) << 16;
    if (rest == 2) v |= at(i + 1) << 8;
    for (std::size_t d = 0; d <= rest; ++d) {
      out.push_back(base64_detail::kAlphabet[(v >> (18 - 6 * d)) & 63]);
    }
  }
  return out;
}

// The bytes of unpadded base64url `text`; nullopt for any other character (padding, '+', '/',
// white space included), a length of 1 modulo 4, or unused bits that are not zero (so every
// byte string has exactly one spelling).
inline std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned v = 0;
  int bits = 0;
  for (char c : text) {
    int d = base64_detail::Digit(c);
    if (d < 0) return std::nullopt;
    v = (v << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((v >> bits) & 0xff));
    }
  }
  if ((v & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace dosti
