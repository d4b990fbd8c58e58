// The booth's composite calls (dosti/booth.h): quick capture in one transaction, and what this
// device recorded today.
#include <catch2/catch.hpp>

#include "core/session_fixture.h"
#include "dosti/booth.h"
#include "dosti/replica.h"

namespace dosti {
namespace {

using testing::Must;
using testing::Workspace;

int64_t OwnCommits(Workspace& w) {
  auto frontier = Must(Replica(*w.session).GetFrontier());
  return frontier[Must(w->Info()).device_id];
}

TEST_CASE("A quick capture saves the enterprise with its identifier and contact as one change",
          "[core][booth]") {
  Workspace w("beijing");
  int64_t before = OwnCommits(w);
  VisitorCapture c;
  c.enterprise = {{"country", std::string("CN")}, {"name", std::string("北京测试科技有限公司")}};
  c.identifier = "91110000600037341L";
  c.contact = {{"full_name", std::string("王伟")},
               {"mobile", std::string("138 0013 8000")},
               {"consent_contact", std::string("1")}};
  auto saved = Must(CaptureVisitor(*w.session, c));
  CHECK(OwnCommits(w) == before + 1);
  auto e = Must(w->GetEnterprise(saved.enterprise_id));
  REQUIRE(e.identifiers.size() == 1);
  CHECK(e.identifiers[0].type == IdentifierType::kCnUscc);
  auto contact = Must(w->GetContact(saved.contact_id));
  CHECK(contact.Text("mobile") == "+8613800138000");
  CHECK(contact.Text("enterprise_id") == saved.enterprise_id);

  // A Pakistani enterprise's number is its NTN; a capture without a contact saves none.
  VisitorCapture pk;
  pk.enterprise = {{"country", std::string("PK")}, {"name", std::string("Lahore Looms")}};
  pk.identifier = "1234567-8";
  auto pk_saved = Must(CaptureVisitor(*w.session, pk));
  CHECK(pk_saved.contact_id.empty());
  auto pk_view = Must(w->GetEnterprise(pk_saved.enterprise_id));
  REQUIRE(pk_view.identifiers.size() == 1);
  CHECK(pk_view.identifiers[0].type == IdentifierType::kPkNtn);
}

TEST_CASE("A quick capture whose contact is refused saves nothing and names the contact's field",
          "[core][booth]") {
  Workspace w("islamabad");
  int64_t before = OwnCommits(w);
  VisitorCapture c;
  c.enterprise = {{"country", std::string("PK")}, {"name", std::string("Karachi Steel")}};
  c.contact = {{"full_name", std::string("Ali Raza")}, {"mobile", std::string("12")}};
  auto r = CaptureVisitor(*w.session, c);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kBadPhone);
  CHECK(r.error().field == "contact.mobile");
  CHECK(OwnCommits(w) == before);
  CHECK(Must(w->Search("Karachi Steel", 5)).empty());
}

TEST_CASE("Today at this booth counts what this device recorded in its office's day",
          "[core][booth]") {
  Workspace w("beijing");  // 2024-06-15, 12:00 in Beijing
  auto empty = Must(BoothToday(*w.session));
  CHECK(FormatDate(empty.date) == "2024-06-15");
  CHECK(empty.enterprises == 0);
  VisitorCapture c;
  c.enterprise = {{"country", std::string("CN")}, {"name", std::string("展台一号公司")}};
  c.contact = {{"full_name", std::string("李娜")}};
  auto saved = Must(CaptureVisitor(*w.session, c));
  Must(w->AddServiceLog({{"enterprise_id", saved.enterprise_id},
                         {"category", std::string("strategy")},
                         {"service_date", std::string("2024-06-15")},
                         {"minutes", int64_t{15}},
                         {"summary", std::string("Met at the booth")}}));
  auto today = Must(BoothToday(*w.session));
  CHECK(today.enterprises == 1);
  CHECK(today.contacts == 1);
  CHECK(today.services == 1);
  // 16:30 UTC is 00:30 the next day in Beijing: a new day at the booth.
  w.clock.Advance(int64_t{12} * 3'600'000 + 30 * 60'000);
  auto tomorrow = Must(BoothToday(*w.session));
  CHECK(FormatDate(tomorrow.date) == "2024-06-16");
  CHECK(tomorrow.enterprises == 0);
  CHECK(tomorrow.services == 0);
}

}  // namespace
}  // namespace dosti
