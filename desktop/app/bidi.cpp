#include "bidi.h"

#include <fribidi/fribidi.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/text.h"

namespace dosti::desktop {
namespace {

bool IsRtlOrControl(char32_t c) {
  return (c >= 0x0590 && c <= 0x08FF) ||  // Hebrew, Arabic, Syriac, Thaana, N'Ko, Arabic Ext.
         (c >= 0xFB1D && c <= 0xFDFF) ||  // Hebrew and Arabic presentation forms A
         (c >= 0xFE70 && c <= 0xFEFF) ||  // Arabic presentation forms B
         (c >= 0x200C && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

// Characters that steer joining or direction and have no glyph of their own: they have done
// their work once the line is shaped and reordered (UAX #9 rule X9 removes most of them too).
bool IsInvisibleControl(char32_t c) {
  return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x061C || c == 0xFEFF;
}

FriBidiParType ParType(Direction d) {
  switch (d) {
    case Direction::kAutoLtr:
      return FRIBIDI_PAR_WLTR;
    case Direction::kAutoRtl:
      return FRIBIDI_PAR_WRTL;
    case Direction::kRtl:
      return FRIBIDI_PAR_RTL;
  }
  return FRIBIDI_PAR_WLTR;
}

// One line: fribidi_log2vis runs the whole pipeline of FriBiDi 1.0 (bidi types, brackets,
// embedding levels, Arabic joining, shaping with FRIBIDI_FLAGS_DEFAULT | FRIBIDI_FLAGS_ARABIC,
// line reordering with marks after their base) and keeps the length.
void AppendVisualLine(const std::u32string& line, Direction direction, std::u32string& out) {
  if (line.empty()) return;
  std::vector<FriBidiChar> in(line.begin(), line.end());
  std::vector<FriBidiChar> visual(in.size());
  FriBidiParType par = ParType(direction);
  if (fribidi_log2vis(in.data(), static_cast<FriBidiStrIndex>(in.size()), &par, visual.data(),
                      nullptr, nullptr, nullptr) == 0) {
    out += line;  // only on a failed allocation: show the text as it is
    return;
  }
  for (FriBidiChar c : visual) {
    if (!IsInvisibleControl(c)) out.push_back(static_cast<char32_t>(c));
  }
}

}  // namespace

bool NeedsBidi(std::string_view utf8) {
  // Every such character is 2 or 3 bytes long in UTF-8, led by 0xD6..0xDF or 0xE2/0xEF.
  bool maybe = false;
  for (unsigned char b : utf8) {
    if ((b >= 0xD6 && b <= 0xDF) || b == 0xE2 || b == 0xEF) {
      maybe = true;
      break;
    }
  }
  if (!maybe) return false;
  for (char32_t c : text::ToCodePoints(utf8)) {
    if (IsRtlOrControl(c)) return true;
  }
  return false;
}

std::string VisualOrder(std::string_view utf8, Direction direction) {
  if (direction != Direction::kRtl && !NeedsBidi(utf8)) return std::string(utf8);
  std::u32string all = text::ToCodePoints(utf8), out, line;
  out.reserve(all.size());
  for (char32_t c : all) {
    if (c == U'\n') {
      AppendVisualLine(line, direction, out);
      out.push_back(c);
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  AppendVisualLine(line, direction, out);
  return text::FromCodePoints(out);
}

bool IsRightToLeft(std::string_view utf8, Direction direction) {
  if (direction == Direction::kRtl) return true;
  std::string_view line = utf8.substr(0, utf8.find('\n'));
  bool ascii = true;
  for (unsigned char b : line) {
    if (b >= 0x80) {
      ascii = false;
      break;
    }
    if (std::isalpha(b)) return false;  // a Latin letter is strong, left to right
  }
  if (!ascii) {
    std::u32string cps = text::ToCodePoints(line);
    std::vector<FriBidiChar> chars(cps.begin(), cps.end());
    std::vector<FriBidiCharType> types(chars.size());
    fribidi_get_bidi_types(chars.data(), static_cast<FriBidiStrIndex>(chars.size()), types.data());
    FriBidiParType par =
        fribidi_get_par_direction(types.data(), static_cast<FriBidiStrIndex>(types.size()));
    if (par == FRIBIDI_PAR_RTL) return true;
    if (par == FRIBIDI_PAR_LTR) return false;
  }
  return direction == Direction::kAutoRtl;
}

std::string ReverseCodePoints(std::string_view utf8) {
  std::u32string cps = text::ToCodePoints(utf8);
  auto begin = cps.begin();
  for (auto it = cps.begin();; ++it) {
    if (it == cps.end() || *it == U'\n') {
      std::reverse(begin, it);
      if (it == cps.end()) break;
      begin = it + 1;
    }
  }
  return text::FromCodePoints(cps);
}

}  // namespace dosti::desktop
