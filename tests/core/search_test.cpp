// "Already ours?" search in Chinese, Latin and Urdu script.
#include <catch2/catch.hpp>

#include "dosti/session.h"
#include "session_fixture.h"

using namespace dosti;
using dosti::testing::Workspace;

namespace {

struct SearchWorkspace : Workspace {
  std::string huawei, zte, indus, systems;
  SearchWorkspace() {
    huawei = session
                 ->AddEnterprise({{"country", std::string("CN")},
                                  {"name", std::string("华为技术有限公司")},
                                  {"name_en", std::string("Huawei Technologies Co., Ltd.")},
                                  {"short_name", std::string("华为")}},
                                 {{IdentifierType::kCnUscc, "91110000600037341L"}})
                 ->id;
    zte = session
              ->AddEnterprise({{"country", std::string("CN")},
                               {"name", std::string("中兴通讯股份有限公司")},
                               {"name_en", std::string("ZTE Corporation")}})
              ->id;
    indus = session
                ->AddEnterprise({{"country", std::string("PK")},
                                 {"name", std::string("Indus Data Systems (Pvt.) Ltd")},
                                 {"name_ur", std::string("انڈس ڈیٹا سسٹمز")}},
                                {{IdentifierType::kPkNtn, "1234567-8"}})
                ->id;
    systems = session
                  ->AddEnterprise({{"country", std::string("PK")},
                                   {"name", std::string("Systems Limited")},
                                   {"name_ur", std::string("سسٹمز لمیٹڈ")}})
                  ->id;
    auto c = session->AddContact({{"enterprise_id", indus},
                                  {"full_name", std::string("Ali Raza")},
                                  {"mobile", std::string("0300-1234567")},
                                  {"email", std::string("ali@indus.pk")}});
    if (!c) throw std::runtime_error(c.error().message);
    auto d = session->AddContact({{"enterprise_id", huawei},
                                  {"full_name", std::string("王伟")},
                                  {"wechat", std::string("wangwei_hw")}});
    if (!d) throw std::runtime_error(d.error().message);
  }

  std::vector<SearchHit> Find(const std::string& q) {
    auto hits = session->Search(q);
    REQUIRE(hits);
    return *hits;
  }
};

bool Has(const std::vector<SearchHit>& hits, const std::string& id, MatchReason reason) {
  for (const SearchHit& h : hits) {
    if (h.enterprise_id == id && h.reason == reason) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Two Chinese characters find the enterprise through the LIKE fallback", "[core][search]") {
  SearchWorkspace w;
  auto hits = w.Find("华为");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].enterprise_id == w.huawei);
  CHECK(hits[0].reason == MatchReason::kSubstring);
}

TEST_CASE("Three or more Chinese characters use the trigram index", "[core][search]") {
  SearchWorkspace w;
  CHECK(Has(w.Find("兴通讯股份"), w.zte, MatchReason::kSubstring));
  CHECK(Has(w.Find("技术有限"), w.huawei, MatchReason::kSubstring));
  CHECK(w.Find("腾讯科技").empty());
}

TEST_CASE("Latin search ignores case and finds any name variant", "[core][search]") {
  SearchWorkspace w;
  CHECK(Has(w.Find("huawei"), w.huawei, MatchReason::kSubstring));
  CHECK(Has(w.Find("zte"), w.zte, MatchReason::kSubstring));
  auto systems = w.Find("SYSTEMS");
  CHECK(Has(systems, w.systems, MatchReason::kSameName));
  CHECK(Has(systems, w.indus, MatchReason::kSubstring));
}

TEST_CASE("Urdu search finds substrings of the Urdu name", "[core][search]") {
  SearchWorkspace w;
  CHECK(Has(w.Find("انڈس"), w.indus, MatchReason::kSubstring));
  auto both = w.Find("سسٹمز");
  CHECK(Has(both, w.indus, MatchReason::kSubstring));
  CHECK(Has(both, w.systems, MatchReason::kSubstring));
}

TEST_CASE("The same name with another legal suffix is recognised", "[core][search]") {
  SearchWorkspace w;
  CHECK(Has(w.Find("华为技术"), w.huawei, MatchReason::kSameName));
  CHECK(Has(w.Find("Indus Data Systems Private Limited"), w.indus, MatchReason::kSameName));
}

TEST_CASE("Identifiers, phones, e-mail and WeChat match exactly and rank first",
          "[core][search]") {
  SearchWorkspace w;
  auto by_uscc = w.Find("９１１１００００６０００３７３４１ｌ");
  REQUIRE_FALSE(by_uscc.empty());
  CHECK(by_uscc[0].enterprise_id == w.huawei);
  CHECK(by_uscc[0].reason == MatchReason::kIdentifier);
  CHECK(Has(w.Find("12345678"), w.indus, MatchReason::kIdentifier));
  CHECK(Has(w.Find("0092 300 1234567"), w.indus, MatchReason::kPhone));
  CHECK(Has(w.Find("ALI@indus.pk"), w.indus, MatchReason::kEmail));
  CHECK(Has(w.Find("wangwei_hw"), w.huawei, MatchReason::kWechat));
}

TEST_CASE("Phones typed with full-width or Urdu digits find their contact",
          "[core][search][phone]") {
  SearchWorkspace w;
  REQUIRE(w->AddContact({{"enterprise_id", w.zte},
                         {"full_name", std::string("李娜")},
                         {"mobile", std::string("139 0013 9000")}}));
  // What a Chinese IME types, and what an Urdu keyboard types: as contact add accepts them.
  CHECK(Has(w.Find("１３９ ００１３ ９０００"), w.zte, MatchReason::kPhone));
  CHECK(Has(w.Find("۰۳۰۰۱۲۳۴۵۶۷"), w.indus, MatchReason::kPhone));
  CHECK(Has(w.Find("٠٣٠٠-١٢٣٤٥٦٧"), w.indus, MatchReason::kPhone));  // Arabic-Indic
  // And with the country code typed without its +.
  CHECK(Has(w.Find("92 300 1234567"), w.indus, MatchReason::kPhone));
  CHECK(Has(w.Find("86 139 0013 9000"), w.zte, MatchReason::kPhone));
}

TEST_CASE("A misspelt name is offered as similar", "[core][search]") {
  SearchWorkspace w;
  CHECK(Has(w.Find("Indus Data Sytems"), w.indus, MatchReason::kSimilarName));
}

TEST_CASE("Archived enterprises are not offered and odd input is harmless", "[core][search]") {
  SearchWorkspace w;
  REQUIRE(w->ArchiveEnterprise(w.zte, true));
  CHECK(w.Find("中兴通讯").empty());
  CHECK(w.Find("\"; DROP TABLE enterprise; --").empty());
  CHECK(w.Find("%").empty());
  CHECK(w.Find("   ").empty());
  CHECK_FALSE(w->Search(std::string("\xff\xfe", 2)));
}
