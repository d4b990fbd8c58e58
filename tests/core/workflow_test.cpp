// The daily flows of DOMAIN.md through the facade: the booth's service note with its
// defaults, service logs finalised and corrected, follow-ups rescheduled, reassigned,
// cancelled and listed as "mine" and "this week". Real SQLite in memory, a manual clock.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dosti/session.h"
#include "session_fixture.h"

using namespace dosti;
using dosti::testing::IncludingDone;
using dosti::testing::MsAt;
using dosti::testing::Must;
using dosti::testing::OverdueOnly;
using dosti::testing::Workspace;

namespace {

std::string Enterprise(Workspace& w, const std::string& country, const std::string& name) {
  return Must(w->AddEnterprise({{"country", country}, {"name", name}})).id;
}

std::vector<Record> FollowUps(Workspace& w, FollowUpFilter filter = {}) {
  return Must(w->ListFollowUps(filter));
}

FollowUpFilter Assigned(const std::string& assignee, bool this_week) {
  FollowUpFilter f;
  f.assignee = assignee;
  f.this_week = this_week;
  return f;
}

// The row of `id` in a list (a copy: the lists are temporaries).
std::optional<Record> Find(const std::vector<Record>& rows, const std::string& id) {
  for (const Record& r : rows) {
    if (r.id == id) return r;
  }
  return std::nullopt;
}

bool Same(const Fields& a, const Fields& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || !(a[i].value == b[i].value)) return false;
  }
  return true;
}

int64_t LegalLogs(Workspace& w, const std::string& month) {
  for (const ServiceRow& row : Must(w->ReportServices(month)).rows) {
    if (row.category == "legal") return row.all.logs;
  }
  return -1;
}

}  // namespace

// [SECTION] The booth's service note (DOMAIN.md workflow 2)

TEST_CASE("A service note takes today, 15 minutes and a follow-up in 7 days unless told otherwise",
          "[core][service]") {
  Workspace w("beijing");  // 2024-06-15 noon in Beijing
  std::string e = Enterprise(w, "CN", "展会便签有限公司");
  ServiceSaved note = Must(w->AddServiceLog({{"enterprise_id", e},
                                             {"category", std::string("policy")},
                                             {"summary", std::string("Asked about visas")}}));
  Record log = Must(w->GetServiceLog(note.id));
  CHECK(log.Text("service_date") == "2024-06-15");
  CHECK(log.Int("minutes") == 15);
  CHECK(log.Text("state") == "final");
  CHECK(note.follow_up_due == "2024-06-22");
  std::optional<Record> f = Find(FollowUps(w), note.follow_up_id);
  REQUIRE(f);
  CHECK(f->Text("due_date") == "2024-06-22");
  CHECK(f->Text("subject_type") == "service_log");
  CHECK(f->Text("subject_id") == note.id);

  SECTION("told otherwise") {
    ServiceSaved none = Must(w->AddServiceLog({{"enterprise_id", e},
                                               {"category", std::string("legal")},
                                               {"service_date", std::string("2024-06-14")},
                                               {"minutes", std::string("90")},
                                               {"summary", std::string("Contract review")}},
                                              std::nullopt));
    CHECK(none.follow_up_id.empty());
    CHECK(none.follow_up_due.empty());
    CHECK(FollowUps(w).size() == 1);
    ServiceSaved three = Must(w->AddServiceLog(
        {{"enterprise_id", e}, {"category", std::string("legal")}, {"summary", std::string("x")}},
        3));
    CHECK(three.follow_up_due == "2024-06-18");
    CHECK(Must(w->GetServiceLog(none.id)).Int("minutes") == 90);
  }
  SECTION("today is the provider office's day") {
    // 17:00 UTC: 01:00 on 16 June in Beijing, 22:00 on 15 June in Islamabad.
    w.clock.Set(MsAt({2024, 6, 15}, 17));
    ServiceSaved isb = Must(w->AddServiceLog({{"enterprise_id", e},
                                              {"category", std::string("training")},
                                              {"provider_office", std::string("islamabad")},
                                              {"summary", std::string("Export training")}}));
    CHECK(Must(w->GetServiceLog(isb.id)).Text("service_date") == "2024-06-15");
    ServiceSaved bj = Must(w->AddServiceLog({{"enterprise_id", e},
                                             {"category", std::string("training")},
                                             {"summary", std::string("Export training")}}));
    CHECK(Must(w->GetServiceLog(bj.id)).Text("service_date") == "2024-06-16");
  }
}

TEST_CASE("The automatic follow-up of a service note reads in the reader's language",
          "[core][service][i18n]") {
  Workspace w("islamabad");
  std::string e = Enterprise(w, "PK", "Ravi Textiles");
  ServiceSaved saved = Must(w->AddServiceLog({{"enterprise_id", e},
                                              {"category", std::string("legal")},
                                              {"service_date", std::string("2024-06-14")},
                                              {"summary", std::string("Contract review")}}));
  std::optional<Record> f = Find(FollowUps(w), saved.follow_up_id);
  REQUIRE(f);
  // Nothing English is stored in the record: the note is made when it is read.
  CHECK(f->Text("note").empty());
  Message note = FollowUpNote(*f);
  CHECK(note.key == "followup.note.service");
  CHECK(Translate(note, "en") ==
        "Follow-up to the service of 2024-06-14 (Legal services): Contract review");
  CHECK(Translate(note, "zh") == "跟进 2024-06-14 的服务（法律服务）：Contract review");
  CHECK(Translate(note, "ur").find("قانونی خدمات") != std::string::npos);
  // A note someone wrote is shown as written.
  Must(w->SetFollowUpField(saved.follow_up_id, "note", "Send the contract back"));
  f = Find(FollowUps(w), saved.follow_up_id);
  REQUIRE(f);
  CHECK(Translate(FollowUpNote(*f), "zh") == "Send the contract back");
}

// [SECTION] Editing service logs

TEST_CASE("A draft service log is edited and finalised, and a final log stays final",
          "[core][service]") {
  Workspace w("beijing");
  std::string e = Enterprise(w, "CN", "草稿服务有限公司");
  std::string other = Enterprise(w, "CN", "别家有限公司");
  std::string other_contact =
      Must(w->AddContact({{"enterprise_id", other}, {"full_name", std::string("王芳")}})).id;
  std::string id = Must(w->AddServiceLog({{"enterprise_id", e},
                                          {"category", std::string("legal")},
                                          {"service_date", std::string("2024-06-10")},
                                          {"summary", std::string("Booth chat")},
                                          {"state", std::string("draft")}},
                                         std::nullopt))
                       .id;
  CHECK(LegalLogs(w, "2024-06") == 0);  // drafts are not counted

  Must(w->SetServiceField(id, "minutes", "45"));
  Must(w->SetServiceField(id, "summary", "Contract review after the fair"));
  Must(w->SetServiceField(id, "lead_staff", "Li Na"));
  Must(w->SetServiceField(id, "state", "final"));
  Record log = Must(w->GetServiceLog(id));
  CHECK(log.Int("minutes") == 45);
  CHECK(log.Text("summary") == "Contract review after the fair");
  CHECK(log.Text("state") == "final");
  CHECK(LegalLogs(w, "2024-06") == 1);

  // A final log may be corrected, not put back to draft.
  auto back = w->SetServiceField(id, "state", "draft");
  REQUIRE_FALSE(back);
  CHECK(back.error().code == ErrorCode::kTransition);
  CHECK(back.error().key == "service.final_stays_final");
  Must(w->SetServiceField(id, "service_date", "2024-05-31"));
  CHECK(LegalLogs(w, "2024-06") == 0);
  CHECK(LegalLogs(w, "2024-05") == 1);
  Must(w->SetServiceField(id, "lead_staff", ""));  // "" clears an optional field
  CHECK(Must(w->GetServiceLog(id)).Text("lead_staff").empty());

  // Bad edits are refused and change nothing.
  const Record before = Must(w->GetServiceLog(id));
  struct Bad {
    const char* field;
    const char* value;
    ErrorCode code;
  };
  for (const Bad& b : std::vector<Bad>{{"minutes", "10", ErrorCode::kInvalid},
                                       {"minutes", "", ErrorCode::kRequired},
                                       {"service_date", "2024-06-17", ErrorCode::kBadDate},
                                       {"service_date", "June", ErrorCode::kBadDate},
                                       {"category", "cooking", ErrorCode::kInvalid},
                                       {"summary", "", ErrorCode::kRequired},
                                       {"state", "sent", ErrorCode::kInvalid},
                                       {"programme_id", "x", ErrorCode::kReadOnlyField},
                                       {"created_at", "1", ErrorCode::kReadOnlyField},
                                       {"colour", "red", ErrorCode::kUnknownField},
                                       {"enterprise_id", "0123456789ab", ErrorCode::kNotFound}}) {
    INFO(b.field << " = " << b.value);
    auto r = w->SetServiceField(id, b.field, b.value);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == b.code);
  }
  auto elsewhere = w->SetServiceField(id, "contact_id", other_contact);
  REQUIRE_FALSE(elsewhere);
  CHECK(elsewhere.error().key == "service.contact_elsewhere");
  CHECK(Same(Must(w->GetServiceLog(id)).fields, before.fields));
}

// [SECTION] Follow-ups

TEST_CASE("A follow-up is rescheduled, reassigned, cancelled and reopened", "[core][followup]") {
  Workspace w("beijing");
  std::string e = Enterprise(w, "CN", "跟进测试有限公司");
  std::string id =
      Must(w->AddFollowUp({{"subject_id", e}, {"due_date", std::string("2024-06-10")}})).id;
  CHECK(Find(FollowUps(w, OverdueOnly()), id));

  Must(w->SetFollowUpField(id, "due_date", "2024-06-20"));
  Must(w->SetFollowUpField(id, "assignee", "  Li Na "));
  std::optional<Record> f = Find(FollowUps(w), id);
  REQUIRE(f);
  CHECK(f->Text("due_date") == "2024-06-20");
  CHECK(f->Text("assignee") == "Li Na");
  CHECK(f->Int("overdue") == 0);

  Must(w->CancelFollowUp(id));
  Must(w->CancelFollowUp(id));  // twice is once
  CHECK_FALSE(Find(FollowUps(w), id));
  f = Find(FollowUps(w, IncludingDone()), id);
  REQUIRE(f);
  CHECK(f->Text("status") == "cancelled");
  CHECK(f->Text("done_on").empty());

  Must(w->SetFollowUpField(id, "status", "open"));
  Must(w->CompleteFollowUp(id));
  f = Find(FollowUps(w, IncludingDone()), id);
  REQUIRE(f);
  CHECK(f->Text("status") == "done");
  CHECK(f->Text("done_on") == "2024-06-15");
  Must(w->SetFollowUpField(id, "status", "open"));
  f = Find(FollowUps(w), id);
  REQUIRE(f);
  CHECK(f->Text("done_on").empty());
  Must(w->SetFollowUpField(id, "assignee", ""));  // unassigned again
  CHECK(Find(FollowUps(w), id)->Text("assignee").empty());

  // Bad edits are refused and change nothing.
  const Fields before = Find(FollowUps(w), id)->fields;
  for (auto [field, value] :
       std::vector<std::pair<const char*, const char*>>{{"due_date", "tomorrow"},
                                                        {"due_date", ""},
                                                        {"status", "maybe"},
                                                        {"office", "shanghai"},
                                                        {"subject_id", e.c_str()},
                                                        {"enterprise_id", e.c_str()},
                                                        {"done_on", "2024-06-15"},
                                                        {"colour", "red"}}) {
    INFO(field << " = " << value);
    CHECK_FALSE(w->SetFollowUpField(id, field, value));
  }
  CHECK(Same(Find(FollowUps(w), id)->fields, before));
  CHECK_FALSE(w->SetFollowUpField("0123456789abcdef0123456789abcdef", "note", "x"));
}

TEST_CASE("My follow-ups and this week's: by the device's user and the next seven days",
          "[core][followup]") {
  Workspace w("beijing");  // today 2024-06-15
  std::string e = Enterprise(w, "CN", "本周跟进有限公司");
  auto add = [&](const std::string& due, const std::string& assignee) {
    Fields f{{"subject_id", e}, {"due_date", due}};
    if (!assignee.empty()) f.push_back({"assignee", assignee});
    return Must(w->AddFollowUp(f)).id;
  };
  std::string overdue = add("2024-06-01", "Li Na");
  std::string today = add("2024-06-15", "li na");
  std::string sixth_day = add("2024-06-21", "Ayesha Khan");
  std::string next_week = add("2024-06-22", "Li Na");
  auto ids = [](const std::vector<Record>& rows) {
    std::vector<std::string> out;
    for (const Record& r : rows) out.push_back(r.id);
    return out;
  };
  CHECK(ids(FollowUps(w, Assigned("", true))) ==
        std::vector<std::string>{overdue, today, sixth_day});
  CHECK(ids(FollowUps(w, Assigned("LI NA", false))) ==
        std::vector<std::string>{overdue, today, next_week});
  CHECK(ids(FollowUps(w, Assigned("Li Na", true))) == std::vector<std::string>{overdue, today});

  // The device's user is who "mine" means, and who new follow-ups go to when nobody is named.
  CHECK(Must(w->Info()).user.empty());
  Must(w->SetUser(" Ayesha Khan "));
  CHECK(Must(w->Info()).user == "Ayesha Khan");
  std::string unnamed = add("2024-06-30", "");
  CHECK(Find(FollowUps(w), unnamed)->Text("assignee") == "Ayesha Khan");
  ServiceSaved s = Must(w->AddServiceLog(
      {{"enterprise_id", e}, {"category", std::string("legal")}, {"summary", std::string("x")}}));
  CHECK(Find(FollowUps(w), s.follow_up_id)->Text("assignee") == "Ayesha Khan");
  ServiceSaved led = Must(w->AddServiceLog({{"enterprise_id", e},
                                            {"category", std::string("legal")},
                                            {"lead_staff", std::string("Li Na")},
                                            {"summary", std::string("x")}}));
  CHECK(Find(FollowUps(w), led.follow_up_id)->Text("assignee") == "Li Na");
  Must(w->SetUser(""));
  CHECK(Must(w->Info()).user.empty());
  CHECK_FALSE(w->SetUser("Li\x01Na"));
}
