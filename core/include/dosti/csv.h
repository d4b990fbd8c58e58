// Comma-separated values as spreadsheets read and write them: the one reader and the one writer
// of the core (the table export, the imports, and the reports' CSV). Pure functions over UTF-8
// text; thread-safe.
//
// Reading (RFC 4180, and what spreadsheets actually write) accepts an optional UTF-8 byte order
// mark, CRLF, LF or lone CR line ends (mixed too), fields in double quotes with doubled quotes
// inside and commas or line breaks embedded, and a missing line end after the last record.
// Lines that are completely empty are skipped. Anything else irregular is an error naming the
// line: a quote that opens inside an unquoted field, text after a closing quote, a quote never
// closed.
//
// Writing quotes a field only when it must (comma, quote, CR, LF, or leading/trailing spaces
// that some readers trim) and ends each record with CRLF, as RFC 4180 and Excel expect. Every
// cell is written so that a spreadsheet shows it as it is and runs nothing:
//   - CSV injection (OWASP, "CSV Injection", owasp.org/www-community/attacks/CSV_Injection):
//     a text cell starting with = + - @ TAB or CR is a formula to Excel, LibreOffice and Google
//     Sheets (=HYPERLINK(...) sends data away when clicked). Such a cell gets a leading
//     apostrophe, the spreadsheets' "this is text" mark, which they do not show.
//   - Text Excel would turn into something else gets the same mark: digit strings with a
//     leading zero or longer than 15 digits (a SECP number 0012345 → 12345, an 18-digit USCC
//     rounded), dates (2024-06-03 → 03/06/2024 in the locale's format, rewritten so when saved),
//     times and other numeric-looking text ("1.50", "1e5", "12-3"). A plain decimal number
//     that Excel reads back unchanged ("42", "3.5") stays a number.
//   - Numbers (Value integers and reals) are written as numbers.
//   - A text starting with an apostrophe gets a second one, so the mark is unambiguous.
// The reader's counterpart is StripTextMark: an importer removes one leading apostrophe from
// each cell, so what the writer wrote reads back exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/record.h"
#include "dosti/result.h"

namespace dosti::csv {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct Row {
  int64_t line = 0;  // 1-based line of the file on which the record starts
  std::vector<std::string> fields;
};

// Reads records one at a time from `text` (a byte order mark at its start is skipped), so an
// import holds one record, not the whole file's. `text` must outlive the reader.
class Reader {
 public:
  explicit Reader(std::string_view text);
  // The next record into `row` (its buffers are reused): true, or false at the end of the text.
  // Error kBadCsv "line N: ..." at a malformed record; the reader stops there.
  Result<bool> Next(Row& row);
  // Bytes consumed so far, for progress.
  size_t offset() const { return i_; }

 private:
  std::string_view text_;
  size_t i_ = 0;
  int64_t line_ = 1;
};

// Splits all of `text` into records. Error kBadCsv "line N: ..." at the first malformed record.
Result<std::vector<Row>> Parse(std::string_view text);

// True when a spreadsheet would not show `text` as it is (see above): it needs the text mark.
bool NeedsTextMark(std::string_view text);
// `text` as the cell a spreadsheet shows as written: with the leading apostrophe when needed.
std::string SafeText(std::string_view text);
// One leading apostrophe removed (the importer's side of SafeText), if there is one.
std::string_view StripTextMark(std::string_view cell);

// Appends `text` as one safe text cell (SafeText), quoted if needed.
void AppendField(std::string& out, std::string_view text);
// Appends a value: integers and reals as numbers (a negative one as text: OWASP's rule on a
// leading '-'), NULL as an empty cell, text as AppendField.
void AppendValue(std::string& out, const Value& value);
// Appends one record: the fields separated by commas, then CRLF. AppendRow writes every field
// as text (AppendField), AppendValues each value as AppendValue does.
void AppendRow(std::string& out, const std::vector<std::string>& fields);
void AppendValues(std::string& out, const std::vector<Value>& values);

// A table of text (the header row first) as a whole CSV document for a spreadsheet: the byte
// order mark (Excel on Chinese and Pakistani Windows reads UTF-8 only with one), then each row
// by AppendRow. Rows may differ in length; nothing is added to fill them. The reports' CSV, so
// that every front end writes the same bytes.
std::string Document(const std::vector<std::vector<std::string>>& rows);

}  // namespace dosti::csv
