// Enterprises, their identifiers and contacts: enterprise add|get|set|list|search|archive|
// unarchive, identifier add, contact add|list|get|set.
#include <cstdio>
#include <ostream>

#include "cli_internal.h"
#include "dosti/date.h"

namespace dosti::cli {
namespace {

// The facade field an option carries: its name with '-' → '_' (--name-en → name_en).
std::string FieldName(std::string_view option) {
  std::string field(option);
  for (char& ch : field) {
    if (ch == '-') ch = '_';
  }
  return field;
}

void CopyFields(const Context& c, std::initializer_list<std::string_view> options, Fields& fields) {
  for (std::string_view o : options) {
    if (c.Has(o)) fields.push_back({FieldName(o), c.Value(o)});
  }
}

struct IdOption {
  std::string_view option;
  IdentifierType type;
};
constexpr IdOption kIdOptions[] = {{"uscc", IdentifierType::kCnUscc},
                                   {"legacy-regno", IdentifierType::kCnLegacyRegno},
                                   {"ntn", IdentifierType::kPkNtn},
                                   {"secp", IdentifierType::kPkSecp},
                                   {"other", IdentifierType::kOther}};

std::string FormatInstant(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
  int64_t minutes = (ms - days * 86'400'000) / 60'000;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d UTC", static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return FormatDate(CivilFromDays(days)) + buf;
}

}  // namespace

// A field's value for people: codes labelled, flags as yes/no, instants as dates.
std::string Shown(std::string_view field, const Value& v, std::string_view lang) {
  if (IsNull(v)) return {};
  std::string t = ValueText(v);
  if (field == "created_at" || field == "updated_at") {
    if (std::holds_alternative<int64_t>(v)) return FormatInstant(std::get<int64_t>(v));
  }
  if (field == "archived" || field == "is_primary" || field == "consent_contact" ||
      field == "consent_transfer") {
    return std::string(Tr(t == "1" ? "yes" : "no", lang));
  }
  if (field == "country") return CodeLabel("country", t, lang);
  if (field == "owning_office" || field == "provider_office" || field == "office") {
    return CodeLabel("office", t, lang);
  }
  if (field == "category") return CodeLabel("category", t, lang);
  if (field == "landing_status" || field == "record_state" || field == "source" ||
      field == "size_class" || field == "state" || field == "status" || field == "outcome" ||
      field == "delivery_mode") {
    return CodeLabel(field, t, lang);
  }
  return t;
}

std::vector<std::pair<std::string, std::string>> FieldRows(const Record& r, std::string_view lang) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Field& f : r.fields) {
    rows.push_back({FieldLabel(f.name, lang), Shown(f.name, f.value, lang)});
  }
  return rows;
}

void PrintSavedJson(Context& c, const Saved& saved,
                    const std::function<void(json::Writer&)>& more) {
  json::Writer w(true);
  w.BeginObject().Key("id").String(saved.id);
  more(w);
  w.Key("warnings");
  json::Write(w, saved.warnings);
  w.EndObject();
  PrintJson(c, w);
}

int PrintSaved(Context& c, const Saved& saved, std::string_view done_key) {
  if (c.json) {
    json::Writer w(true);
    json::Write(w, saved);
    PrintJson(c, w);
  } else {
    c.out << Tr(done_key, c.lang) << ' ' << saved.id << '\n';
    PrintWarnings(c, saved.warnings);
  }
  return 0;
}

int CmdEnterpriseAdd(Context& c) {
  int exit = 0;
  if (!CheckChoice(c, "--country", c.Value("country"), kCountries, &exit)) return exit;
  Fields fields;
  CopyFields(c,
             {"country", "name", "name-en", "name-zh", "name-ur", "short-name", "sector", "region",
              "city", "address", "website", "size-class", "landing-status", "source"},
             fields);
  for (std::string_view o : {"founded-year", "employees"}) {
    if (!c.Has(o)) continue;
    auto n = IntOption(c, o, &exit);
    if (!n) return exit;
    fields.push_back({FieldName(o), *n});
  }
  if (c.Has("draft")) fields.push_back({"record_state", std::string("draft")});
  std::vector<IdentifierInput> ids;
  for (const IdOption& o : kIdOptions) {
    if (c.Has(o.option)) ids.push_back({o.type, c.Value(o.option)});
  }
  auto saved = c.s().AddEnterprise(fields, ids);
  if (!saved) return Refuse(c, saved.error());
  return PrintSaved(c, *saved, "enterprise.added");
}

int CmdEnterpriseGet(Context& c) {
  auto view = c.s().GetEnterprise(c.positional[0]);
  if (!view) return Refuse(c, view.error());
  auto enrollment = c.s().GetEnrollment(view->record.id);
  if (!enrollment) return Refuse(c, enrollment.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *view);
    PrintJson(c, w);
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> rows = FieldRows(view->record, c.lang);
  for (const Identifier& i : view->identifiers) {
    rows.push_back({FieldLabel("identifier", c.lang),
                    std::string(IdentifierTypeCode(i.type)) + " " +
                        DisplayIdentifier(i.type, i.value) + " (" +
                        CodeLabel("check", IdentifierCheckCode(i.check), c.lang) + ")"});
  }
  if (view->identifiers.empty()) rows.push_back({FieldLabel("identifier", c.lang), ""});
  if (*enrollment) {
    rows.push_back(
        {FieldLabel("stage", c.lang), CodeLabel("stage", (*enrollment)->Text("stage"), c.lang)});
    rows.push_back(
        {FieldLabel("programme_number", c.lang), (*enrollment)->Text("programme_number")});
  }
  PrintPairs(c.out, rows);
  return 0;
}

int CmdEnterpriseSet(Context& c) {
  auto saved = c.s().SetEnterpriseField(c.positional[0], c.positional[1], c.positional[2]);
  if (!saved) return Refuse(c, saved.error());
  return PrintSaved(c, *saved, "enterprise.saved");
}

int CmdEnterpriseList(Context& c) {
  int exit = 0;
  EnterpriseFilter filter;
  if (c.Has("country")) {
    if (!CheckChoice(c, "--country", c.Value("country"), kCountries, &exit)) return exit;
    filter.country = c.Value("country");
  }
  filter.search = c.Value("search");
  filter.include_archived = c.Has("include-archived");
  if (c.Has("limit")) {
    auto n = IntOption(c, "limit", &exit);
    if (!n) return exit;
    filter.limit = static_cast<int>(*n);
  }
  auto rows = c.s().ListEnterprises(filter);
  if (auto done = PrintListOrNone(c, rows)) return *done;
  std::vector<std::string> headers = {FieldLabel("id", c.lang), FieldLabel("country", c.lang),
                                      FieldLabel("name", c.lang), FieldLabel("city", c.lang),
                                      FieldLabel("sector", c.lang)};
  if (filter.include_archived) headers.push_back(FieldLabel("archived", c.lang));
  Table t(headers);
  t.MaxWidth(2, 48);
  for (const Record& r : *rows) {
    std::vector<std::string> row = {r.id, CodeLabel("country", r.Text("country"), c.lang),
                                    r.Text("name"), r.Text("city"), r.Text("sector")};
    if (filter.include_archived) {
      row.push_back(r.Int("archived") ? std::string(Tr("yes", c.lang)) : std::string());
    }
    t.Add(std::move(row));
  }
  t.Print(c.out);
  return 0;
}

int CmdEnterpriseSearch(Context& c) {
  int exit = 0;
  std::string query;
  for (const std::string& p : c.positional) query += (query.empty() ? "" : " ") + p;
  int limit = 20;
  if (c.Has("limit")) {
    auto n = IntOption(c, "limit", &exit);
    if (!n) return exit;
    limit = static_cast<int>(*n);
  }
  auto hits = c.s().Search(query, limit);
  if (auto done = PrintListOrNone(c, hits)) return *done;
  Table t({FieldLabel("id", c.lang), FieldLabel("country", c.lang), FieldLabel("name", c.lang),
           FieldLabel("why", c.lang), FieldLabel("matched", c.lang)});
  t.MaxWidth(2, 40);
  t.MaxWidth(4, 40);
  for (const SearchHit& h : *hits) {
    std::string why = CodeLabel("reason", MatchReasonCode(h.reason), c.lang);
    if (h.reason == MatchReason::kSimilarName) {
      char pct[16];
      std::snprintf(pct, sizeof pct, " %d%%", static_cast<int>(h.score * 100 + 0.5));
      why += pct;
    }
    t.Add({h.enterprise_id, CodeLabel("country", h.country, c.lang), h.name, why, h.matched});
  }
  t.Print(c.out);
  return 0;
}

namespace {

int Archive(Context& c, bool archived) {
  auto id = c.s().ResolveId("enterprise", c.positional[0]);
  if (!id) return Refuse(c, id.error());
  auto r = c.s().ArchiveEnterprise(*id, archived);
  if (!r) return Refuse(c, r.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(*id).Key("archived").Int(archived ? 1 : 0).EndObject();
    PrintJson(c, w);
  } else {
    c.out << Tr(archived ? "enterprise.archived" : "enterprise.unarchived", c.lang) << ' ' << *id
          << '\n';
  }
  return 0;
}

}  // namespace

int CmdEnterpriseArchive(Context& c) { return Archive(c, true); }
int CmdEnterpriseUnarchive(Context& c) { return Archive(c, false); }

int CmdIdentifierAdd(Context& c) {
  std::optional<IdentifierInput> input;
  for (const IdOption& o : kIdOptions) {
    if (!c.Has(o.option)) continue;
    if (input) return UsageError(c, "give one identifier at a time");
    input = IdentifierInput{o.type, c.Value(o.option)};
  }
  if (!input)
    return UsageError(c,
                      "missing the identifier: --uscc, --legacy-regno, --ntn, --secp or --other");
  auto saved = c.s().AddIdentifier(c.Value("enterprise"), *input);
  if (!saved) return Refuse(c, saved.error());
  return PrintSaved(c, *saved, "identifier.added");
}

int CmdContactAdd(Context& c) {
  Fields fields{{"enterprise_id", c.Value("enterprise")}, {"full_name", c.Value("name")}};
  CopyFields(c,
             {"latin-name", "name-ur", "position", "mobile", "office-phone", "email", "wechat",
              "whatsapp", "consent-method"},
             fields);
  if (c.Has("language")) fields.push_back({"preferred_language", c.Value("language")});
  if (c.Has("consent")) fields.push_back({"consent_contact", int64_t{1}});
  if (c.Has("consent-transfer")) fields.push_back({"consent_transfer", int64_t{1}});
  auto saved = c.s().AddContact(fields);
  if (!saved) return Refuse(c, saved.error());
  auto contact = c.s().GetContact(saved->id);
  if (!contact) return Refuse(c, contact.error());
  std::string mobile = contact->Text("mobile");
  bool primary = contact->Int("is_primary") == 1;
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(saved->id).Key("mobile").StringOrNull(mobile);
    w.Key("is_primary").Int(primary ? 1 : 0).Key("warnings");
    json::Write(w, saved->warnings);
    w.EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Tr("contact.added", c.lang) << ' ' << saved->id << '\n';
  std::vector<std::pair<std::string, std::string>> rows;
  if (!mobile.empty()) rows.push_back({FieldLabel("mobile", c.lang), mobile});
  rows.push_back(
      {FieldLabel("is_primary", c.lang), std::string(Tr(primary ? "yes" : "no", c.lang))});
  PrintPairs(c.out, rows);
  PrintWarnings(c, saved->warnings);
  return 0;
}

namespace {

// `contact set`'s FIELD: a column of `contact get --json`, or the word of the `contact add`
// option that sets it (consent, primary, language, title, office-phone, e-mail, ...).
std::string ContactField(std::string_view word) {
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"consent", "consent_contact"}, {"primary", "is_primary"}, {"language", "preferred_language"},
      {"name", "full_name"},          {"title", "position"},     {"e-mail", "email"}};
  for (const auto& [alias, column] : kAliases) {
    if (word == alias) return std::string(column);
  }
  return FieldName(word);
}

// Yes and no for the contact's flags, as people type them; anything else goes to the core.
std::string FlagValue(std::string_view field, std::string_view value) {
  if (field != "is_primary" && field != "consent_contact" && field != "consent_transfer" &&
      field != "archived") {
    return std::string(value);
  }
  for (std::string_view yes : {"yes", "true", "y"}) {
    if (value == yes) return "1";
  }
  for (std::string_view no : {"no", "false", "n"}) {
    if (value == no) return "0";
  }
  return std::string(value);
}

}  // namespace

int CmdContactGet(Context& c) {
  auto contact = c.s().GetContact(c.positional[0]);
  if (!contact) return Refuse(c, contact.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *contact);
    PrintJson(c, w);
    return 0;
  }
  PrintPairs(c.out, FieldRows(*contact, c.lang));
  return 0;
}

int CmdContactSet(Context& c) {
  const std::string field = ContactField(c.positional[1]);
  auto saved = c.s().SetContactField(c.positional[0], field, FlagValue(field, c.positional[2]));
  if (!saved) return Refuse(c, saved.error());
  return PrintSaved(c, *saved, "contact.saved");
}

int CmdContactList(Context& c) {
  auto rows = c.s().ListContacts(c.positional[0]);
  if (auto done = PrintListOrNone(c, rows)) return *done;
  Table t({FieldLabel("id", c.lang), FieldLabel("full_name", c.lang),
           FieldLabel("position", c.lang), FieldLabel("mobile", c.lang),
           FieldLabel("email", c.lang), FieldLabel("wechat", c.lang),
           FieldLabel("is_primary", c.lang), FieldLabel("consent_contact", c.lang)});
  t.MaxWidth(1, 32);
  for (const Record& r : *rows) {
    t.Add({r.id, r.Text("full_name"), r.Text("position"), r.Text("mobile"), r.Text("email"),
           r.Text("wechat"), r.Int("is_primary") ? std::string(Tr("yes", c.lang)) : "",
           std::string(Tr(r.Int("consent_contact") ? "yes" : "no", c.lang))});
  }
  t.Print(c.out);
  return 0;
}

}  // namespace dosti::cli
