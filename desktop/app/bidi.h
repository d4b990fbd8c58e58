// Text for Dear ImGui, which draws code points left to right, one glyph each, and knows neither
// shaping nor direction. FriBiDi (Debian's libfribidi 1.0.8) joins Arabic-script text into its
// presentation forms (the Naskh style: Noto Naskh Arabic maps those forms) and reorders each
// line for display by the Unicode Bidirectional Algorithm (UAX #9).
// Pure functions over UTF-8; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace dosti::desktop {

// The paragraph direction a line is laid out in.
enum class Direction {
  kAutoLtr,  // the first strong character decides; left to right when there is none (data
             // shown in English or Chinese)
  kAutoRtl,  // the same, right to left when there is none (data shown in Urdu)
  kRtl,      // right to left whatever it holds (Urdu sentences of the catalog)
};

// True when `utf8` holds a character that shaping or reordering may change: a right-to-left
// letter (Hebrew, Arabic, Syriac, Thaana, N'Ko, their presentation forms) or a bidi control.
bool NeedsBidi(std::string_view utf8);

// `utf8` in display order, left to right as ImGui draws it, each line on its own ("\n" kept):
// Arabic letters in their joined presentation forms (lam-alef ligatures included), marks after
// their base letter, mirrored brackets of right-to-left runs swapped. Text that needs no bidi
// and a left-to-right direction comes back unchanged. Ill-formed UTF-8 bytes become U+FFFD.
std::string VisualOrder(std::string_view utf8, Direction direction);

// True when the first line of `utf8` reads right to left: its first strong character is a
// right-to-left one, or it has none and `direction` is kAutoRtl or kRtl.
bool IsRightToLeft(std::string_view utf8, Direction direction);

// The code points of each line of `utf8` in reverse order, the lines in their order (a
// right-to-left layout draws its text from the right end: ui.h, "Right to left").
std::string ReverseCodePoints(std::string_view utf8);

}  // namespace dosti::desktop
