// The records rules of issue 9: contacts edited after the fact (consent, primary), phones typed
// with their country code, the country of an enterprise the programme already counts, archiving a
// selected enterprise, demo data in a real workspace.
#include <catch2/catch.hpp>

#include "dosti/demo.h"
#include "dosti/session.h"
#include "session_fixture.h"

using namespace dosti;
using dosti::testing::Must;
using dosti::testing::Workspace;

namespace {

std::string AddContact(Workspace& w, const std::string& enterprise, const std::string& name,
                       Fields more = {}) {
  Fields f{{"enterprise_id", enterprise}, {"full_name", name}};
  for (Field& x : more) f.push_back(std::move(x));
  return Must(w->AddContact(f)).id;
}

bool HasWarning(const Saved& saved, std::string_view key) {
  for (const Issue& i : saved.warnings) {
    if (i.key == key) return true;
  }
  return false;
}

}  // namespace

// [SECTION] Phones of contacts

TEST_CASE(
    "A contact's phones keep a typed country code once and an office "
    "line needs its area code",
    "[core][records][phone]") {
  Workspace w;
  std::string cn = w.PlainEnterprise("CN", "北京星河科技有限公司");
  Saved saved = Must(w->AddContact({{"enterprise_id", cn},
                                    {"full_name", std::string("王伟")},
                                    {"mobile", std::string("86 138 0013 8000")},
                                    {"office_phone", std::string("6512 3456")}}));
  Record c = Must(w->GetContact(saved.id));
  CHECK(c.Text("mobile") == "+8613800138000");
  CHECK(c.Text("office_phone") == "+8665123456");
  REQUIRE(saved.warnings.size() == 1);
  CHECK(saved.warnings[0].key == "phone.no_area_code_cn");
  CHECK(saved.warnings[0].field == "office_phone");

  // The same rules when a phone is edited.
  Saved edited = Must(w->SetContactField(saved.id, "office_phone", "86 10 6512 3456"));
  CHECK(edited.warnings.empty());
  CHECK(Must(w->GetContact(saved.id)).Text("office_phone") == "+861065123456");
}

// [SECTION] Editing contacts

TEST_CASE("Making a contact primary makes the others of its enterprise not primary",
          "[core][records][contact]") {
  Workspace w;
  std::string e = w.CompleteEnterprise("PK", "Indus Software", "12345678");
  std::string first = Must(w->ListContacts(e)).at(0).id;
  std::string second = AddContact(w, e, "Bilal Ahmed");
  CHECK(Must(w->GetContact(first)).Int("is_primary") == 1);
  CHECK(Must(w->GetContact(second)).Int("is_primary") == 0);

  Saved saved = Must(w->SetContactField(second, "is_primary", "1"));
  CHECK(saved.warnings.empty());
  CHECK(Must(w->GetContact(first)).Int("is_primary") == 0);
  CHECK(Must(w->GetContact(second)).Int("is_primary") == 1);

  // A contact added as primary takes the flag from the others too.
  std::string third = AddContact(w, e, "Sana Mir", {{"is_primary", std::string("1")}});
  int primaries = 0;
  for (const Record& r : Must(w->ListContacts(e))) primaries += r.Int("is_primary") == 1;
  CHECK(primaries == 1);
  CHECK(Must(w->GetContact(third)).Int("is_primary") == 1);
}

TEST_CASE(
    "An enterprise whose first contact had no consent can be fixed and "
    "selected",
    "[core][records][contact]") {
  Workspace w;
  std::string e =
      w.EnterpriseWithoutContact("CN", "上海云帆信息技术有限公司", "91230184MA1BUFLT44");
  std::string first = AddContact(w, e, "刘洋");  // primary, no consent
  auto refused = w->Enroll(e, "selected");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kSelectionIncomplete);

  SECTION("by recording the consent of the primary contact") {
    w.clock.Advance(3 * 86'400'000);
    Must(w->SetContactField(first, "consent_contact", "1"));
    Record c = Must(w->GetContact(first));
    CHECK(c.Int("consent_contact") == 1);
    CHECK(c.Text("consent_date") == "2024-06-18");  // the day it was given
    Saved selected = Must(w->Enroll(e, "selected"));
    CHECK(Must(w->GetEnrollment(e))->Text("programme_number") == "DH-CN-001");
    (void)selected;
  }
  SECTION("by making a consenting contact primary") {
    std::string second = AddContact(w, e, "陈静", {{"consent_contact", std::string("1")}});
    CHECK_FALSE(w->Enroll(e, "selected"));
    Must(w->SetContactField(second, "is_primary", "1"));
    Must(w->Enroll(e, "selected"));
  }
}

TEST_CASE(
    "Contact fields are checked as when adding and a refused edit "
    "changes nothing",
    "[core][records][contact]") {
  Workspace w;
  std::string e = w.CompleteEnterprise("CN", "北京星河科技有限公司", "91110000600037341L");
  std::string id = Must(w->ListContacts(e)).at(0).id;
  Record before = Must(w->GetContact(id));

  struct Bad {
    const char* field;
    const char* value;
    ErrorCode code;
  };
  for (const Bad& b :
       {Bad{"email", "not an address", ErrorCode::kInvalid},
        Bad{"mobile", "call me", ErrorCode::kBadPhone}, Bad{"full_name", "", ErrorCode::kBadName},
        Bad{"preferred_language", "fr", ErrorCode::kInvalid},
        Bad{"consent_contact", "2", ErrorCode::kInvalid},
        Bad{"is_primary", "", ErrorCode::kInvalid},
        Bad{"consent_date", "2024-02-30", ErrorCode::kBadDate},
        Bad{"colour", "blue", ErrorCode::kUnknownField},
        Bad{"enterprise_id", e.c_str(), ErrorCode::kReadOnlyField},
        Bad{"created_at", "1", ErrorCode::kReadOnlyField}}) {
    INFO(b.field << " = " << b.value);
    auto r = w->SetContactField(id, b.field, b.value);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == b.code);
    CHECK(r.error().field == b.field);
  }
  Record unchanged = Must(w->GetContact(id));
  REQUIRE(unchanged.fields.size() == before.fields.size());
  for (size_t i = 0; i < before.fields.size(); ++i) {
    INFO(before.fields[i].name);
    CHECK(unchanged.fields[i].value == before.fields[i].value);
  }
  CHECK_FALSE(w->SetContactField("0123456789abcdef0123456789abcdef", "position", "CEO"));

  // Good values are cleaned as AddContact cleans them; "" clears an optional field.
  Must(w->SetContactField(id, "email", "  Wang.Wei@Example.COM "));
  Must(w->SetContactField(id, "position", "总经理"));
  Must(w->SetContactField(id, "wechat", "wangwei_88"));
  Must(w->SetContactField(id, "whatsapp", "+92 300 1234567"));
  Record after = Must(w->GetContact(id.substr(0, 8)));  // a prefix works too
  CHECK(after.Text("email") == "wang.wei@example.com");
  CHECK(after.Text("position") == "总经理");
  CHECK(after.Text("whatsapp") == "+923001234567");
  Must(w->SetContactField(id, "position", ""));
  CHECK(IsNull(*Must(w->GetContact(id)).Find("position")));
}

TEST_CASE("Leaving an enterprise without a primary contact is saved with a warning",
          "[core][records][contact]") {
  Workspace w;
  std::string e = w.CompleteEnterprise("CN", "北京星河科技有限公司", "91110000600037341L");
  std::string primary = Must(w->ListContacts(e)).at(0).id;
  std::string other = AddContact(w, e, "李娜");

  CHECK(HasWarning(Must(w->SetContactField(primary, "archived", "1")), "contact.no_primary"));
  // An archived contact is no one selection can rely on.
  auto refused = w->SetContactField(primary, "is_primary", "1");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().key == "contact.primary_archived");
  Must(w->SetContactField(other, "is_primary", "1"));
  CHECK(HasWarning(Must(w->SetContactField(other, "is_primary", "0")), "contact.no_primary"));
}

TEST_CASE("A primary contact imported from a file makes the enterprise's other one not primary",
          "[core][records][contact][csv]") {
  Workspace w;
  std::string e = w.PlainEnterprise("PK", "Lahore Agritech");
  std::string first = Must(w->AddContact({{"enterprise_id", e},
                                          {"full_name", std::string("Ayesha Khan")}})).id;
  CHECK(Must(w->GetContact(first)).Int("is_primary") == 1);
  Must(w->ImportCsv(ImportKind::kContacts,
                    "enterprise_id,full_name,is_primary\n" + e + ",Bilal Ahmed,1\n"));
  CHECK(Must(w->GetContact(first)).Int("is_primary") == 0);
  auto contacts = Must(w->ListContacts(e));
  REQUIRE(contacts.size() == 2);
  CHECK(contacts[0].Text("full_name") == "Bilal Ahmed");
  CHECK(contacts[0].Int("is_primary") == 1);
}

// [SECTION] The country of an enterprise

TEST_CASE("The country of an enterprise the programme already counts cannot change",
          "[core][records][country]") {
  Workspace w;
  auto CountryOf = [&](const std::string& id) {
    return Must(w->GetEnterprise(id)).record.Text("country");
  };
  auto RequireLocked = [&](const std::string& id, const char* mentions) {
    auto r = w->SetEnterpriseField(id, "country", "PK");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kReadOnlyField);
    CHECK(r.error().key == "enterprise.country_locked");
    CHECK(r.error().field == "country");
    CHECK_THAT(r.error().message, Catch::Contains(mentions));
    CHECK(CountryOf(id) == "CN");
  };

  SECTION("a record typed under the wrong country can still be corrected") {
    std::string e =
        w.PlainEnterprise("CN", "Karachi Textiles", {{IdentifierType::kOther, "KT-77"}});
    Must(w->SetEnterpriseField(e, "country", "PK"));
    CHECK(CountryOf(e) == "PK");
    Must(w->SetEnterpriseField(e, "country", "PK"));  // the same value again changes nothing
  }
  SECTION("a home-country identifier") {
    std::string e = w.PlainEnterprise("CN", "华为技术有限公司",
                                      {{IdentifierType::kCnUscc, "91110000600037341L"}});
    RequireLocked(e, "CN_USCC 91110000600037341L");
  }
  SECTION("a programme number") {
    std::string e = w.CompleteEnterprise("CN", "北京星河科技有限公司", "91110000600037341L");
    Must(w->Enroll(e, "selected"));
    RequireLocked(e, "DH-CN-001");
    auto progress = Must(w->ReportProgress());
    CHECK(progress.countries[0].country == "CN");
    CHECK(progress.countries[0].selected == 1);
  }
  SECTION("a matchmaking pair") {
    std::string cn = w.PlainEnterprise("CN", "深圳海岸电子有限公司");
    std::string pk = w.PlainEnterprise("PK", "Lahore Agritech");
    Must(w->AddMatch(cn, pk, "trade"));
    RequireLocked(cn, "matchmaking");
    auto r = w->SetEnterpriseField(pk, "country", "CN");
    REQUIRE_FALSE(r);
    CHECK(r.error().key == "enterprise.country_locked");
  }
}

TEST_CASE("An imported file follows the rules of an edit: no country change, no unseen archiving",
          "[core][records][country][archive][csv]") {
  Workspace w;
  std::string e = w.CompleteEnterprise("CN", "北京星河科技有限公司", "91110000600037341L");
  Must(w->Enroll(e, "selected"));
  auto moved = w->ImportEnterprisesCsv("id,country,name\n" + e + ",PK,北京星河科技有限公司\n");
  REQUIRE_FALSE(moved);
  CHECK_THAT(moved.error().message, Catch::Contains("DH-CN-001"));
  auto archived =
      w->ImportEnterprisesCsv("id,country,name,archived\n" + e + ",CN,北京星河科技有限公司,1\n");
  REQUIRE_FALSE(archived);
  CHECK_THAT(archived.error().message, Catch::Contains("exit"));
  const Record after = Must(w->GetEnterprise(e)).record;
  CHECK(after.Text("country") == "CN");
  CHECK(after.Int("archived") == 0);
}

// [SECTION] Archiving

TEST_CASE(
    "Archiving an enterprise that counts toward progress is refused "
    "until its exit is recorded",
    "[core][records][archive]") {
  Workspace w;
  std::string e = w.CompleteEnterprise("PK", "Indus Software", "12345678");
  Must(w->Enroll(e, "selected"));

  auto refused = w->ArchiveEnterprise(e, true);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kTransition);
  CHECK(refused.error().key == "enterprise.archive_selected");
  CHECK_THAT(refused.error().message, Catch::Contains("Indus Software") && Catch::Contains("exit"));
  auto by_field = w->SetEnterpriseField(e, "archived", "1");
  REQUIRE_FALSE(by_field);
  CHECK(by_field.error().key == "enterprise.archive_selected");
  CHECK(Must(w->GetEnterprise(e)).record.Int("archived") == 0);
  CHECK(Must(w->ReportProgress()).countries[1].selected == 1);

  // Active and completed count too.
  Must(w->Enroll(e, "completed"));
  CHECK_FALSE(w->ArchiveEnterprise(e, true));

  // Once it has left the programme (its exit is in the numbers), it may be archived.
  Must(w->Enroll(e, "withdrawn", "moved its business to Dubai"));
  Must(w->ArchiveEnterprise(e, true));
  CHECK(Must(w->GetEnterprise(e)).record.Int("archived") == 1);
  Must(w->ArchiveEnterprise(e, false));

  // Earlier stages are not progress yet: a nominated booth draft archives as before.
  std::string draft = w.PlainEnterprise("PK", "Quetta Minerals");
  Must(w->Enroll(draft, "nominated"));
  Must(w->ArchiveEnterprise(draft, true));
}

// [SECTION] Demo data

TEST_CASE("Demo data is refused in a workspace that holds records unless forced",
          "[core][records][demo]") {
  Workspace w;
  REQUIRE(Must(SeedDemo(*w.session, 10, 1)) > 0);
  const size_t enterprises = Must(w->ListEnterprises({"", "", true, 0})).size();

  auto again = SeedDemo(*w.session, 10, 1);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::kInvalid);
  CHECK(again.error().key == "demo.workspace_has_records");
  CHECK(Must(w->ListEnterprises({"", "", true, 0})).size() == enterprises);

  REQUIRE(Must(SeedDemo(*w.session, 10, 2, {}, /*force=*/true)) > 0);
  CHECK(Must(w->ListEnterprises({"", "", true, 0})).size() == enterprises + 10);

  // One real record is enough, archived or not.
  Workspace real;
  std::string e = real.PlainEnterprise("CN", "华为技术有限公司");
  Must(real->ArchiveEnterprise(e, true));
  auto refused = SeedDemo(*real.session, 10, 1);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message,
             Catch::Contains("already holds records (enterprises and events: 1)"));
}
