// The facade's record operations: enterprises, contacts, services, selection, matchmaking.
#include <catch2/catch.hpp>

#include "dosti/session.h"
#include "session_fixture.h"

using namespace dosti;
using dosti::testing::Workspace;

namespace {

int64_t CountEnterprises(Workspace& w, bool include_archived = false) {
  EnterpriseFilter f;
  f.include_archived = include_archived;
  auto list = w->ListEnterprises(f);
  REQUIRE(list);
  return static_cast<int64_t>(list->size());
}

}  // namespace

TEST_CASE("A database without a workspace refuses writes and says so without naming a command",
          "[core]") {
  auto s = Session::Open(":memory:");
  REQUIRE(s);
  auto r = (*s)->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("X")}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kNotInitialised);
  CHECK(r.error().key == "workspace.none");
  CHECK(r.error().message == "this database has no workspace yet");
  CHECK(r.error().message.find("dosti") == std::string::npos);
}

TEST_CASE("Init creates the programme once and refuses a second time", "[core]") {
  Workspace w;
  auto info = w->Info();
  REQUIRE(info);
  CHECK(info->initialised);
  CHECK(info->office == "beijing");
  CHECK(info->programme_id.size() == 32);
  auto again = w->Init("islamabad", "");
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::kAlreadyInitialised);
}

TEST_CASE("An enterprise is saved with normalised identifiers and text", "[core]") {
  Workspace w;
  auto saved = w->AddEnterprise(
      {{"country", std::string("CN")}, {"name", std::string("  华为技术有限公司 ")},
       {"city", std::string("深圳")}},
      {{IdentifierType::kCnUscc, "９１１１００００６０００３７３４１Ｌ"}});
  REQUIRE(saved);
  CHECK(saved->warnings.empty());
  auto view = w->GetEnterprise(saved->id);
  REQUIRE(view);
  CHECK(view->record.Text("name") == "华为技术有限公司");
  CHECK(view->record.Text("owning_office") == "beijing");
  REQUIRE(view->identifiers.size() == 1);
  CHECK(view->identifiers[0].value == "91110000600037341L");
  CHECK(view->identifiers[0].check == IdentifierCheck::kValid);
}

TEST_CASE("A malformed identifier refuses the whole enterprise", "[core]") {
  Workspace w;
  auto r = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("Acme")}},
                            {{IdentifierType::kCnUscc, "91110000600037341"}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kBadIdentifier);
  CHECK(CountEnterprises(w) == 0);
}

TEST_CASE("A USCC failing its check character is saved with a warning", "[core]") {
  Workspace w;
  auto r = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("福州")}},
                            {{IdentifierType::kCnUscc, "91350100M0001TGQXM"}});
  REQUIRE(r);
  REQUIRE(r->warnings.size() == 1);
  auto view = w->GetEnterprise(r->id);
  REQUIRE(view);
  CHECK(view->identifiers[0].check == IdentifierCheck::kChecksumWarning);
}

TEST_CASE("The same identifier on a second enterprise is saved and flagged", "[core]") {
  Workspace w;
  REQUIRE(w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲公司")}},
                           {{IdentifierType::kCnUscc, "91230184MA1BUFLT44"}}));
  auto second = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("乙公司")}},
                                 {{IdentifierType::kCnUscc, "91230184MA1BUFLT44"}});
  REQUIRE(second);
  REQUIRE(second->warnings.size() == 1);
  CHECK(second->warnings[0].message.find("possible duplicate") != std::string::npos);
}

TEST_CASE("Bad enterprise fields are refused with the field named", "[core]") {
  Workspace w;
  auto bad_country = w->AddEnterprise({{"country", std::string("IN")}, {"name", std::string("A")}});
  REQUIRE_FALSE(bad_country);
  CHECK(bad_country.error().field == "country");
  auto bidi = w->AddEnterprise(
      {{"country", std::string("PK")}, {"name", std::string("Evil\u202Egnp.exe")}});
  REQUIRE_FALSE(bidi);
  CHECK(bidi.error().code == ErrorCode::kBadName);
  auto sector = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("A")},
                                  {"sector", std::string("software")}});
  REQUIRE_FALSE(sector);
  CHECK(sector.error().field == "sector");
  auto unknown = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("A")},
                                   {"colour", std::string("red")}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kUnknownField);
  CHECK(CountEnterprises(w) == 0);
}

TEST_CASE("Setting a field validates the whole record and keeps it on refusal", "[core]") {
  Workspace w;
  auto e = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus Ltd")}});
  REQUIRE(e);
  REQUIRE(w->SetEnterpriseField(e->id, "city", "Lahore"));
  REQUIRE(w->SetEnterpriseField(e->id, "founded_year", "２００１"));
  auto bad = w->SetEnterpriseField(e->id, "founded_year", "long ago");
  REQUIRE_FALSE(bad);
  auto readonly = w->SetEnterpriseField(e->id, "created_at", "0");
  REQUIRE_FALSE(readonly);
  CHECK(readonly.error().code == ErrorCode::kReadOnlyField);
  auto view = w->GetEnterprise(e->id.substr(0, 10));  // a unique prefix works
  REQUIRE(view);
  CHECK(view->record.Text("city") == "Lahore");
  CHECK(view->record.Int("founded_year") == 2001);
}

TEST_CASE("Malformed and unknown ids are refused clearly", "[core]") {
  Workspace w;
  auto malformed = w->GetEnterprise("not-an-id");
  REQUIRE_FALSE(malformed);
  CHECK(malformed.error().code == ErrorCode::kInvalid);
  auto missing = w->GetEnterprise(std::string(32, 'a'));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kNotFound);
  auto short_prefix = w->GetEnterprise("abc");
  REQUIRE_FALSE(short_prefix);
}

TEST_CASE("Archiving hides an enterprise from the list and unarchiving restores it", "[core]") {
  Workspace w;
  auto e = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Hidden")}});
  REQUIRE(e);
  REQUIRE(w->ArchiveEnterprise(e->id, true));
  CHECK(CountEnterprises(w) == 0);
  CHECK(CountEnterprises(w, true) == 1);
  REQUIRE(w->ArchiveEnterprise(e->id, false));
  CHECK(CountEnterprises(w) == 1);
}

TEST_CASE("Contacts get E.164 phones and the first one is primary", "[core]") {
  Workspace w;
  auto pk = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  REQUIRE(pk);
  auto first = w->AddContact({{"enterprise_id", pk->id}, {"full_name", std::string("Ali Khan")},
                              {"mobile", std::string("0300-1234567")},
                              {"email", std::string("Ali@Indus.PK")}});
  REQUIRE(first);
  CHECK(first->warnings.empty());
  auto second = w->AddContact({{"enterprise_id", pk->id}, {"full_name", std::string("Sara")},
                               {"mobile", std::string("051 1234567")}});
  REQUIRE(second);
  CHECK(second->warnings.size() == 1);  // a landline given as mobile
  auto a = w->GetContact(first->id);
  REQUIRE(a);
  CHECK(a->Text("mobile") == "+923001234567");
  CHECK(a->Text("email") == "ali@indus.pk");
  CHECK(a->Int("is_primary") == 1);
  auto b = w->GetContact(second->id);
  REQUIRE(b);
  CHECK(b->Int("is_primary") == 0);
  auto bad = w->AddContact({{"enterprise_id", pk->id}, {"full_name", std::string("X")},
                            {"mobile", std::string("call me")}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kBadPhone);
}

TEST_CASE("Service logs respect the date window and the duration limits", "[core]") {
  Workspace w;
  auto e = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲")}});
  REQUIRE(e);
  Fields ok{{"enterprise_id", e->id}, {"category", std::string("legal")},
            {"service_date", std::string("2024-06-10")}, {"minutes", std::string("60")},
            {"summary", std::string("Contract review")}};
  auto saved = w->AddServiceLog(ok, 7);
  REQUIRE(saved);
  auto followups = w->ListFollowUps();
  REQUIRE(followups);
  REQUIRE(followups->size() == 1);
  CHECK(followups->front().Text("due_date") == "2024-06-17");

  Fields short_one = ok;
  SetField(short_one, "minutes", std::string("10"));
  CHECK_FALSE(w->AddServiceLog(short_one));
  Fields future = ok;
  SetField(future, "service_date", std::string("2024-06-17"));
  CHECK_FALSE(w->AddServiceLog(future));
  Fields tomorrow = ok;
  SetField(tomorrow, "service_date", std::string("2024-06-16"));
  CHECK(w->AddServiceLog(tomorrow));
  Fields before_start = ok;
  SetField(before_start, "service_date", std::string("2023-08-31"));
  CHECK_FALSE(w->AddServiceLog(before_start));
  Fields bad_category = ok;
  SetField(bad_category, "category", std::string("catering"));
  CHECK_FALSE(w->AddServiceLog(bad_category));

  auto june = w->ListServiceLogs({"", "2024-06"});
  REQUIRE(june);
  CHECK(june->size() == 2);
}

TEST_CASE("Follow-ups become overdue as days pass and can be completed", "[core]") {
  Workspace w;
  auto e = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲")}});
  REQUIRE(e);
  auto f = w->AddFollowUp({{"subject_id", e->id}, {"due_date", std::string("2024-06-20")}});
  REQUIRE(f);
  CHECK(w->ListFollowUps(testing::OverdueOnly())->empty());
  w.clock.Advance(int64_t{10} * 86'400'000);
  CHECK(w->ListFollowUps(testing::OverdueOnly())->size() == 1);
  REQUIRE(w->CompleteFollowUp(f->id));
  CHECK(w->ListFollowUps({})->empty());
}

TEST_CASE("Selection needs the mandatory data and numbers the enterprise", "[core]") {
  Workspace w;
  auto bare = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲")}});
  REQUIRE(bare);
  REQUIRE(w->Enroll(bare->id, "nominated"));
  auto refused = w->Enroll(bare->id, "selected");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kSelectionIncomplete);
  CHECK(refused.error().message.find("sector") != std::string::npos);
  CHECK(refused.error().message.find("primary contact") != std::string::npos);

  std::string cn = w.CompleteEnterprise("CN", "乙科技有限公司", "91110108772551611J");
  auto selected = w->Enroll(cn, "selected");
  REQUIRE(selected);
  auto enrollment = w->GetEnrollment(cn);
  REQUIRE(enrollment);
  REQUIRE(*enrollment);
  CHECK((*enrollment)->Text("programme_number") == "DH-CN-001");
  CHECK((*enrollment)->Text("stage") == "selected");

  // A Pakistani enterprise is numbered by the Islamabad office, not by this Beijing device.
  std::string pk = w.CompleteEnterprise("PK", "Indus Systems", "1234567-8");
  auto pk_selected = w->Enroll(pk, "selected");
  REQUIRE(pk_selected);
  CHECK_FALSE(pk_selected->warnings.empty());
  CHECK((*w->GetEnrollment(pk))->Text("programme_number").empty());
}

TEST_CASE("Moving back in the pipeline needs a reason and history is kept", "[core]") {
  Workspace w;
  auto e = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  REQUIRE(e);
  REQUIRE(w->Enroll(e->id, "shortlisted"));
  auto back = w->Enroll(e->id, "prospect");
  REQUIRE_FALSE(back);
  CHECK(back.error().code == ErrorCode::kTransition);
  REQUIRE(w->Enroll(e->id, "prospect", "documents were wrong"));
  REQUIRE(w->Enroll(e->id, "declined"));
  auto enrollment = *w->GetEnrollment(e->id);
  REQUIRE(enrollment);
  auto history = w->StageHistory(enrollment->id);
  REQUIRE(history);
  REQUIRE(history->size() == 3);
  CHECK((*history)[1].Text("reason") == "documents were wrong");
}

TEST_CASE("Matchmaking joins a CN and a PK enterprise and walks the stages", "[core]") {
  Workspace w;
  auto cn = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲")}});
  auto cn2 = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("乙")}});
  auto pk = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  REQUIRE((cn && cn2 && pk));
  auto same = w->AddMatch(cn->id, cn2->id, "trade");
  REQUIRE_FALSE(same);
  CHECK(same.error().code == ErrorCode::kSameCountry);
  auto swapped = w->AddMatch(pk->id, cn->id, "investment");
  REQUIRE(swapped);
  auto matches = w->ListMatches();
  REQUIRE(matches);
  REQUIRE(matches->size() == 1);
  CHECK(matches->front().Text("cn_enterprise_id") == cn->id);
  REQUIRE(w->SetMatchStage(swapped->id, "meeting_held"));
  CHECK_FALSE(w->SetMatchStage(swapped->id, "closed_lost"));  // needs a reason
  REQUIRE(w->SetMatchStage(swapped->id, "closed_lost", "budget cut"));
  CHECK(w->ListMatches()->front().Text("lost_reason") == "budget cut");
}
