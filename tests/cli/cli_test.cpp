// The `dosti` command line, run in-process through RunCli against a temporary database file,
// with a manual clock so that dates repeat. Each test checks exit code, stdout and stderr the
// way a script would.
#include "cli.h"
#include "cli/cli_fixture.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "dosti/csv.h"
#include "dosti/date.h"
#include "dosti/json.h"
#include "dosti/platform.h"

namespace {

using dosti::testing::Run;
using dosti::testing::TempPath;

using dosti::cli::Environment;
using dosti::cli::RunCli;

using dosti::testing::Cli;
using dosti::testing::CountIds;
using dosti::testing::Exists;
using dosti::testing::HasKey;
using dosti::testing::JsonInt;
using dosti::testing::JsonText;
using dosti::testing::kCompleteCn;
using dosti::testing::kDay;
using dosti::testing::MsAt;
using dosti::testing::RequireRefused;
using dosti::testing::RequireUsage;

}  // namespace

// [SECTION] Workspace, help and global options

TEST_CASE("Init creates the workspace and a second init is refused", "[cli]") {
  Cli cli;
  Run first = cli({"init", "--office", "beijing", "--workspace-name", "Beijing desk"});
  REQUIRE(first.code == 0);
  REQUIRE(first.err.empty());
  Run info = cli.Json({"info"});
  REQUIRE(info.code == 0);
  CHECK(info.out.find("\"initialised\": true") != std::string::npos);
  CHECK(JsonText(info.out, "office") == "beijing");
  CHECK(JsonText(info.out, "workspace_name") == "Beijing desk");
  CHECK(JsonInt(info.out, "schema_version") >= 2);

  Run second = cli({"init", "--office", "islamabad"});
  RequireRefused(second);
  CHECK(second.err.find("already") != std::string::npos);
  CHECK(JsonText(cli.Json({"info"}).out, "office") == "beijing");
}

TEST_CASE("Init with an unknown office is a usage error and creates no database", "[cli]") {
  Cli cli;
  RequireUsage(cli({"init", "--office", "shanghai"}));
  RequireUsage(cli({"init"}));
  CHECK_FALSE(Exists(cli.path()));
}

TEST_CASE("Commands on an uninitialised database give the core's not-initialised message",
          "[cli]") {
  Cli cli;
  for (std::vector<std::string> args : {std::vector<std::string>{"enterprise", "list"},
                                        {"enterprise", "add", "--country", "CN", "--name", "X"},
                                        {"report", "progress"},
                                        {"followup", "list", "--json"}}) {
    Run r = cli(args);
    RequireRefused(r);
    CHECK(r.err ==
          "error: this database has no workspace yet; run: dosti init --office "
          "beijing|islamabad\n");
  }
  // Only init creates the file.
  CHECK_FALSE(Exists(cli.path()));
}

TEST_CASE("Info works before init and names the database", "[cli]") {
  Cli cli;
  Run human = cli({"info"});
  REQUIRE(human.code == 0);
  CHECK(human.out.find(cli.path()) != std::string::npos);
  CHECK(human.out.find("dosti init") != std::string::npos);
  Run json = cli.Json({"info"});
  REQUIRE(json.code == 0);
  CHECK(json.out.find("\"initialised\": false") != std::string::npos);
  CHECK_FALSE(Exists(cli.path()));
}

TEST_CASE("Help and version print to stdout and exit 0", "[cli]") {
  Cli cli;
  for (std::vector<std::string> args : {std::vector<std::string>{"help"},
                                        {"--help"},
                                        {"-h"},
                                        {"enterprise", "--help"},
                                        {"help", "report"},
                                        {"report", "services", "--help"}}) {
    Run r = cli(args);
    INFO(args.front());
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("usage: dosti") != std::string::npos);
  }
  Run all = cli({"help"});
  for (const char* command :
       {"dosti init", "dosti enterprise add", "dosti enterprise search", "dosti contact list",
        "dosti service add", "dosti enroll", "dosti match stage", "dosti followup done",
        "dosti report landing", "dosti import enterprises", "dosti export", "dosti demo seed"}) {
    CHECK(all.out.find(command) != std::string::npos);
  }
  Run zh = cli({"help", "--lang", "zh"});
  CHECK(zh.out.find("添加企业") != std::string::npos);
  Run version = cli({"--version"});
  REQUIRE(version.code == 0);
  CHECK(version.out.rfind("dosti ", 0) == 0);
}

TEST_CASE("Unknown commands, options and values are usage errors", "[cli]") {
  Cli cli;
  cli.Init();
  RequireUsage(cli({"frobnicate"}));
  RequireUsage(cli({}));
  RequireUsage(cli({"enterprise"}));
  RequireUsage(cli({"enterprise", "explode"}));
  RequireUsage(cli({"enterprise", "list", "--colour"}));
  RequireUsage(cli({"enterprise", "add", "--country", "CN"}));            // missing --name
  RequireUsage(cli({"enterprise", "add", "--country", "CN", "--name"}));  // missing value
  RequireUsage(cli({"enterprise", "add", "--country", "XX", "--name", "A"}));
  RequireUsage(cli({"enterprise", "get"}));  // missing ID
  RequireUsage(cli({"enterprise", "get", "abcdef", "extra"}));
  RequireUsage(cli({"enterprise", "list", "--limit", "ten"}));
  RequireUsage(cli({"enterprise", "list", "--lang", "fr"}));
  RequireUsage(cli({"enterprise", "list", "--country", "CN", "--country", "PK"}));
  RequireUsage(cli({"enterprise", "list", "--include-archived=yes"}));
  RequireUsage(cli({"report", "services", "--month", "June"}));
  RequireUsage(cli({"report", "progress", "--as-of", "2024-02-30"}));
  RequireUsage(cli({"demo", "seed", "--enterprises", "many"}));
  // Nothing was written by any of them.
  CHECK(cli.Json({"enterprise", "list"}).out == "[]\n");
}

TEST_CASE("Global options may stand before or after the command", "[cli]") {
  Cli cli;
  std::string other = TempPath(".db");
  Run init = cli({"init", "--db", other, "--office", "islamabad"});
  REQUIRE(init.code == 0);
  Run before = cli({"--db", other, "--json", "info"});
  Run after = cli({"info", "--json", "--db=" + other});
  REQUIRE(before.code == 0);
  REQUIRE(after.code == 0);
  CHECK(before.out == after.out);
  CHECK(JsonText(after.out, "office") == "islamabad");
  Run lang = cli({"enterprise", "list", "--db", other, "--lang", "zh"});
  CHECK(lang.code == 0);
  CHECK(lang.out == "（无）\n");
  for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::remove((other + suffix).c_str());
}

TEST_CASE("$DOSTI_DB is used when there is no --db, and --db wins over it", "[cli]") {
  Cli cli;
  cli.Init("beijing");  // through $DOSTI_DB
  REQUIRE(Exists(cli.path()));
  std::string other = TempPath(".db");
  REQUIRE(cli({"init", "--office", "islamabad", "--db", other}).code == 0);
  CHECK(JsonText(cli.Json({"info"}).out, "office") == "beijing");
  CHECK(JsonText(cli.Json({"info", "--db", other}).out, "office") == "islamabad");
  // Without $DOSTI_DB and --db the file is ./dosti.db.
  Environment no_env;
  no_env.clock = &cli.clock;
  Run r = cli.RunWith({"info"}, no_env);
  CHECK(r.code == 0);
  CHECK(r.out.find("./dosti.db") != std::string::npos);
  for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::remove((other + suffix).c_str());
}

TEST_CASE("A --db that is not a database is refused and left untouched", "[cli]") {
  Cli cli;
  std::string path = TempPath(".txt");
  const std::string content = "name,city\nnot a database,Lahore\n";
  { std::ofstream(path, std::ios::binary) << content; }
  for (std::vector<std::string> args :
       {std::vector<std::string>{"enterprise", "list", "--db", path},
        {"init", "--office", "beijing", "--db", path},
        {"info", "--db", path}}) {
    Run r = cli(args);
    RequireRefused(r);
    CHECK(r.err.find("not a database") != std::string::npos);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream now;
  now << in.rdbuf();
  CHECK(now.str() == content);
  std::remove(path.c_str());
}

TEST_CASE("Errors in --json mode still go to stderr as one line", "[cli]") {
  Cli cli;
  cli.Init();
  RequireRefused(cli.Json({"enterprise", "get", "0123456789abcdef0123456789abcdef"}));
  RequireRefused(
      cli.Json({"enterprise", "add", "--country", "CN", "--name", "X", "--uscc", "123"}));
  Run usage = cli.Json({"enterprise", "get"});
  RequireUsage(usage);
}

// [SECTION] Enterprises

TEST_CASE("enterprise add with a valid USCC prints the id and no warnings", "[cli]") {
  Cli cli;
  cli.Init();
  Run r = cli.Json({"enterprise", "add", "--country", "CN", "--name", "联想（北京）有限公司",
                    "--uscc", "91110108772551611J", "--city", "北京"});
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK(Cli::Id(r.out).size() == 32);
  CHECK(r.out.find("\"warnings\": []") != std::string::npos);

  Run human = cli({"enterprise", "add", "--country", "PK", "--name", "Systems Limited"});
  REQUIRE(human.code == 0);
  CHECK(human.out.rfind("Added enterprise ", 0) == 0);
  CHECK(human.err.empty());
}

TEST_CASE("enterprise add normalises a full-width USCC typed with a Chinese IME", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "某科技有限公司", "--uscc",
                            "９１１１０１０８７７２５５１６１１Ｊ"});
  Run get = cli.Json({"enterprise", "get", id});
  REQUIRE(get.code == 0);
  CHECK(JsonText(get.out, "type") == "CN_USCC");
  CHECK(JsonText(get.out, "value") == "91110108772551611J");
  CHECK(JsonText(get.out, "check") == "valid");
}

TEST_CASE("enterprise add refuses a USCC in the wrong format and saves nothing", "[cli]") {
  Cli cli;
  cli.Init();
  Run r = cli({"enterprise", "add", "--country", "CN", "--name", "坏号码有限公司", "--uscc",
               "9111010877255161IJ"});  // 'I' is not in the USCC alphabet
  RequireRefused(r);
  CHECK(r.err.find("USCC") != std::string::npos);
  CHECK(cli.Json({"enterprise", "list"}).out == "[]\n");
}

TEST_CASE("enterprise add saves a USCC failing its check character, with a warning", "[cli]") {
  Cli cli;
  cli.Init();
  Run human = cli({"enterprise", "add", "--country", "CN", "--name", "福州某公司", "--uscc",
                   "91350100M0001TGQXM"});
  REQUIRE(human.code == 0);
  REQUIRE(human.ErrLines().size() == 1);
  CHECK(human.err.rfind("warning: ", 0) == 0);

  Run json = cli.Json({"enterprise", "add", "--country", "CN", "--name", "厦门某公司", "--uscc",
                       "91350203M0001QAY9B"});
  REQUIRE(json.code == 0);
  CHECK(json.err.empty());  // in --json mode the warnings travel in the output, with their
                            // codes and catalog keys
  CHECK(JsonInt(json.out, "code") == static_cast<int64_t>(dosti::ErrorCode::kBadIdentifier));
  CHECK(JsonText(json.out, "key") == "identifier.uscc.check");
  CHECK(JsonText(json.out, "field") == "uscc");
  Run get = cli.Json({"enterprise", "get", Cli::Id(json.out)});
  CHECK(JsonText(get.out, "check") == "checksum_warning");
}

TEST_CASE("enterprise add takes a PK NTN written 1234567-8", "[cli]") {
  Cli cli;
  cli.Init("islamabad");
  std::string id =
      cli.Add({"--country", "PK", "--name", "Lahore Software (Pvt.) Ltd", "--ntn", "1234567-8",
               "--secp", "CUIN-0012345", "--region", "PK-PB", "--city", "Lahore"});
  Run get = cli.Json({"enterprise", "get", id});
  REQUIRE(get.code == 0);
  CHECK(get.out.find("\"type\": \"PK_NTN\"") != std::string::npos);
  CHECK(get.out.find("\"value\": \"12345678\"") != std::string::npos);
  CHECK(get.out.find("\"type\": \"PK_SECP\"") != std::string::npos);
  CHECK(get.out.find("\"value\": \"0012345\"") != std::string::npos);
  // People see the NTN the way it is written.
  CHECK(cli({"enterprise", "get", id}).out.find("1234567-8") != std::string::npos);
}

TEST_CASE("enterprise get --json has every field of the contract", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id =
      cli.Add({"--country", "CN", "--name", "华为技术有限公司", "--name-en",
               "Huawei Technologies Co., Ltd.", "--short-name", "华为", "--website",
               "https://www.huawei.com", "--founded-year", "1987", "--employees", "207000"});
  Run get = cli.Json({"enterprise", "get", id});
  REQUIRE(get.code == 0);
  CHECK(get.out.rfind("{\n  \"id\": \"" + id + "\"", 0) == 0);
  for (const char* key :
       {"country",      "name",         "archived",  "identifiers",    "name_en", "name_zh",
        "name_ur",      "short_name",   "sector",    "region",         "city",    "address",
        "website",      "founded_year", "employees", "landing_status", "source",  "owning_office",
        "record_state", "created_at",   "updated_at"}) {
    INFO(key);
    CHECK(HasKey(get.out, key));
  }
  CHECK(JsonInt(get.out, "founded_year") == 1987);  // integers are numbers
  CHECK(JsonInt(get.out, "archived") == 0);
  CHECK(get.out.find("\"city\": null") != std::string::npos);  // NULL is null
  CHECK(get.out.find("\"identifiers\": []") != std::string::npos);
  CHECK_FALSE(HasKey(get.out, "name_key"));  // local columns stay inside the core
  CHECK_FALSE(HasKey(get.out, "seq"));
}

TEST_CASE("enterprise get shows a field/value list in the chosen language", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add(kCompleteCn);
  Run en = cli({"enterprise", "get", id});
  REQUIRE(en.code == 0);
  CHECK(en.out.find("Country") != std::string::npos);
  CHECK(en.out.find("China") != std::string::npos);
  CHECK(en.out.find("CN_USCC 91110000600037341L (valid)") != std::string::npos);
  Run zh = cli({"enterprise", "get", id, "--lang", "zh"});
  CHECK(zh.out.find("名称") != std::string::npos);
  CHECK(zh.out.find("中国") != std::string::npos);
  Run ur = cli({"--lang", "ur", "enterprise", "get", id});
  CHECK(ur.out.find("ملک") != std::string::npos);
  CHECK(ur.out.find("چین") != std::string::npos);
}

TEST_CASE("The CLI accepts an id as a unique prefix", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "前缀测试有限公司"});
  Run get = cli.Json({"enterprise", "get", id.substr(0, 24)});
  REQUIRE(get.code == 0);
  CHECK(Cli::Id(get.out) == id);
  RequireRefused(cli({"enterprise", "get", "abc"}));  // too short
}

TEST_CASE("enterprise set changes a field and refuses unknown and read-only ones", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "设置测试有限公司"});
  Run set = cli({"enterprise", "set", id, "city", "上海"});
  REQUIRE(set.code == 0);
  CHECK(JsonText(cli.Json({"enterprise", "get", id}).out, "city") == "上海");
  REQUIRE(cli({"enterprise", "set", id, "name_en", "Set Test Co., Ltd."}).code == 0);
  REQUIRE(cli({"enterprise", "set", id, "founded_year", "2015"}).code == 0);
  CHECK(JsonInt(cli.Json({"enterprise", "get", id}).out, "founded_year") == 2015);
  REQUIRE(cli({"enterprise", "set", id, "city", ""}).code == 0);  // "" clears
  CHECK(cli.Json({"enterprise", "get", id}).out.find("\"city\": null") != std::string::npos);

  RequireRefused(cli({"enterprise", "set", id, "colour", "blue"}));
  RequireRefused(cli({"enterprise", "set", id, "id", "0123456789abcdef0123456789abcdef"}));
  RequireRefused(cli({"enterprise", "set", id, "created_at", "0"}));
  RequireRefused(cli({"enterprise", "set", id, "identifiers", "x"}));
  RequireRefused(cli({"enterprise", "set", id, "founded_year", "soon"}));
  RequireRefused(cli({"enterprise", "set", id, "country", "XX"}));
  CHECK(JsonText(cli.Json({"enterprise", "get", id}).out, "country") == "CN");
}

TEST_CASE("enterprise list filters by country and search text", "[cli]") {
  Cli cli;
  cli.Init();
  cli.Add({"--country", "CN", "--name", "华为技术有限公司", "--short-name", "华为"});
  cli.Add({"--country", "CN", "--name", "小米科技有限责任公司"});
  cli.Add({"--country", "PK", "--name", "Systems Limited"});
  CHECK(CountIds(cli.Json({"enterprise", "list"}).out) == 3);
  CHECK(CountIds(cli.Json({"enterprise", "list", "--country", "CN"}).out) == 2);
  Run pk = cli.Json({"enterprise", "list", "--country", "PK"});
  CHECK(CountIds(pk.out) == 1);
  CHECK(JsonText(pk.out, "name") == "Systems Limited");
  Run search = cli.Json({"enterprise", "list", "--search", "小米"});
  CHECK(CountIds(search.out) == 1);
  CHECK(JsonText(search.out, "name") == "小米科技有限责任公司");
  CHECK(CountIds(cli.Json({"enterprise", "list", "--limit", "2"}).out) == 2);
  Run human = cli({"enterprise", "list"});
  CHECK(human.out.find("Systems Limited") != std::string::npos);
  CHECK(human.out.find("Pakistan") != std::string::npos);
}

TEST_CASE("enterprise search finds Chinese, Latin and Urdu names and says why", "[cli]") {
  Cli cli;
  cli.Init();
  std::string huawei = cli.Add({"--country", "CN", "--name", "华为技术有限公司", "--short-name",
                                "华为", "--uscc", "914403001922038216"});
  std::string systems =
      cli.Add({"--country", "PK", "--name", "Systems Limited", "--name-ur", "سسٹمز لمیٹڈ"});
  // Two characters: trigrams cannot match, the LIKE fallback does.
  Run two = cli.Json({"enterprise", "search", "华为"});
  REQUIRE(two.code == 0);
  CHECK(JsonText(two.out, "enterprise_id") == huawei);
  // Three or more: the FTS5 trigram index.
  Run three = cli.Json({"enterprise", "search", "为技术"});
  CHECK(JsonText(three.out, "enterprise_id") == huawei);
  CHECK(JsonText(three.out, "reason") == "substring");
  Run latin = cli.Json({"enterprise", "search", "systems"});
  CHECK(JsonText(latin.out, "enterprise_id") == systems);
  Run urdu = cli.Json({"enterprise", "search", "سسٹمز"});
  CHECK(JsonText(urdu.out, "enterprise_id") == systems);
  Run ident = cli.Json({"enterprise", "search", "914403001922038216"});
  CHECK(JsonText(ident.out, "reason") == "identifier");
  // People see the reason in their language.
  Run human = cli({"enterprise", "search", "914403001922038216"});
  CHECK(human.out.find("same identifier") != std::string::npos);
  Run zh = cli({"enterprise", "search", "华为", "--lang", "zh"});
  CHECK(zh.out.find("名称包含") != std::string::npos);
  Run none = cli({"enterprise", "search", "不存在的企业名"});
  CHECK(none.code == 0);
  CHECK(none.out == "(none)\n");
}

TEST_CASE("enterprise archive hides an enterprise from the list until unarchive", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "归档测试有限公司"});
  cli.Add({"--country", "CN", "--name", "保留有限公司"});
  Run archive = cli.Json({"enterprise", "archive", id});
  REQUIRE(archive.code == 0);
  CHECK(JsonInt(archive.out, "archived") == 1);
  Run list = cli.Json({"enterprise", "list"});
  CHECK(CountIds(list.out) == 1);
  CHECK(list.out.find(id) == std::string::npos);
  CHECK(CountIds(cli.Json({"enterprise", "list", "--include-archived"}).out) == 2);
  CHECK(JsonInt(cli.Json({"enterprise", "get", id}).out, "archived") == 1);
  REQUIRE(cli({"enterprise", "unarchive", id}).code == 0);
  CHECK(CountIds(cli.Json({"enterprise", "list"}).out) == 2);
  RequireRefused(cli({"enterprise", "archive", "0123456789abcdef0123456789abcdef"}));
}

TEST_CASE("identifier add attaches one identifier and refuses a bad one", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "补充证照有限公司"});
  Run add = cli.Json({"identifier", "add", "--enterprise", id, "--uscc", "91230184MA1BUFLT44"});
  REQUIRE(add.code == 0);
  CHECK(cli.Json({"enterprise", "get", id}).out.find("91230184MA1BUFLT44") != std::string::npos);
  RequireRefused(cli({"identifier", "add", "--enterprise", id, "--uscc", "12345"}));
  RequireUsage(cli({"identifier", "add", "--enterprise", id}));
  RequireUsage(cli({"identifier", "add", "--enterprise", id, "--uscc", "91230184MA1BUFLT44",
                    "--ntn", "1234567-8"}));
}

// [SECTION] Contacts

TEST_CASE("contact add normalises mobiles with the enterprise's country", "[cli]") {
  Cli cli;
  cli.Init();
  std::string pk = cli.Add({"--country", "PK", "--name", "Karachi Textiles (Pvt.) Ltd"});
  std::string cn = cli.Add({"--country", "CN", "--name", "手机测试有限公司"});
  Run a = cli.Json(
      {"contact", "add", "--enterprise", pk, "--name", "Ayesha Khan", "--mobile", "0300-1234567"});
  REQUIRE(a.code == 0);
  CHECK(JsonText(a.out, "mobile") == "+923001234567");
  Run b = cli.Json({"contact", "add", "--enterprise", cn, "--name", "王伟", "--mobile",
                    "138 0013 8000", "--wechat", "wangwei88"});
  REQUIRE(b.code == 0);
  CHECK(JsonText(b.out, "mobile") == "+8613800138000");
  Run none = cli.Json({"contact", "add", "--enterprise", cn, "--name", "李娜"});
  CHECK(none.out.find("\"mobile\": null") != std::string::npos);
  RequireRefused(
      cli({"contact", "add", "--enterprise", cn, "--name", "赵六", "--mobile", "call me"}));
  RequireRefused(cli(
      {"contact", "add", "--enterprise", "0123456789abcdef0123456789abcdef", "--name", "Nobody"}));
  // The phone finds the enterprise again.
  Run search = cli.Json({"enterprise", "search", "0300 1234567"});
  CHECK(JsonText(search.out, "enterprise_id") == pk);
  CHECK(JsonText(search.out, "reason") == "phone");
}

TEST_CASE("contact add makes an enterprise's first contact primary", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "联系人测试有限公司"});
  Run first = cli.Json({"contact", "add", "--enterprise", id, "--name", "张三", "--consent"});
  Run second = cli.Json({"contact", "add", "--enterprise", id, "--name", "李四"});
  CHECK(JsonInt(first.out, "is_primary") == 1);
  CHECK(JsonInt(second.out, "is_primary") == 0);
  Run list = cli.Json({"contact", "list", id});
  REQUIRE(list.code == 0);
  CHECK(CountIds(list.out) == 2);
  CHECK(JsonText(list.out, "full_name") == "张三");  // primary first
  CHECK(JsonInt(list.out, "consent_contact") == 1);
  Run human = cli({"contact", "list", id, "--lang", "zh"});
  CHECK(human.out.find("张三") != std::string::npos);
  CHECK(human.out.find("主要联系人") != std::string::npos);
}

TEST_CASE("contact add keeps a country code typed without + once", "[cli][phone]") {
  Cli cli;
  cli.Init();
  std::string cn = cli.Add({"--country", "CN", "--name", "北京星河科技有限公司"});
  std::string pk = cli.Add({"--country", "PK", "--name", "Indus Software (Pvt.) Ltd"});
  Run a = cli.Json({"contact", "add", "--enterprise", cn, "--name", "王伟", "--mobile",
                    "86 138 0013 8000", "--office-phone", "86 10 6512 3456"});
  REQUIRE(a.code == 0);
  CHECK(JsonText(a.out, "mobile") == "+8613800138000");
  CHECK(a.out.find("\"warnings\": []") != std::string::npos);
  Run b = cli.Json({"contact", "add", "--enterprise", pk, "--name", "Ayesha Khan", "--mobile",
                    "92 300 1234567"});
  CHECK(JsonText(b.out, "mobile") == "+923001234567");
  // An office line without its area code is saved, with a warning on stderr.
  Run c =
      cli({"contact", "add", "--enterprise", cn, "--name", "李娜", "--office-phone", "6512 3456"});
  REQUIRE(c.code == 0);
  CHECK(c.err.find("warning: +8665123456 looks like a local number without its area code") !=
        std::string::npos);
  // Searching with the digits a Chinese IME or an Urdu keyboard gives.
  Run fullwidth = cli.Json({"enterprise", "search", "１３８ ００１３ ８０００"});
  CHECK(JsonText(fullwidth.out, "enterprise_id") == cn);
  Run urdu = cli.Json({"enterprise", "search", "۰۳۰۰۱۲۳۴۵۶۷"});
  CHECK(JsonText(urdu.out, "enterprise_id") == pk);
  CHECK(JsonText(urdu.out, "reason") == "phone");
}

TEST_CASE("contact get shows every column and contact set edits one", "[cli]") {
  Cli cli;
  cli.Init();
  std::vector<std::string> complete = kCompleteCn;
  std::string e = cli.Add(complete);
  Run added = cli.Json({"contact", "add", "--enterprise", e, "--name", "刘洋"});
  std::string first = Cli::Id(added.out);
  REQUIRE_FALSE(first.empty());
  Run get = cli.Json({"contact", "get", first});
  REQUIRE(get.code == 0);
  for (const char* column :
       {"id", "enterprise_id", "full_name", "position", "mobile", "office_phone", "email", "wechat",
        "whatsapp", "preferred_language", "is_primary", "consent_contact", "consent_transfer",
        "consent_date", "consent_method", "archived", "created_at", "updated_at"}) {
    INFO(column);
    CHECK(HasKey(get.out, column));
  }
  CHECK(JsonInt(get.out, "is_primary") == 1);
  CHECK(JsonInt(get.out, "consent_contact") == 0);

  // The first contact had no consent: selection is refused until it is recorded.
  RequireRefused(cli({"enroll", e, "selected"}));
  Run consent = cli.Json({"contact", "set", first, "consent_contact", "1"});
  REQUIRE(consent.code == 0);
  CHECK(Cli::Id(consent.out) == first);
  CHECK(JsonInt(cli.Json({"contact", "get", first}).out, "consent_contact") == 1);
  CHECK(JsonText(cli.Json({"contact", "get", first}).out, "consent_date") == "2024-06-15");
  REQUIRE(cli({"enroll", e, "selected"}).code == 0);

  // The words of contact add work as FIELD too, and yes/no for flags.
  REQUIRE(cli({"contact", "set", first, "title", "总经理"}).code == 0);
  REQUIRE(cli({"contact", "set", first, "email", "Liu.Yang@Example.com"}).code == 0);
  REQUIRE(cli({"contact", "set", first, "consent-transfer", "yes"}).code == 0);
  REQUIRE(cli({"contact", "set", first, "wechat", "liuyang_88"}).code == 0);
  Run after = cli.Json({"contact", "get", first.substr(0, 10)});
  CHECK(JsonText(after.out, "position") == "总经理");
  CHECK(JsonText(after.out, "email") == "liu.yang@example.com");
  CHECK(JsonInt(after.out, "consent_transfer") == 1);
  Run human = cli({"contact", "get", first, "--lang", "zh"});
  REQUIRE(human.code == 0);
  CHECK(human.out.find("总经理") != std::string::npos);

  // Bad values, unknown fields and unknown contacts are refused and change nothing.
  RequireRefused(cli({"contact", "set", first, "email", "nobody"}));
  RequireRefused(cli({"contact", "set", first, "colour", "blue"}));
  RequireRefused(cli({"contact", "set", first, "enterprise_id", e}));
  RequireRefused(cli({"contact", "set", "0123456789abcdef0123456789abcdef", "title", "CEO"}));
  RequireRefused(cli({"contact", "get", "0123456789abcdef0123456789abcdef"}));
  RequireUsage(cli({"contact", "set", first, "title"}));
  CHECK(JsonText(cli.Json({"contact", "get", first}).out, "email") == "liu.yang@example.com");
}

TEST_CASE("contact set primary makes the enterprise's other contacts not primary", "[cli]") {
  Cli cli;
  cli.Init();
  std::string e = cli.Add({"--country", "PK", "--name", "Lahore Agritech"});
  std::string first =
      Cli::Id(cli.Json({"contact", "add", "--enterprise", e, "--name", "Imran Ali"}).out);
  std::string second = Cli::Id(
      cli.Json({"contact", "add", "--enterprise", e, "--name", "Sana Mir", "--consent"}).out);
  Run r = cli.Json({"contact", "set", second, "primary", "1"});
  REQUIRE(r.code == 0);
  CHECK(JsonInt(cli.Json({"contact", "get", first}).out, "is_primary") == 0);
  CHECK(JsonInt(cli.Json({"contact", "get", second}).out, "is_primary") == 1);
  Run list = cli.Json({"contact", "list", e});
  CHECK(JsonText(list.out, "full_name") == "Sana Mir");  // the primary comes first
  // Taking the flag away leaves none, which is said.
  Run none = cli({"contact", "set", second, "is_primary", "0"});
  REQUIRE(none.code == 0);
  CHECK(none.err.find("has no primary contact now") != std::string::npos);
  CHECK(none.err.find("dosti contact set") != std::string::npos);
}

TEST_CASE("enterprise set country is refused once the programme counts the enterprise", "[cli]") {
  Cli cli;
  cli.Init();
  std::vector<std::string> complete = kCompleteCn;
  std::string e = cli.Add(complete);
  REQUIRE(cli({"contact", "add", "--enterprise", e, "--name", "陈静", "--consent"}).code == 0);
  REQUIRE(cli({"enroll", e, "selected"}).code == 0);
  Run r = cli({"enterprise", "set", e, "country", "PK"});
  RequireRefused(r);
  CHECK(r.err.find("DH-CN-001") != std::string::npos);
  CHECK(JsonText(cli.Json({"enterprise", "get", e}).out, "country") == "CN");
  Run progress = cli.Json({"report", "progress"});
  CHECK(progress.out.find("\"selected\": 1") != std::string::npos);
}

TEST_CASE("enterprise archive refuses a selected enterprise and says how to record its exit",
          "[cli]") {
  Cli cli;
  cli.Init();
  std::vector<std::string> complete = kCompleteCn;
  std::string e = cli.Add(complete);
  REQUIRE(cli({"contact", "add", "--enterprise", e, "--name", "陈静", "--consent"}).code == 0);
  REQUIRE(cli({"enroll", e, "selected"}).code == 0);
  Run r = cli({"enterprise", "archive", e});
  RequireRefused(r);
  CHECK(r.err.find("counts toward progress") != std::string::npos);
  CHECK(r.err.find("dosti enroll " + e + " withdrawn --reason") != std::string::npos);
  RequireRefused(cli({"enterprise", "set", e, "archived", "1"}));
  CHECK(JsonInt(cli.Json({"enterprise", "get", e}).out, "archived") == 0);

  REQUIRE(cli({"enroll", e, "withdrawn", "--reason", "opened in Dubai instead"}).code == 0);
  Run archived = cli.Json({"enterprise", "archive", e});
  REQUIRE(archived.code == 0);
  CHECK(JsonInt(archived.out, "archived") == 1);
}

// [SECTION] Services and follow-ups

TEST_CASE("Service add refuses short durations and future dates, saving nothing", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "服务测试有限公司"});
  std::vector<std::string> base = {"service",    "add",   "--enterprise", id,
                                   "--category", "legal", "--summary",    "Contract review"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  };
  Run short_one = with({"--date", "2024-06-14", "--minutes", "10"});
  RequireRefused(short_one);
  CHECK(short_one.err.find("minutes") != std::string::npos);
  RequireRefused(with({"--date", "2024-06-20", "--minutes", "60"}));  // after tomorrow
  RequireRefused(with({"--date", "2023-08-31", "--minutes", "60"}));  // before the programme
  RequireUsage(with({"--date", "2024-06-14", "--minutes", "an hour"}));
  RequireUsage(cli({"service", "add", "--enterprise", id, "--category", "cooking", "--date",
                    "2024-06-14", "--minutes", "60", "--summary", "x"}));
  CHECK(cli.Json({"service", "list"}).out == "[]\n");
  Run ok = with({"--date", "2024-06-16", "--minutes", "60"});  // tomorrow is allowed
  REQUIRE(ok.code == 0);
  CHECK(CountIds(cli.Json({"service", "list"}).out) == 1);
}

TEST_CASE("Service add with --follow-up-days creates a follow-up", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "PK", "--name", "Follow Up Traders"});
  Run r = cli.Json({"service", "add", "--enterprise", id, "--category", "policy", "--date",
                    "2024-06-10", "--minutes", "45", "--summary", "Visa policy briefing",
                    "--follow-up-days", "7", "--mode", "online"});
  REQUIRE(r.code == 0);
  CHECK(JsonText(r.out, "follow_up_due") == "2024-06-17");
  Run list = cli.Json({"followup", "list"});
  CHECK(CountIds(list.out) == 1);
  CHECK(JsonText(list.out, "due_date") == "2024-06-17");
  Run logs = cli.Json({"service", "list", "--enterprise", id});
  CHECK(JsonText(logs.out, "delivery_mode") == "online");
  CHECK(JsonInt(logs.out, "minutes") == 45);
  Run human = cli({"service", "add", "--enterprise", id, "--category", "training", "--date",
                   "2024-06-15", "--minutes", "９０", "--summary", "Export training"});
  REQUIRE(human.code == 0);  // full-width digits from a Chinese IME are digits
  CHECK(human.out.rfind("Logged service ", 0) == 0);
}

TEST_CASE("service list filters by month and enterprise", "[cli]") {
  Cli cli;
  cli.Init();
  std::string a = cli.Add({"--country", "CN", "--name", "月份测试甲有限公司"});
  std::string b = cli.Add({"--country", "CN", "--name", "月份测试乙有限公司"});
  for (auto [who, date] : {std::pair{a, "2024-05-20"}, {a, "2024-06-03"}, {b, "2024-06-04"}}) {
    REQUIRE(cli({"service", "add", "--enterprise", who, "--category", "finance", "--date", date,
                 "--minutes", "30", "--summary", "Investor call"})
                .code == 0);
  }
  CHECK(CountIds(cli.Json({"service", "list"}).out) == 3);
  CHECK(CountIds(cli.Json({"service", "list", "--month", "2024-06"}).out) == 2);
  CHECK(CountIds(cli.Json({"service", "list", "--month", "2024-05"}).out) == 1);
  CHECK(CountIds(cli.Json({"service", "list", "--month", "2024-06", "--enterprise", a}).out) == 1);
  RequireUsage(cli({"service", "list", "--month", "2024-13"}));
  Run zh = cli({"service", "list", "--lang", "zh"});
  CHECK(zh.out.find("投融资服务") != std::string::npos);
}

TEST_CASE("followup list --overdue shows follow-ups once the clock passes their due date",
          "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "跟进测试有限公司"});
  REQUIRE(
      cli({"service", "add", "--enterprise", id, "--category", "strategy", "--date", "2024-06-15",
           "--minutes", "60", "--summary", "Market entry plan", "--follow-up-days", "3"})
          .code == 0);
  CHECK(cli.Json({"followup", "list", "--overdue"}).out == "[]\n");
  cli.clock.Advance(4 * kDay);  // 2024-06-19: past the 2024-06-18 due date
  Run overdue = cli.Json({"followup", "list", "--overdue"});
  REQUIRE(CountIds(overdue.out) == 1);
  CHECK(JsonInt(overdue.out, "overdue") == 1);
  CHECK(cli({"followup", "list"}).out.find("OVERDUE") != std::string::npos);
  std::string follow_up = Cli::Id(overdue.out);

  Run done = cli({"followup", "done", follow_up.substr(0, 20)});
  REQUIRE(done.code == 0);
  CHECK(cli.Json({"followup", "list", "--overdue"}).out == "[]\n");
  CHECK(cli.Json({"followup", "list"}).out == "[]\n");
  Run all = cli.Json({"followup", "list", "--all"});
  CHECK(JsonText(all.out, "status") == "done");
  CHECK(JsonText(all.out, "done_on") == "2024-06-19");
  RequireRefused(cli({"followup", "done", "0123456789abcdef0123456789abcdef"}));
}

TEST_CASE("followup add defaults to a week from today", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "PK", "--name", "Reminder Foods"});
  Run r = cli.Json({"followup", "add", "--enterprise", id, "--note", "Send the MoU draft"});
  REQUIRE(r.code == 0);
  CHECK(JsonText(cli.Json({"followup", "list"}).out, "due_date") == "2024-06-22");
  RequireRefused(cli({"followup", "add", "--enterprise", id, "--due", "tomorrow"}));
}

// [SECTION] Selection and matchmaking

TEST_CASE("enroll refuses selection without the mandatory data and says what is missing", "[cli]") {
  Cli cli;
  cli.Init("beijing");
  std::string id = cli.Add({"--country", "CN", "--name", "遴选测试有限公司"});
  REQUIRE(cli({"enroll", id, "nominated"}).code == 0);
  Run refused = cli({"enroll", id, "selected"});
  RequireRefused(refused);
  for (const char* missing : {"identifier", "sector", "region", "city", "primary contact"}) {
    INFO(missing);
    CHECK(refused.err.find(missing) != std::string::npos);
  }
  // Complete the data, then select: the Beijing office numbers CN enterprises.
  REQUIRE(cli({"identifier", "add", "--enterprise", id, "--uscc", "91110000600037341L"}).code == 0);
  REQUIRE(cli({"enterprise", "set", id, "sector", "6201"}).code == 0);
  REQUIRE(cli({"enterprise", "set", id, "region", "CN-BJ"}).code == 0);
  REQUIRE(cli({"enterprise", "set", id, "city", "北京"}).code == 0);
  REQUIRE(cli({"contact", "add", "--enterprise", id, "--name", "陈静", "--consent"}).code == 0);
  Run selected = cli.Json({"enroll", id, "selected"});
  REQUIRE(selected.code == 0);
  CHECK(JsonText(selected.out, "stage") == "selected");
  CHECK(JsonText(selected.out, "programme_number") == "DH-CN-001");
  Run human = cli({"enterprise", "get", id, "--lang", "zh"});
  CHECK(human.out.find("DH-CN-001") != std::string::npos);
  CHECK(human.out.find("入选") != std::string::npos);
  // Going back needs a reason.
  RequireRefused(cli({"enroll", id, "nominated"}));
  REQUIRE(cli({"enroll", id, "nominated", "--reason", "documents expired"}).code == 0);
  RequireUsage(cli({"enroll", id, "chosen"}));
}

TEST_CASE("enroll in Beijing leaves a PK enterprise's number to Islamabad, with a warning",
          "[cli]") {
  Cli cli;
  cli.Init("beijing");
  std::string id =
      cli.Add({"--country", "PK", "--name", "Islamabad Data (Pvt.) Ltd", "--ntn", "7654321-0",
               "--sector", "6201", "--region", "PK-IS", "--city", "Islamabad"});
  REQUIRE(cli({"contact", "add", "--enterprise", id, "--name", "Bilal Ahmed", "--consent"}).code ==
          0);
  Run r = cli({"enroll", id, "selected"});
  REQUIRE(r.code == 0);
  CHECK(r.err.find("warning: ") == 0);
  CHECK(r.err.find("islamabad") != std::string::npos);
  Run json = cli.Json({"enroll", id, "active"});
  CHECK(json.out.find("\"programme_number\": null") != std::string::npos);
}

TEST_CASE("match add refuses two CN enterprises, match stage moves a pair along", "[cli]") {
  Cli cli;
  cli.Init();
  std::string cn1 = cli.Add({"--country", "CN", "--name", "对接甲有限公司"});
  std::string cn2 = cli.Add({"--country", "CN", "--name", "对接乙有限公司"});
  std::string pk = cli.Add({"--country", "PK", "--name", "Match Partners Ltd"});
  Run same = cli({"match", "add", "--cn", cn1, "--pk", cn2, "--type", "trade"});
  RequireRefused(same);
  CHECK(same.err.find("both CN") != std::string::npos);
  RequireUsage(cli({"match", "add", "--cn", cn1, "--pk", pk, "--type", "friendship"}));
  CHECK(cli.Json({"match", "list"}).out == "[]\n");

  Run add = cli.Json({"match", "add", "--cn", cn1, "--pk", pk, "--type", "distribution"});
  REQUIRE(add.code == 0);
  std::string match = Cli::Id(add.out);
  REQUIRE(cli({"match", "stage", match, "contacted"}).code == 0);
  REQUIRE(cli({"match", "stage", match, "meeting_held"}).code == 0);
  RequireRefused(cli({"match", "stage", match, "proposed"}));  // back without a reason
  REQUIRE(cli({"match", "stage", match, "introduced", "--reason", "meeting postponed"}).code == 0);
  RequireRefused(cli({"match", "stage", match, "closed_lost"}));  // lost needs a reason
  RequireUsage(cli({"match", "stage", match, "married"}));
  Run list = cli.Json({"match", "list"});
  CHECK(JsonText(list.out, "stage") == "introduced");
  CHECK(JsonText(list.out, "cn_name") == "对接甲有限公司");
  Run zh = cli({"match", "list", "--lang", "zh"});
  CHECK(zh.out.find("已引荐") != std::string::npos);
  CHECK(zh.out.find("分销") != std::string::npos);
}

// [SECTION] Reports

TEST_CASE("report progress --json has a CN and a PK object", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add(kCompleteCn);
  REQUIRE(cli({"contact", "add", "--enterprise", id, "--name", "陈静", "--consent"}).code == 0);
  REQUIRE(cli({"enroll", id, "selected"}).code == 0);
  Run r = cli.Json({"report", "progress"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("\"CN\": \\{[^}]*\"target\": 100")));
  REQUIRE(std::regex_search(r.out, m, std::regex("\"CN\": \\{[^}]*\"selected\": 1")));
  REQUIRE(std::regex_search(r.out, m, std::regex("\"PK\": \\{[^}]*\"selected\": 0")));
  Run human = cli({"report", "progress"});
  CHECK(human.out.find("China 1/100 · Pakistan 0/100") != std::string::npos);
}

TEST_CASE("report services --json has the month and the seven categories", "[cli]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "报表测试有限公司"});
  REQUIRE(cli({"service", "add", "--enterprise", id, "--category", "legal", "--date", "2024-06-03",
               "--minutes", "90", "--summary", "Contract review"})
              .code == 0);
  Run r = cli.Json({"report", "services"});  // this month of the office calendar
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(JsonText(r.out, "month") == "2024-06");
  for (std::string_view c :
       {"training", "strategy", "policy", "personnel", "legal", "exchange", "finance"}) {
    CHECK(r.out.find("\"" + std::string(c) + "\": {") != std::string::npos);
  }
  std::smatch m;
  CHECK(std::regex_search(
      r.out, m,
      std::regex("\"legal\": \\{\\s*\"logs\": 1,\\s*\"enterprises\": 1,\\s*\"hours\": 1.5")));
  Run may = cli.Json({"report", "services", "--month", "2024-05"});
  CHECK(JsonText(may.out, "month") == "2024-05");
  CHECK(std::regex_search(may.out, m, std::regex("\"legal\": \\{\\s*\"logs\": 0")));
}

TEST_CASE("The other reports answer in JSON and in people's languages", "[cli]") {
  Cli cli;
  cli.Init();
  cli.Add({"--country", "CN", "--name", "其他报表有限公司", "--draft"});
  for (const char* kind : {"funnel", "followups", "quality", "coverage", "landing"}) {
    INFO(kind);
    Run json = cli.Json({"report", kind});
    INFO(json.err);
    REQUIRE(json.code == 0);
    CHECK(json.out.rfind("{", 0) == 0);
    Run zh = cli({"report", kind, "--lang", "zh"});
    CHECK(zh.code == 0);
  }
  CHECK(HasKey(cli.Json({"report", "funnel"}).out, "stages"));
  CHECK(HasKey(cli.Json({"report", "quality"}).out, "items"));
  CHECK(HasKey(cli.Json({"report", "landing"}).out, "rows"));
  CHECK(JsonText(cli.Json({"report", "coverage", "--month", "2024-05"}).out, "month") == "2024-05");
}

// [SECTION] Import, export, demo data

TEST_CASE("import refuses a file it cannot read", "[cli]") {
  Cli cli;
  cli.Init();
  Run r = cli({"import", "enterprises", TempPath(".csv")});
  RequireRefused(r);
  CHECK(r.err.find("cannot read") != std::string::npos);
  RequireUsage(cli({"import", "events", "x.csv"}));
  RequireUsage(cli({"import", "enterprises"}));
}

TEST_CASE("import enterprises reads a CSV file and reports what it imported", "[cli]") {
  Cli cli;
  cli.Init();
  std::string path = TempPath(".csv");
  {
    std::ofstream f(path, std::ios::binary);
    f << "\xEF\xBB\xBF"
      << "country,name,city,uscc,ntn\n"
      << "CN,导入甲有限公司,北京,91110000600037341L,\n"
      << "PK,Import Two Ltd,Lahore,,1234567-8\n";
  }
  Run r = cli.Json({"import", "enterprises", path});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(JsonInt(r.out, "rows") == 2);
  CHECK(JsonInt(r.out, "imported") == 2);
  CHECK(CountIds(cli.Json({"enterprise", "list"}).out) == 2);
  std::remove(path.c_str());
}

TEST_CASE("import prints progress on stderr for files over 500 rows", "[cli]") {
  Cli cli;
  cli.Init();
  std::string path = TempPath(".csv");
  {
    std::ofstream f(path, std::ios::binary);
    f << "country,name,city\n";
    for (int i = 0; i < 600; ++i) f << "PK,Progress Enterprise " << i << " Ltd,Karachi\n";
  }
  Run r = cli({"import", "enterprises", path});
  REQUIRE(r.code == 0);
  CHECK(r.out == "Imported 600 of 600 rows.\n");
  CHECK(r.err.rfind("imported ", 0) == 0);
  CHECK(r.err.find("imported 600/600\n") != std::string::npos);
  Run small = cli({"import", "enterprises", path, "--lang", "zh"});
  REQUIRE(small.code == 0);
  CHECK(small.out == "已导入 600 行（共 600 行）。\n");
  std::remove(path.c_str());
}

TEST_CASE("export writes one CSV per table into a directory", "[cli]") {
  Cli cli;
  cli.Init();
  cli.Add({"--country", "CN", "--name", "导出测试有限公司"});
  std::string dir = TempPath("-export");
  Run r = cli.Json({"export", dir});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("enterprise") != std::string::npos);
  // Clean up the files the core reported.
  std::regex file("\"([^\"]+\\.csv)\"");
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), file), end; it != end; ++it) {
    std::string f = (*it)[1].str();
    std::remove((f.rfind('/', 0) == 0 ? f : dir + "/" + f).c_str());
  }
  std::remove(dir.c_str());
}

// The records of a CSV file written by `dosti export` (header not counted).
size_t CsvRows(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  auto rows = dosti::csv::Parse(ss.str());
  REQUIRE(rows);
  return rows->empty() ? 0 : rows->size() - 1;
}

// Removes an export directory and its files.
void RemoveExport(const std::string& dir) {
  for (const char* t : {"contact", "device", "enrollment", "enrollment_stage", "enterprise",
                        "enterprise_identifier", "event", "event_participation", "follow_up",
                        "matchmaking", "matchmaking_stage", "office", "programme", "service_log",
                        "staff"}) {
    std::remove((dir + "/" + t + ".csv").c_str());
  }
  std::remove(dir.c_str());
}

TEST_CASE("export then import enterprises, contacts and services into a new workspace gives "
          "equal counts of every record kind",
          "[cli][csv]") {
  Cli bj;
  bj.Init("beijing");
  REQUIRE(bj({"demo", "seed", "--enterprises", "16", "--seed", "4"}).code == 0);
  std::string dir = TempPath("-export");
  REQUIRE(bj({"export", dir}).code == 0);

  Cli isb;
  isb.Init("islamabad");
  Run e = isb.Json({"import", "enterprises", dir + "/enterprise.csv"});
  INFO(e.err);
  REQUIRE(e.code == 0);
  CHECK(JsonInt(e.out, "imported") == 16);
  Run c = isb({"import", "contacts", dir + "/contact.csv"});
  INFO(c.err);
  REQUIRE(c.code == 0);
  Run s = isb({"import", "services", dir + "/service_log.csv"});  // follow_up.csv rides along
  INFO(s.err);
  REQUIRE(s.code == 0);
  CHECK(s.out.find("follow-ups: ") != std::string::npos);

  std::string again = TempPath("-export");
  REQUIRE(isb({"export", again}).code == 0);
  for (const char* t : {"enterprise", "enterprise_identifier", "contact", "service_log",
                        "follow_up"}) {
    INFO(t);
    CHECK(CsvRows(dir + "/" + t + ".csv") > 0);
    CHECK(CsvRows(again + "/" + t + ".csv") == CsvRows(dir + "/" + t + ".csv"));
  }
  // A second import of the same files creates nothing.
  Run twice = isb.Json({"import", "services", dir + "/service_log.csv"});
  REQUIRE(twice.code == 0);
  CHECK(JsonInt(twice.out, "imported") == 0);
  CHECK(JsonInt(twice.out, "updated") == 0);
  RemoveExport(dir);
  RemoveExport(again);
}

TEST_CASE("import refuses a GB18030 file in one line that names the encoding and the option, "
          "and reads it with --encoding",
          "[cli][csv]") {
  Cli cli;
  cli.Init();
  std::string path = TempPath(".csv");
  {
    // "country,name,city" and 北京智联科技有限公司, 北京 as Excel on Chinese Windows saves them.
    std::ofstream f(path, std::ios::binary);
    f << "country,name,city\r\nCN,"
         "\xB1\xB1\xBE\xA9\xD6\xC7\xC1\xAA\xBF\xC6\xBC\xBC\xD3\xD0\xCF\xDE\xB9\xAB\xCB\xBE,"
         "\xB1\xB1\xBE\xA9\r\n";
  }
  Run refused = cli({"import", "enterprises", path});
  RequireRefused(refused);
  CHECK(refused.err.find("not UTF-8") != std::string::npos);
  CHECK(refused.err.find("looks like gb18030") != std::string::npos);
  CHECK(refused.err.find("--encoding gb18030") != std::string::npos);
  CHECK(refused.err.find("empty") == std::string::npos);
  Run zh = cli({"import", "enterprises", path, "--lang", "zh"});
  RequireRefused(zh);
  CHECK(zh.err.find("--encoding gb18030") != std::string::npos);

  Run ok = cli.Json({"import", "enterprises", path, "--encoding", "gb18030"});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(JsonInt(ok.out, "imported") == 1);
  CHECK(cli.Json({"enterprise", "search", "北京智联"}).out.find("北京智联科技有限公司") !=
        std::string::npos);
  RequireUsage(cli({"import", "enterprises", path, "--encoding", "latin1"}));
  std::remove(path.c_str());
}

TEST_CASE("import names a directory as a directory", "[cli][csv]") {
  Cli cli;
  cli.Init();
  std::string dir = TempPath("-dir");
  REQUIRE(cli({"export", dir}).code == 0);
  Run r = cli({"import", "contacts", dir});
  RequireRefused(r);
  CHECK(r.err.find("is a directory, not a file") != std::string::npos);
  RemoveExport(dir);
}

TEST_CASE("demo seed fills the workspace and prints progress on stderr", "[cli]") {
  Cli cli;
  cli.Init();
  Run r = cli.Json({"demo", "seed", "--enterprises", "10", "--seed", "7"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(JsonInt(r.out, "records") > 10);
  CHECK(CountIds(cli.Json({"enterprise", "list", "--country", "CN"}).out) == 5);
  CHECK(r.err.find("seeded ") != std::string::npos);
}

TEST_CASE("demo seed refuses a workspace that holds records unless --force", "[cli][demo]") {
  Cli cli;
  cli.Init();
  cli.Add({"--country", "PK", "--name", "Lahore Agritech"});
  Run r = cli({"demo", "seed", "--enterprises", "10"});
  RequireRefused(r);
  CHECK(r.err.find("already holds records") != std::string::npos);
  CHECK(r.err.find("--force") != std::string::npos);
  CHECK(CountIds(cli.Json({"enterprise", "list"}).out) == 1);
  Run forced = cli.Json({"demo", "seed", "--enterprises", "10", "--force"});
  REQUIRE(forced.code == 0);
  CHECK(CountIds(cli.Json({"enterprise", "list"}).out) == 11);
}

// [SECTION] The JSON writer shared by the CLI and the wasm facade (core/include/dosti/json.h)

TEST_CASE("The JSON writer escapes quotes, backslashes and control characters", "[cli][json]") {
  using dosti::json::Quote;
  CHECK(Quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(Quote("C:\\dosti") == "\"C:\\\\dosti\"");
  CHECK(Quote("a\nb\tc\rd\be\ff") == "\"a\\nb\\tc\\rd\\be\\ff\"");
  CHECK(Quote(std::string("nul\0x", 5)) == "\"nul\\u0000x\"");
  CHECK(Quote("\x01\x1f\x7f") == "\"\\u0001\\u001f\\u007f\"");
  // Chinese and Urdu stay readable UTF-8; U+2028/U+2029 are escaped for JavaScript.
  CHECK(Quote("华为 سسٹمز") == "\"华为 سسٹمز\"");
  CHECK(Quote("a\xE2\x80\xA8"
              "b\xE2\x80\xA9") == "\"a\\u2028b\\u2029\"");
  // Invalid UTF-8 never reaches the output: each bad sequence becomes U+FFFD.
  CHECK(Quote("bad\xC3(") == "\"bad\xEF\xBF\xBD(\"");
  CHECK(Quote("\xFF") == "\"\xEF\xBF\xBD\"");
}

TEST_CASE("The JSON writer writes numbers in their shortest exact form", "[cli][json]") {
  using dosti::json::Number;
  CHECK(Number(1.5) == "1.5");
  CHECK(Number(0.1) == "0.1");
  CHECK(Number(100) == "100");
  CHECK(Number(-0.0) == "0");
  CHECK(Number(2.0 / 3) == "0.6666666666666666");
  CHECK(Number(1e300) == "1e+300");
  CHECK(Number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(Number(std::numeric_limits<double>::infinity()) == "null");
  dosti::json::Writer w;
  w.BeginArray().Int(INT64_MIN).Int(0).Bool(true).Bool(false).Null().EndArray();
  CHECK(w.Take() == "[-9223372036854775808,0,true,false,null]");
}

TEST_CASE("The JSON writer nests compactly or with two-space indentation", "[cli][json]") {
  auto build = [](dosti::json::Writer& w) {
    w.BeginObject().Key("a").BeginArray().Int(1).BeginObject().EndObject().EndArray();
    w.Key("b").BeginArray().EndArray().Key("c").String("x").EndObject();
  };
  dosti::json::Writer compact;
  build(compact);
  CHECK(compact.Take() == R"({"a":[1,{}],"b":[],"c":"x"})");
  dosti::json::Writer pretty(true);
  build(pretty);
  CHECK(pretty.Take() == "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": [],\n  \"c\": \"x\"\n}");
}

TEST_CASE("ToJson writes a record with its id first and NULL as null", "[cli][json]") {
  dosti::Record r;
  r.id = "0123456789abcdef0123456789abcdef";
  r.fields = {{"id", r.id},
              {"name", std::string("华为")},
              {"employees", int64_t{207000}},
              {"score", 0.25},
              {"city", dosti::Value{}}};
  CHECK(dosti::json::ToJson(r) ==
        R"({"id":"0123456789abcdef0123456789abcdef","name":"华为","employees":207000,)"
        R"("score":0.25,"city":null})");
  dosti::Saved saved{"abc",
                     {{dosti::Severity::kWarning, dosti::ErrorCode::kInvalid, "uscc",
                       "check \"this\"", "some.key", {{"value", "x"}}}}};
  CHECK(dosti::json::ToJson(saved) ==
        R"({"id":"abc","warnings":[{"severity":"warning","code":200,"key":"some.key",)"
        R"("args":{"value":"x"},"field":"uscc","message":"check \"this\""}]})");
  dosti::ProgressReport progress;
  progress.as_of = {2024, 6, 15};
  progress.countries = {
      {"CN", 100, 3, {{"prospect", 4}, {"selected", 3}}, 1, {2024, 6, 15}, "beijing",
       "Asia/Shanghai"},
      {"PK", 100, 0, {}, 0, {2024, 6, 15}, "islamabad", "Asia/Karachi"}};
  CHECK(dosti::json::ToJson(progress) ==
        R"({"CN":{"as_of":"2024-06-15","target":100,"selected":3,)"
        R"("stages":{"prospect":4,"selected":3},"exits":1,"now":false,"calendar":"beijing",)"
        R"("time_zone":"Asia/Shanghai"},)"
        R"("PK":{"as_of":"2024-06-15","target":100,"selected":0,"stages":{},"exits":0,)"
        R"("now":false,"calendar":"islamabad","time_zone":"Asia/Karachi"}})");
}

TEST_CASE("Errors and warnings of the core are printed in the language asked for, with the CLI's hint",
          "[cli][i18n]") {
  Cli cli;
  Run zh = cli({"enterprise", "list", "--lang", "zh"});
  RequireRefused(zh);
  CHECK(zh.err == "error: 此数据库还没有工作区；请运行：dosti init --office beijing|islamabad\n");
  Run ur = cli({"--lang", "ur", "report", "progress"});
  RequireRefused(ur);
  CHECK(ur.err.find("ورک اسپیس") != std::string::npos);
  CHECK(ur.err.find("dosti init --office") != std::string::npos);

  cli.Init();
  Run warned = cli({"--lang", "zh", "enterprise", "add", "--country", "CN", "--name", "福州某公司",
                    "--uscc", "91350100M0001TGQXM"});
  REQUIRE(warned.code == 0);
  CHECK(warned.err.rfind("warning: 统一社会信用代码的校验码是“M”，应为", 0) == 0);
  // A refusal whose fix is a flag: the core says what is wrong, the CLI names the flag.
  std::string id = cli.Add({"--country", "PK", "--name", "Indus"});
  Run identifiers = cli({"enterprise", "set", id, "identifiers", "x"});
  RequireRefused(identifiers);
  CHECK(identifiers.err ==
        "error: identifiers cannot be set; add one with --uscc/--ntn/--secp\n");
}
