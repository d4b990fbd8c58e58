// Matchmaking: CN–PK enterprise pairs moving through a stage pipeline; and events.
#include <algorithm>

#include "session_impl.h"

namespace dosti {
namespace {

constexpr int kMatchPipelineLength = 8;  // proposed … deal_closed; then on_hold, closed_lost

int MatchStageIndex(std::string_view stage) {
  auto it = std::find(kMatchmakingStages.begin(), kMatchmakingStages.end(), stage);
  return it == kMatchmakingStages.end() ? -1 : static_cast<int>(it - kMatchmakingStages.begin());
}

Result<void> AddMatchHistory(Session::Impl& m, const std::string& match_id,
                             std::string_view stage, const std::string& reason) {
  return m.AddStageHistory("matchmaking_stage", "matchmaking_id", match_id, stage, reason);
}

// Whether the enterprise of participation `p` (or a record merged with it) already has a live
// service log of event ?1: a training attended offers a log only to those without one.
constexpr const char* kLoggedAtEvent =
    "EXISTS (SELECT 1 FROM service_log l JOIN enterprise e ON e.id = l.enterprise_id"
    " WHERE l.event_id = ?1 AND l.archived = 0 AND coalesce(e.canon_id, e.id) ="
    " (SELECT coalesce(canon_id, id) FROM enterprise WHERE id = p.enterprise_id))";

}  // namespace

Result<Saved> Session::AddMatch(std::string_view cn_id, std::string_view pk_id,
                                std::string_view cooperation_type) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  DOSTI_TRY(CheckOneOf("cooperation_type", cooperation_type, kCooperationTypes, true));
  auto a = m.Load("enterprise", cn_id);
  if (!a) return a.error();
  auto b = m.Load("enterprise", pk_id);
  if (!b) return b.error();
  if (a->Text("country") == b->Text("country")) {
    Args args = RecordArgs(*a);
    for (auto& [n, v] : RecordArgs(*b)) args.emplace_back("other_" + n, v);
    args.emplace_back("country", a->Text("country"));
    return MakeError(ErrorCode::kSameCountry, "match.same_country", std::move(args), "pk");
  }
  // The pair is the same whichever way round it was given; store it CN first.
  if (a->Text("country") != "CN") std::swap(*a, *b);
  Saved saved{m.store->NewId(), {}};
  auto existing = m.store->Select(
      "SELECT id FROM matchmaking WHERE cn_enterprise_id = ? AND pk_enterprise_id = ? "
      "AND cooperation_type = ? AND archived = 0 AND stage NOT IN ('closed_lost') LIMIT 1",
      a->id, b->id, cooperation_type);
  if (!existing) return existing.error();
  if (!existing->empty()) {
    saved.warnings.push_back(MakeWarning(
        ErrorCode::kInvalid, "pk", "match.already_open",
        {{"type", std::string(cooperation_type)}, {"id", existing->front().id}}));
  }
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    DOSTI_TRY(m.store->Insert("matchmaking", saved.id,
                              {{"cn_enterprise_id", a->id},
                               {"pk_enterprise_id", b->id},
                               {"cooperation_type", std::string(cooperation_type)},
                               {"stage", std::string("proposed")}}));
    return AddMatchHistory(m, saved.id, "proposed", "");
  });
  if (!r) return r.error();
  return saved;
}

Result<Saved> Session::SetMatchStage(std::string_view match_id, std::string_view stage,
                                     std::string_view reason_raw) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  DOSTI_TRY(CheckOneOf("stage", stage, kMatchmakingStages, true));
  auto match = m.Load("matchmaking", match_id);
  if (!match) return match.error();
  auto reason = CheckText("reason", reason_raw, 1000, false);
  if (!reason) return reason.error();
  std::string from = match->Text("stage");
  if (from == stage) return Saved{match->id, {}};
  int from_i = MatchStageIndex(from), to_i = MatchStageIndex(stage);
  bool forward = from_i < kMatchPipelineLength && to_i > from_i;
  if (stage == "closed_lost" && reason->empty()) {
    return MakeError(ErrorCode::kRequired, "match.lost_needs_reason", {}, "reason");
  }
  if (!forward && reason->empty()) {
    return MakeError(ErrorCode::kTransition, "match.back_needs_reason",
                     {{"from", from}, {"to", std::string(stage)}}, "stage");
  }
  Fields changes{{"stage", std::string(stage)}};
  if (stage == "closed_lost") changes.push_back({"lost_reason", *reason});
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    auto n = m.store->Update("matchmaking", match->id, changes);
    if (!n) return n.error();
    return AddMatchHistory(m, match->id, stage, *reason);
  });
  if (!r) return r.error();
  return Saved{match->id, {}};
}

Result<std::vector<Record>> Session::ListMatches() {
  return impl_->store->Select(
      "SELECT m.*, a.name AS cn_name, b.name AS pk_name FROM matchmaking m "
      "LEFT JOIN enterprise a ON a.id = m.cn_enterprise_id "
      "LEFT JOIN enterprise b ON b.id = m.pk_enterprise_id "
      "WHERE m.archived = 0 ORDER BY m.created_at, m.id");
}

Result<Saved> Session::AddEvent(const Fields& input) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = ParseFields(*m.store, "event", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  DOSTI_TRY(CheckOneOf("kind", FieldText(row, "kind"), kEventKinds, true));
  auto name = CheckName(FieldText(row, "name"), "name");
  if (!name) return name.error();
  SetField(row, "name", *name);
  auto start = CheckDate("start_date", FieldText(row, "start_date"));
  if (!start) return start.error();
  std::string end_text = FieldText(row, "end_date");
  if (end_text.empty()) SetField(row, "end_date", FormatDate(*start));
  auto end = CheckDate("end_date", FieldText(row, "end_date"));
  if (!end) return end.error();
  if (*end < *start) {
    return MakeError(ErrorCode::kBadDate, "event.end_before_start", {}, "end_date");
  }
  if (FieldText(row, "office").empty()) SetField(row, "office", m.info.office);
  DOSTI_TRY(CheckOneOf("office", FieldText(row, "office"), kOffices, true));
  Saved saved{m.store->NewId(), {}};
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    return m.store->Insert("event", saved.id, row);
  });
  if (!r) return r.error();
  return saved;
}

Result<ParticipationSaved> Session::AddParticipation(const Fields& input) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto parsed = ParseFields(*m.store, "event_participation", input);
  if (!parsed) return parsed.error();
  Fields row = std::move(*parsed);
  auto event = m.Resolve("event", FieldText(row, "event_id"));
  if (!event) return event.error();
  auto enterprise = m.Load("enterprise", FieldText(row, "enterprise_id"));
  if (!enterprise) return enterprise.error();
  SetField(row, "event_id", *event);
  SetField(row, "enterprise_id", enterprise->id);
  DOSTI_TRY(CheckContactOf(m, row, enterprise->id));
  DOSTI_TRY(CheckOneOf("status", FieldText(row, "status"), kParticipationStatuses));
  DOSTI_TRY(CheckOneOf("role", FieldText(row, "role"), kParticipationRoles));
  // One participation per event and enterprise (merged records are one enterprise): a second
  // call updates the first, so attending after registering, or twice, makes no duplicate.
  auto existing = m.store->Select(
      "SELECT id FROM event_participation WHERE event_id = ?1 AND archived = 0 AND enterprise_id IN"
      " (SELECT id FROM enterprise WHERE coalesce(canon_id, id) ="
      "  (SELECT coalesce(canon_id, id) FROM enterprise WHERE id = ?2))"
      " ORDER BY created_at, id LIMIT 1",
      *event, enterprise->id);
  if (!existing) return existing.error();
  ParticipationSaved saved;
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    if (!existing->empty()) {
      saved.id = existing->front().id;
      Fields changes;
      for (const Field& f : row) {
        if (f.name != "event_id" && f.name != "enterprise_id") changes.push_back(f);
      }
      auto n = m.store->Update("event_participation", saved.id, changes);
      if (!n) return n.error();
      return {};
    }
    if (FieldText(row, "status").empty()) SetField(row, "status", std::string("registered"));
    saved.id = m.store->NewId();
    return m.store->Insert("event_participation", saved.id, row);
  });
  if (!r) return r.error();
  // DOMAIN.md: marking a training attended offers one service log per attending enterprise;
  // not when the enterprise (or one merged with it) already has a log of this event.
  auto offer = m.store->Select(
      std::string("SELECT 1 FROM event v JOIN event_participation p ON p.event_id = v.id"
                  " WHERE v.id = ?1 AND p.id = ?2 AND v.kind = 'training'"
                  " AND p.status = 'attended' AND NOT ") +
          kLoggedAtEvent,
      *event, saved.id);
  if (!offer) return offer.error();
  saved.offers_service_log = !offer->empty();
  return saved;
}

Result<std::vector<Record>> Session::ListEvents() {
  return impl_->store->Select(
      "SELECT v.*, (SELECT count(DISTINCT coalesce(e.canon_id, e.id)) FROM event_participation p"
      "  JOIN enterprise e ON e.id = p.enterprise_id WHERE p.event_id = v.id"
      "  AND p.archived = 0 AND p.status = 'attended' AND e.archived = 0) AS attended "
      "FROM event v WHERE v.archived = 0 ORDER BY v.start_date DESC, v.id");
}

Result<std::vector<Record>> Session::ListParticipations(std::string_view event_id) {
  Impl& m = *impl_;
  auto event = m.Resolve("event", event_id);
  if (!event) return event.error();
  return m.store->Select(
      "SELECT p.*, e.name AS enterprise_name, c.full_name AS contact_name"
      " FROM event_participation p JOIN enterprise e ON e.id = p.enterprise_id"
      " LEFT JOIN contact c ON c.id = p.contact_id"
      " WHERE p.event_id = ?1 AND p.archived = 0 ORDER BY e.name, p.id",
      *event);
}

Result<AttendeeServicesSaved> Session::LogServiceForAttendees(std::string_view event_id,
                                                             const Fields& fields,
                                                             std::optional<int> follow_up_days) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto event = m.Load("event", event_id);
  if (!event) return event.error();
  // One attended participation per enterprise, merged records as one (the first by creation),
  // and whether that enterprise already has a log of this event: AddParticipation's offer, for
  // every attendee at once.
  auto attendees = m.store->Select(
      std::string("SELECT p.enterprise_id, p.contact_id, ") + kLoggedAtEvent +
          " AS logged FROM event_participation p JOIN enterprise e ON e.id = p.enterprise_id"
          " WHERE p.event_id = ?1 AND p.archived = 0 AND p.status = 'attended'"
          " AND e.archived = 0 AND p.id = (SELECT q.id FROM event_participation q"
          "   JOIN enterprise f ON f.id = q.enterprise_id WHERE q.event_id = ?1"
          "   AND q.archived = 0 AND q.status = 'attended'"
          "   AND coalesce(f.canon_id, f.id) = coalesce(e.canon_id, e.id)"
          "   ORDER BY q.created_at, q.id LIMIT 1)"
          " ORDER BY p.created_at, p.id",
      event->id);
  if (!attendees) return attendees.error();
  AttendeeServicesSaved saved;
  auto r = Atomically([&]() -> Result<void> {
    for (const Record& a : *attendees) {
      const std::string enterprise = a.Text("enterprise_id");
      if (a.Int("logged") != 0) {
        ++saved.already_logged;
        continue;
      }
      Fields row = fields;
      SetField(row, "enterprise_id", enterprise);
      SetField(row, "event_id", event->id);
      if (!a.Text("contact_id").empty()) SetField(row, "contact_id", a.Text("contact_id"));
      if (FieldText(row, "service_date").empty()) {
        SetField(row, "service_date", event->Text("start_date"));
      }
      if (FieldText(row, "delivery_mode").empty()) {
        SetField(row, "delivery_mode", std::string("event"));
      }
      auto log = AddServiceLog(row, follow_up_days);
      if (!log) return log.error();
      saved.logs.push_back(std::move(*log));
      saved.enterprise_ids.push_back(enterprise);
    }
    return {};
  });
  if (!r) return r.error();
  return saved;
}

}  // namespace dosti
