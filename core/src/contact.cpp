// Contacts: people at an enterprise, with phones in E.164 and consent.
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

}  // namespace

Result<void> CheckContactRow(const Session::Impl& m, Fields& row, std::string_view country,
                             std::vector<Issue>& warnings) {
  auto name = CheckName(FieldText(row, "full_name"), "full_name");
  if (!name) return name.error();
  SetField(row, "full_name", *name);
  for (std::string_view f : {"latin_name", "name_ur"}) {
    if (std::string t = FieldText(row, f); !t.empty()) {
      auto n = CheckName(t, f);
      if (!n) return n.error();
      SetField(row, f, *n);
    }
  }
  if (std::string t = FieldText(row, "position"); !t.empty()) {
    auto p = CheckText("position", t, 200, false);
    if (!p) return p.error();
    SetField(row, "position", *p);
  }
  for (std::string_view f : {"mobile", "office_phone", "whatsapp"}) {
    std::string raw = FieldText(row, f);
    if (raw.empty()) continue;
    auto phone = NormalisePhone(raw, country, f);
    if (!phone) return phone.error();
    SetField(row, f, phone->e164);
    // Only the mobile must look like a mobile; an office line is a landline by nature.
    if (f != "office_phone") {
      for (const Issue& w : phone->warnings) warnings.push_back(w);
    }
  }
  if (std::string raw = FieldText(row, "email"); !raw.empty()) {
    auto e = CheckEmail(raw);
    if (!e) return e.error();
    SetField(row, "email", *e);
  }
  if (std::string raw = FieldText(row, "wechat"); !raw.empty()) {
    auto w = CheckText("wechat", raw, 64, false);
    if (!w) return w.error();
    SetField(row, "wechat", *w);
  }
  DOSTI_TRY(CheckOneOf("preferred_language", FieldText(row, "preferred_language"),
                       {"zh", "en", "ur"}));
  DOSTI_TRY(CheckOneOf("consent_method", FieldText(row, "consent_method"),
                       {"written", "verbal", "form", "email", "booth"}));
  for (std::string_view f : {"is_primary", "consent_contact", "consent_transfer"}) {
    int64_t v = FieldInt(row, f, 0);
    if (v != 0 && v != 1) {
      return MakeError(ErrorCode::kInvalid, "value.zero_or_one", {{"field", std::string(f)}},
                       std::string(f));
    }
  }
  if (std::string d = FieldText(row, "consent_date"); !d.empty()) {
    auto date = CheckDate("consent_date", d);
    if (!date) return date.error();
  } else if (FieldInt(row, "consent_contact") == 1 || FieldInt(row, "consent_transfer") == 1) {
    SetField(row, "consent_date", FormatDate(m.Today()));
  }
  return {};
}

Result<bool> IsFirstContact(Session::Impl& m, const std::string& enterprise_id) {
  auto existing = m.db->Prepare(
      "SELECT count(*) FROM contact WHERE enterprise_id = ? AND archived = 0");
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
    return m.store->Insert("contact", saved.id, row);
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
