#include "csv_format.h"

#include "dosti/catalog.h"

namespace dosti::csv {
namespace {

Error BadCsv(int64_t line, std::string_view key, size_t field_no) {
  return MakeError(ErrorCode::kBadCsv, key,
                   {{"line", std::to_string(line)}, {"number", std::to_string(field_no)}});
}

}  // namespace

Result<std::vector<Row>> Parse(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  std::vector<Row> rows;
  const size_t n = text.size();
  size_t i = 0;
  int64_t line = 1;
  // Consumes a line end at i (CRLF, LF or a lone CR, as old Mac exports have it).
  auto consume_line_end = [&]() {
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
    ++i;
    ++line;
  };
  while (i < n) {
    Row row;
    row.line = line;
    bool quoted_any = false;
    for (;;) {
      std::string field;
      const size_t field_no = row.fields.size() + 1;
      if (i < n && text[i] == '"') {
        quoted_any = true;
        const int64_t opened_on = line;
        ++i;
        for (;;) {
          if (i >= n) {
            return BadCsv(opened_on, "csv.parse.unclosed", field_no);
          }
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
          if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) ++line;
          field += c;
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          return BadCsv(line, "csv.parse.after_quote", field_no);
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') {
            return BadCsv(line, "csv.parse.quote_in_field", field_no);
          }
          field += text[i++];
        }
      }
      row.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < n) consume_line_end();
      break;
    }
    // A blank line is not a record of one empty field; spreadsheets leave them at the end.
    if (row.fields.size() == 1 && row.fields[0].empty() && !quoted_any) continue;
    rows.push_back(std::move(row));
  }
  return rows;
}

void AppendField(std::string& out, std::string_view field) {
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendRow(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendField(out, fields[i]);
  }
  out += "\r\n";
}

}  // namespace dosti::csv
