// CSV reading and writing (csv_format), the enterprise import and the table export.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "dosti/csv.h"
#include "dosti/session.h"
#include "schema.h"

namespace dosti {
namespace {

int64_t MsAt(Date d) { return DaysFromCivil(d) * 86'400'000 + 4 * 3'600'000; }

struct CsvWorkspace {
  ManualClock clock{MsAt({2025, 3, 15})};
  SeededRandom random{11};
  std::unique_ptr<Session> session;
  CsvWorkspace() {
    auto s = Session::Open(":memory:", {&clock, &random});
    REQUIRE(s);
    session = std::move(*s);
    REQUIRE(session->Init("beijing", ""));
  }
  Session* operator->() { return session.get(); }
};

// A fresh directory under the system's temporary directory, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    SeededRandom r(
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    path = std::filesystem::temp_directory_path() /
           ("dosti-csv-test-" + std::to_string(r.Next() % 1'000'000'000));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A USCC with a correct check character, from its first 17 characters.
std::string Uscc(const std::string& first17) { return first17 + UsccCheckCharacter(first17); }

}  // namespace

TEST_CASE(
    "CSV fields with quotes, commas, line breaks, Chinese and Urdu survive writing and reading",
    "[core][csv]") {
  std::vector<std::string> fields = {
      "plain",          "a, with comma",        "say \"hello\"",   "two\nlines",
      "crlf\r\ninside", "北京智联科技有限公司", "انڈس ڈیٹا سسٹمز", "",
      " padded "};
  std::string text;
  csv::AppendRow(text, fields);
  csv::AppendRow(text, {"second", "row"});
  CHECK(text.substr(0, 21) == "plain,\"a, with comma\"");
  CHECK(text.find("\"say \"\"hello\"\"\"") != std::string::npos);
  CHECK(text.substr(text.size() - 2) == "\r\n");

  auto rows = csv::Parse(text);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].fields == fields);
  CHECK((*rows)[0].line == 1);
  CHECK((*rows)[1].line == 4);  // the first record spans lines 1-3
  CHECK((*rows)[1].fields == std::vector<std::string>{"second", "row"});
}

TEST_CASE("The CSV reader accepts a byte order mark, LF, CRLF, CR and no final line end",
          "[core][csv]") {
  for (std::string text :
       {std::string("\xEF\xBB\xBF"
                    "a,b\r\n1,2\r\n"),
        std::string("a,b\n1,2"), std::string("a,b\r1,2\r"), std::string("a,b\n\n1,2\n\n")}) {
    auto rows = csv::Parse(text);
    REQUIRE(rows);
    REQUIRE(rows->size() == 2);
    CHECK((*rows)[0].fields == std::vector<std::string>{"a", "b"});
    CHECK((*rows)[1].fields == std::vector<std::string>{"1", "2"});
  }
  auto trailing = csv::Parse("a,b,\n\"\",x\n");
  REQUIRE(trailing);
  CHECK((*trailing)[0].fields == std::vector<std::string>{"a", "b", ""});
  CHECK((*trailing)[1].fields == std::vector<std::string>{"", "x"});
}

TEST_CASE("The CSV reader names the line of a malformed record", "[core][csv]") {
  auto unclosed = csv::Parse("a,b\n1,2\n3,\"never closed\n4,5\n");
  REQUIRE_FALSE(unclosed);
  CHECK(unclosed.error().code == ErrorCode::kBadCsv);
  CHECK(unclosed.error().message.rfind("line 3:", 0) == 0);

  auto stray = csv::Parse("a,b\nab\"c,2\n");
  REQUIRE_FALSE(stray);
  CHECK(stray.error().message.rfind("line 2:", 0) == 0);

  auto after = csv::Parse("a,b\n\"x\"y,2\n");
  REQUIRE_FALSE(after);
  CHECK(after.error().message.rfind("line 2:", 0) == 0);
}

TEST_CASE("Importing enterprises from CSV stores every row with its identifiers", "[core][csv]") {
  CsvWorkspace w;
  std::string good = Uscc("91110108MA01ABCDE");
  std::string bad_check = "91350100M0001TGQXM";  // real, but fails the check character
  std::string csv =
      "\xEF\xBB\xBF"
      "country,name,name_en,name_ur,short_name,sector,region,city,address,founded_year,"
      "employees,uscc,ntn,secp\r\n"
      "CN,北京智联科技有限公司,\"Beijing Zhilian Technology Co., Ltd.\",,智联,6201,CN-BJ,Beijing,"
      "\"北京市海淀区中关村大街27号\n3层\",2015,120," +
      good +
      ",,\r\n"
      "PK,Indus Data Systems (Pvt.) Ltd,,انڈس ڈیٹا سسٹمز,\"The \"\"Indus\"\"\",6311,PK-IS,"
      "Islamabad,\"Office 4, Blue Area\",2010,45,,1234567-8,0012345\r\n"
      "CN,福建老字号有限公司,,,,,cn-fj,Fuzhou,,,," +
      bad_check + ",,\r\n";
  std::vector<std::pair<int64_t, std::string>> calls;
  auto summary =
      w->ImportEnterprisesCsv(csv, [&](int64_t done, int64_t total, std::string_view what) {
        calls.emplace_back(done, std::string(what));
        CHECK(total == 3);
      });
  REQUIRE(summary);
  CHECK(summary->rows == 3);
  CHECK(summary->imported == 3);
  CHECK(calls.back() == std::pair<int64_t, std::string>{3, "importing"});
  // The checksum warning is saved, with the line it came from.
  bool warned = false;
  for (const Issue& i : summary->warnings) {
    if (i.field == "line 5: uscc") warned = true;  // line 2-3 is one record
  }
  CHECK(warned);

  auto all = w->ListEnterprises();
  REQUIRE(all);
  REQUIRE(all->size() == 3);
  auto hits = w->Search(good);
  REQUIRE(hits);
  REQUIRE_FALSE(hits->empty());
  auto cn = w->GetEnterprise(hits->front().enterprise_id);
  REQUIRE(cn);
  CHECK(cn->record.Text("name_en") == "Beijing Zhilian Technology Co., Ltd.");
  CHECK(cn->record.Text("address") == "北京市海淀区中关村大街27号\n3层");
  CHECK(cn->record.Int("employees") == 120);
  CHECK(cn->record.Text("source") == "import");
  REQUIRE(cn->identifiers.size() == 1);
  CHECK(cn->identifiers[0].check == IdentifierCheck::kValid);

  auto pk_hits = w->Search("انڈس ڈیٹا");
  REQUIRE(pk_hits);
  REQUIRE_FALSE(pk_hits->empty());
  auto pk = w->GetEnterprise(pk_hits->front().enterprise_id);
  REQUIRE(pk);
  CHECK(pk->record.Text("short_name") == "The \"Indus\"");
  CHECK(pk->record.Text("address") == "Office 4, Blue Area");
  CHECK(pk->identifiers.size() == 2);
}

TEST_CASE("A CSV file with one bad row imports nothing and names the line", "[core][csv]") {
  CsvWorkspace w;
  std::string csv =
      "country,name,uscc\n"
      "CN,北京甲科技有限公司," +
      Uscc("91110108MA01AAAAA") +
      "\n"
      "CN,\"北京乙科技\n有限公司\"," +
      Uscc("91110108MA01BBBBB") +
      "\n"
      "CN,北京丙科技有限公司,91110108MA01-NOT-A-USCC\n"
      "PK,Ravi Software (Pvt.) Ltd,\n";
  auto r = w->ImportEnterprisesCsv(csv);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kBadCsv);
  // The quoted name spans lines 3-4, so the bad row starts on line 5.
  CHECK(r.error().message.find("line 5: uscc:") != std::string::npos);
  CHECK(r.error().message.find("line 2") == std::string::npos);
  CHECK(r.error().message.find("nothing was imported") != std::string::npos);
  auto all = w->ListEnterprises();
  REQUIRE(all);
  CHECK(all->empty());
}

TEST_CASE("Every error of a bad CSV file is listed, up to twenty lines", "[core][csv]") {
  CsvWorkspace w;
  std::string csv = "country,name,sector\n";
  for (int i = 0; i < 25; ++i) csv += "XX,Name " + std::to_string(i) + ",6201\n";
  csv += "CN,北京好科技有限公司,62010\n";  // sector with five digits
  csv += "PK,Two fields only\n";
  auto r = w->ImportEnterprisesCsv(csv);
  REQUIRE_FALSE(r);
  const std::string& m = r.error().message;
  CHECK(m.rfind("27 rows have errors", 0) == 0);
  CHECK(m.find("line 2: country must be one of CN, PK; got 'XX'") != std::string::npos);
  CHECK(m.find("line 21:") != std::string::npos);
  CHECK(m.find("line 22:") == std::string::npos);
  CHECK(m.find("… and 7 more") != std::string::npos);
  auto all = w->ListEnterprises();
  REQUIRE(all);
  CHECK(all->empty());
}

TEST_CASE("A CSV header with an unknown or repeated column is refused by name", "[core][csv]") {
  CsvWorkspace w;
  auto unknown = w->ImportEnterprisesCsv("country,name,turnover\nCN,北京某科技有限公司,5\n");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kBadCsv);
  CHECK(unknown.error().message.find("line 1: unknown column 'turnover'") != std::string::npos);

  auto twice = w->ImportEnterprisesCsv("country,name,Name\nCN,a,b\n");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().message.find("'name' appears twice") != std::string::npos);

  auto no_name = w->ImportEnterprisesCsv("country,city\nCN,Beijing\n");
  REQUIRE_FALSE(no_name);
  CHECK(no_name.error().message.find("the header needs the columns name") != std::string::npos);

  auto empty = w->ImportEnterprisesCsv("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == ErrorCode::kBadCsv);
}

TEST_CASE("Import reports progress every hundred rows", "[core][csv]") {
  CsvWorkspace w;
  std::string csv = "country,name\n";
  for (int i = 0; i < 250; ++i) csv += "PK,Enterprise " + std::to_string(i) + " (Pvt.) Ltd\n";
  std::vector<int64_t> importing;
  auto r = w->ImportEnterprisesCsv(csv, [&](int64_t done, int64_t total, std::string_view what) {
    if (what == "importing") importing.push_back(done);
  });
  REQUIRE(r);
  CHECK(r->imported == 250);
  CHECK(importing == std::vector<int64_t>{100, 200, 250});
}

TEST_CASE("Export writes one CSV per replicated table with a BOM, CRLF and a header row",
          "[core][csv][native]") {
  CsvWorkspace w;
  REQUIRE(
      w->ImportEnterprisesCsv("country,name,address\n"
                              "CN,北京智联科技有限公司,\"中关村, \"\"27\"\"号\n3层\"\n"
                              "PK,Indus Data Systems (Pvt.) Ltd,انڈس\n"));
  TempDir tmp;
  std::filesystem::path dir = tmp.path / "out" / "nested";  // created when missing
  auto files = w->ExportCsv(dir.string());
  REQUIRE(files);
  REQUIRE(files->size() == ReplicatedTables().size());
  for (size_t i = 0; i < files->size(); ++i) {
    std::filesystem::path p((*files)[i]);
    CHECK(p.filename().string() == std::string(ReplicatedTables()[i]) + ".csv");
    std::string bytes = ReadFile(p);
    CHECK(bytes.rfind("\xEF\xBB\xBF"
                      "id,created_at,updated_at,origin_device,archived",
                      0) == 0);
    CHECK(bytes.substr(bytes.size() - 2) == "\r\n");
  }

  std::string enterprise = ReadFile(dir / "enterprise.csv");
  CHECK(enterprise.find("seq") == std::string::npos);
  CHECK(enterprise.find("name_key") == std::string::npos);
  auto rows = csv::Parse(enterprise);
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  const std::vector<std::string>& header = (*rows)[0].fields;
  auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::set<std::string> addresses, names;
  for (size_t r = 1; r < rows->size(); ++r) {
    REQUIRE((*rows)[r].fields.size() == header.size());
    addresses.insert((*rows)[r].fields[column("address")]);
    names.insert((*rows)[r].fields[column("name")]);
  }
  CHECK(addresses == std::set<std::string>{"中关村, \"27\"号\n3层", "انڈس"});
  CHECK(names == std::set<std::string>{"北京智联科技有限公司", "Indus Data Systems (Pvt.) Ltd"});
  // No temporary files are left behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    CHECK(entry.path().extension() == ".csv");
  }
}

TEST_CASE("Export to a path that cannot be a directory fails with an I/O error",
          "[core][csv][native]") {
  CsvWorkspace w;
  TempDir tmp;
  std::filesystem::path file = tmp.path / "plain-file";
  std::ofstream(file) << "x";
  auto r = w->ExportCsv((file / "sub").string());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kIo);
}

}  // namespace dosti
