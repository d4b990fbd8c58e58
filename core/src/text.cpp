#include "dosti/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace dosti::text {
namespace {

// Row types of the generated tables (scripts/gen-unicode-tables documents each table).
struct CccRange {
  char32_t first;
  char32_t last;
  uint8_t ccc;
};
struct Decomposition {
  char32_t cp;
  char32_t first;
  char32_t second;  // 0 for a singleton
};
struct Composition {
  char32_t first;
  char32_t second;
  char32_t composite;
};
struct Range {
  char32_t first;
  char32_t last;
};
struct CaseFoldRow {
  char32_t cp;
  char32_t folded;
};

#include "unicode_tables.inc"

constexpr char32_t kReplacement = 0xFFFD;

// Hangul syllables are composed and decomposed arithmetically (Unicode ch. 3.12) rather than
// tabulated: 11,172 syllables would dwarf every other table.
constexpr char32_t kSBase = 0xAC00;
constexpr char32_t kLBase = 0x1100;
constexpr char32_t kVBase = 0x1161;
constexpr char32_t kTBase = 0x11A7;
constexpr char32_t kLCount = 19;
constexpr char32_t kVCount = 21;
constexpr char32_t kTCount = 28;
constexpr char32_t kNCount = kVCount * kTCount;
constexpr char32_t kSCount = kLCount * kNCount;

struct Decoded {
  char32_t cp;
  std::size_t length;  // bytes consumed, at least 1
  bool ok;
};

// Decodes one code point at `i`. An ill-formed sequence consumes its maximal prefix that could
// start a valid sequence (at least one byte), as the Unicode standard recommends for U+FFFD.
Decoded DecodeAt(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1, true};
  std::size_t need;
  char32_t cp;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // past U+10FFFF
  } else {
    return {kReplacement, 1, false};
  }
  std::size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= s.size()) return {kReplacement, k, false};
    const unsigned char b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return {kReplacement, k, false};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, k, true};
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Applies `map` to every well-formed code point; ill-formed bytes are copied unchanged, so that
// folding never hides invalid input from a later IsValidUtf8 check.
template <typename Map>
std::string MapCodePoints(std::string_view s, Map map) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (const auto b = static_cast<unsigned char>(s[i]); b < 0x80) {  // ASCII: no decoding
      AppendUtf8(map(b), out);
      ++i;
      continue;
    }
    const Decoded d = DecodeAt(s, i);
    if (d.ok) {
      AppendUtf8(map(d.cp), out);
    } else {
      out.append(s.substr(i, d.length));
    }
    i += d.length;
  }
  return out;
}

template <std::size_t N>
bool InRanges(const Range (&ranges)[N], char32_t cp) {
  const auto it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                                   [](char32_t c, const Range& r) { return c < r.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}

uint8_t Ccc(char32_t cp) {
  if (cp < 0x300) return 0;  // nothing below the combining diacritics block has a class
  const auto it = std::upper_bound(std::begin(kCccRanges), std::end(kCccRanges), cp,
                                   [](char32_t c, const CccRange& r) { return c < r.first; });
  if (it == std::begin(kCccRanges)) return 0;
  const CccRange& r = *std::prev(it);
  return cp <= r.last ? r.ccc : 0;
}

void Decompose(char32_t cp, std::u32string& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const char32_t s_index = cp - kSBase;
    out.push_back(kLBase + s_index / kNCount);
    out.push_back(kVBase + (s_index % kNCount) / kTCount);
    if (const char32_t t = s_index % kTCount; t != 0) out.push_back(kTBase + t);
    return;
  }
  const auto it = std::lower_bound(std::begin(kDecompositions), std::end(kDecompositions), cp,
                                   [](const Decomposition& d, char32_t c) { return d.cp < c; });
  if (it == std::end(kDecompositions) || it->cp != cp) {
    out.push_back(cp);
    return;
  }
  // Mappings in UnicodeData.txt are one level deep; the full decomposition recurses.
  Decompose(it->first, out);
  if (it->second != 0) Decompose(it->second, out);
}

// The primary composite of `first` + `second`, or 0.
char32_t Compose(char32_t first, char32_t second) {
  if (first >= kLBase && first < kLBase + kLCount && second >= kVBase &&
      second < kVBase + kVCount) {
    return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
  }
  if (first >= kSBase && first < kSBase + kSCount && (first - kSBase) % kTCount == 0 &&
      second > kTBase && second < kTBase + kTCount) {
    return first + (second - kTBase);
  }
  const auto it =
      std::lower_bound(std::begin(kCompositions), std::end(kCompositions), std::pair{first, second},
                       [](const Composition& c, const std::pair<char32_t, char32_t>& key) {
                         return c.first != key.first ? c.first < key.first : c.second < key.second;
                       });
  if (it != std::end(kCompositions) && it->first == first && it->second == second) {
    return it->composite;
  }
  return 0;
}

// True when `s` is well-formed and every code point is ASCII or a CJK Unified Ideograph
// (U+3400–U+4DBF, U+4E00–U+9FFF): none of them decomposes, has a combining class or composes
// with anything (UnicodeData.txt), so such text is its own NFC. That is most names and
// addresses here, Latin or Chinese; everything else goes the whole way.
bool IsPlainNfc(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    const Decoded d = DecodeAt(s, i);
    if (!d.ok || !((d.cp >= 0x3400 && d.cp <= 0x4DBF) || (d.cp >= 0x4E00 && d.cp <= 0x9FFF))) {
      return false;
    }
    i += d.length;
  }
  return true;
}

bool IsTrimmable(char32_t cp) {
  static constexpr char32_t kBlanks[] = {0x09,   0x0A,   0x0B,   0x0C,   0x0D,
                                         0x20,   0x85,   0xA0,   0x1680, 0x2028,
                                         0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF};
  return (cp >= 0x2000 && cp <= 0x200B) ||
         std::find(std::begin(kBlanks), std::end(kBlanks), cp) != std::end(kBlanks);
}

}  // namespace

std::size_t InvalidUtf8At(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII: nothing to decode
      ++i;
      continue;
    }
    const Decoded d = DecodeAt(s, i);
    if (!d.ok) return i;
    i += d.length;
  }
  return std::string_view::npos;
}

bool IsValidUtf8(std::string_view s) { return InvalidUtf8At(s) == std::string_view::npos; }

std::u32string ToCodePoints(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (const auto b = static_cast<unsigned char>(s[i]); b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    const Decoded d = DecodeAt(s, i);
    out.push_back(d.cp);
    i += d.length;
  }
  return out;
}

std::string FromCodePoints(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) AppendUtf8(cp, out);
  return out;
}

std::string Trim(std::string_view s) {
  // Find the first and last non-blank code points by byte offset, so that the bytes in
  // between (even ill-formed ones) come out exactly as they went in. Both ends are scanned
  // only as far as their blanks go (text with none stops at once). From the back, a code
  // point starts at its lead byte; a valid one found there is the one a scan from the front
  // decodes too (lead bytes are never taken as continuation bytes, valid or not), and a tail
  // that is not a valid code point is not blank.
  std::size_t begin = 0;
  while (begin < s.size()) {
    const Decoded d = DecodeAt(s, begin);
    if (!d.ok || !IsTrimmable(d.cp)) break;
    begin += d.length;
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t start = end - 1;
    while (start > begin && end - start < 4 &&
           (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    const Decoded d = DecodeAt(s, start);
    if (!d.ok || start + d.length != end || !IsTrimmable(d.cp)) break;
    end = start;
  }
  if (begin >= end) return {};
  return std::string(s.substr(begin, end - begin));
}

std::string Nfc(std::string_view s) {
  if (IsPlainNfc(s)) return std::string(s);
  // 1. Full canonical decomposition.
  std::u32string decomposed;
  decomposed.reserve(s.size());
  for (char32_t cp : ToCodePoints(s)) Decompose(cp, decomposed);

  // 2. Canonical ordering: each run of non-starters is stably sorted by combining class.
  for (std::size_t i = 0; i < decomposed.size();) {
    if (Ccc(decomposed[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < decomposed.size() && Ccc(decomposed[j]) != 0) ++j;
    std::stable_sort(decomposed.begin() + i, decomposed.begin() + j,
                     [](char32_t a, char32_t b) { return Ccc(a) < Ccc(b); });
    i = j;
  }

  // 3. Canonical composition. A character combines with the last starter unless something in
  // between blocks it: after ordering, the last kept character has the highest class in
  // between, so comparing with it alone is enough.
  std::u32string out;
  out.reserve(decomposed.size());
  std::size_t starter = std::u32string::npos;
  int last_ccc = 0;
  for (char32_t cp : decomposed) {
    const int ccc = Ccc(cp);
    if (starter != std::u32string::npos) {
      const bool adjacent = starter + 1 == out.size();
      if (adjacent || (last_ccc != 0 && last_ccc < ccc)) {
        if (const char32_t composite = Compose(out[starter], cp); composite != 0) {
          out[starter] = composite;
          continue;
        }
      }
    }
    if (ccc == 0) starter = out.size();
    last_ccc = ccc;
    out.push_back(cp);
  }
  return FromCodePoints(out);
}

std::string Clean(std::string_view s) { return Nfc(Trim(s)); }

std::string FoldWidth(std::string_view s) {
  return MapCodePoints(s, [](char32_t cp) -> char32_t {
    if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFF01 + 0x21;
    if (cp == 0x3000) return 0x20;
    return cp;
  });
}

// No script between Coptic and Cyrillic Extended-B has case: Chinese, Japanese and the
// punctuation between them are not looked up in the table.
constexpr char32_t kNoCaseFirst = 0x2CF3, kNoCaseLast = 0xA63F;
constexpr bool NoCaseFoldsIn(char32_t first, char32_t last) {
  for (const CaseFoldRow& r : kCaseFolds) {
    if (r.cp >= first && r.cp <= last) return false;
  }
  return true;
}
static_assert(NoCaseFoldsIn(kNoCaseFirst, kNoCaseLast));

std::string CaseFold(std::string_view s) {
  // Widths folded first (full-width Latin is case-folded as Latin), in the same pass.
  return MapCodePoints(s, [](char32_t cp) -> char32_t {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;
    if (cp == 0x3000) cp = 0x20;
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
    if (cp >= kNoCaseFirst && cp <= kNoCaseLast) return cp;
    const auto it = std::lower_bound(std::begin(kCaseFolds), std::end(kCaseFolds), cp,
                                     [](const CaseFoldRow& f, char32_t c) { return f.cp < c; });
    return (it != std::end(kCaseFolds) && it->cp == cp) ? it->folded : cp;
  });
}

std::vector<std::string> SplitWords(std::string_view s) {
  // Which ASCII characters separate words, looked up once instead of in the tables each time.
  static const std::array<bool, 128> kAsciiSeparator = [] {
    std::array<bool, 128> table{};
    for (char32_t c = 0; c < 128; ++c) table[c] = InRanges(kSeparatorRanges, c);
    return table;
  }();
  static_assert(kFormatRanges[0].first >= 0x80, "no ASCII character is a format character");
  std::vector<std::string> words;
  std::string word;
  std::size_t run = 0;  // where the bytes not yet added to `word` begin
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const Decoded d = b < 0x80 ? Decoded{b, 1, true} : DecodeAt(s, i);
    const bool separator =
        d.ok && (d.cp < 0x80 ? kAsciiSeparator[d.cp] : InRanges(kSeparatorRanges, d.cp));
    // Format characters (ZWNJ, bidi marks) are invisible: a word reads the same without them.
    const bool invisible = !separator && d.ok && d.cp >= 0x80 && InRanges(kFormatRanges, d.cp);
    if (separator || invisible) {
      word.append(s.substr(run, i - run));
      run = i + d.length;
    }
    if (separator && !word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    i += d.length;
  }
  word.append(s.substr(run));
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::size_t Length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) i += DecodeAt(s, i).length;
  return n;
}

std::size_t DisplayWidth(std::string_view s) {
  static_assert(kZeroWidthRanges[0].first >= 0x80 && kWideRanges[0].first >= 0x80,
                "printable ASCII is one column");
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const Decoded d = b < 0x80 ? Decoded{b, 1, true} : DecodeAt(s, i);
    i += d.length;
    const char32_t cp = d.cp;  // U+FFFD for ill-formed bytes, one column each, as before
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) continue;  // controls occupy no cell
    if (cp < 0x7F) {
      ++width;
      continue;
    }
    if (InRanges(kZeroWidthRanges, cp)) continue;
    width += InRanges(kWideRanges, cp) ? 2 : 1;
  }
  return width;
}

}  // namespace dosti::text
