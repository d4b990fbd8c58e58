// Service logs and follow-ups.
#include <utility>

#include "dosti/text.h"
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

// The rules of a follow-up's own fields, for a new one, an imported one and after an edit.
Result<void> CheckFollowUpFields(Fields& row) {
  auto due = CheckDate("due_date", FieldText(row, "due_date"));
  if (!due) return due.error();
  if (std::string done = FieldText(row, "done_on"); !done.empty()) {
    auto d = CheckDate("done_on", done);
    if (!d) return d.error();
  }
  DOSTI_TRY(CheckOneOf("office", FieldText(row, "office"), kOffices, true));
  DOSTI_TRY(CheckOneOf("status", FieldText(row, "status"), {"open", "done", "cancelled"}, true));
  for (auto [field, max] : {std::pair<std::string_view, size_t>{"note", 2000}, {"assignee", 200}}) {
    auto text = CheckText(field, FieldText(row, field), max, false);
    if (!text) return text.error();
    if (!text->empty()) {
      SetField(row, field, *text);
    } else if (FindField(row, field)) {
      SetField(row, field, Value{});  // "" clears it
    }
  }
  return {};
}

// Who a new follow-up is for when nobody was named: the person using this device, if known.
std::string DefaultAssignee(Session::Impl& m, const Fields& row, std::string_view named_field) {
  std::string named = FieldText(row, named_field);
  return named.empty() ? m.info.user : named;
}

}  // namespace

Result<void> CheckContactOf(Session::Impl& m, Fields& row, std::string_view enterprise_id) {
  if (FieldText(row, "contact_id").empty()) return {};
  auto contact = m.Load("contact", FieldText(row, "contact_id"));
  if (!contact) return contact.error();
  if (contact->Text("enterprise_id") != enterprise_id) {
    return MakeError(ErrorCode::kInvalid, "service.contact_elsewhere", {}, "contact_id");
  }
  SetField(row, "contact_id", contact->id);
  return {};
}

// For a new log, an imported one and a log after an edit (SetServiceField re-checks the
// whole log).
Result<std::string> CheckServiceRow(Session::Impl& m, Fields& row, Links links) {
  auto enterprise_id = RequireRef(m, row, "enterprise_id", "enterprise");
  if (!enterprise_id) return enterprise_id.error();
  DOSTI_TRY(CheckContactOf(m, row, *enterprise_id));
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
  const Value* participants = FindField(row, "participants");
  if (participants && !IsNull(*participants) && FieldInt(row, "participants", -1) < 0) {
    return MakeError(ErrorCode::kInvalid, "value.zero_or_more", {{"field", "participants"}},
                     "participants");
  }
  auto summary = CheckText("summary", FieldText(row, "summary"), 4000, true);
  if (!summary) return summary.error();
  SetField(row, "summary", *summary);
  auto lead = CheckText("lead_staff", FieldText(row, "lead_staff"), 200, false);
  if (!lead) return lead.error();
  if (!lead->empty()) SetField(row, "lead_staff", *lead);
  return *enterprise_id;
}

Result<ServiceSaved> Session::AddServiceLog(const Fields& input,
                                            std::optional<int> follow_up_days) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = ParseFields(*m.store, "service_log", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  // The booth's quick note (DOMAIN.md workflow 2): today in the provider office's calendar,
  // and 15 minutes, unless given. (Imports take neither: a row without them is an error.)
  if (FieldText(row, "service_date").empty()) {
    std::string office = FieldText(row, "provider_office");
    const OfficeCalendar& calendar = CalendarOf(office.empty() ? m.info.office : office);
    SetField(row, "service_date",
             FormatDate(DateAt(m.clock->NowMs(), calendar.utc_offset_minutes)));
  }
  if (!FindField(row, "minutes")) SetField(row, "minutes", int64_t{kDefaultServiceMinutes});
  auto enterprise_id = CheckServiceRow(m, row);
  if (!enterprise_id) return enterprise_id.error();
  auto date = ParseDate(FieldText(row, "service_date"));  // checked by CheckServiceRow
  if (!date) return MakeError(ErrorCode::kBadDate, "service.date_required", {}, "service_date");
  if (follow_up_days && (*follow_up_days < 0 || *follow_up_days > 3650)) {
    return MakeError(ErrorCode::kInvalid, "service.follow_up_days", {}, "follow_up_days");
  }

  ServiceSaved saved;
  saved.id = m.store->NewId();
  if (follow_up_days) {
    saved.follow_up_id = m.store->NewId();
    saved.follow_up_due = FormatDate(AddDays(*date, *follow_up_days));
  }
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    DOSTI_TRY(m.store->Insert("service_log", saved.id, row));
    if (!follow_up_days) return {};
    // No note is written: a reader sees the service it follows, in the reader's language
    // (FollowUpNote), not a sentence stored in the language of whoever logged it.
    Fields follow_up{{"subject_type", std::string("service_log")},
                     {"subject_id", saved.id},
                     {"enterprise_id", *enterprise_id},
                     {"due_date", saved.follow_up_due},
                     {"office", FieldText(row, "provider_office")},
                     {"status", std::string("open")}};
    std::string assignee = DefaultAssignee(m, row, "lead_staff");
    if (!assignee.empty()) follow_up.push_back({"assignee", assignee});
    return m.store->Insert("follow_up", saved.follow_up_id, follow_up);
  });
  if (!r) return r.error();
  return saved;
}

Result<Record> Session::GetServiceLog(std::string_view id) {
  return impl_->Load("service_log", id);
}

// A draft may change in every way; a final log stays final (it has been counted in reports
// that were sent): its fields may be corrected under the same rules, but it does not go back
// to draft. Every edit re-checks the whole log, as AddServiceLog checks a new one.
Result<Saved> Session::SetServiceField(std::string_view id, std::string_view field,
                                       std::string_view value) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  if (IsReadOnlyField(field) || field == "programme_id") {
    return MakeError(ErrorCode::kReadOnlyField, "field.read_only", {{"field", std::string(field)}},
                     std::string(field));
  }
  auto rec = m.Load("service_log", id);
  if (!rec) return rec.error();
  auto parsed = m.store->ParseValue("service_log", field, value);
  if (!parsed) return parsed.error();
  if (field == "state" && rec->Text("state") == "final" && ValueText(*parsed) == "draft") {
    return MakeError(ErrorCode::kTransition, "service.final_stays_final",
                     RecordArgs(*rec, "summary"), "state");
  }
  if (field == "archived") {
    DOSTI_TRY(CheckOneOf("archived", ValueText(*parsed), {"0", "1"}, true));
  }
  Fields row = rec->fields;
  SetField(row, field, *parsed);
  auto checked = CheckServiceRow(m, row);
  if (!checked) return checked.error();
  auto r = InTransaction(*m.db, [&]() -> Result<int> {
    return m.store->Update("service_log", rec->id, {{std::string(field), *FindField(row, field)}});
  });
  if (!r) return r.error();
  return Saved{rec->id, {}};
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
  if (FieldText(row, "office").empty()) SetField(row, "office", m.info.office);
  if (FieldText(row, "status").empty()) SetField(row, "status", std::string("open"));
  return CheckFollowUpFields(row);
}

Result<Saved> Session::AddFollowUp(const Fields& input) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = ParseFields(*m.store, "follow_up", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  std::string assignee = DefaultAssignee(m, row, "assignee");
  if (!assignee.empty()) SetField(row, "assignee", assignee);
  DOSTI_TRY(CheckFollowUpRow(m, row));
  Saved saved{m.store->NewId(), {}};
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    return m.store->Insert("follow_up", saved.id, row);
  });
  if (!r) return r.error();
  return saved;
}

// Open follow-ups (or every one), with the enterprise's name, whether it is overdue (due before
// today in this office's calendar), and, for one that follows a service log, that log's
// category, date and summary (its automatic note: FollowUpNote).
Result<std::vector<Record>> Session::ListFollowUps(const FollowUpFilter& filter) {
  Impl& m = *impl_;
  Date today = m.Today();
  std::string assignee = text::Trim(filter.assignee);
  std::string enterprise;
  if (!filter.enterprise_id.empty()) {
    auto id = m.Resolve("enterprise", filter.enterprise_id);
    if (!id) return id.error();
    enterprise = *id;
  }
  return m.store->Select(
      "SELECT f.*, e.name AS enterprise_name, (f.status = 'open' AND f.due_date < ?1) AS overdue,"
      "  s.category AS service_category, s.service_date AS service_date,"
      "  s.summary AS service_summary "
      "FROM follow_up f LEFT JOIN enterprise e ON e.id = f.enterprise_id "
      "LEFT JOIN service_log s ON f.subject_type = 'service_log' AND s.id = f.subject_id "
      "WHERE f.archived = 0 AND (?2 OR f.status = 'open') "
      "AND (NOT ?3 OR (f.status = 'open' AND f.due_date < ?1)) "
      "AND (?4 = '' OR lower(trim(f.assignee)) = lower(?4)) "
      "AND (NOT ?5 OR (f.status = 'open' AND f.due_date < ?6)) "
      "AND (?7 = '' OR f.enterprise_id IN (SELECT id FROM enterprise WHERE id = ?7 OR "
      "canon_id = ?7)) ORDER BY f.due_date, f.id",
      FormatDate(today), int64_t{filter.include_done ? 1 : 0}, int64_t{filter.overdue_only ? 1 : 0},
      assignee, int64_t{filter.this_week ? 1 : 0}, FormatDate(AddDays(today, 7)), enterprise);
}

Message FollowUpNote(const Record& follow_up) {
  std::string note = follow_up.Text("note");
  if (!note.empty() || follow_up.Text("service_category").empty()) return {"", {}, note};
  return MakeMessage("followup.note.service",
                     {{"service_category", follow_up.Text("service_category")},
                      {"service_date", follow_up.Text("service_date")},
                      {"service_summary", follow_up.Text("service_summary")}});
}

Result<void> Session::CompleteFollowUp(std::string_view id) {
  auto r = SetFollowUpField(id, "status", "done");
  if (!r) return r.error();
  return {};
}

Result<void> Session::CancelFollowUp(std::string_view id) {
  auto r = SetFollowUpField(id, "status", "cancelled");
  if (!r) return r.error();
  return {};
}

// Reschedule (due_date), reassign (assignee), rewrite the note, move to another office, or
// change the status: done stamps done_on with today, open and cancelled clear it. What the
// follow-up is about (subject_type, subject_id, enterprise_id) and done_on are not edited:
// a follow-up about something else is a new one.
Result<Saved> Session::SetFollowUpField(std::string_view id, std::string_view field,
                                        std::string_view value) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  if (IsReadOnlyField(field) || field == "subject_type" || field == "subject_id" ||
      field == "enterprise_id" || field == "done_on") {
    return MakeError(ErrorCode::kReadOnlyField, "field.read_only", {{"field", std::string(field)}},
                     std::string(field));
  }
  auto rec = m.Load("follow_up", id);
  if (!rec) return rec.error();
  auto parsed = m.store->ParseValue("follow_up", field, value);
  if (!parsed) return parsed.error();
  if (field == "archived") {
    DOSTI_TRY(CheckOneOf("archived", ValueText(*parsed), {"0", "1"}, true));
  }
  Fields row = rec->fields;
  SetField(row, field, *parsed);
  DOSTI_TRY(CheckFollowUpFields(row));
  Fields changes{{std::string(field), *FindField(row, field)}};
  if (field == "status" && ValueText(*parsed) != rec->Text("status")) {
    changes.push_back(
        {"done_on", ValueText(*parsed) == "done" ? Value{FormatDate(m.Today())} : Value{}});
  }
  auto r = InTransaction(
      *m.db, [&]() -> Result<int> { return m.store->Update("follow_up", rec->id, changes); });
  if (!r) return r.error();
  return Saved{rec->id, {}};
}

}  // namespace dosti
