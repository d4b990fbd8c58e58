// Conversion of GB18030 and Windows-1256 text to UTF-8 (dosti/encoding.h), over iconv(3).
#include "dosti/encoding.h"

#include <iconv.h>

#include <cerrno>
#include <cstdint>

#include "dosti/catalog.h"
#include "dosti/text.h"

namespace dosti {

const std::vector<std::string_view> kTextEncodings = {"utf-8", "gb18030", "windows-1256"};

namespace {

// Lower case ASCII letters and digits only: "Windows-1256" → "windows1256".
std::string Squeeze(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

// The name iconv_open knows the encoding by, in glibc and in musl alike.
const char* IconvName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kGb18030: return "GB18030";
    case TextEncoding::kWindows1256: return "WINDOWS-1256";
    default: return "UTF-8";
  }
}

bool HasNonAscii(std::string_view bytes) {
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// Code page 1256 has no Urdu yeh ی (U+06CC): Windows saves it as the Arabic yeh's byte 0xED
// (Microsoft's best-fit table for 1256, bestfit1256.txt in unicode.org's WindowsBestFit
// mappings), which decodes to ي (U+064A). The files this import is for are Urdu (Pakistani
// Windows), so ي becomes ی again: the names then match what Urdu keyboards type.
void UrduYeh(std::string& utf8) {
  static constexpr std::string_view kArabicYeh = "\xD9\x8A";  // U+064A
  static constexpr std::string_view kUrduYeh = "\xDB\x8C";    // U+06CC
  for (size_t at = utf8.find(kArabicYeh); at != std::string::npos;
       at = utf8.find(kArabicYeh, at + kUrduYeh.size())) {
    utf8.replace(at, kArabicYeh.size(), kUrduYeh);
  }
}

}  // namespace

std::optional<TextEncoding> ParseTextEncoding(std::string_view name) {
  std::string n = Squeeze(name);
  if (n == "utf8") return TextEncoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return TextEncoding::kGb18030;
  if (n == "windows1256" || n == "cp1256") return TextEncoding::kWindows1256;
  return std::nullopt;
}

std::string_view TextEncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kAuto: return "auto";
    case TextEncoding::kUtf8: return kTextEncodings[0];
    case TextEncoding::kGb18030: return kTextEncodings[1];
    case TextEncoding::kWindows1256: return kTextEncodings[2];
  }
  return "auto";
}

// GB18030 (GB 18030-2005 §6): a byte below 0x80 is ASCII; 0x81–0xFE starts a two-byte
// character with a second byte 0x40–0x7E or 0x80–0xFE, or a four-byte one with the second and
// fourth bytes 0x30–0x39 and the third 0x81–0xFE. 0x80 and 0xFF never occur.
TextEncoding GuessEncoding(std::string_view bytes) {
  auto at = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  const size_t n = bytes.size();
  for (size_t i = 0; i < n;) {
    uint8_t b = at(i);
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b == 0x80 || b == 0xFF || i + 1 >= n) return TextEncoding::kWindows1256;
    uint8_t b2 = at(i + 1);
    if ((b2 >= 0x40 && b2 <= 0x7E) || (b2 >= 0x80 && b2 <= 0xFE)) {
      i += 2;
    } else if (b2 >= 0x30 && b2 <= 0x39 && i + 3 < n && at(i + 2) >= 0x81 && at(i + 2) <= 0xFE &&
               at(i + 3) >= 0x30 && at(i + 3) <= 0x39) {
      i += 4;
    } else {
      return TextEncoding::kWindows1256;
    }
  }
  return TextEncoding::kGb18030;
}

Result<std::string> DecodeToUtf8(std::string_view bytes, TextEncoding from) {
  if (from == TextEncoding::kAuto || from == TextEncoding::kUtf8) {
    size_t bad = text::InvalidUtf8At(bytes);
    if (bad == std::string_view::npos) return std::string(bytes);
    const TextEncoding likely = GuessEncoding(bytes);
    return MakeError(ErrorCode::kBadCsv, "text.not_utf8",
                     {{"likely", std::string(TextEncodingName(likely))},
                      {"origin", likely == TextEncoding::kGb18030 ? "text.origin.gb18030"
                                                                   : "text.origin.windows1256"},
                      {"offset", std::to_string(bad)}});
  }
  const std::string name(TextEncodingName(from));
  if (HasNonAscii(bytes) && text::IsValidUtf8(bytes)) {
    return MakeError(ErrorCode::kBadCsv, "text.already_utf8", {{"encoding", name}});
  }
  iconv_t cd = iconv_open("UTF-8", IconvName(from));
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return MakeError(ErrorCode::kInternal, "text.no_converter", {{"encoding", name}});
  }
  // Chinese takes 2 bytes a character in GB18030 and 3 in UTF-8, Urdu 1 and 2: 2x is enough
  // nearly always; the loop grows the buffer otherwise.
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write there
  size_t in_left = bytes.size();
  size_t used = 0;
  Result<std::string> result = std::string();
  for (;;) {
    char* dst = out.data() + used;
    size_t dst_left = out.size() - used;
    size_t r = iconv(cd, in_left > 0 ? &in : nullptr, &in_left, &dst, &dst_left);
    used = out.size() - dst_left;
    if (r != static_cast<size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ: a sequence the encoding lacks; EINVAL: the text ends inside a sequence.
    result = MakeError(ErrorCode::kBadCsv, "text.not_in_encoding",
                       {{"encoding", name},
                        {"offset", std::to_string(bytes.size() - in_left)}});
    break;
  }
  iconv_close(cd);
  if (!result) return result;
  out.resize(used);
  if (from == TextEncoding::kWindows1256) UrduYeh(out);
  return out;
}

}  // namespace dosti
