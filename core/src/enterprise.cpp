// Enterprises and their identifiers.
#include <algorithm>
#include <optional>
#include <tuple>

#include "dosti/text.h"
#include "session_impl.h"

namespace dosti {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// ISIC Rev.4: a section letter A–U, or a division, group or class code of 2–4 digits.
bool IsIsicCode(std::string_view s) {
  if (s.size() == 1) return s[0] >= 'A' && s[0] <= 'U';
  return s.size() >= 2 && s.size() <= 4 && std::all_of(s.begin(), s.end(), IsDigit);
}

// ISO 3166-2 subdivision: two letters, a dash, one to three letters or digits (upper case).
bool IsIsoSubdivision(std::string_view s) {
  if (s.size() < 4 || s.size() > 6 || !IsUpper(s[0]) || !IsUpper(s[1]) || s[2] != '-') {
    return false;
  }
  return std::all_of(s.begin() + 3, s.end(), [](char c) { return IsUpper(c) || IsDigit(c); });
}

}  // namespace

// The enterprise rules of DOMAIN.md, over the whole row as it would be saved. Cleans text
// fields in place; errors refuse the write, warnings are appended. With `all_errors`, every
// error is collected there (an import lists them all); otherwise the first one is returned.
Result<void> ValidateEnterprise(Fields& row, std::vector<Issue>& warnings,
                                std::vector<Error>* all_errors) {
  std::optional<Error> first;
  // True when the caller wants only the first error: stop checking.
  auto fail = [&](Error e) {
    if (!first) first = e;
    if (!all_errors) return true;
    all_errors->push_back(std::move(e));
    return false;
  };
  auto check = [&](Result<void> r) { return !r && fail(r.error()); };
  std::string country = FieldText(row, "country");
  if (check(CheckOneOf("country", country, kCountries, true))) return *first;
  if (auto name = CheckName(FieldText(row, "name"), "name"); !name) {
    if (fail(name.error())) return *first;
  } else {
    SetField(row, "name", *name);
  }
  for (std::string_view f : {"name_en", "name_zh", "name_ur", "short_name"}) {
    const Value* v = FindField(row, f);
    if (!v || IsNull(*v)) continue;
    auto n = CheckName(ValueText(*v), f);
    if (!n) {
      if (fail(n.error())) return *first;
      continue;
    }
    SetField(row, f, *n);
  }
  for (std::string_view f : {"city", "address", "website"}) {
    const Value* v = FindField(row, f);
    if (!v || IsNull(*v)) continue;
    auto t = CheckText(f, ValueText(*v), f == "address" ? 500 : 200, false);
    if (!t) {
      if (fail(t.error())) return *first;
      continue;
    }
    if (f == "website" && !t->empty()) {
      auto url = CheckWebsite(*t);
      if (!url) {
        if (fail(url.error())) return *first;
        continue;
      }
      *t = std::move(*url);
    }
    SetField(row, f, t->empty() ? Value{} : Value{*t});
  }
  if (std::string sector = FieldText(row, "sector"); !sector.empty()) {
    if (!IsIsicCode(sector) &&
        fail(MakeError(ErrorCode::kInvalid, "enterprise.bad_sector", {{"value", sector}},
                       "sector"))) {
      return *first;
    }
  }
  // ISO 3166-2 subdivision of the home country, e.g. CN-BJ, PK-IS.
  if (std::string region = FieldText(row, "region"); !region.empty()) {
    std::string upper = region;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!IsIsoSubdivision(upper)) {
      if (fail(MakeError(ErrorCode::kInvalid, "enterprise.bad_region", {{"value", region}},
                         "region"))) {
        return *first;
      }
    } else {
      SetField(row, "region", upper);
      if (upper.substr(0, 2) != country) {
        warnings.push_back(MakeWarning(ErrorCode::kInvalid, "region",
                                       "enterprise.region_elsewhere",
                                       {{"region", upper}, {"country", country}}));
      }
    }
  }
  if (check(CheckOneOf("size_class", FieldText(row, "size_class"), kSizeClasses)) ||
      check(CheckOneOf("landing_status", FieldText(row, "landing_status"), kLandingStatuses)) ||
      check(CheckOneOf("source", FieldText(row, "source"), kSources)) ||
      check(CheckOneOf("owning_office", FieldText(row, "owning_office"), kOffices)) ||
      check(CheckOneOf("record_state", FieldText(row, "record_state"), kRecordStates))) {
    return *first;
  }
  if (const Value* v = FindField(row, "founded_year"); v && !IsNull(*v)) {
    int64_t y = FieldInt(row, "founded_year", -1);
    if ((y < 1800 || y > 2100) &&
        fail(MakeError(ErrorCode::kInvalid, "enterprise.bad_year", {}, "founded_year"))) {
      return *first;
    }
  }
  if (const Value* v = FindField(row, "employees"); v && !IsNull(*v)) {
    if (FieldInt(row, "employees", -1) < 0 &&
        fail(MakeError(ErrorCode::kInvalid, "value.zero_or_more", {{"field", "employees"}},
                       "employees"))) {
      return *first;
    }
  }
  if (const Value* v = FindField(row, "archived"); v && !IsNull(*v)) {
    int64_t a = FieldInt(row, "archived", -1);
    if (a != 0 && a != 1 &&
        fail(MakeError(ErrorCode::kInvalid, "value.zero_or_one", {{"field", "archived"}},
                       "archived"))) {
      return *first;
    }
  }
  if (first) return *first;
  return {};
}

namespace {

std::string_view IdentifierField(IdentifierType t) {
  switch (t) {
    case IdentifierType::kCnUscc: return "uscc";
    case IdentifierType::kCnLegacyRegno: return "legacy_regno";
    case IdentifierType::kPkSecp: return "secp";
    case IdentifierType::kPkNtn:
    case IdentifierType::kPkNtnCnic: return "ntn";
    default: return "identifier";
  }
}

}  // namespace

// Warnings for a record that looks like one already stored (DOMAIN.md: the same identifier on
// two live enterprises, or the same normalised name, is a duplicate to merge).
Result<void> DuplicateWarnings(Store& store, std::string_view self_id, std::string_view name,
                               const std::vector<CheckedIdentifier>& ids,
                               std::vector<Issue>& warnings) {
  for (const CheckedIdentifier& c : ids) {
    auto rows = store.Select(
        "SELECT e.id, e.name FROM enterprise_identifier i JOIN enterprise e "
        "ON e.id = i.enterprise_id WHERE i.value = ? AND i.type = ? AND i.archived = 0 "
        "AND e.archived = 0 AND e.canon_id IS NULL AND e.id <> ? LIMIT 3",
        c.value, IdentifierTypeCode(c.type), self_id);
    if (!rows) return rows.error();
    for (const Record& r : *rows) {
      Args args = RecordArgs(r);
      args.emplace_back("type", std::string(IdentifierTypeCode(c.type)));
      args.emplace_back("value", c.value);
      warnings.push_back(MakeWarning(ErrorCode::kInvalid, std::string(IdentifierField(c.type)),
                                     "enterprise.duplicate_identifier", std::move(args)));
    }
  }
  std::string key = NameKey(name);
  if (!key.empty()) {
    auto rows = store.Select(
        "SELECT id, name FROM enterprise WHERE name_key = ? AND archived = 0 "
        "AND canon_id IS NULL AND id <> ? LIMIT 3",
        key, self_id);
    if (!rows) return rows.error();
    for (const Record& r : *rows) {
      warnings.push_back(
          MakeWarning(ErrorCode::kInvalid, "name", "enterprise.duplicate_name", RecordArgs(r)));
    }
  }
  return {};
}

Result<std::vector<CheckedIdentifier>> CheckIdentifiers(
    const std::vector<IdentifierInput>& ids, std::vector<Issue>& warnings) {
  std::vector<CheckedIdentifier> out;
  for (const IdentifierInput& in : ids) {
    auto c = CheckIdentifier(in.type, in.value);
    if (!c) return c.error();
    for (const Issue& w : c->warnings) warnings.push_back(w);
    out.push_back(std::move(*c));
  }
  return out;
}

Result<void> InsertIdentifier(Store& store, const std::string& id,
                              std::string_view enterprise_id, const CheckedIdentifier& c) {
  return store.Insert("enterprise_identifier", id,
                      {{"enterprise_id", std::string(enterprise_id)},
                       {"type", std::string(IdentifierTypeCode(c.type))},
                       {"value", c.value},
                       {"check_state", std::string(IdentifierCheckCode(c.check))}});
}

void EnterpriseDefaults(const Session::Impl& m, Fields& row) {
  if (!FindField(row, "owning_office")) SetField(row, "owning_office", m.info.office);
  if (!FindField(row, "landing_status")) SetField(row, "landing_status", std::string("none"));
  if (!FindField(row, "record_state")) SetField(row, "record_state", std::string("complete"));
}

namespace {

// The live records of an enterprise's group: itself and the records merged into it (their
// enrollments, identifiers and matches count for it).
constexpr const char* kGroup = "(SELECT id FROM enterprise WHERE id = ?1 OR canon_id = ?1)";

bool IsHomeIdentifier(std::string_view country, std::string_view type) {
  return type.rfind(country == "CN" ? "CN_" : "PK_", 0) == 0;
}

// What ties an enterprise to its home country (issue 9): a programme number (allocated by the
// home office: DH-CN-001), an identifier of that country, a matchmaking pair (the pair would
// join two enterprises of one country). Empty when the country may still change.
Result<std::vector<Message>> CountryTies(Store& store, const Record& e) {
  const std::string country = e.Text("country");
  std::vector<Message> ties;
  auto numbers = store.Select(std::string("SELECT programme_number FROM enrollment WHERE "
                                          "archived = 0 AND programme_number <> '' AND "
                                          "enterprise_id IN ") +
                                  kGroup + " LIMIT 1",
                              e.id);
  if (!numbers) return numbers.error();
  for (const Record& r : *numbers) {
    ties.push_back(
        MakeMessage("enterprise.country_tie.number", {{"number", r.Text("programme_number")}}));
  }
  auto ids = store.Select(std::string("SELECT type, value FROM enterprise_identifier WHERE "
                                      "archived = 0 AND enterprise_id IN ") +
                              kGroup + " ORDER BY created_at, id",
                          e.id);
  if (!ids) return ids.error();
  for (const Record& r : *ids) {
    if (!IsHomeIdentifier(country, r.Text("type"))) continue;
    ties.push_back(MakeMessage("enterprise.country_tie.identifier",
                               {{"type", r.Text("type")}, {"value", r.Text("value")}}));
    break;  // one names the problem
  }
  auto matches = store.Select(std::string("SELECT count(*) AS n FROM matchmaking WHERE "
                                          "archived = 0 AND (cn_enterprise_id IN ") +
                                  kGroup + " OR pk_enterprise_id IN " + kGroup + ")",
                              e.id);
  if (!matches) return matches.error();
  if (int64_t n = matches->empty() ? 0 : matches->front().Int("n"); n > 0) {
    ties.push_back(MakeMessage("enterprise.country_tie.matches", {{"count", std::to_string(n)}}));
  }
  return ties;
}

}  // namespace

Result<void> CheckCountryChange(Store& store, const Record& enterprise, std::string_view country) {
  const std::string from = enterprise.Text("country");
  if (country == from) return {};
  auto ties = CountryTies(store, enterprise);
  if (!ties) return ties.error();
  if (ties->empty()) return {};
  Args args = RecordArgs(enterprise);
  args.emplace_back("from", from);
  args.emplace_back("to", std::string(country));
  AddMessageList(args, "ties", *ties);
  return MakeError(ErrorCode::kReadOnlyField, "enterprise.country_locked", std::move(args),
                   "country");
}

Result<void> CheckArchivable(Store& store, const Record& enterprise,
                             std::string_view programme_id) {
  auto rows =
      store.Select(std::string("SELECT stage FROM enrollment WHERE archived = 0 AND "
                               "programme_id = ?2 AND stage IN "
                               "('selected', 'active', 'completed') AND enterprise_id IN ") +
                       kGroup + " LIMIT 1",
                   enterprise.id, programme_id);
  if (!rows) return rows.error();
  if (rows->empty()) return {};
  Args args = RecordArgs(enterprise);
  args.emplace_back("stage", rows->front().Text("stage"));
  return MakeError(ErrorCode::kTransition, "enterprise.archive_selected", std::move(args),
                   "archived");
}

Result<void> CheckEnterpriseChange(const Session::Impl& m, const Record& before,
                                   const Fields& after) {
  if (const Value* country = FindField(after, "country")) {
    DOSTI_TRY(CheckCountryChange(*m.store, before, ValueText(*country)));
  }
  if (FieldInt(after, "archived", 0) == 1 && before.Int("archived") == 0) {
    DOSTI_TRY(CheckArchivable(*m.store, before, m.info.programme_id));
  }
  return {};
}

Result<Saved> Session::AddEnterprise(const Fields& input, const std::vector<IdentifierInput>& ids) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  // Text arrives from forms and the command line; it is parsed to each column's type.
  auto parsed = ParseFields(*m.store, "enterprise", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  EnterpriseDefaults(m, row);
  Saved saved;
  DOSTI_TRY(ValidateEnterprise(row, saved.warnings, nullptr));
  auto checked = CheckIdentifiers(ids, saved.warnings);
  if (!checked) return checked.error();
  saved.id = m.store->NewId();
  DOSTI_TRY(DuplicateWarnings(*m.store, saved.id, FieldText(row, "name"), *checked,
                              saved.warnings));
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    DOSTI_TRY(m.store->Insert("enterprise", saved.id, row));
    for (const CheckedIdentifier& c : *checked) {
      DOSTI_TRY(InsertIdentifier(*m.store, m.store->NewId(), saved.id, c));
    }
    return {};
  });
  if (!r) return r.error();
  return saved;
}

Result<EnterpriseView> Session::GetEnterprise(std::string_view id) {
  Impl& m = *impl_;
  auto rec = m.Load("enterprise", id);
  if (!rec) return rec.error();
  EnterpriseView view{std::move(*rec), {}};
  auto ids = m.store->Select(
      "SELECT id, type, value, check_state FROM enterprise_identifier "
      "WHERE enterprise_id = ? AND archived = 0 ORDER BY created_at, id",
      view.record.id);
  if (!ids) return ids.error();
  for (const Record& r : *ids) {
    Identifier i;
    i.id = r.id;
    i.type = ParseIdentifierType(r.Text("type")).value_or(IdentifierType::kOther);
    i.value = r.Text("value");
    std::string check = r.Text("check_state");
    i.check = check == "valid"              ? IdentifierCheck::kValid
              : check == "checksum_warning" ? IdentifierCheck::kChecksumWarning
                                            : IdentifierCheck::kFormatOnly;
    view.identifiers.push_back(std::move(i));
  }
  return view;
}

Result<Saved> Session::SetEnterpriseField(std::string_view id, std::string_view field,
                                          std::string_view value) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  if (field == "identifiers") {
    return MakeError(ErrorCode::kReadOnlyField, "enterprise.identifiers_read_only", {},
                     "identifiers");
  }
  auto edit = BeginFieldEdit(m, "enterprise", id, field, value);
  if (!edit) return edit.error();
  const Record& rec = edit->record;
  Fields& row = edit->row;
  Saved saved{rec.id, {}};
  DOSTI_TRY(ValidateEnterprise(row, saved.warnings, nullptr));
  DOSTI_TRY(CheckEnterpriseChange(m, rec, row));
  if (field == "name") {
    DOSTI_TRY(DuplicateWarnings(*m.store, rec.id, FieldText(row, "name"), {}, saved.warnings));
  }
  auto r = InTransaction(*m.db, [&]() -> Result<int> {
    return m.store->Update("enterprise", rec.id, {{std::string(field), *FindField(row, field)}});
  });
  if (!r) return r.error();
  return saved;
}

Result<void> Session::ArchiveEnterprise(std::string_view id, bool archived) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto rec = m.Load("enterprise", id);
  if (!rec) return rec.error();
  if (archived && rec->Int("archived") == 0) {
    DOSTI_TRY(CheckArchivable(*m.store, *rec, m.info.programme_id));
  }
  auto r = InTransaction(*m.db, [&]() -> Result<int> {
    return m.store->Update("enterprise", rec->id, {{"archived", int64_t{archived ? 1 : 0}}});
  });
  if (!r) return r.error();
  return {};
}

Result<Saved> Session::AddIdentifier(std::string_view enterprise_id,
                                     const IdentifierInput& input) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto rec = m.Load("enterprise", enterprise_id);
  if (!rec) return rec.error();
  Saved saved;
  auto checked = CheckIdentifiers({input}, saved.warnings);
  if (!checked) return checked.error();
  const CheckedIdentifier& c = checked->front();
  auto existing = m.store->Select(
      "SELECT id FROM enterprise_identifier WHERE enterprise_id = ? AND type = ? AND value = ? "
      "AND archived = 0",
      rec->id, IdentifierTypeCode(c.type), c.value);
  if (!existing) return existing.error();
  if (!existing->empty()) {
    saved.id = existing->front().id;
    return saved;  // already recorded: adding it again changes nothing
  }
  DOSTI_TRY(DuplicateWarnings(*m.store, rec->id, "", *checked, saved.warnings));
  saved.id = m.store->NewId();
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    return InsertIdentifier(*m.store, saved.id, rec->id, c);
  });
  if (!r) return r.error();
  return saved;
}

// [SECTION] Paged lists

namespace {

// The SQL of one sort: its index and its ORDER BY (ascending; descending flips every term).
struct SortSql {
  const char* index;
  std::vector<const char*> terms;
};

SortSql SortFor(EnterpriseSort sort) {
  switch (sort) {
    case EnterpriseSort::kCountry:
      return {"enterprise_list_country", {"country", "name COLLATE NOCASE", "id"}};
    case EnterpriseSort::kStage:
      return {"enterprise_list_stage", {"stage_rank", "name COLLATE NOCASE", "id"}};
    case EnterpriseSort::kUpdated:
      return {"enterprise_list_updated", {"updated_at", "id"}};
    case EnterpriseSort::kName:
    case EnterpriseSort::kRelevance:
      break;
  }
  return {"enterprise_list_name", {"name COLLATE NOCASE", "id"}};
}

// Column "stage" of a list row: the stage code, or NULL when not enrolled.
Value StageOfRank(int64_t rank) {
  if (rank < 1 || rank > static_cast<int64_t>(kEnrollmentStages.size())) return Value{};
  return Value{std::string(kEnrollmentStages[static_cast<size_t>(rank - 1)])};
}

}  // namespace

Result<std::vector<Record>> Session::ListEnterprises(const EnterpriseFilter& filter) {
  Impl& m = *impl_;
  if (!filter.country.empty()) DOSTI_TRY(CheckOneOf("country", filter.country, kCountries));
  if (!filter.search.empty()) {
    auto hits = Search(filter.search, filter.limit > 0 ? filter.limit : 200);
    if (!hits) return hits.error();
    std::vector<Record> out;
    for (const SearchHit& h : *hits) {
      auto r = m.store->Get("enterprise", h.enterprise_id);
      if (!r) return r.error();
      if (!*r) continue;
      if (!filter.country.empty() && (*r)->Text("country") != filter.country) continue;
      if (!filter.include_archived && (*r)->Int("archived") != 0) continue;
      out.push_back(std::move(**r));
    }
    return out;
  }
  // By country, then name (ASCII case ignored), then id: the order of the list index of that
  // sort, which SQLite walks instead of sorting every enterprise (a page of 100 at 100,000
  // enterprises took 60 ms by the sort, most of it reading the whole table).
  SortSql sort = SortFor(EnterpriseSort::kCountry);
  std::string order;
  for (const char* term : sort.terms) order += std::string(order.empty() ? "" : ", ") + term;
  // A country is a range of that index (under "?1 = '' OR country = ?1" SQLite walked the
  // countries before it).
  std::string sql = std::string("SELECT * FROM enterprise INDEXED BY ") + sort.index + " WHERE " +
                    (filter.country.empty() ? "?1 = ''" : "country = ?1") +
                    " AND (?2 OR archived = 0) AND canon_id IS NULL ORDER BY " + order;
  if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
  return m.store->Select(sql, filter.country, int64_t{filter.include_archived ? 1 : 0});
}

Result<EnterprisePage> Session::QueryEnterprises(const EnterpriseQuery& q) {
  Impl& m = *impl_;
  DOSTI_TRY(CheckOneOf("country", q.country, kCountries));
  DOSTI_TRY(CheckOneOf("owning_office", q.office, kOffices));
  int64_t rank = -1;  // any stage
  if (q.stage == "none") {
    rank = 0;
  } else if (!q.stage.empty()) {
    DOSTI_TRY(CheckOneOf("stage", q.stage, kEnrollmentStages));
    rank = 1 + (std::find(kEnrollmentStages.begin(), kEnrollmentStages.end(), q.stage) -
                kEnrollmentStages.begin());
  }
  if (q.offset < 0) {
    return MakeError(ErrorCode::kInvalid, "list.bad_offset", {{"value", std::to_string(q.offset)}},
                     "offset");
  }
  if (q.limit < 1 || q.limit > kMaxPageRows) {
    return MakeError(ErrorCode::kInvalid, "list.bad_limit",
                     {{"value", std::to_string(q.limit)}, {"max", std::to_string(kMaxPageRows)}},
                     "limit");
  }
  // Every list shows live records only (merged ones lead to their record). Only the filters
  // given become terms, so that each is an equality the indexes can seek on; the statement
  // cache keeps one statement per combination.
  std::string filters;
  if (q.archived == ArchivedFilter::kExclude) filters += " AND archived = 0";
  if (q.archived == ArchivedFilter::kOnly) filters += " AND archived = 1";
  if (!q.country.empty()) filters += " AND country = ?1";
  if (rank >= 0) filters += " AND stage_rank = ?2";
  if (!q.sector.empty()) filters += " AND sector = ?3";
  if (!q.office.empty()) filters += " AND owning_office = ?4";
  const std::string where = " WHERE canon_id IS NULL" + filters;
  auto bind = [&](Stmt& st) -> Stmt& {
    st.Reset();
    if (!q.country.empty()) st.Bind(1, q.country);
    if (rank >= 0) st.Bind(2, rank);
    if (!q.sector.empty()) st.Bind(3, q.sector);
    if (!q.office.empty()) st.Bind(4, q.office);
    return st;
  };
  EnterprisePage page;
  page.offset = q.offset;
  const std::string columns = "SELECT *, stage_rank AS list_stage_rank FROM enterprise";

  if (!q.search.empty()) {
    // The "already ours?" hits (best first), filtered here, sorted, then paged.
    auto hits = Search(q.search, kMaxQueryHits);
    if (!hits) return hits.error();
    auto st = m.db->Prepare(columns + where + " AND id = ?5");
    if (!st) return st.error();
    std::vector<Record> rows;
    for (const SearchHit& h : *hits) {
      bind(**st).Bind(5, h.enterprise_id);
      auto found = m.store->Collect(**st);
      if (!found) return found.error();
      for (Record& r : *found) rows.push_back(std::move(r));
    }
    std::vector<size_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (q.sort != EnterpriseSort::kRelevance) {
      auto key = [&](const Record& r) {
        std::string name = r.Text("name");
        for (char& c : name) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        switch (q.sort) {
          case EnterpriseSort::kCountry:
            return std::make_tuple(r.Text("country"), int64_t{0}, name, r.id);
          case EnterpriseSort::kStage:
            return std::make_tuple(std::string(), r.Int("list_stage_rank"), name, r.id);
          case EnterpriseSort::kUpdated:
            return std::make_tuple(std::string(), r.Int("updated_at"), std::string(), r.id);
          default:
            return std::make_tuple(std::string(), int64_t{0}, name, r.id);
        }
      };
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return key(rows[a]) < key(rows[b]); });
    }
    if (q.descending) std::reverse(order.begin(), order.end());
    page.total = static_cast<int64_t>(rows.size());
    for (size_t i = static_cast<size_t>(std::min<int64_t>(q.offset, page.total));
         i < order.size() && page.rows.size() < static_cast<size_t>(q.limit); ++i) {
      page.rows.push_back(std::move(rows[order[i]]));
    }
  } else {
    // Schema version 5: the count sums the tally of live enterprises by filter columns; the
    // page walks its sort's index (which carries the filter columns too) and reads only the
    // page's rows from the table.
    SortSql sort = SortFor(q.sort);
    std::string order;
    for (const char* term : sort.terms) {
      order += std::string(order.empty() ? "" : ", ") + term + (q.descending ? " DESC" : "");
    }
    // Inside a transaction, the enterprises it added join the tally only at COMMIT.
    DOSTI_TRY(m.store->FlushNewEnterprises());
    auto count = m.db->Prepare("SELECT coalesce(sum(n), 0) FROM enterprise_tally WHERE 1" +
                               filters);
    if (!count) return count.error();
    auto counted = bind(**count).Step();
    if (!counted) return counted.error();
    page.total = (*count)->Int(0);
    (*count)->Reset();
    auto st = m.db->Prepare(columns + " WHERE rowid IN (SELECT rowid FROM enterprise INDEXED BY " +
                            sort.index + where + " ORDER BY " + order +
                            " LIMIT ?5 OFFSET ?6) ORDER BY " + order);
    if (!st) return st.error();
    bind(**st).Bind(5, int64_t{q.limit}).Bind(6, q.offset);
    auto rows = m.store->Collect(**st);
    if (!rows) return rows.error();
    page.rows = std::move(*rows);
  }
  for (Record& r : page.rows) {
    // The local rank becomes the stage's code.
    auto it = std::find_if(r.fields.begin(), r.fields.end(),
                           [](const Field& f) { return f.name == "list_stage_rank"; });
    if (it == r.fields.end()) continue;
    int64_t stage_rank = std::holds_alternative<int64_t>(it->value) ? std::get<int64_t>(it->value) : 0;
    it->name = "stage";
    it->value = StageOfRank(stage_rank);
  }
  return page;
}

}  // namespace dosti
