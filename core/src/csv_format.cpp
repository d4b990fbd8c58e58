// The CSV reader and writer of dosti/csv.h.
#include <cstdio>

#include "dosti/catalog.h"
#include "dosti/csv.h"

namespace dosti::csv {
namespace {

Error BadCsv(int64_t line, std::string_view key, size_t field_no) {
  return MakeError(ErrorCode::kBadCsv, key,
                   {{"line", std::to_string(line)}, {"number", std::to_string(field_no)}});
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number that Excel reads and shows back exactly as written: no sign, no leading
// zero, no trailing zero after a point, and at most 11 characters (Excel's General format
// shows longer numbers rounded or in scientific notation, and saves them so).
bool IsPlainNumber(std::string_view s) {
  if (s.empty() || s.size() > 11 || !IsDigit(s[0])) return false;
  size_t point = s.find('.');
  std::string_view whole = s.substr(0, point);
  if (whole.empty() || (whole.size() > 1 && whole[0] == '0')) return false;
  for (char c : whole) {
    if (!IsDigit(c)) return false;
  }
  if (point == std::string_view::npos) return true;
  std::string_view fraction = s.substr(point + 1);
  if (fraction.empty() || fraction.back() == '0') return false;
  for (char c : fraction) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Text Excel would read as a number, a date or a time and show (and save) differently: digits
// with only the separators of numbers, dates and times (. , : / - space %) and an exponent.
bool LooksNumeric(std::string_view s) {
  bool digit = false;
  for (char c : s) {
    if (IsDigit(c)) {
      digit = true;
    } else if (c != '.' && c != ',' && c != ':' && c != '/' && c != '-' && c != ' ' &&
               c != '%' && c != 'e' && c != 'E') {
      return false;
    }
  }
  return digit;
}

}  // namespace

// [SECTION] Reading

Reader::Reader(std::string_view text) : text_(text) {
  if (text_.substr(0, kUtf8Bom.size()) == kUtf8Bom) i_ = kUtf8Bom.size();
}

Result<bool> Reader::Next(Row& row) {
  const std::string_view text = text_;
  const size_t n = text.size();
  size_t& i = i_;
  // Consumes a line end at i (CRLF, LF or a lone CR, as old Mac exports have it).
  auto consume_line_end = [&]() {
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
    ++i;
    ++line_;
  };
  while (i < n) {
    row.line = line_;
    size_t used = 0;  // fields of `row` filled (its strings are reused)
    bool quoted_any = false;
    for (;;) {
      if (used == row.fields.size()) row.fields.emplace_back();
      std::string& field = row.fields[used++];
      field.clear();
      const size_t field_no = used;
      if (i < n && text[i] == '"') {
        quoted_any = true;
        const int64_t opened_on = line_;
        ++i;
        for (;;) {
          if (i >= n) return BadCsv(opened_on, "csv.parse.unclosed", field_no);
          // Copy the run up to the next quote or line break at once.
          size_t stop = text.find_first_of("\"\r\n", i);
          if (stop == std::string_view::npos) stop = n;
          field.append(text.substr(i, stop - i));
          i = stop;
          if (i >= n) continue;
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          // Line breaks inside quotes are data; count them so later lines are named right.
          if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) ++line_;
          field += c;
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          return BadCsv(line_, "csv.parse.after_quote", field_no);
        }
      } else {
        size_t stop = text.find_first_of(",\r\n\"", i);
        if (stop == std::string_view::npos) stop = n;
        if (stop < n && text[stop] == '"') return BadCsv(line_, "csv.parse.quote_in_field", field_no);
        field.assign(text.substr(i, stop - i));
        i = stop;
      }
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < n) consume_line_end();
      break;
    }
    row.fields.resize(used);
    // A blank line is not a record of one empty field; spreadsheets leave them at the end.
    if (used == 1 && row.fields[0].empty() && !quoted_any) continue;
    return true;
  }
  return false;
}

Result<std::vector<Row>> Parse(std::string_view text) {
  std::vector<Row> rows;
  Reader reader(text);
  for (;;) {
    Row row;
    auto more = reader.Next(row);
    if (!more) return more.error();
    if (!*more) break;
    rows.push_back(std::move(row));
  }
  return rows;
}

// [SECTION] Writing

bool NeedsTextMark(std::string_view s) {
  if (s.empty()) return false;
  // Spaces first do not disarm a formula: some readers trim them before looking.
  size_t first = s.find_first_not_of(" \n");
  if (first == std::string_view::npos) return false;
  switch (s[first]) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': case '\'':
      return true;
    default:
      break;
  }
  return !IsPlainNumber(s) && LooksNumeric(s);
}

std::string SafeText(std::string_view text) {
  if (!NeedsTextMark(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 1);
  out += '\'';
  out += text;
  return out;
}

std::string_view StripTextMark(std::string_view cell) {
  if (!cell.empty() && cell[0] == '\'') cell.remove_prefix(1);
  return cell;
}

namespace {

void AppendQuoted(std::string& out, std::string_view mark, std::string_view field) {
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
               (mark.empty() && !field.empty() && field.front() == ' ') ||
               (!field.empty() && field.back() == ' ');
  if (!quote) {
    out += mark;
    out += field;
    return;
  }
  out += '"';
  out += mark;
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

void AppendField(std::string& out, std::string_view text) {
  AppendQuoted(out, NeedsTextMark(text) ? "'" : "", text);
}

void AppendValue(std::string& out, const Value& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    if (*i < 0) out += '\'';
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", *d);
    if (*d < 0) out += '\'';
    out += buf;
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    AppendField(out, *s);
  }
}

void AppendRow(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendField(out, fields[i]);
  }
  out += "\r\n";
}

std::string Document(const std::vector<std::vector<std::string>>& rows) {
  std::string out(kUtf8Bom);
  for (const std::vector<std::string>& row : rows) AppendRow(out, row);
  return out;
}

void AppendValues(std::string& out, const std::vector<Value>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendValue(out, values[i]);
  }
  out += "\r\n";
}

}  // namespace dosti::csv
