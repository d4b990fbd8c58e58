// Text handling shared by validation, search and the front ends: UTF-8 checks, trimming, NFC,
// full-width folding, case folding and terminal display width.
// Pure functions over UTF-8 strings; thread-safe. Invalid UTF-8 is never passed through
// silently: callers check IsValidUtf8 before cleaning text (Nfc turns bad bytes into U+FFFD).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dosti::text {

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool IsValidUtf8(std::string_view s);
// The offset of the first byte of `s` that does not start a well-formed UTF-8 sequence, or
// std::string_view::npos when `s` is well-formed.
std::size_t InvalidUtf8At(std::string_view s);

// The code points of `s`; each invalid UTF-8 sequence becomes one U+FFFD.
std::u32string ToCodePoints(std::string_view s);
// UTF-8 of `cps`; surrogates and values past U+10FFFF become U+FFFD.
std::string FromCodePoints(std::u32string_view cps);

// Removes leading and trailing Unicode white space (the White_Space property: ASCII spaces, tabs
// and newlines, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000
// ideographic space) and the invisible U+200B and U+FEFF.
std::string Trim(std::string_view s);

// Unicode Normalization Form C (UAX #15, Unicode 15.0), from tables generated out of the Unicode
// Character Database by scripts/gen-unicode-tables (core/src/unicode_tables.inc). Input should
// be valid UTF-8; an invalid sequence comes out as U+FFFD rather than passing through.
std::string Nfc(std::string_view s);

// Trim + NFC: the storage form of every free-text field (DOMAIN.md "Storage conventions").
std::string Clean(std::string_view s);

// Full-width forms typed with a Chinese IME become ASCII: U+FF01..U+FF5E → U+0021..U+007E and
// U+3000 → U+0020. Everything else is unchanged.
std::string FoldWidth(std::string_view s);

// Case folding for matching (not for display), after FoldWidth: Unicode simple case folding
// (CaseFolding.txt statuses C and S) of every cased script, so Latin (ASCII, Latin-1, Extended-A
// and beyond), Greek and Cyrillic letters fold to lower case; "ß" stays "ß". Chinese and Urdu
// have no case and are unchanged. Invalid UTF-8 bytes pass through unchanged.
std::string CaseFold(std::string_view s);

// The words of `s` for matching: runs of characters between white space, punctuation, symbols
// and controls (general categories Z*, P*, S*, Cc); invisible format characters (Cf: ZWNJ, bidi
// marks, soft hyphen) are dropped. "Systems (Pvt.) Ltd." gives "Systems", "Pvt", "Ltd"; a
// Chinese name without spaces is one word. No folding is applied; ill-formed bytes stay in words.
std::vector<std::string> SplitWords(std::string_view s);

// Number of Unicode code points.
std::size_t Length(std::string_view s);

// Columns a terminal uses to show `s`: East Asian Wide/Fullwidth = 2 (EastAsianWidth.txt W/F),
// combining marks, format characters, controls and medial/final Hangul jamo = 0, everything else 1.
std::size_t DisplayWidth(std::string_view s);

}  // namespace dosti::text
