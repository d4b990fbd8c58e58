// Service logs and follow-ups.
#include "session_impl.h"

namespace dosti {
namespace {

Result<std::string> RequireRef(Session::Impl& m, Fields& row, std::string_view field,
                               std::string_view table) {
  std::string raw = FieldText(row, field);
  if (raw.empty()) {
    return MakeError(ErrorCode::kRequired, "value.required", {{"field", std::string(field)}},
                     std::string(field));
  }
  auto id = m.Resolve(table, raw);
  if (!id) return id.error();
  SetField(row, field, *id);
  return *id;
}

}  // namespace

Result<std::string> CheckServiceRow(Session::Impl& m, Fields& row, Links links) {
  auto enterprise_id = RequireRef(m, row, "enterprise_id", "enterprise");
  if (!enterprise_id) return enterprise_id.error();
  if (!FieldText(row, "contact_id").empty()) {
    auto contact_id = RequireRef(m, row, "contact_id", "contact");
    if (!contact_id) return contact_id.error();
    auto contact = m.Load("contact", *contact_id);
    if (!contact) return contact.error();
    if (contact->Text("enterprise_id") != *enterprise_id) {
      return MakeError(ErrorCode::kInvalid, "service.contact_elsewhere", {}, "contact_id");
    }
  }
  if (!FieldText(row, "event_id").empty()) {
    auto event_id = RequireRef(m, row, "event_id", "event");
    if (!event_id && !(links == Links::kMayBeElsewhere &&
                       event_id.error().code == ErrorCode::kNotFound)) {
      return event_id.error();
    }
  }
  if (FieldText(row, "programme_id").empty()) SetField(row, "programme_id", m.info.programme_id);
  if (FieldText(row, "provider_office").empty()) SetField(row, "provider_office", m.info.office);
  if (FieldText(row, "delivery_mode").empty()) SetField(row, "delivery_mode", std::string("in_person"));
  if (FieldText(row, "outcome").empty()) SetField(row, "outcome", std::string("completed"));
  if (FieldText(row, "state").empty()) SetField(row, "state", std::string("final"));

  DOSTI_TRY(CheckOneOf("category", FieldText(row, "category"), kServiceCategories, true));
  DOSTI_TRY(CheckOneOf("provider_office", FieldText(row, "provider_office"), kOffices, true));
  DOSTI_TRY(CheckOneOf("delivery_mode", FieldText(row, "delivery_mode"),
                       {"in_person", "online", "phone", "booth", "event"}, true));
  DOSTI_TRY(CheckOneOf("outcome", FieldText(row, "outcome"),
                       {"completed", "partial", "referred", "no_show", "cancelled"}, true));
  DOSTI_TRY(CheckOneOf("state", FieldText(row, "state"), {"draft", "final"}, true));

  // The service date is the provider office's calendar day, within the programme's life:
  // not before its start, not after tomorrow (DOMAIN.md "Dates").
  std::string date_text = FieldText(row, "service_date");
  if (date_text.empty()) {
    return MakeError(ErrorCode::kRequired, "service.date_required", {}, "service_date");
  }
  auto date = CheckDate("service_date", date_text);
  if (!date) return date.error();
  Date latest = AddDays(m.Today(), 1);
  if (*date < m.programme_start || *date > latest) {
    return MakeError(ErrorCode::kBadDate, "service.date_window",
                     {{"start", FormatDate(m.programme_start)},
                      {"latest", FormatDate(latest)},
                      {"value", date_text}},
                     "service_date");
  }
  const Value* minutes = FindField(row, "minutes");
  if (!minutes || IsNull(*minutes)) {
    return MakeError(ErrorCode::kRequired, "service.minutes_required", {}, "minutes");
  }
  int64_t mins = FieldInt(row, "minutes", -1);
  if (mins < 15 || mins > 1440) {
    return MakeError(ErrorCode::kInvalid, "service.minutes_range", {{"value", ValueText(*minutes)}},
                     "minutes");
  }
  if (FindField(row, "participants") && FieldInt(row, "participants", -1) < 0) {
    return MakeError(ErrorCode::kInvalid, "value.zero_or_more", {{"field", "participants"}},
                     "participants");
  }
  auto summary = CheckText("summary", FieldText(row, "summary"), 4000, true);
  if (!summary) return summary.error();
  SetField(row, "summary", *summary);
  return *enterprise_id;
}

Result<Saved> Session::AddServiceLog(const Fields& input, std::optional<int> follow_up_days) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = ParseFields(*m.store, "service_log", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  auto enterprise_id = CheckServiceRow(m, row);
  if (!enterprise_id) return enterprise_id.error();
  const std::string summary = FieldText(row, "summary");
  auto date = CheckDate("service_date", FieldText(row, "service_date"));
  if (!date) return date.error();
  if (follow_up_days && (*follow_up_days < 0 || *follow_up_days > 3650)) {
    return MakeError(ErrorCode::kInvalid, "service.follow_up_days", {}, "follow_up_days");
  }

  Saved saved{m.store->NewId(), {}};
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    DOSTI_TRY(m.store->Insert("service_log", saved.id, row));
    if (!follow_up_days) return {};
    return m.store->Insert("follow_up", m.store->NewId(),
                           {{"subject_type", std::string("service_log")},
                            {"subject_id", saved.id},
                            {"enterprise_id", *enterprise_id},
                            {"due_date", FormatDate(AddDays(*date, *follow_up_days))},
                            {"office", FieldText(row, "provider_office")},
                            {"note", "Follow up: " + summary},
                            {"status", std::string("open")}});
  });
  if (!r) return r.error();
  return saved;
}

Result<std::vector<Record>> Session::ListServiceLogs(const ServiceFilter& filter) {
  Impl& m = *impl_;
  std::string enterprise;
  if (!filter.enterprise_id.empty()) {
    auto id = m.Resolve("enterprise", filter.enterprise_id);
    if (!id) return id.error();
    enterprise = *id;
  }
  std::string from, to;
  if (!filter.month.empty()) {
    auto month = ParseMonth(filter.month);
    if (!month) {
      return MakeError(ErrorCode::kBadDate, "value.not_month", {{"value", filter.month}}, "month");
    }
    from = FormatDate(*month);
    to = FormatDate(AddMonths(*month, 1));
  }
  return m.store->Select(
      "SELECT s.*, e.name AS enterprise_name FROM service_log s "
      "LEFT JOIN enterprise e ON e.id = s.enterprise_id "
      "WHERE (?1 = '' OR s.enterprise_id IN (SELECT id FROM enterprise WHERE id = ?1 OR "
      "canon_id = ?1)) AND (?2 = '' OR (s.service_date >= ?2 "
      "AND s.service_date < ?3)) AND s.archived = 0 ORDER BY s.service_date, s.id",
      enterprise, from, to);
}

Result<void> CheckFollowUpRow(Session::Impl& m, Fields& row, Links links) {
  std::string type = FieldText(row, "subject_type");
  if (type.empty()) type = "enterprise";
  SetField(row, "subject_type", type);
  DOSTI_TRY(CheckOneOf("subject_type", type,
                       {"enterprise", "contact", "service_log", "matchmaking"}, true));
  auto subject = RequireRef(m, row, "subject_id", type);
  if (!subject && links == Links::kMayBeElsewhere && type == "matchmaking" &&
      subject.error().code == ErrorCode::kNotFound) {
    subject = FieldText(row, "subject_id");
  }
  if (!subject) return subject.error();
  // The enterprise the follow-up is about, whatever its subject, so lists can name it.
  if (type == "enterprise") {
    SetField(row, "enterprise_id", *subject);
  } else if (type != "matchmaking") {
    auto record = m.Load(type, *subject);
    if (!record) return record.error();
    SetField(row, "enterprise_id", record->Text("enterprise_id"));
  }
  if (FieldText(row, "due_date").empty()) {
    SetField(row, "due_date", FormatDate(AddDays(m.Today(), 7)));
  }
  auto due = CheckDate("due_date", FieldText(row, "due_date"));
  if (!due) return due.error();
  if (std::string done = FieldText(row, "done_on"); !done.empty()) {
    auto d = CheckDate("done_on", done);
    if (!d) return d.error();
  }
  if (FieldText(row, "office").empty()) SetField(row, "office", m.info.office);
  DOSTI_TRY(CheckOneOf("office", FieldText(row, "office"), kOffices, true));
  if (FieldText(row, "status").empty()) SetField(row, "status", std::string("open"));
  DOSTI_TRY(CheckOneOf("status", FieldText(row, "status"), {"open", "done", "cancelled"}, true));
  auto note = CheckText("note", FieldText(row, "note"), 2000, false);
  if (!note) return note.error();
  if (!note->empty()) SetField(row, "note", *note);
  return {};
}

Result<Saved> Session::AddFollowUp(const Fields& input) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = ParseFields(*m.store, "follow_up", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  DOSTI_TRY(CheckFollowUpRow(m, row));
  Saved saved{m.store->NewId(), {}};
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    return m.store->Insert("follow_up", saved.id, row);
  });
  if (!r) return r.error();
  return saved;
}

Result<std::vector<Record>> Session::ListFollowUps(const FollowUpFilter& filter) {
  Impl& m = *impl_;
  std::string today = FormatDate(m.Today());
  return m.store->Select(
      "SELECT f.*, e.name AS enterprise_name, (f.status = 'open' AND f.due_date < ?1) AS overdue "
      "FROM follow_up f LEFT JOIN enterprise e ON e.id = f.enterprise_id "
      "WHERE f.archived = 0 AND (?2 OR f.status = 'open') "
      "AND (NOT ?3 OR (f.status = 'open' AND f.due_date < ?1)) ORDER BY f.due_date, f.id",
      today, int64_t{filter.include_done ? 1 : 0}, int64_t{filter.overdue_only ? 1 : 0});
}

Result<void> Session::CompleteFollowUp(std::string_view id) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto rec = m.Load("follow_up", id);
  if (!rec) return rec.error();
  if (rec->Text("status") == "done") return {};  // done twice is still done
  auto r = InTransaction(*m.db, [&]() -> Result<int> {
    return m.store->Update("follow_up", rec->id,
                           {{"status", std::string("done")},
                            {"done_on", FormatDate(m.Today())}});
  });
  if (!r) return r.error();
  return {};
}

}  // namespace dosti
