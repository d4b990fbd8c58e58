// The booth's composite calls (dosti/booth.h).
#include "dosti/booth.h"

#include "session_impl.h"

namespace dosti {

Result<VisitorSaved> CaptureVisitor(Session& session, const VisitorCapture& capture) {
  VisitorSaved out;
  auto saved = session.Atomically([&]() -> Result<void> {
    std::vector<IdentifierInput> ids;
    if (!capture.identifier.empty()) {
      // The identifier a booth asks for is the home country's: USCC in China, NTN in Pakistan.
      std::string country = FieldText(capture.enterprise, "country");
      ids.push_back(
          {country == "PK" ? IdentifierType::kPkNtn : IdentifierType::kCnUscc, capture.identifier});
    }
    auto enterprise = session.AddEnterprise(capture.enterprise, ids);
    if (!enterprise) return enterprise.error();
    out.enterprise_id = enterprise->id;
    out.warnings = std::move(enterprise->warnings);
    if (capture.contact.empty()) return {};
    Fields contact = capture.contact;
    SetField(contact, "enterprise_id", out.enterprise_id);
    auto person = session.AddContact(contact);
    if (!person) {
      Error e = person.error();
      if (!e.field.empty()) e.field = "contact." + e.field;
      return e;
    }
    out.contact_id = person->id;
    for (Issue& w : person->warnings) {
      if (!w.field.empty()) w.field = "contact." + w.field;
      out.warnings.push_back(std::move(w));
    }
    return {};
  });
  if (!saved) return saved.error();
  return out;
}

Result<BoothDay> BoothToday(Session& session) {
  Session::Impl& m = session.impl();
  BoothDay day;
  day.date = m.Today();
  // The office's day as UTC milliseconds: created_at is an instant.
  int64_t from = DaysFromCivil(day.date) * 86'400'000 - int64_t{m.utc_offset_minutes} * 60'000;
  int64_t to = from + 86'400'000;
  struct Count {
    const char* sql;
    int64_t* out;
  };
  const Count counts[] = {
      {"SELECT count(*) FROM enterprise WHERE origin_device = ?1 AND created_at >= ?2 "
       "AND created_at < ?3",
       &day.enterprises},
      {"SELECT count(*) FROM contact WHERE origin_device = ?1 AND created_at >= ?2 "
       "AND created_at < ?3",
       &day.contacts},
      {"SELECT count(*) FROM service_log WHERE origin_device = ?1 AND created_at >= ?2 "
       "AND created_at < ?3",
       &day.services},
  };
  for (const Count& c : counts) {
    auto st = m.db->Prepare(c.sql);
    if (!st) return st.error();
    (*st)->Args(m.info.device_id, from, to);
    auto row = (*st)->Step();
    if (!row) return row.error();
    *c.out = *row ? (*st)->Int(0) : 0;
    (*st)->Reset();
  }
  return day;
}

}  // namespace dosti
