// Human tables: columns aligned by terminal display width, so Chinese names (two columns per
// character) line up with Latin and Urdu ones. Right-to-left text is written in logical order;
// a bidi-capable terminal shows Urdu correctly inside its cell.
#include <algorithm>
#include <ostream>

#include "cli_internal.h"
#include "dosti/text.h"

namespace dosti::cli {
namespace {

// `s` cut to at most `width` display columns, with "…" when cut.
std::string Truncate(const std::string& s, size_t width) {
  if (text::DisplayWidth(s) <= width || width == 0) return s;
  std::u32string cps = text::ToCodePoints(s);
  std::string out;
  size_t used = 0;
  for (char32_t cp : cps) {
    std::string one = text::FromCodePoints({&cp, 1});
    size_t w = text::DisplayWidth(one);
    if (used + w + 1 > width) break;
    out += one;
    used += w;
  }
  return out + "…";
}

void Pad(std::ostream& out, size_t n) {
  for (size_t i = 0; i < n; ++i) out << ' ';
}

}  // namespace

std::string Cell(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch == '\n' || ch == '\t' || ch == '\r') ch = ' ';
  }
  return out;
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), right_(headers_.size(), false), max_(headers_.size(), 0) {}

void Table::AlignRight(size_t i) {
  if (i < right_.size()) right_[i] = true;
}

void Table::MaxWidth(size_t i, size_t width) {
  if (i < max_.size()) max_[i] = width;
}

void Table::Add(std::vector<std::string> row) {
  row.resize(headers_.size());
  rows_.push_back(std::move(row));
}

void Table::Print(std::ostream& out) const {
  const size_t n = headers_.size();
  // Cells are kept whole (CSV wants them so); the terminal gets them cut and on one line.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(rows_.size());
  for (const auto& full : rows_) {
    std::vector<std::string> row(n);
    for (size_t i = 0; i < n; ++i) row[i] = Truncate(Cell(full[i]), max_[i]);
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(n, 0);
  for (size_t i = 0; i < n; ++i) width[i] = text::DisplayWidth(headers_[i]);
  for (const auto& row : rows) {
    for (size_t i = 0; i < n; ++i) width[i] = std::max(width[i], text::DisplayWidth(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t i = 0; i < n; ++i) {
      std::string pad(width[i] - text::DisplayWidth(cells[i]), ' ');
      text += right_[i] ? pad + cells[i] : cells[i] + pad;
      if (i + 1 < n) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  };
  line(headers_);
  std::vector<std::string> rule(n);
  for (size_t i = 0; i < n; ++i) rule[i] = std::string(width[i], '-');
  line(rule);
  for (const auto& row : rows) line(row);
}

std::vector<std::vector<std::string>> Table::Grid() const {
  std::vector<std::vector<std::string>> grid;
  grid.reserve(rows_.size() + 1);
  grid.push_back(headers_);
  for (const auto& row : rows_) grid.push_back(row);
  return grid;
}

void PrintPairs(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t width = 0;
  for (const auto& [k, v] : rows) width = std::max(width, text::DisplayWidth(k));
  for (const auto& [k, v] : rows) {
    out << k;
    if (!v.empty()) {
      Pad(out, width - text::DisplayWidth(k) + 2);
      out << Cell(v);
    }
    out << '\n';
  }
}

void PrintNone(Context& c) { c.out << Tr("none", c.lang) << '\n'; }

}  // namespace dosti::cli
