// CSV for people's spreadsheets: a table of text as one CSV document, written by the core's one
// CSV writer (core/src/csv_format.h: RFC 4180 quoting, cells a spreadsheet must not run or
// reformat made safe), so that report tables, exports and every front end write the same bytes.
// A pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace dosti {

// `rows` (the header row first) as a CSV document: UTF-8 with a byte order mark (Excel on
// Chinese and Pakistani Windows reads UTF-8 only with one; DOMAIN.md workflow 9), each row
// ended by CRLF. Rows may differ in length; nothing is added to fill them.
std::string CsvDocument(const std::vector<std::vector<std::string>>& rows);

}  // namespace dosti
