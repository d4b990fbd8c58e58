// CSV import of enterprises and CSV export of every replicated table (DOMAIN.md workflow 9).
//
// Import is all or nothing, but every facade write is its own transaction, so the file is
// checked completely first with the same validation functions the facade uses (the rules of
// enterprise.cpp's ValidateEnterprise, repeated here over the pure validators), and only a
// file without errors is written, one AddEnterprise per row, through the one write path.
#include <algorithm>
#include <set>

#include "csv_format.h"
#include "dosti/file.h"
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
  std::vector<Error> errors;
  auto at_line = [&](Error e) {
    return WrapError(ErrorCode::kBadCsv, "csv.at_line", {{"line", std::to_string(row.line)}}, e);
  };
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
      errors.push_back(at_line(MakeError(ErrorCode::kBadCsv, "csv.header.no_name",
                                         {{"column", std::to_string(k + 1)}})));
    } else if (!known) {
      errors.push_back(at_line(MakeError(ErrorCode::kBadCsv, "csv.header.unknown",
                                         {{"name", row.fields[k]}, {"known", KnownColumns()}})));
    } else if (!seen.insert(name).second) {
      errors.push_back(
          at_line(MakeError(ErrorCode::kBadCsv, "csv.header.twice", {{"name", name}})));
    }
    columns.push_back(std::move(col));
  }
  if (!seen.count("country") || !seen.count("name")) {
    errors.push_back(at_line(MakeError(ErrorCode::kBadCsv, "csv.header.needs")));
  }
  if (errors.empty()) return columns;
  return WithDetails(MakeError(ErrorCode::kBadCsv, "csv.header.unusable"), std::move(errors));
}

// A row that passed every check, ready for AddEnterprise.
struct CheckedRow {
  int64_t line = 0;
  Fields fields;  // text values, as a form would send them
  std::vector<IdentifierInput> ids;
};

// "N rows have errors; nothing was imported", then the first errors, one per line.
Error ErrorList(std::vector<Error> errors, int64_t rows_with_errors) {
  Error e = MakeError(ErrorCode::kBadCsv,
                      rows_with_errors == 1 ? "csv.row_has_errors" : "csv.rows_have_errors",
                      {{"rows", std::to_string(rows_with_errors)}});
  size_t more = errors.size() > kMaxListedErrors ? errors.size() - kMaxListedErrors : 0;
  errors.resize(std::min(errors.size(), kMaxListedErrors));
  if (more > 0) {
    errors.push_back(MakeError(ErrorCode::kBadCsv, "csv.more_errors",
                               {{"count", std::to_string(more)}}));
  }
  return WithDetails(std::move(e), std::move(errors));
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

}  // namespace

Result<ImportSummary> Session::ImportEnterprisesCsv(std::string_view csv_text,
                                                    const Progress& progress) {
  Impl& m = *impl_;
  Cancellation::Watch cancelled(m.cancel);
  DOSTI_TRY(m.RequireInit());
  auto parsed = csv::Parse(csv_text);
  if (!parsed) {
    return WrapError(ErrorCode::kBadCsv, "csv.nothing_imported", {}, parsed.error());
  }
  std::vector<csv::Row>& rows = *parsed;
  if (rows.empty()) return MakeError(ErrorCode::kBadCsv, "csv.empty");
  auto header = ParseHeader(rows.front());
  if (!header) return header.error();
  const int64_t total = static_cast<int64_t>(rows.size()) - 1;

  // Pass 1: check everything, write nothing.
  std::vector<CheckedRow> checked;
  checked.reserve(rows.size() - 1);
  std::vector<Error> errors;
  int64_t rows_with_errors = 0;
  for (size_t r = 1; r < rows.size(); ++r) {
    if (cancelled.Cancelled()) return CancelledError();
    const csv::Row& row = rows[r];
    const std::string line = std::to_string(row.line);
    std::vector<Error> row_errors;
    CheckedRow out{row.line, {}, {}};
    if (row.fields.size() != header->size()) {
      row_errors.push_back(MakeError(ErrorCode::kBadCsv, "csv.field_count",
                                     {{"line", line},
                                      {"count", std::to_string(row.fields.size())},
                                      {"expected", std::to_string(header->size())}}));
    } else {
      Fields typed;  // values parsed to the column types, for the checks
      for (size_t k = 0; k < header->size(); ++k) {
        const HeaderColumn& col = (*header)[k];
        const std::string& raw = row.fields[k];
        if (text::Trim(raw).empty()) continue;
        if (col.identifier) {
          auto id = CheckIdentifier(col.type, raw);
          if (!id) {
            row_errors.push_back(WrapError(ErrorCode::kBadCsv, "csv.at_line_column",
                                           {{"line", line}, {"column", col.name}}, id.error()));
            continue;
          }
          out.ids.push_back({col.type, raw});
          continue;
        }
        auto v = m.store->ParseValue("enterprise", col.name, raw);
        if (!v) {
          row_errors.push_back(
              WrapError(ErrorCode::kBadCsv, "csv.at_line", {{"line", line}}, v.error()));
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
      for (const Error& e : found) {
        row_errors.push_back(WrapError(ErrorCode::kBadCsv, "csv.at_line", {{"line", line}}, e));
      }
    }
    if (!row_errors.empty()) {
      ++rows_with_errors;
      for (Error& e : row_errors) errors.push_back(std::move(e));
    } else {
      checked.push_back(std::move(out));
    }
    if (progress && (r % kProgressEvery == 0 || static_cast<int64_t>(r) == total)) {
      progress(static_cast<int64_t>(r), total, "checking");
    }
  }
  if (!errors.empty()) return ErrorList(std::move(errors), rows_with_errors);

  // Pass 2: write, one facade call per row, all in one transaction: a row refused here (by a
  // rule that needs the database, or a storage failure) leaves nothing imported.
  ImportSummary summary;
  summary.rows = total;
  auto written = InTransaction(*m.db, [&]() -> Result<void> {
    for (const CheckedRow& row : checked) {
      if (cancelled.Cancelled()) return CancelledError();
      auto saved = AddEnterprise(row.fields, row.ids);
      if (!saved) {
        if (saved.error().code == ErrorCode::kCancelled) return saved.error();
        return WrapError(saved.error().code, "csv.at_line_nothing_imported",
                         {{"line", std::to_string(row.line)}}, saved.error());
      }
      ++summary.imported;
      for (const Issue& w : saved->warnings) {
        summary.warnings.push_back({w.severity, w.code,
                                    "line " + std::to_string(row.line) + ": " + w.field,
                                    w.message, w.key, w.args});
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

Result<std::vector<std::string>> Session::ExportCsv(const std::string& dir,
                                                   const Progress& progress) {
  Impl& m = *impl_;
  Cancellation::Watch cancelled(m.cancel);
  DOSTI_TRY(MakeDirectories(dir));
  ReadTx snapshot(*m.db);
  DOSTI_TRY(snapshot.Begin());
  int64_t total = 0, done = 0;
  if (progress) {
    for (std::string_view table : ReplicatedTables()) {
      auto n = m.db->QueryInt("SELECT count(*) FROM " + std::string(table));
      if (!n) return n.error();
      total += *n;
    }
  }
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
    std::string path = JoinPath(dir, std::string(table) + ".csv");
    auto file = AtomicFileWriter::Create(path);
    if (!file) return file.error();
    std::string& out = (*file)->buffer();
    out += csv::kUtf8Bom;  // Excel on Chinese Windows reads UTF-8 only with it
    csv::AppendRow(out, names);
    (*st)->Reset();
    std::vector<std::string> fields(names.size());
    for (;;) {
      if (cancelled.Cancelled()) {
        (*st)->Reset();
        return CancelledError();
      }
      auto row = (*st)->Step();
      if (!row) return row.error();
      if (!*row) break;
      for (size_t i = 0; i < names.size(); ++i) {
        fields[i] = ValueText((*st)->Get(static_cast<int>(i)));
      }
      csv::AppendRow(out, fields);
      if (auto r = (*file)->Flush(); !r) {
        (*st)->Reset();
        return r.error();
      }
      ++done;
      if (progress && done % 1000 == 0) progress(done, total, table);
    }
    (*st)->Reset();
    DOSTI_TRY((*file)->Commit());
    written.push_back(path);
    if (progress) progress(done, total, table);
  }
  return written;
}

}  // namespace dosti
