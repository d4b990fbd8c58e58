// The enterprise page's edits, headless, driven by scripts as an officer would: code fields
// from the core's lists, an identifier checked as typed, contacts with consent and primary,
// the stage move with the "selection needs…" checklist, duplicates merged and unmerged. What
// each did is checked through the facade on the database file.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "desktop/desktop_fixture.h"
#include "dosti/session.h"

using dosti::desktop::ScreenId;
using dosti::testing::Headless;
using dosti::testing::Must;
using dosti::testing::Script;
using dosti::testing::WorkspaceFile;

namespace {

std::string AddEnterprise(const std::string& path, dosti::Fields fields) {
  auto s = Must(dosti::Session::Open(path));
  return Must(s->AddEnterprise(fields)).id;
}

// A headless app on the enterprise page of `id`, running `script`.
void RunOn(const std::string& path, const std::string& id, const std::string& script,
           const std::string& lang = "en") {
  Headless h(path, lang, ScreenId::kEnterprise, Script(script));
  h.app().OpenEnterprise(id);
  h.RunScript();
}

}  // namespace

TEST_CASE("The enterprise page edits code fields from the core's lists and adds an identifier",
          "[desktop][enterprise][script]") {
  WorkspaceFile w(0);
  const std::string id =
      AddEnterprise(w.path, {{"country", std::string("CN")}, {"name", std::string("灯笼科技")}});
  RunOn(w.path, id, R"(
click detail.edit
click edit.size_class
click edit.size_class.medium
click edit.landing_status
click edit.landing_status.exploring
click edit.source
click edit.source.referral
click detail.save
expect detail.edit
click detail.identifier.type
click detail.identifier.type.CN_USCC
fill detail.identifier.value 9111000060003734
expect detail.identifier.value.error
click detail.identifier.add
fill detail.identifier.value ９１３５０１００Ｍ０００１ＴＧＱＸＭ
expect detail.identifier.value.warning
click detail.identifier.add
wait 3
)");
  auto s = Must(dosti::Session::Open(w.path));
  auto e = Must(s->GetEnterprise(id));
  CHECK(e.record.Text("size_class") == "medium");
  CHECK(e.record.Text("landing_status") == "exploring");
  CHECK(e.record.Text("source") == "referral");
  // The malformed code was not added (an error); the one failing its check character was,
  // normalised, with its warning state.
  REQUIRE(e.identifiers.size() == 1);
  CHECK(e.identifiers[0].value == "91350100M0001TGQXM");
  CHECK(e.identifiers[0].check == dosti::IdentifierCheck::kChecksumWarning);
}

TEST_CASE("A contact is added and edited with consent and primary, one primary at a time",
          "[desktop][enterprise][script]") {
  WorkspaceFile w(0);
  const std::string id = AddEnterprise(
      w.path, {{"country", std::string("PK")}, {"name", std::string("Indus Looms (Pvt) Ltd")}});
  std::string first;
  {
    auto s = Must(dosti::Session::Open(w.path));
    first = Must(s->AddContact({{"enterprise_id", id}, {"full_name", std::string("Bilal Ahmed")}}))
                .id;
  }
  RunOn(w.path, id, R"(
click detail.identifiers
click detail.contacts.new
fill detail.contact.full_name Ayesha Khan
fill detail.contact.mobile 0300-12
expect detail.contact.mobile.error
fill detail.contact.mobile 0300-1234567
click detail.contact.consent_contact
click detail.contact.is_primary
click detail.contact.save
expect detail.contacts.new
)",
        "ur");
  auto s = Must(dosti::Session::Open(w.path));
  auto contacts = Must(s->ListContacts(id));
  REQUIRE(contacts.size() == 2);
  int first_row = contacts[0].id == first ? 0 : 1;
  const dosti::Record& added = contacts[1 - first_row];
  CHECK(added.Text("full_name") == "Ayesha Khan");
  CHECK(added.Text("mobile") == "+923001234567");
  CHECK(added.Int("consent_contact") == 1);
  CHECK(added.Text("consent_date") == dosti::FormatDate(s->Today()));
  CHECK(added.Int("is_primary") == 1);
  CHECK(contacts[first_row].Int("is_primary") == 0);

  // The first contact made primary again, with consent to transfer: the other loses primary.
  RunOn(w.path, id, R"(
click detail.identifiers
click detail.contacts.edit.)" + std::to_string(first_row) + R"(
fill detail.contact.position Director
click detail.contact.is_primary
click detail.contact.consent_transfer
click detail.contact.save
expect detail.contacts.new
)");
  auto c1 = Must(s->GetContact(first));
  CHECK(c1.Int("is_primary") == 1);
  CHECK(c1.Int("consent_transfer") == 1);
  CHECK(c1.Text("position") == "Director");
  CHECK(Must(s->GetContact(added.id)).Int("is_primary") == 0);
}

TEST_CASE("The stage moves only when selection needs nothing more, and the checklist says what",
          "[desktop][enterprise][script]") {
  WorkspaceFile w(0);
  const std::string id = AddEnterprise(
      w.path, {{"country", std::string("CN")}, {"name", std::string("北京灯笼科技有限公司")}});
  RunOn(w.path, id, R"(
expect detail.selection.missing.city
expect detail.selection.missing.primary_contact
click detail.stage.to
click detail.stage.to.selected
click detail.stage.move
expect detail.stage.error
)");
  auto s = Must(dosti::Session::Open(w.path));
  CHECK_FALSE(Must(s->GetEnrollment(id)));  // nothing changed
  Must(s->AddIdentifier(id, {dosti::IdentifierType::kCnUscc, "91110000600037341L"}));
  for (auto [f, v] : {std::pair{"sector", "6201"}, {"region", "CN-BJ"}, {"city", "Beijing"}}) {
    Must(s->SetEnterpriseField(id, f, v));
  }
  Must(s->AddContact({{"enterprise_id", id},
                      {"full_name", std::string("王芳")},
                      {"consent_contact", std::string("1")}}));
  RunOn(w.path, id, R"(
expect detail.selection.ready
click detail.stage.to
click detail.stage.to.selected
click detail.stage.move
expect detail.stage
click detail.stage.to
click detail.stage.to.nominated
click detail.stage.move
expect detail.stage.error
fill detail.stage.reason Identifier to be confirmed by the registry
click detail.stage.move
wait 3
)");
  auto enrollment = Must(s->GetEnrollment(id));
  REQUIRE(enrollment);
  CHECK(enrollment->Text("stage") == "nominated");
  CHECK(enrollment->Text("programme_number") == "DH-CN-001");
  auto history = Must(s->StageHistory(enrollment->id));
  REQUIRE(history.size() == 2);
  CHECK(history.back().Text("reason") == "Identifier to be confirmed by the registry");
}

TEST_CASE("A duplicate suspect is merged into the enterprise shown, and unmerged again",
          "[desktop][enterprise][script]") {
  WorkspaceFile w(0);
  const std::string keep = AddEnterprise(
      w.path, {{"country", std::string("CN")}, {"name", std::string("北京灯笼科技有限公司")}});
  const std::string other = AddEnterprise(
      w.path, {{"country", std::string("CN")}, {"name", std::string("北京灯笼科技有限公司")}});
  // The sections above are folded: scripts do not scroll.
  const std::string fold =
      "click detail.identifiers\nclick detail.contacts\nclick detail.enrollment\n";
  RunOn(w.path, keep, fold + R"(
expect detail.duplicates.suspect.0
click detail.duplicates.merge.0
expect detail.duplicates.merged.0
)",
        "zh");
  auto s = Must(dosti::Session::Open(w.path));
  CHECK(Must(s->GetEnterprise(other)).record.Text("merged_into") == keep);
  RunOn(w.path, keep, fold + R"(
click detail.duplicates.unmerge.0
expect detail.duplicates.suspect.0
)");
  CHECK(Must(s->GetEnterprise(other)).record.Text("merged_into").empty());
}
