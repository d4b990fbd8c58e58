// CSV export of every replicated table and CSV import of enterprises, contacts, service logs
// and follow-ups (DOMAIN.md workflow 9; core/README.md "Import and export").
//
// [SECTION] Columns: the identifier columns of enterprise.csv, and how a header is read
// [SECTION] Import: one pass over the rows inside one transaction
// [SECTION] Export
//
// An import is all or nothing: it runs in one transaction and checks every row with the rules
// the facade applies (ValidateEnterprise, CheckContactRow, CheckServiceRow, CheckFollowUpRow),
// writing through the one write path as it goes; a row with an error stops the writing but
// not the checking, so that every error of the file is listed, and the transaction rolls back.
#include <algorithm>
#include <charconv>
#include <deque>
#include <set>

#include "dosti/csv.h"
#include "dosti/file.h"
#include "dosti/hex.h"
#include "dosti/text.h"
#include "schema.h"
#include "session_impl.h"

namespace dosti {
namespace {

// [SECTION] Columns

constexpr size_t kMaxListedErrors = 20;
constexpr int64_t kProgressEvery = 100;

// The identifier columns of enterprise.csv: the export writes an enterprise's live identifiers
// there (several of one type one a line), the import reads them back.
struct IdColumn {
  std::string_view name;
  IdentifierType type;
};
constexpr IdColumn kIdColumns[] = {{"uscc", IdentifierType::kCnUscc},
                                   {"legacy_regno", IdentifierType::kCnLegacyRegno},
                                   {"ntn", IdentifierType::kPkNtn},
                                   {"secp", IdentifierType::kPkSecp},
                                   {"other_identifier", IdentifierType::kOther}};

// The column an identifier type is written in: both NTN forms share "ntn" (the import tells
// them apart by length, as CheckIdentifier does).
std::string_view IdColumnOf(IdentifierType t) {
  if (t == IdentifierType::kPkNtnCnic) return "ntn";
  for (const IdColumn& c : kIdColumns) {
    if (c.type == t) return c.name;
  }
  return "other_identifier";
}

struct KindSpec {
  ImportKind kind;
  std::string_view table;
  std::vector<std::string_view> required;  // columns the header must have
};

const std::vector<KindSpec>& Kinds() {
  static const std::vector<KindSpec> kinds = {
      {ImportKind::kEnterprises, "enterprise", {"country", "name"}},
      {ImportKind::kContacts, "contact", {"enterprise_id", "full_name"}},
      {ImportKind::kServices, "service_log",
       {"enterprise_id", "category", "service_date", "minutes", "summary"}},
      {ImportKind::kFollowUps, "follow_up", {"subject_id"}},
  };
  return kinds;
}

const KindSpec& SpecOf(ImportKind kind) {
  for (const KindSpec& k : Kinds()) {
    if (k.kind == kind) return k;
  }
  return Kinds().front();
}

// What the import does with a column of the header.
enum class Role {
  kField,       // a field of the record
  kId,          // the record's id: kept for a new record, matched against this workspace's
  kCreatedAt,   // kept for a new record
  kIgnored,     // the source workspace's bookkeeping (updated_at, origin_device)
  kMergedInto,  // an enterprise's merge link, set once every row is in
  kIdentifier,  // an enterprise identifier column
};

struct HeaderColumn {
  std::string name;
  Role role = Role::kField;
  IdentifierType type = IdentifierType::kOther;
};

std::string AsciiLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A header name compared loosely: lower case, letters and digits only ("Full Name" → fullname).
std::string Loose(std::string_view s) {
  std::string out;
  for (char c : AsciiLower(std::string(s))) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

// Levenshtein distance (Wagner–Fischer, one row), for "did you mean": header names are short.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The columns an import of `spec` reads, by name, with their roles.
Result<std::vector<HeaderColumn>> KnownColumns(Store& store, const KindSpec& spec) {
  auto columns = store.Columns(spec.table);
  if (!columns) return columns.error();
  std::vector<HeaderColumn> known;
  for (const Column& c : **columns) {
    if (c.local) continue;
    Role role = Role::kField;
    if (c.name == "id") role = Role::kId;
    if (c.name == "created_at") role = Role::kCreatedAt;
    if (c.name == "updated_at" || c.name == "origin_device") role = Role::kIgnored;
    if (c.name == "merged_into") role = Role::kMergedInto;
    known.push_back({c.name, role});
  }
  if (spec.kind == ImportKind::kEnterprises) {
    for (const IdColumn& c : kIdColumns) known.push_back({std::string(c.name), Role::kIdentifier, c.type});
  }
  return known;
}

std::string NameList(const std::vector<HeaderColumn>& columns) {
  std::string list;
  for (const HeaderColumn& c : columns) list += (list.empty() ? "" : ", ") + c.name;
  return list;
}

Error AtLine(int64_t line, const Error& e) {
  return WrapError(ErrorCode::kBadCsv, "csv.at_line", {{"line", std::to_string(line)}}, e);
}

Error HeaderError(std::vector<Error> problems) {
  return WithDetails(MakeError(ErrorCode::kBadCsv, "csv.header.unusable"), std::move(problems));
}

// Reads the header row for `spec`. Each problem is named once: a misspelt column is one
// problem ("unknown column 'Nme'; did you mean 'name'?"), not also a missing one; a file of
// another kind, or one separated by semicolons or tabs, is said to be so.
Result<std::vector<HeaderColumn>> ParseHeader(Store& store, const KindSpec& spec,
                                              const csv::Row& row) {
  auto known = KnownColumns(store, spec);
  if (!known) return known.error();
  // A column by its name, or by the name as people write it in a spreadsheet ("Full Name",
  // "full-name" for full_name).
  auto find = [&](std::string_view name) -> const HeaderColumn* {
    for (const HeaderColumn& c : *known) {
      if (c.name == name) return &c;
    }
    for (const HeaderColumn& c : *known) {
      if (Loose(c.name) == Loose(name)) return &c;
    }
    return nullptr;
  };
  std::vector<HeaderColumn> columns;
  std::vector<Error> errors;
  std::vector<std::string> unknown;
  std::set<std::string> seen, suggested;
  for (size_t k = 0; k < row.fields.size(); ++k) {
    std::string name = AsciiLower(text::Trim(row.fields[k]));
    const HeaderColumn* col = name.empty() ? nullptr : find(name);
    if (col) name = col->name;
    if (name.empty()) {
      errors.push_back(AtLine(row.line, MakeError(ErrorCode::kBadCsv, "csv.header.no_name",
                                                  {{"column", std::to_string(k + 1)}})));
    } else if (!col) {
      unknown.push_back(row.fields[k]);
      // The closest known name, if it is close: a typing slip, spaces, or different case.
      const HeaderColumn* best = nullptr;
      size_t best_distance = 3;
      for (const HeaderColumn& c : *known) {
        size_t d = EditDistance(c.name, name);
        if (d < best_distance) {
          best = &c;
          best_distance = d;
        }
      }
      if (best) {
        suggested.insert(best->name);
        errors.push_back(AtLine(row.line, MakeError(ErrorCode::kBadCsv, "csv.header.did_you_mean",
                                                    {{"name", row.fields[k]},
                                                     {"known", best->name}})));
      } else {
        errors.push_back(AtLine(row.line, MakeError(ErrorCode::kBadCsv, "csv.header.unknown",
                                                    {{"name", row.fields[k]},
                                                     {"known", NameList(*known)}})));
      }
    } else if (!seen.insert(name).second) {
      errors.push_back(
          AtLine(row.line, MakeError(ErrorCode::kBadCsv, "csv.header.twice", {{"name", name}})));
    }
    columns.push_back(col ? *col : HeaderColumn{name});
  }
  if (errors.empty()) {
    std::string missing;
    for (std::string_view r : spec.required) {
      if (!seen.count(std::string(r))) missing += (missing.empty() ? "" : ", ") + std::string(r);
    }
    if (missing.empty()) return columns;
    return HeaderError({AtLine(row.line, MakeError(ErrorCode::kBadCsv, "csv.header.needs",
                                                   {{"columns", missing}}))});
  }
  // One field holding the names with semicolons or tabs between them: another separator.
  if (row.fields.size() == 1 && unknown.size() == 1) {
    for (std::string_view sep : {";", "\t"}) {
      if (unknown[0].find(sep) != std::string::npos) {
        return HeaderError({AtLine(
            row.line, MakeError(ErrorCode::kBadCsv,
                                sep == ";" ? "csv.header.semicolons" : "csv.header.tabs"))});
      }
    }
  }
  // A file of another kind: every column known to that kind.
  if (!unknown.empty()) {
    for (const KindSpec& other : Kinds()) {
      if (other.kind == spec.kind) continue;
      auto theirs = KnownColumns(store, other);
      if (!theirs) return theirs.error();
      bool all = true;
      for (const std::string& f : row.fields) {
        std::string name = AsciiLower(text::Trim(f));
        all = all && std::any_of(theirs->begin(), theirs->end(),
                                 [&](const HeaderColumn& c) { return c.name == name; });
      }
      if (all) {
        return HeaderError({MakeError(ErrorCode::kBadCsv, "csv.header.other_kind",
                                      {{"table", std::string(other.table)},
                                       {"expected", std::string(spec.table)}})});
      }
    }
  }
  for (std::string_view r : spec.required) {
    if (!seen.count(std::string(r)) && !suggested.count(std::string(r))) {
      errors.push_back(AtLine(row.line, MakeError(ErrorCode::kBadCsv, "csv.header.needs",
                                                  {{"columns", std::string(r)}})));
    }
  }
  return HeaderError(std::move(errors));
}

// "N rows have errors; nothing was imported", then the first errors, one per line.
Error ErrorList(std::vector<Error> errors, int64_t rows_with_errors, int64_t more) {
  Error e = MakeError(ErrorCode::kBadCsv,
                      rows_with_errors == 1 ? "csv.row_has_errors" : "csv.rows_have_errors",
                      {{"rows", std::to_string(rows_with_errors)}});
  if (more > 0) {
    errors.push_back(MakeError(ErrorCode::kBadCsv, "csv.more_errors",
                               {{"count", std::to_string(more)}}));
  }
  return WithDetails(std::move(e), std::move(errors));
}

// [SECTION] Import

// One row of the file as read: its fields (typed), and what the import does besides.
struct FileRow {
  int64_t line = 0;
  Fields fields;                      // kField columns with a value, parsed to their types
  std::string id;                     // kId, lower case; empty when the cell is
  std::optional<int64_t> created_at;  // kCreatedAt
  std::string merged_into;            // kMergedInto
  std::vector<IdentifierInput> ids;   // kIdentifier cells, one a line
};

class Importer {
 public:
  Importer(Session::Impl& m, const ImportOptions& options, const Cancellation::Watch& cancelled)
      : m_(m), options_(options), cancelled_(cancelled) {}

  // Counts the records of `text` (checking its CSV syntax) for progress; an error here
  // refuses the file before anything is read.
  Result<int64_t> Count(std::string_view text) {
    csv::Reader reader(text);
    csv::Row row;
    int64_t n = 0;
    for (;;) {
      auto more = reader.Next(row);
      if (!more) return WrapError(ErrorCode::kBadCsv, "csv.nothing_imported", {}, more.error());
      if (!*more) break;
      ++n;
    }
    return n > 0 ? n - 1 : 0;
  }
  void ExpectRows(int64_t n) { total_ += n; }

  // Imports the rows of `text` as `kind` (inside the caller's transaction). `file` names the
  // file in messages when several are imported together. Row errors are collected (Finish
  // reports them); a header, storage or cancellation error returns at once.
  Result<void> Run(ImportKind kind, std::string_view text, std::string file) {
    file_ = std::move(file);
    csv::Reader reader(text);
    csv::Row row;
    auto first = reader.Next(row);
    if (!first) return first.error();
    if (!*first) return InFile(MakeError(ErrorCode::kBadCsv, "csv.empty"));
    // A follow-up file handed to the services import is read as what it is.
    if (kind == ImportKind::kServices) {
      for (const std::string& f : row.fields) {
        if (AsciiLower(text::Trim(f)) == "subject_id") kind = ImportKind::kFollowUps;
      }
    }
    const KindSpec& spec = SpecOf(kind);
    auto header = ParseHeader(*m_.store, spec, row);
    if (!header) return InFile(header.error());
    ImportCounts& counts = Counts(spec.table);
    for (;;) {
      if (cancelled_.Cancelled()) return CancelledError();
      auto more = reader.Next(row);
      if (!more) return more.error();  // Count has seen the whole file: not reached
      if (!*more) break;
      ++counts.rows;
      errors_in_row_ = 0;
      auto done = ImportRow(spec, *header, row, counts);
      if (!done) return done.error();
      if (errors_in_row_ > 0) ++rows_with_errors_;
      ++done_;
      if (options_.progress && (done_ % kProgressEvery == 0 || done_ == total_)) {
        options_.progress(done_, total_, "importing");
      }
    }
    return {};
  }

  // Sets the merge links kept for the end, then returns the summary or every error.
  Result<ImportSummary> Finish() {
    for (const auto& [line, id, target] : merge_links_) {
      if (!errors_.empty()) break;
      auto found = m_.store->Get("enterprise", target);
      if (!found) return found.error();
      if (!*found) {
        Warn(line, "merged_into",
             MakeWarning(ErrorCode::kInvalid, "merged_into", "csv.merge_target_missing",
                         {{"id", target}}));
        continue;
      }
      auto n = m_.store->Update("enterprise", id, {{"merged_into", target}});
      if (!n) return n.error();
    }
    if (!errors_.empty()) return ErrorList(std::move(errors_), rows_with_errors_, more_errors_);
    summary_.tables.assign(tables_.begin(), tables_.end());
    for (const ImportCounts& c : summary_.tables) {
      if (c.table == "enterprise_identifier") continue;
      summary_.rows += c.rows;
      summary_.imported += c.imported;
      summary_.updated += c.updated;
      summary_.unchanged += c.unchanged;
    }
    return std::move(summary_);
  }

 private:
  // A deque: the counts of one table stay where they are while another's are added.
  ImportCounts& Counts(std::string_view table) {
    for (ImportCounts& c : tables_) {
      if (c.table == table) return c;
    }
    tables_.push_back({std::string(table)});
    return tables_.back();
  }

  Error InFile(const Error& e) const {
    if (file_.empty()) return e;
    return WrapError(e.code, "csv.in_file", {{"file", file_}}, e);
  }

  std::string Where(int64_t line, std::string_view column) const {
    std::string where = (file_.empty() ? "" : file_ + " ") + "line " + std::to_string(line);
    return column.empty() ? where : where + ": " + std::string(column);
  }

  // A row's error: listed (the first kMaxListedErrors), the row counted as having errors.
  void Fail(int64_t line, const Error& e, std::string_view column = {}) {
    ++errors_in_row_;
    if (errors_.size() >= kMaxListedErrors) {
      ++more_errors_;
      return;
    }
    // One wrapper with every place argument: wrappers do not nest (their arguments are one
    // flat list, dosti/catalog.h).
    Args args{{"line", std::to_string(line)}};
    if (!file_.empty()) args.insert(args.begin(), {"file", file_});
    if (!column.empty()) args.emplace_back("column", std::string(column));
    const char* key = file_.empty() ? (column.empty() ? "csv.at_line" : "csv.at_line_column")
                                    : (column.empty() ? "csv.in_file_at_line"
                                                      : "csv.in_file_at_line_column");
    errors_.push_back(WrapError(ErrorCode::kBadCsv, key, std::move(args), e));
  }
  bool Failing() const { return !errors_.empty() || more_errors_ > 0; }

  void Warn(int64_t line, std::string_view column, Issue w) {
    w.field = Where(line, column);
    summary_.warnings.push_back(std::move(w));
  }
  void WarnAll(int64_t line, const std::vector<Issue>& warnings) {
    for (const Issue& w : warnings) Warn(line, w.field, w);
  }

  // The cells of `row` by role; errors of single cells are reported here.
  FileRow Read(const KindSpec& spec, const std::vector<HeaderColumn>& header,
               const csv::Row& row) {
    FileRow out;
    out.line = row.line;
    if (row.fields.size() != header.size()) {
      Fail(row.line, MakeError(ErrorCode::kBadCsv, "csv.field_count",
                               {{"count", std::to_string(row.fields.size())},
                                {"expected", std::to_string(header.size())}}));
      return out;
    }
    for (size_t k = 0; k < header.size(); ++k) {
      const HeaderColumn& col = header[k];
      const std::string_view cell = csv::StripTextMark(row.fields[k]);
      if (text::Trim(cell).empty()) continue;
      switch (col.role) {
        case Role::kIgnored:
          break;
        case Role::kId:
        case Role::kMergedInto: {
          std::string id = AsciiLower(text::Trim(cell));
          if (!IsLowerHex(id, 32)) {
            Fail(row.line, MakeError(ErrorCode::kInvalid, "csv.bad_id",
                                     {{"value", std::string(cell)}}), col.name);
          } else {
            (col.role == Role::kId ? out.id : out.merged_into) = std::move(id);
          }
          break;
        }
        case Role::kCreatedAt: {
          std::string t = text::Trim(cell);
          int64_t ms = 0;
          auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), ms);
          auto instant = ParseInstant(t);
          if (instant) {
            out.created_at = *instant;
          } else if (ec == std::errc() && p == t.data() + t.size() && ms > 0) {
            out.created_at = ms;  // UTC milliseconds, as exports before ISO times had them
          } else {
            Fail(row.line, MakeError(ErrorCode::kInvalid, "csv.bad_instant",
                                     {{"value", std::string(cell)}}), col.name);
          }
          break;
        }
        case Role::kIdentifier: {
          // Several identifiers of one type: one a line.
          std::string_view rest = cell;
          while (!rest.empty()) {
            size_t nl = rest.find('\n');
            std::string value = text::Trim(rest.substr(0, nl));
            if (!value.empty()) {
              out.ids.push_back({col.type, std::string(csv::StripTextMark(value))});
            }
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
          }
          break;
        }
        case Role::kField: {
          auto v = m_.store->ParseValue(spec.table, col.name, cell);
          if (!v) {
            Fail(row.line, v.error());
          } else {
            out.fields.push_back({col.name, std::move(*v)});
          }
          break;
        }
      }
    }
    if (const Value* a = FindField(out.fields, "archived")) {
      int64_t v = FieldInt(out.fields, "archived", -1);
      if (!IsNull(*a) && v != 0 && v != 1) {
        Fail(row.line, MakeError(ErrorCode::kInvalid, "value.zero_or_one", {{"field", "archived"}},
                                 "archived"));
      }
    }
    return out;
  }

  // The record of `table` with id `id`, if this workspace has it.
  Result<std::optional<Record>> Existing(std::string_view table, const std::string& id) {
    if (id.empty()) return std::optional<Record>();
    return m_.store->Get(table, id);
  }

  // The record with the smallest id of those `rows` holds, if any. Chosen here rather than by
  // "ORDER BY id LIMIT 1": SQLite opened a temporary b-tree for that at every row imported,
  // where there is one match or none.
  static Result<std::optional<Record>> Smallest(Result<std::vector<Record>> rows) {
    if (!rows) return rows.error();
    auto first = std::min_element(rows->begin(), rows->end(),
                                  [](const Record& a, const Record& b) { return a.id < b.id; });
    if (first == rows->end()) return std::optional<Record>();
    return std::optional<Record>(std::move(*first));
  }

  // The first record (by id) of `table` that `where` (with `args`) finds, if any.
  template <typename... Ts>
  Result<std::optional<Record>> FindBy(std::string_view table, std::string_view where,
                                       const Ts&... args) {
    return Smallest(m_.store->Select(
        "SELECT * FROM " + std::string(table) + " WHERE " + std::string(where), args...));
  }

  // A record here that a row refers to, as a row error when missing.
  bool Refers(const FileRow& row, std::string_view table, std::string_view field) {
    std::string id = FieldText(row.fields, field);
    if (id.empty()) return true;  // the row's own checks say it is required
    auto found = m_.Resolve(table, id);
    if (found) return true;
    if (found.error().code == ErrorCode::kNotFound) {
      Fail(row.line, MakeError(ErrorCode::kNotFound, "csv.reference_missing",
                               {{"field", std::string(field)}, {"table", std::string(table)},
                                {"id", id}}));
    } else {
      Fail(row.line, found.error(), field);
    }
    return false;
  }

  // Writes a checked row: a new record (its id kept when the file has one), or the file's
  // fields over the matched one. Counts what happened.
  Result<void> Write(std::string_view table, const FileRow& row, const Fields& checked,
                     const std::optional<Record>& match, ImportCounts& counts,
                     std::string* new_id = nullptr) {
    if (Failing()) return {};  // everything rolls back: only checking goes on
    if (match) {
      Fields changes;
      for (const Field& f : row.fields) {
        if (const Value* v = FindField(checked, f.name)) changes.push_back({f.name, *v});
      }
      auto n = m_.store->Update(table, match->id, changes);
      if (!n) return n.error();
      ++(*n > 0 ? counts.updated : counts.unchanged);
      return {};
    }
    std::string id = row.id.empty() ? m_.store->NewId() : row.id;
    Fields fields;
    for (const Field& f : checked) {
      if (!IsReadOnlyField(f.name) && !IsNull(f.value)) fields.push_back(f);
    }
    if (row.created_at) fields.push_back({"created_at", *row.created_at});
    DOSTI_TRY(m_.store->Insert(table, id, fields));
    ++counts.imported;
    if (new_id) *new_id = id;
    return {};
  }

  // The file's fields laid over the matched record's (empty cells clear nothing), or the
  // file's alone for a new record.
  static Fields Overlay(const std::optional<Record>& match, const FileRow& row) {
    Fields out;
    if (match) {
      for (const Field& f : match->fields) {
        if (!IsNull(f.value)) out.push_back(f);  // as ParseFields gives a new record's
      }
    }
    for (const Field& f : row.fields) SetField(out, f.name, f.value);
    return out;
  }

  Result<void> ImportRow(const KindSpec& spec, const std::vector<HeaderColumn>& header,
                         const csv::Row& csv_row, ImportCounts& counts) {
    FileRow row = Read(spec, header, csv_row);
    if (errors_in_row_ > 0) return {};
    switch (spec.kind) {
      case ImportKind::kEnterprises: return ImportEnterprise(row, counts);
      case ImportKind::kContacts: return ImportContact(row, counts);
      case ImportKind::kServices: return ImportService(row, counts);
      case ImportKind::kFollowUps: return ImportFollowUp(row, counts);
    }
    return {};
  }

  // A link to a record of a table imports do not bring: kept, with a warning when this
  // workspace lacks the record.
  void LinkElsewhere(const FileRow& row, std::string_view field, std::string_view table) {
    std::string id = FieldText(row.fields, field);
    if (id.empty()) return;
    auto here = m_.Resolve(table, id);
    if (here || here.error().code != ErrorCode::kNotFound) return;
    Warn(row.line, field,
         MakeWarning(ErrorCode::kNotFound, std::string(field), "csv.link_elsewhere",
                     {{"field", std::string(field)}, {"id", id}, {"table", std::string(table)}}));
  }

  // A record matched by id stays with its enterprise: moving a contact or a service log to
  // another enterprise is not an import's to do (a row error otherwise).
  bool SameEnterprise(const FileRow& row, const std::optional<Record>& match) {
    if (!match || match->id != row.id) return true;
    std::string file = FieldText(row.fields, "enterprise_id");
    if (file.empty() || file == match->Text("enterprise_id")) return true;
    Fail(row.line, MakeError(ErrorCode::kInvalid, "csv.other_enterprise",
                             {{"id", match->id}, {"enterprise", match->Text("enterprise_id")}}),
         "enterprise_id");
    return false;
  }

  // The enterprise a row's identifiers name, if one here has any of them.
  Result<std::optional<Record>> ByIdentifier(const std::vector<CheckedIdentifier>& ids) {
    for (const CheckedIdentifier& c : ids) {
      // From the identifier's index to the enterprise's id (CROSS JOIN keeps that order): by
      // the canon_id index, where every live enterprise has NULL, SQLite walked all of them
      // once per row (100,000 rows took over 15 minutes).
      auto found = Smallest(m_.store->Select(
          "SELECT e.* FROM enterprise_identifier i CROSS JOIN enterprise e "
          "ON e.id = i.enterprise_id WHERE i.value = ? AND i.type = ? AND i.archived = 0 "
          "AND e.canon_id IS NULL",
          c.value, IdentifierTypeCode(c.type)));
      if (!found || *found) return found;
    }
    return std::optional<Record>();
  }

  Result<void> ImportEnterprise(FileRow& row, ImportCounts& counts) {
    std::vector<Issue> warnings;
    std::vector<CheckedIdentifier> ids;
    for (const IdentifierInput& in : row.ids) {
      auto c = CheckIdentifier(in.type, in.value);
      if (!c) {
        Fail(row.line, c.error(), c.error().field);
        continue;
      }
      for (const Issue& w : c->warnings) warnings.push_back(w);
      ids.push_back(std::move(*c));
    }
    auto match = Existing("enterprise", row.id);
    if (!match) return match.error();
    // Rows without a record here match by identifier. A row that has an id of its own is
    // kept under it and merged into the match, so that what refers to that id finds it.
    std::string alias_of;
    bool identifiers_known = true;  // to a live enterprise here, as far as we know
    if (!*match) {
      auto by_id = ByIdentifier(ids);
      if (!by_id) return by_id.error();
      identifiers_known = by_id->has_value();
      if (*by_id && (*by_id)->Text("country") == FieldText(row.fields, "country")) {
        if (row.id.empty()) {
          *match = std::move(*by_id);
        } else {
          alias_of = (*by_id)->id;
        }
      }
    }
    Fields checked = Overlay(*match, row);
    if (!*match) {
      EnterpriseDefaults(m_, checked);
      if (!FindField(checked, "source")) SetField(checked, "source", std::string("import"));
    }
    std::vector<Error> found;
    (void)ValidateEnterprise(checked, warnings, &found);
    for (const Error& e : found) Fail(row.line, e);
    // A file does not move a selected enterprise to the other country or archive it unseen
    // (the rules of an edit).
    if (*match) {
      if (auto r = CheckEnterpriseChange(m_, **match, checked); !r) Fail(row.line, r.error());
    }
    if (errors_in_row_ > 0) return {};
    const std::string self = *match ? (*match)->id : row.id;
    if (!*match && alias_of.empty()) {
      // Identifiers no live enterprise has (ByIdentifier looked) need no second look.
      DOSTI_TRY(DuplicateWarnings(*m_.store, self, FieldText(checked, "name"),
                                  identifiers_known ? ids : std::vector<CheckedIdentifier>(),
                                  warnings));
    }
    WarnAll(row.line, warnings);
    std::string id = self;
    DOSTI_TRY(Write("enterprise", row, checked, *match, counts, &id));
    if (Failing()) return {};
    // Identifiers the record lacks are added; those it has stay as they are. A record made
    // just now has only those of this row before this one (no query to ask).
    for (size_t k = 0; k < ids.size(); ++k) {
      const CheckedIdentifier& c = ids[k];
      ImportCounts& id_counts = Counts("enterprise_identifier");
      ++id_counts.rows;
      bool has = std::any_of(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k),
                             [&](const CheckedIdentifier& before) {
                               return before.type == c.type && before.value == c.value;
                             });
      if (*match) {
        auto found = FindBy("enterprise_identifier",
                            "enterprise_id = ? AND type = ? AND value = ? AND archived = 0", id,
                            IdentifierTypeCode(c.type), c.value);
        if (!found) return found.error();
        has = found->has_value();
      }
      if (has) {
        ++id_counts.unchanged;
        continue;
      }
      DOSTI_TRY(InsertIdentifier(*m_.store, m_.store->NewId(), id, c));
      ++id_counts.imported;
    }
    if (!*match) {
      if (!alias_of.empty()) merge_links_.push_back({row.line, id, alias_of});
      if (!row.merged_into.empty()) merge_links_.push_back({row.line, id, row.merged_into});
    }
    return {};
  }

  Result<void> ImportContact(FileRow& row, ImportCounts& counts) {
    if (!Refers(row, "enterprise", "enterprise_id")) return {};
    auto enterprise = m_.Load("enterprise", FieldText(row.fields, "enterprise_id"));
    if (!enterprise) return enterprise.error();
    SetField(row.fields, "enterprise_id", enterprise->id);
    const std::string country = enterprise->Text("country");
    std::vector<Issue> warnings;
    // The file's values cleaned as they would be stored (phones in E.164), to match with.
    Fields typed = row.fields;
    if (auto r = CheckContactRow(m_, typed, country, warnings); !r) {
      Fail(row.line, r.error());
      return {};
    }
    auto match = Existing("contact", row.id);
    if (!match) return match.error();
    if (!*match && row.id.empty()) {
      for (std::string_view f : {"mobile", "email", "wechat"}) {
        std::string v = FieldText(typed, f);
        if (v.empty()) continue;
        auto by = FindBy("contact",
                         std::string(f) + " = ? AND archived = 0 AND enterprise_id IN (SELECT id "
                                          "FROM enterprise WHERE id = ?2 OR canon_id = ?2)",
                         v, enterprise->id);
        if (!by) return by.error();
        if (*by) {
          *match = std::move(*by);
          break;
        }
      }
    }
    if (!SameEnterprise(row, *match)) return {};
    FileRow typed_row = row;
    typed_row.fields = std::move(typed);
    Fields checked = Overlay(*match, typed_row);
    warnings.clear();
    if (auto r = CheckContactRow(m_, checked, country, warnings); !r) {
      Fail(row.line, r.error());
      return {};
    }
    if (!*match && !FindField(row.fields, "is_primary")) {
      auto first = IsFirstContact(m_, enterprise->id);
      if (!first) return first.error();
      SetField(checked, "is_primary", int64_t{*first ? 1 : 0});
    }
    WarnAll(row.line, warnings);
    std::string id = *match ? (*match)->id : std::string();
    DOSTI_TRY(Write("contact", row, checked, *match, counts, &id));
    // One primary contact per enterprise, as when one is made primary by hand.
    if (!Failing() && FieldInt(checked, "is_primary") == 1 && FieldInt(checked, "archived") == 0) {
      DOSTI_TRY(MakeSolePrimary(m_, enterprise->id, id));
    }
    return {};
  }

  Result<void> ImportService(FileRow& row, ImportCounts& counts) {
    if (!Refers(row, "enterprise", "enterprise_id") || !Refers(row, "contact", "contact_id")) {
      return {};
    }
    // The programme: this workspace's (each workspace has its own DH-2023 record).
    if (std::string p = FieldText(row.fields, "programme_id"); !p.empty()) {
      auto here = m_.store->Get("programme", p);
      if (!here) return here.error();
      if (!*here) SetField(row.fields, "programme_id", m_.info.programme_id);
    }
    LinkElsewhere(row, "event_id", "event");
    auto match = Existing("service_log", row.id);
    if (!match) return match.error();
    if (!*match && row.id.empty()) {
      auto enterprise = m_.Resolve("enterprise", FieldText(row.fields, "enterprise_id"));
      if (!enterprise) return enterprise.error();
      auto by = FindBy("service_log",
                       "category = ? AND service_date = ? AND summary = ? AND archived = 0 AND "
                       "enterprise_id IN (SELECT id FROM enterprise WHERE id = ?4 OR canon_id = ?4)",
                       FieldText(row.fields, "category"), FieldText(row.fields, "service_date"),
                       FieldText(row.fields, "summary"), *enterprise);
      if (!by) return by.error();
      *match = std::move(*by);
    }
    if (!SameEnterprise(row, *match)) return {};
    Fields checked = Overlay(*match, row);
    if (auto r = CheckServiceRow(m_, checked, Links::kMayBeElsewhere); !r) {
      Fail(row.line, r.error());
      return {};
    }
    return Write("service_log", row, checked, *match, counts);
  }

  Result<void> ImportFollowUp(FileRow& row, ImportCounts& counts) {
    std::string type = FieldText(row.fields, "subject_type");
    if (type.empty()) type = "enterprise";
    std::string subject = FieldText(row.fields, "subject_id");
    if (type == "matchmaking") LinkElsewhere(row, "subject_id", "matchmaking");
    if (type == "enterprise" || type == "contact" || type == "service_log") {
      if (!Refers(row, type, "subject_id")) return {};
    }
    auto match = Existing("follow_up", row.id);
    if (!match) return match.error();
    if (!*match && row.id.empty()) {
      auto by = FindBy("follow_up", "subject_id = ? AND due_date = ? AND coalesce(note, '') = ? "
                                    "AND archived = 0",
                       subject, FieldText(row.fields, "due_date"), FieldText(row.fields, "note"));
      if (!by) return by.error();
      *match = std::move(*by);
    }
    Fields checked = Overlay(*match, row);
    if (auto r = CheckFollowUpRow(m_, checked, Links::kMayBeElsewhere); !r) {
      Fail(row.line, r.error());
      return {};
    }
    return Write("follow_up", row, checked, *match, counts);
  }

  Session::Impl& m_;
  const ImportOptions& options_;
  const Cancellation::Watch& cancelled_;
  std::string file_;
  ImportSummary summary_;
  std::deque<ImportCounts> tables_;
  std::vector<Error> errors_;
  int64_t more_errors_ = 0;
  int64_t rows_with_errors_ = 0;
  int errors_in_row_ = 0;
  int64_t done_ = 0, total_ = 0;
  struct MergeLink {
    int64_t line;
    std::string id, target;
  };
  std::vector<MergeLink> merge_links_;
};

// The file name of a path, for messages.
std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The directory of a path ("" for a bare name).
std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// One file to import: its name for messages (empty when it is the only one) and its text.
struct ImportFile {
  ImportKind kind;
  std::string name;
  std::string text;
};

Result<ImportSummary> ImportFiles(Session::Impl& m, std::vector<ImportFile>& files,
                                  const ImportOptions& options) {
  Cancellation::Watch cancelled(m.cancel);
  DOSTI_TRY(m.RequireInit());
  Importer importer(m, options, cancelled);
  for (ImportFile& f : files) {
    auto n = importer.Count(f.text);
    if (!n) return n.error();
    importer.ExpectRows(*n);
  }
  Result<ImportSummary> summary = ImportSummary{};
  auto written = InTransaction(*m.db, [&]() -> Result<void> {
    for (ImportFile& f : files) DOSTI_TRY(importer.Run(f.kind, f.text, f.name));
    summary = importer.Finish();
    // An error rolls everything back.
    if (!summary) return summary.error();
    return {};
  });
  if (!written) return written.error();
  return summary;
}

}  // namespace

Result<ImportSummary> Session::ImportCsv(ImportKind kind, std::string_view bytes,
                                         const ImportOptions& options) {
  auto text = DecodeToUtf8(bytes, options.encoding);
  if (!text) return text.error();
  std::vector<ImportFile> files{{kind, "", std::move(*text)}};
  return ImportFiles(*impl_, files, options);
}

Result<ImportSummary> Session::ImportCsvFile(ImportKind kind, const std::string& path,
                                             const ImportOptions& options) {
  auto bytes = ReadFile(path);
  if (!bytes) return bytes.error();
  auto text = DecodeToUtf8(*bytes, options.encoding);
  if (!text) return text.error();
  std::vector<ImportFile> files{{kind, "", std::move(*text)}};
  // Follow-ups ride with services: ExportCsv writes them beside the service logs.
  if (kind == ImportKind::kServices && BaseName(path) == "service_log.csv") {
    std::string dir = DirName(path);
    std::string companion = dir.empty() ? "follow_up.csv" : JoinPath(dir, "follow_up.csv");
    if (auto more = ReadFile(companion)) {
      auto more_text = DecodeToUtf8(*more, options.encoding);
      if (!more_text) return more_text.error();
      files.front().name = BaseName(path);
      files.push_back({ImportKind::kFollowUps, "follow_up.csv", std::move(*more_text)});
    }
  }
  return ImportFiles(*impl_, files, options);
}

Result<ImportSummary> Session::ImportEnterprisesCsv(std::string_view csv_text,
                                                    const Progress& progress) {
  return ImportCsv(ImportKind::kEnterprises, csv_text, {TextEncoding::kAuto, progress});
}

// [SECTION] Export

namespace {

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

// Instants are the INTEGER columns named *_at (created_at, updated_at, changed_at).
bool IsInstant(const Column& c) {
  return c.integer && c.name.size() > 3 && c.name.compare(c.name.size() - 3, 3, "_at") == 0;
}

// The live identifiers of each enterprise, read in enterprise id order beside the enterprises
// themselves (a merge of two sorted reads, not a query per enterprise).
class IdentifierCursor {
 public:
  explicit IdentifierCursor(Db& db) : db_(db) {}
  Result<void> Open() {
    auto st = db_.Prepare(
        "SELECT enterprise_id, type, value FROM enterprise_identifier WHERE archived = 0 "
        "ORDER BY enterprise_id, type, value");
    if (!st) return st.error();
    st_ = *st;
    st_->Reset();
    return Advance();
  }
  ~IdentifierCursor() {
    if (st_) st_->Reset();
  }
  // The identifier cells of `enterprise_id` (one per kIdColumns entry, values one a line).
  Result<std::vector<std::string>> Cells(const std::string& enterprise_id) {
    std::vector<std::string> cells(std::size(kIdColumns));
    while (has_ && enterprise_ < enterprise_id) DOSTI_TRY(Advance());
    while (has_ && enterprise_ == enterprise_id) {
      auto type = ParseIdentifierType(type_).value_or(IdentifierType::kOther);
      std::string_view column = IdColumnOf(type);
      for (size_t i = 0; i < std::size(kIdColumns); ++i) {
        if (kIdColumns[i].name != column) continue;
        if (!cells[i].empty()) cells[i] += '\n';
        cells[i] += DisplayIdentifier(type, value_);
      }
      DOSTI_TRY(Advance());
    }
    return cells;
  }

 private:
  Result<void> Advance() {
    auto row = st_->Step();
    if (!row) return row.error();
    has_ = *row;
    if (has_) {
      enterprise_ = st_->Text(0);
      type_ = st_->Text(1);
      value_ = st_->Text(2);
    }
    return {};
  }
  Db& db_;
  Stmt* st_ = nullptr;
  bool has_ = false;
  std::string enterprise_, type_, value_;
};

}  // namespace

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
    std::vector<bool> instant;
    std::string sql;
    for (const Column& c : **columns) {
      if (c.local) continue;
      sql += (sql.empty() ? "SELECT " : ", ") + c.name;
      names.push_back(c.name);
      instant.push_back(IsInstant(c));
    }
    const size_t table_columns = names.size();
    std::optional<IdentifierCursor> identifiers;
    if (table == "enterprise") {
      for (const IdColumn& c : kIdColumns) names.emplace_back(c.name);
      identifiers.emplace(*m.db);
      DOSTI_TRY(identifiers->Open());
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
    std::vector<Value> values(names.size());
    for (;;) {
      if (cancelled.Cancelled()) {
        (*st)->Reset();
        return CancelledError();
      }
      auto row = (*st)->Step();
      if (!row) return row.error();
      if (!*row) break;
      for (size_t i = 0; i < table_columns; ++i) {
        values[i] = (*st)->Get(static_cast<int>(i));
        if (instant[i] && std::holds_alternative<int64_t>(values[i])) {
          values[i] = FormatInstant(std::get<int64_t>(values[i]), m.utc_offset_minutes);
        }
      }
      if (identifiers) {
        auto cells = identifiers->Cells(ValueText(values[0]));
        if (!cells) {
          (*st)->Reset();
          return cells.error();
        }
        for (size_t i = 0; i < cells->size(); ++i) values[table_columns + i] = (*cells)[i];
      }
      csv::AppendValues(out, values);
      if (auto r = (*file)->Flush(); !r) {
        (*st)->Reset();
        return r.error();
      }
      ++done;
      if (progress && done % 1000 == 0) progress(done, total, table);
    }
    (*st)->Reset();
    identifiers.reset();
    DOSTI_TRY((*file)->Commit());
    written.push_back(path);
    if (progress) progress(done, total, table);
  }
  return written;
}

}  // namespace dosti
