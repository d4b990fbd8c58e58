// CSV import of enterprises and CSV export of every replicated table (DOMAIN.md workflow 9).
//
// Import is all or nothing, but every facade write is its own transaction, so the file is
// checked completely first with the same validation functions the facade uses (the rules of
// enterprise.cpp's ValidateEnterprise, repeated here over the pure validators), and only a
// file without errors is written, one AddEnterprise per row, through the one write path.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "csv_format.h"
#include "dosti/text.h"
#include "schema.h"
#include "session_impl.h"

namespace dosti {
namespace {

constexpr std::string_view kEnterpriseColumns[] = {
    "country",   "name",       "name_en",        "name_zh", "name_ur",       "short_name",
    "sector",    "region",     "city",           "address", "website",       "founded_year",
    "employees", "size_class", "landing_status", "source",  "owning_office", "record_state"};

struct IdColumn {
  std::string_view name;
  IdentifierType type;
};
constexpr IdColumn kIdColumns[] = {{"uscc", IdentifierType::kCnUscc},
                                   {"legacy_regno", IdentifierType::kCnLegacyRegno},
                                   {"ntn", IdentifierType::kPkNtn},
                                   {"secp", IdentifierType::kPkSecp}};

constexpr size_t kMaxListedErrors = 20;
constexpr int64_t kProgressEvery = 100;

// One header column: an enterprise field, or an identifier of some type.
struct HeaderColumn {
  std::string name;
  bool identifier = false;
  IdentifierType type = IdentifierType::kOther;
};

std::string AsciiLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string KnownColumns() {
  std::string list;
  for (std::string_view c : kEnterpriseColumns) list += (list.empty() ? "" : ", ") + std::string(c);
  for (const IdColumn& c : kIdColumns) list += ", " + std::string(c.name);
  return list;
}

Result<std::vector<HeaderColumn>> ParseHeader(const csv::Row& row) {
  std::vector<HeaderColumn> columns;
  std::vector<std::string> errors;
  std::set<std::string> seen;
  for (size_t k = 0; k < row.fields.size(); ++k) {
    std::string name = AsciiLower(text::Trim(row.fields[k]));
    HeaderColumn col{name};
    bool known = std::find(std::begin(kEnterpriseColumns), std::end(kEnterpriseColumns), name) !=
                 std::end(kEnterpriseColumns);
    for (const IdColumn& c : kIdColumns) {
      if (c.name == name) {
        known = true;
        col.identifier = true;
        col.type = c.type;
      }
    }
    if (name.empty()) {
      errors.push_back("column " + std::to_string(k + 1) + " of the header has no name");
    } else if (!known) {
      errors.push_back("unknown column '" + row.fields[k] +
                       "' in the header (known columns: " + KnownColumns() + ")");
    } else if (!seen.insert(name).second) {
      errors.push_back("column '" + name + "' appears twice in the header");
    }
    columns.push_back(std::move(col));
  }
  if (!seen.count("country") || !seen.count("name")) {
    errors.push_back("the header needs at least the columns country and name");
  }
  if (errors.empty()) return columns;
  std::string message = "the header row is not usable; nothing was imported";
  for (const std::string& e : errors) message += "\nline " + std::to_string(row.line) + ": " + e;
  return MakeErrorText(ErrorCode::kBadCsv, message);
}

// A row that passed every check, ready for AddEnterprise.
struct CheckedRow {
  int64_t line = 0;
  Fields fields;  // text values, as a form would send them
  std::vector<IdentifierInput> ids;
};

std::string ErrorList(const std::vector<std::string>& errors, int64_t rows_with_errors) {
  std::string message = std::to_string(rows_with_errors) +
                        (rows_with_errors == 1 ? " row has" : " rows have") +
                        " errors; nothing was imported";
  size_t shown = std::min(errors.size(), kMaxListedErrors);
  for (size_t i = 0; i < shown; ++i) message += "\n" + errors[i];
  if (errors.size() > shown) {
    message += "\n… and " + std::to_string(errors.size() - shown) + " more";
  }
  return message;
}

// A read transaction, so that the exported tables are one consistent snapshot.
class ReadTx {
 public:
  explicit ReadTx(Db& db) : db_(db) {}
  ~ReadTx() {
    if (open_) (void)db_.Exec("COMMIT");
  }
  Result<void> Begin() {
    DOSTI_TRY(db_.Exec("BEGIN"));
    open_ = true;
    return {};
  }

 private:
  Db& db_;
  bool open_ = false;
};

// A file written beside its final name and renamed over it when complete, so that a reader
// never sees half a file. Bytes are buffered and written in 1 MiB pieces.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path) : path_(std::move(path)), tmp_(path_) {
    tmp_ += ".tmp";
  }
  ~AtomicFile() {
    if (open_) {
      out_.close();
      std::error_code ignored;
      std::filesystem::remove(tmp_, ignored);
    }
  }
  Result<void> Open() {
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) return MakeErrorText(ErrorCode::kIo, "cannot write " + tmp_.string() + ": not writable");
    open_ = true;
    return {};
  }
  std::string& buffer() { return buffer_; }
  Result<void> FlushIfFull() { return buffer_.size() >= (1u << 20) ? Flush() : Result<void>{}; }
  Result<void> Commit() {
    DOSTI_TRY(Flush());
    out_.close();
    if (!out_) return MakeErrorText(ErrorCode::kIo, "writing " + tmp_.string() + " failed");
    open_ = false;
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
      std::filesystem::remove(tmp_, ec);
      return MakeErrorText(ErrorCode::kIo, "cannot replace " + path_.string() + ": " + ec.message());
    }
    return {};
  }

 private:
  Result<void> Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    if (!out_)
      return MakeErrorText(ErrorCode::kIo, "writing " + tmp_.string() + " failed (disk full?)");
    return {};
  }

  std::filesystem::path path_, tmp_;
  std::ofstream out_;
  std::string buffer_;
  bool open_ = false;
};

}  // namespace

Result<ImportSummary> Session::ImportEnterprisesCsv(std::string_view csv_text,
                                                    const Progress& progress) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = csv::Parse(csv_text);
  if (!parsed) {
    return MakeErrorText(ErrorCode::kBadCsv, parsed.error().message + "; nothing was imported");
  }
  std::vector<csv::Row>& rows = *parsed;
  if (rows.empty()) {
    return MakeErrorText(ErrorCode::kBadCsv,
                     "the file is empty; the first line must be a header of column names such "
                     "as country,name,uscc");
  }
  auto header = ParseHeader(rows.front());
  if (!header) return header.error();
  const int64_t total = static_cast<int64_t>(rows.size()) - 1;

  // Pass 1: check everything, write nothing.
  std::vector<CheckedRow> checked;
  checked.reserve(rows.size() - 1);
  std::vector<std::string> errors;
  int64_t rows_with_errors = 0;
  for (size_t r = 1; r < rows.size(); ++r) {
    const csv::Row& row = rows[r];
    std::vector<std::string> row_errors;
    CheckedRow out{row.line, {}, {}};
    if (row.fields.size() != header->size()) {
      row_errors.push_back("has " + std::to_string(row.fields.size()) +
                           " fields but the header has " + std::to_string(header->size()));
    } else {
      Fields typed;  // values parsed to the column types, for the checks
      for (size_t k = 0; k < header->size(); ++k) {
        const HeaderColumn& col = (*header)[k];
        const std::string& raw = row.fields[k];
        if (text::Trim(raw).empty()) continue;
        if (col.identifier) {
          auto id = CheckIdentifier(col.type, raw);
          if (!id) {
            row_errors.push_back(col.name + ": " + id.error().message);
            continue;
          }
          out.ids.push_back({col.type, raw});
          continue;
        }
        auto v = m.store->ParseValue("enterprise", col.name, raw);
        if (!v) {
          row_errors.push_back(v.error().message);
          continue;
        }
        typed.push_back({col.name, *v});
        out.fields.push_back({col.name, raw});
      }
      if (!FindField(typed, "source")) {
        typed.push_back({"source", std::string("import")});
        out.fields.push_back({"source", std::string("import")});
      }
      std::vector<Issue> warnings;  // reported by the write itself
      std::vector<Error> found;
      (void)ValidateEnterprise(typed, warnings, &found);
      for (const Error& e : found) row_errors.push_back(e.message);
    }
    if (!row_errors.empty()) {
      ++rows_with_errors;
      for (const std::string& e : row_errors) {
        errors.push_back("line " + std::to_string(row.line) + ": " + e);
      }
    } else {
      checked.push_back(std::move(out));
    }
    if (progress && (r % kProgressEvery == 0 || static_cast<int64_t>(r) == total)) {
      progress(static_cast<int64_t>(r), total, "checking");
    }
  }
  if (!errors.empty()) return MakeErrorText(ErrorCode::kBadCsv, ErrorList(errors, rows_with_errors));

  // Pass 2: write, one facade call per row, all in one transaction: a row refused here (by a
  // rule that needs the database, or a storage failure) leaves nothing imported.
  ImportSummary summary;
  summary.rows = total;
  auto written = InTransaction(*m.db, [&]() -> Result<void> {
    for (const CheckedRow& row : checked) {
      auto saved = AddEnterprise(row.fields, row.ids);
      if (!saved) {
        return MakeErrorText(saved.error().code,
                         "line " + std::to_string(row.line) + ": " + saved.error().message +
                             "; nothing was imported",
                         saved.error().field);
      }
      ++summary.imported;
      for (const Issue& w : saved->warnings) {
        summary.warnings.push_back(
            {w.severity, w.code, "line " + std::to_string(row.line) + ": " + w.field, w.message});
      }
      if (progress && (summary.imported % kProgressEvery == 0 || summary.imported == total)) {
        progress(summary.imported, total, "importing");
      }
    }
    return {};
  });
  if (!written) return written.error();
  return summary;
}

Result<std::vector<std::string>> Session::ExportCsv(const std::string& dir) {
  namespace fs = std::filesystem;
  Impl& m = *impl_;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    return MakeErrorText(ErrorCode::kIo,
                     "cannot create the directory " + dir + (ec ? ": " + ec.message() : ""));
  }
  ReadTx snapshot(*m.db);
  DOSTI_TRY(snapshot.Begin());
  std::vector<std::string> written;
  for (std::string_view table : ReplicatedTables()) {
    auto columns = m.store->Columns(table);
    if (!columns) return columns.error();
    std::vector<std::string> names;
    std::string sql;
    for (const Column& c : **columns) {
      if (c.local) continue;
      sql += (sql.empty() ? "SELECT " : ", ") + c.name;
      names.push_back(c.name);
    }
    // Ids are time-ordered, so this is creation order, and the same on every run.
    sql += " FROM " + std::string(table) + " ORDER BY id";
    auto st = m.db->Prepare(sql);
    if (!st) return st.error();
    fs::path path = fs::path(dir) / (std::string(table) + ".csv");
    AtomicFile file(path);
    DOSTI_TRY(file.Open());
    std::string& out = file.buffer();
    out += csv::kUtf8Bom;  // Excel on Chinese Windows reads UTF-8 only with it
    csv::AppendRow(out, names);
    (*st)->Reset();
    std::vector<std::string> fields(names.size());
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return row.error();
      if (!*row) break;
      for (size_t i = 0; i < names.size(); ++i) {
        fields[i] = ValueText((*st)->Get(static_cast<int>(i)));
      }
      csv::AppendRow(out, fields);
      if (auto r = file.FlushIfFull(); !r) {
        (*st)->Reset();
        return r.error();
      }
    }
    (*st)->Reset();
    DOSTI_TRY(file.Commit());
    written.push_back(path.string());
  }
  return written;
}

}  // namespace dosti
