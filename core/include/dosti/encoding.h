// Text encodings of files made outside Dosti, and their conversion to UTF-8. Excel's default
// "CSV" on Chinese Windows is GB18030 (GBK, its subset, in older versions) and on Pakistani
// (Urdu) Windows the ANSI code page 1256 (Windows-1256); Dosti keeps text in UTF-8.
// The conversion is one seam over the C library's iconv(3): glibc natively, emscripten's musl in
// the wasm build (both know GB18030 and Windows-1256). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

namespace dosti {

enum class TextEncoding {
  kAuto,         // UTF-8 expected; anything else is refused, naming the likely encoding
  kUtf8,
  kGb18030,      // Chinese Windows (GB18030, and GBK and GB2312, its subsets)
  kWindows1256,  // Urdu and Arabic Windows (code page 1256)
};

// The names a user gives: "utf-8", "gb18030", "windows-1256".
extern const std::vector<std::string_view> kTextEncodings;
// A name to its encoding: those of kTextEncodings, ignoring case, '-' and '_', plus the aliases
// "utf8", "gbk", "gb2312" (GB18030 reads both) and "cp1256"; nullopt for anything else.
std::optional<TextEncoding> ParseTextEncoding(std::string_view name);
// "utf-8", "gb18030", "windows-1256" ("auto" for kAuto).
std::string_view TextEncodingName(TextEncoding encoding);

// The encoding that bytes which are not UTF-8 were most likely written in, of the two that
// Excel writes here: GB18030 when the bytes read as GB18030 throughout (Chinese text does: two
// bytes a character), else Windows-1256 (Urdu text does not: single bytes between spaces, and
// letters such as ے 0xFF that no GB18030 sequence contains). A guess for a message, not a
// decision: the user names the encoding.
TextEncoding GuessEncoding(std::string_view bytes);

// `bytes` as UTF-8 text (a UTF-8 byte order mark kept as it is).
// - kAuto, kUtf8: `bytes` must be valid UTF-8; else kBadCsv with key "text.not_utf8" and the
//   arguments "likely" (GuessEncoding's name) and "offset" (of the first byte that is not).
// - kGb18030, kWindows1256: converted (from Windows-1256 the Arabic yeh ي, U+064A, is read as
//   the Urdu yeh ی, U+06CC, which Windows saves as ي's byte: code page 1256 lacks ی).
//   kBadCsv "text.not_in_encoding" (with "encoding", "offset") at a byte sequence the encoding
//   does not have; kBadCsv "text.already_utf8" when the bytes are UTF-8 with non-ASCII text
//   already (converting them would garble every such character); kInternal "text.no_converter"
//   when the C library lacks the encoding.
Result<std::string> DecodeToUtf8(std::string_view bytes, TextEncoding from);

}  // namespace dosti
