// What front ends show of the records: names in the reader's language and the characters a
// font atlas must bake (Session::CharactersInUse).
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "core/session_fixture.h"
#include "dosti/catalog.h"
#include "dosti/demo.h"
#include "dosti/session.h"
#include "dosti/text.h"

using dosti::testing::Must;
using dosti::testing::Workspace;

namespace {

bool Has(const std::u32string& chars, std::string_view utf8) {
  for (char32_t c : dosti::text::ToCodePoints(utf8)) {
    if (chars.find(c) == std::u32string::npos) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("The characters in use are those of every shown text, archived records included",
          "[core][display]") {
  Workspace w;
  std::string id = Must(w->AddEnterprise({{"country", std::string("CN")},
                                          {"name", std::string("浏览器科技有限公司")},
                                          {"name_ur", std::string("براؤزر ٹیکنالوجی")},
                                          {"city", std::string("喆堃市")}}))
                       .id;
  Must(w->AddContact({{"enterprise_id", id}, {"full_name", std::string("Ærøskøbing Ölçü")}}));
  std::string other = w.PlainEnterprise("PK", "Ｑ全角");
  Must(w->ArchiveEnterprise(other, true));

  std::u32string chars = Must(w->CharactersInUse());
  CHECK(std::is_sorted(chars.begin(), chars.end()));
  CHECK(std::adjacent_find(chars.begin(), chars.end()) == chars.end());
  CHECK(Has(chars, "浏览器科技有限公司"));
  CHECK(Has(chars, "براؤزر ٹیکنالوجی"));
  CHECK(Has(chars, "喆堃"));
  CHECK(Has(chars, "ÆøÖçü"));
  CHECK(Has(chars, "Ｑ全角"));  // archived, and stored as written (names are not width-folded)
  // Offices' names in three languages come with the workspace.
  CHECK(Has(chars, "北京"));
  // Nothing that no record holds.
  CHECK_FALSE(Has(chars, "龘"));
  CHECK_FALSE(Has(chars, "€"));
}

TEST_CASE("The characters in use of the demo data cover every enterprise and contact name",
          "[core][display][demo]") {
  Workspace w;
  Must(dosti::SeedDemo(*w.session, 40, 7));
  std::u32string chars = Must(w->CharactersInUse());
  dosti::EnterpriseFilter all;
  all.include_archived = true;
  for (const dosti::Record& e : Must(w->ListEnterprises(all))) {
    for (const char* column : {"name", "name_en", "name_zh", "name_ur", "short_name", "city"}) {
      INFO(column << ": " << e.Text(column));
      CHECK(Has(chars, e.Text(column)));
    }
    for (const dosti::Record& c : Must(w->ListContacts(e.id))) {
      INFO(c.Text("full_name"));
      CHECK(Has(chars, c.Text("full_name")));
      CHECK(Has(chars, c.Text("name_ur")));
    }
  }
}

TEST_CASE(
    "An enterprise's name for a reader is the one in the reader's language, else the legal "
    "name",
    "[core][display]") {
  dosti::Record e;
  e.fields = {{"name", std::string("华为技术有限公司")},
              {"name_en", std::string("Huawei Technologies")},
              {"name_zh", std::monostate{}},
              {"name_ur", std::string("ہواوے ٹیکنالوجیز")}};
  CHECK(dosti::EnterpriseNameIn(e, "en") == "Huawei Technologies");
  CHECK(dosti::EnterpriseNameIn(e, "ur") == "ہواوے ٹیکنالوجیز");
  CHECK(dosti::EnterpriseNameIn(e, "zh") == "华为技术有限公司");  // no name_zh: the legal name
  e.fields[1].value = std::string();
  CHECK(dosti::EnterpriseNameIn(e, "en") == "华为技术有限公司");
}

TEST_CASE("Follow-ups filter by enterprise, a record merged into it included", "[core][display]") {
  Workspace w;
  std::string a = w.PlainEnterprise("CN", "甲科技有限公司");
  std::string dup = w.PlainEnterprise("CN", "甲科技");
  std::string b = w.PlainEnterprise("PK", "Beta Systems (Pvt) Ltd");
  std::string fa = Must(w->AddFollowUp({{"subject_id", a}, {"note", std::string("call")}})).id;
  std::string fd = Must(w->AddFollowUp({{"subject_id", dup}, {"note", std::string("visit")}})).id;
  Must(w->AddFollowUp({{"subject_id", b}, {"note", std::string("mail")}}));
  Must(w->MergeDuplicates(a, dup));

  dosti::FollowUpFilter of_a;
  of_a.enterprise_id = a.substr(0, 20);  // a prefix, as every id argument takes
  std::vector<std::string> ids;
  for (const dosti::Record& f : Must(w->ListFollowUps(of_a))) ids.push_back(f.id);
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> want{fa, fd};
  std::sort(want.begin(), want.end());
  CHECK(ids == want);

  dosti::FollowUpFilter of_b;
  of_b.enterprise_id = b;
  CHECK(Must(w->ListFollowUps(of_b)).size() == 1);
  CHECK(Must(w->ListFollowUps()).size() == 3);

  dosti::FollowUpFilter unknown;
  unknown.enterprise_id = "ffffffffffffffffffffffffffffffff";
  auto r = w->ListFollowUps(unknown);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == dosti::ErrorCode::kNotFound);
}

TEST_CASE("Each identifier type has the label key its messages nest", "[core][display]") {
  using dosti::IdentifierType;
  CHECK(dosti::IdentifierLabelKey(IdentifierType::kCnUscc) == "identifier.label.uscc");
  CHECK(dosti::IdentifierLabelKey(IdentifierType::kOther) == "identifier.label.identifier");
  for (auto t : {IdentifierType::kCnUscc, IdentifierType::kCnLegacyRegno, IdentifierType::kPkSecp,
                 IdentifierType::kPkNtn, IdentifierType::kPkNtnCnic, IdentifierType::kOther}) {
    CHECK(dosti::HasKey(dosti::IdentifierLabelKey(t)));
  }
}
