// Contacts: people at an enterprise, with phones in E.164, consent, and one primary contact.
#include "dosti/text.h"
#include "session_impl.h"

namespace dosti {
namespace {

// A plausible e-mail address: one '@', something before it, a dot in the domain, no spaces.
// Stored lower case (matching by e-mail ignores case in practice).
Result<std::string> CheckEmail(std::string_view raw) {
  std::string e = text::CaseFold(text::Trim(raw));
  auto at = e.find('@');
  bool ok = at != std::string::npos && at > 0 && e.find('@', at + 1) == std::string::npos &&
            e.find('.', at + 2) != std::string::npos && e.back() != '.' &&
            e.find_first_of(" \t,;<>") == std::string::npos;
  if (!ok) {
    return MakeError(ErrorCode::kInvalid, "contact.bad_email", {{"value", std::string(raw)}},
                     "email");
  }
  return e;
}

// The columns a contact's writer checks, in the order AddContact checks them.
constexpr std::string_view kCheckedFields[] = {
    "full_name",       "latin_name",         "name_ur",        "position",
    "mobile",          "office_phone",       "whatsapp",       "email",
    "wechat",          "preferred_language", "consent_method", "is_primary",
    "consent_contact", "consent_transfer",   "consent_date",   "archived"};

// Checks and cleans field `f` of a contact row in place (phones to E.164 with the enterprise's
// `country`), appending its warnings. Absent fields pass; a NULL clears an optional one.
Result<void> CheckContactField(std::string_view f, Fields& row, std::string_view country,
                               std::vector<Issue>& warnings) {
  const Value* v = FindField(row, f);
  const std::string field(f);
  if (f == "full_name") {
    auto name = CheckName(v ? ValueText(*v) : std::string(), f);
    if (!name) return name.error();
    SetField(row, f, *name);
    return {};
  }
  if (!v || IsNull(*v)) {
    // The flags are NOT NULL columns: "" is no answer for them.
    if (v && (f == "is_primary" || f == "consent_contact" || f == "consent_transfer" ||
              f == "archived")) {
      return MakeError(ErrorCode::kInvalid, "value.zero_or_one", {{"field", field}}, field);
    }
    return {};
  }
  const std::string raw = ValueText(*v);
  if (f == "latin_name" || f == "name_ur") {
    auto n = CheckName(raw, f);
    if (!n) return n.error();
    SetField(row, f, *n);
  } else if (f == "position" || f == "wechat") {
    auto t = CheckText(f, raw, f == "position" ? 200 : 64, false);
    if (!t) return t.error();
    SetField(row, f, *t);
  } else if (f == "mobile" || f == "office_phone" || f == "whatsapp") {
    auto phone = NormalisePhone(raw, country, f);
    if (!phone) return phone.error();
    SetField(row, f, phone->e164);
    for (const Issue& w : phone->warnings) warnings.push_back(w);
  } else if (f == "email") {
    auto e = CheckEmail(raw);
    if (!e) return e.error();
    SetField(row, f, *e);
  } else if (f == "preferred_language") {
    return CheckOneOf(f, raw, {"zh", "en", "ur"});
  } else if (f == "consent_method") {
    return CheckOneOf(f, raw, {"written", "verbal", "form", "email", "booth"});
  } else if (f == "is_primary" || f == "consent_contact" || f == "consent_transfer" ||
             f == "archived") {
    int64_t n = FieldInt(row, f, -1);
    if (n != 0 && n != 1) {
      return MakeError(ErrorCode::kInvalid, "value.zero_or_one", {{"field", field}}, field);
    }
  } else if (f == "consent_date") {
    auto date = CheckDate(f, raw);
    if (!date) return date.error();
  }
  return {};
}

// The warning that an enterprise is left without a live primary contact.
Issue NoPrimaryWarning(const Record& enterprise) {
  return MakeWarning(ErrorCode::kInvalid, "is_primary", "contact.no_primary",
                     RecordArgs(enterprise));
}

}  // namespace

Result<void> MakeSolePrimary(Session::Impl& m, const std::string& enterprise_id,
                             const std::string& contact_id) {
  auto others = m.store->Select(
      "SELECT id FROM contact WHERE enterprise_id = ? AND is_primary = 1 AND id <> ?",
      enterprise_id, contact_id);
  if (!others) return others.error();
  for (const Record& r : *others) {
    auto n = m.store->Update("contact", r.id, {{"is_primary", int64_t{0}}});
    if (!n) return n.error();
  }
  return {};
}

Result<void> CheckContactRow(const Session::Impl& m, Fields& row, std::string_view country,
                             std::vector<Issue>& warnings) {
  for (std::string_view f : kCheckedFields) {
    DOSTI_TRY(CheckContactField(f, row, country, warnings));
  }
  if (FieldText(row, "consent_date").empty() &&
      (FieldInt(row, "consent_contact") == 1 || FieldInt(row, "consent_transfer") == 1)) {
    SetField(row, "consent_date", FormatDate(m.Today()));
  }
  return {};
}

Result<bool> IsFirstContact(Session::Impl& m, const std::string& enterprise_id) {
  auto existing =
      m.db->Prepare("SELECT count(*) FROM contact WHERE enterprise_id = ? AND archived = 0");
  if (!existing) return existing.error();
  (*existing)->Args(enterprise_id);
  auto step = (*existing)->Step();
  if (!step) return step.error();
  bool first = (*existing)->Int(0) == 0;
  (*existing)->Reset();
  return first;
}

Result<Saved> Session::AddContact(const Fields& input) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = ParseFields(*m.store, "contact", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  auto enterprise = m.Load("enterprise", FieldText(row, "enterprise_id"));
  if (!enterprise) {
    if (FieldText(row, "enterprise_id").empty()) {
      return MakeError(ErrorCode::kRequired, "value.required", {{"field", "enterprise_id"}},
                       "enterprise_id");
    }
    return enterprise.error();
  }
  SetField(row, "enterprise_id", enterprise->id);

  Saved saved;
  DOSTI_TRY(CheckContactRow(m, row, enterprise->Text("country"), saved.warnings));

  auto first = IsFirstContact(m, enterprise->id);
  if (!first) return first.error();
  if (*first) SetField(row, "is_primary", int64_t{1});

  saved.id = m.store->NewId();
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    DOSTI_TRY(m.store->Insert("contact", saved.id, row));
    if (FieldInt(row, "is_primary") == 1) {
      DOSTI_TRY(MakeSolePrimary(m, enterprise->id, saved.id));
    }
    return {};
  });
  if (!r) return r.error();
  return saved;
}

Result<Saved> Session::SetContactField(std::string_view id, std::string_view field,
                                       std::string_view value) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  // Moving a contact to another enterprise would carry its primary flag and consent along
  // unnoticed: add a contact there instead.
  auto edit = BeginFieldEdit(m, "contact", id, field, value, "enterprise_id");
  if (!edit) return edit.error();
  const Record& contact = edit->record;
  Fields& row = edit->row;
  auto enterprise = m.Load("enterprise", contact.Text("enterprise_id"));
  if (!enterprise) return enterprise.error();
  Saved saved{contact.id, {}};
  DOSTI_TRY(CheckContactField(field, row, enterprise->Text("country"), saved.warnings));
  Fields changes{{std::string(field), *FindField(row, field)}};

  // The enterprise's live primary contact is what selection relies on.
  const bool makes_primary = field == "is_primary" && FieldInt(row, field) == 1;
  if (makes_primary && contact.Int("archived") == 1) {
    return MakeError(ErrorCode::kInvalid, "contact.primary_archived",
                     RecordArgs(contact, "full_name"), "is_primary");
  }
  const bool live_primary = contact.Int("is_primary") == 1 && contact.Int("archived") == 0;
  if (live_primary && (field == "is_primary" || field == "archived") &&
      FieldInt(row, field) == (field == "archived" ? 1 : 0)) {
    saved.warnings.push_back(NoPrimaryWarning(*enterprise));
  }
  // A consent given now is dated today (one date for both consents, as when adding).
  if ((field == "consent_contact" || field == "consent_transfer") && FieldInt(row, field) == 1 &&
      contact.Int(field) == 0) {
    changes.push_back({"consent_date", FormatDate(m.Today())});
  }

  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    auto n = m.store->Update("contact", contact.id, changes);
    if (!n) return n.error();
    if (makes_primary) {
      DOSTI_TRY(MakeSolePrimary(m, enterprise->id, contact.id));
    }
    return {};
  });
  if (!r) return r.error();
  return saved;
}

Result<std::vector<Record>> Session::ListContacts(std::string_view enterprise_id) {
  Impl& m = *impl_;
  auto enterprise = m.Resolve("enterprise", enterprise_id);
  if (!enterprise) return enterprise.error();
  return m.store->Select(
      "SELECT * FROM contact WHERE archived = 0 AND enterprise_id IN "
      "(SELECT id FROM enterprise WHERE id = ?1 OR canon_id = ?1) "
      "ORDER BY enterprise_id <> ?1, is_primary DESC, created_at, id",
      *enterprise);
}

Result<Record> Session::GetContact(std::string_view id) { return impl_->Load("contact", id); }

}  // namespace dosti
