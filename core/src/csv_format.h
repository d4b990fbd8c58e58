// RFC 4180 comma-separated values, shared by the enterprise import and the table export.
// Pure functions over UTF-8 text; thread-safe.
//
// Reading accepts what spreadsheets actually write: an optional UTF-8 byte order mark, CRLF,
// LF or lone CR line ends (mixed too), fields in double quotes with doubled quotes inside and
// commas or line breaks embedded, and a missing line end after the last record. Lines that are
// completely empty are skipped. Anything else irregular is an error naming the line: a quote
// that opens inside an unquoted field, text after a closing quote, a quote never closed.
//
// Writing quotes a field only when it must (comma, quote, CR, LF, or leading/trailing spaces
// that some readers trim) and ends each record with CRLF, as RFC 4180 and Excel expect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

namespace dosti::csv {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct Row {
  int64_t line = 0;  // 1-based line of the file on which the record starts
  std::vector<std::string> fields;
};

// Splits `text` into records. Error kBadCsv "line N: ..." at the first malformed record.
Result<std::vector<Row>> Parse(std::string_view text);

// Appends `field`, quoted if needed.
void AppendField(std::string& out, std::string_view field);
// Appends one record: the fields separated by commas, then CRLF.
void AppendRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace dosti::csv
