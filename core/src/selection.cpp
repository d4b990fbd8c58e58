// Enrollment in the programme: the stage pipeline, selection requirements and numbers.
#include <algorithm>
#include <cstdio>

#include "session_impl.h"

namespace dosti {
namespace {

constexpr int kPipelineLength = 6;  // prospect … completed; the rest are exits

int StageIndex(std::string_view stage) {
  auto it = std::find(kEnrollmentStages.begin(), kEnrollmentStages.end(), stage);
  return it == kEnrollmentStages.end() ? -1 : static_cast<int>(it - kEnrollmentStages.begin());
}

bool CountsAsSelected(std::string_view stage) {
  return stage == "selected" || stage == "active" || stage == "completed";
}

// What selection needs (DOMAIN.md): legal name, an identifier, sector, region, city and a
// primary contact who consented to be contacted. Returns the missing items.
Result<std::vector<Message>> MissingForSelection(Store& store, const Record& e) {
  std::vector<Message> missing;
  if (e.Text("name").empty()) missing.push_back(MakeMessage("selection.missing.legal_name"));
  auto ids = store.Select(
      "SELECT id FROM enterprise_identifier WHERE enterprise_id = ? AND archived = 0 LIMIT 1",
      e.id);
  if (!ids) return ids.error();
  if (ids->empty()) missing.push_back(MakeMessage("selection.missing.identifier"));
  if (e.Text("sector").empty()) missing.push_back(MakeMessage("selection.missing.sector"));
  if (e.Text("region").empty()) missing.push_back(MakeMessage("selection.missing.region"));
  if (e.Text("city").empty()) missing.push_back(MakeMessage("selection.missing.city"));
  auto contacts = store.Select(
      "SELECT id FROM contact WHERE enterprise_id = ? AND archived = 0 AND is_primary = 1 "
      "AND consent_contact = 1 LIMIT 1",
      e.id);
  if (!contacts) return contacts.error();
  if (contacts->empty()) missing.push_back(MakeMessage("selection.missing.primary_contact"));
  return missing;
}

}  // namespace

Result<Saved> Session::Enroll(std::string_view enterprise_id, std::string_view stage,
                              std::string_view reason_raw) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  DOSTI_TRY(CheckOneOf("stage", stage, kEnrollmentStages, true));
  auto enterprise = m.Load("enterprise", enterprise_id);
  if (!enterprise) return enterprise.error();
  auto reason = CheckText("reason", reason_raw, 1000, false);
  if (!reason) return reason.error();
  auto existing = m.store->Select(
      "SELECT * FROM enrollment WHERE enterprise_id IN (SELECT id FROM enterprise "
      "WHERE id = ?1 OR canon_id = ?1) AND programme_id = ?2 AND archived = 0 "
      "ORDER BY enterprise_id <> ?1, created_at, id LIMIT 1",
      enterprise->id, m.info.programme_id);
  if (!existing) return existing.error();
  std::optional<Record> current;
  if (!existing->empty()) current = existing->front();

  Saved saved;
  std::string from = current ? current->Text("stage") : "";
  if (current && from == stage) return Saved{current->id, {}};
  int from_i = StageIndex(from), to_i = StageIndex(stage);
  bool forward = !current || (from_i < kPipelineLength && (to_i > from_i));
  if (!forward && reason->empty()) {
    return MakeError(ErrorCode::kTransition, "enrollment.needs_reason",
                     {{"from", from}, {"to", std::string(stage)}}, "stage");
  }
  std::string country = enterprise->Text("country");
  Fields changes{{"stage", std::string(stage)}};
  if (CountsAsSelected(stage)) {
    auto missing = MissingForSelection(*m.store, *enterprise);
    if (!missing) return missing.error();
    if (!missing->empty()) {
      Args args = RecordArgs(*enterprise);
      AddMessageList(args, "missing", *missing);
      return MakeError(ErrorCode::kSelectionIncomplete, "selection.incomplete", std::move(args),
                       "stage");
    }
    // Passing the target is a warning a manager may override, not a limit (DOMAIN.md).
    if (!CountsAsSelected(from)) {
      auto selected = m.db->Prepare(
          "SELECT count(*) FROM enrollment n JOIN enterprise e ON e.id = n.enterprise_id "
          "WHERE n.programme_id = ? AND e.country = ? AND n.archived = 0 AND e.archived = 0 "
          "AND n.stage IN ('selected','active','completed') AND n.enterprise_id <> ?");
      if (!selected) return selected.error();
      (*selected)->Args(m.info.programme_id, country, enterprise->id);
      if (auto r = (*selected)->Step(); !r) return r.error();
      int64_t others = (*selected)->Int(0);
      (*selected)->Reset();
      auto programme = m.Load("programme", m.info.programme_id);
      if (!programme) return programme.error();
      int64_t target = programme->Int(country == "CN" ? "target_cn" : "target_pk");
      if (others + 1 > target) {
        saved.warnings.push_back(MakeWarning(ErrorCode::kInvalid, "stage", "selection.past_target",
                                             {{"count", std::to_string(others + 1)},
                                              {"country", country},
                                              {"target", std::to_string(target)}}));
      }
    }
    // Programme numbers are allocated only by the home-country office, so the two offices can
    // never hand out the same number while apart.
    bool numbered = current && !current->Text("programme_number").empty();
    if (!numbered) {
      if (m.info.office == HomeOffice(country)) {
        auto max = m.db->Prepare(
            "SELECT max(CAST(substr(programme_number, 7) AS INTEGER)) FROM enrollment "
            "WHERE programme_id = ? AND programme_number LIKE ?");
        if (!max) return max.error();
        (*max)->Args(m.info.programme_id, "DH-" + country + "-%");
        if (auto r = (*max)->Step(); !r) return r.error();
        int64_t next = (*max)->Int(0) + 1;
        (*max)->Reset();
        char number[32];
        std::snprintf(number, sizeof number, "DH-%s-%03lld", country.c_str(),
                      static_cast<long long>(next));
        changes.push_back({"programme_number", std::string(number)});
      } else {
        saved.warnings.push_back(MakeWarning(ErrorCode::kInvalid, "programme_number",
                                             "selection.number_elsewhere",
                                             {{"office", std::string(HomeOffice(country))}}));
      }
    }
  }

  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    if (current) {
      saved.id = current->id;
      auto n = m.store->Update("enrollment", saved.id, changes);
      if (!n) return n.error();
    } else {
      saved.id = m.store->NewId();
      Fields row{{"enterprise_id", enterprise->id}, {"programme_id", m.info.programme_id}};
      for (const Field& f : changes) row.push_back(f);
      DOSTI_TRY(m.store->Insert("enrollment", saved.id, row));
    }
    return m.AddStageHistory("enrollment_stage", "enrollment_id", saved.id, stage, *reason);
  });
  if (!r) return r.error();
  return saved;
}

Result<std::optional<Record>> Session::GetEnrollment(std::string_view enterprise_id) {
  Impl& m = *impl_;
  auto id = m.Resolve("enterprise", enterprise_id);
  if (!id) return id.error();
  auto rows = m.store->Select(
      "SELECT * FROM enrollment WHERE enterprise_id IN (SELECT id FROM enterprise "
      "WHERE id = ?1 OR canon_id = ?1) AND programme_id = ?2 AND archived = 0 "
      "ORDER BY enterprise_id <> ?1, created_at, id LIMIT 1",
      *id, m.info.programme_id);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Record>{};
  return std::optional<Record>{rows->front()};
}

Result<std::vector<Message>> Session::SelectionNeeds(std::string_view enterprise_id) {
  Impl& m = *impl_;
  auto enterprise = m.Load("enterprise", enterprise_id);
  if (!enterprise) return enterprise.error();
  return MissingForSelection(*m.store, *enterprise);
}

Result<std::vector<Record>> Session::StageHistory(std::string_view enrollment_id) {
  Impl& m = *impl_;
  auto id = m.Resolve("enrollment", enrollment_id);
  if (!id) return id.error();
  return m.store->Select(
      "SELECT * FROM enrollment_stage WHERE enrollment_id = ? ORDER BY changed_at, id", *id);
}

}  // namespace dosti
