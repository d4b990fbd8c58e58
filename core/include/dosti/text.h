// Text handling shared by validation, search and the front ends: UTF-8 checks, trimming, NFC,
// full-width folding, case folding and terminal display width.
// Pure functions over UTF-8 strings; thread-safe. Invalid UTF-8 is never passed through silently:
// functions that clean text return it unchanged only after IsValidUtf8 said yes (callers check first).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dosti::text {

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Removes leading and trailing Unicode white space (ASCII spaces/tabs/newlines, U+00A0, U+3000
// ideographic space, U+2000..U+200B, U+FEFF).
std::string Trim(std::string_view s);

// Unicode Normalization Form C (UAX #15), from tables generated out of the Unicode Character
// Database (see core/src/unicode/). Input must be valid UTF-8.
std::string Nfc(std::string_view s);

// Trim + NFC: the storage form of every free-text field (DOMAIN.md "Storage conventions").
std::string Clean(std::string_view s);

// Full-width forms typed with a Chinese IME become ASCII: U+FF01..U+FF5E → U+0021..U+007E and
// U+3000 → U+0020. Everything else is unchanged.
std::string FoldWidth(std::string_view s);

// Case folding for matching (not for display): ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic letters to lower case, after FoldWidth. Chinese and Urdu are unchanged.
std::string CaseFold(std::string_view s);

// Number of Unicode code points.
std::size_t Length(std::string_view s);

// Columns a terminal uses to show `s`: East Asian Wide/Fullwidth = 2, combining marks and
// zero-width characters = 0, everything else 1.
std::size_t DisplayWidth(std::string_view s);

}  // namespace dosti::text
