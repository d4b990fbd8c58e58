// What a GUI needs from the facade: paged and sorted lists, the change observer, the
// after-commit hook, cancelling long calls, private database files and the file helpers.
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "db.h"
#include "dosti/replica.h"
#include "dosti/demo.h"
#include "dosti/file.h"
#include "dosti/session.h"
#include "schema.h"
#include "session_fixture.h"

using namespace dosti;
using dosti::testing::TempDir;
using dosti::testing::Workspace;

namespace {

int ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

std::string Add(Workspace& w, const std::string& country, const std::string& name,
                Fields more = {}) {
  Fields f{{"country", country}, {"name", name}};
  for (Field& x : more) f.push_back(std::move(x));
  auto saved = w->AddEnterprise(f);
  if (!saved) FAIL(saved.error().message);
  return saved->id;
}

std::vector<std::string> Names(const EnterprisePage& page) {
  std::vector<std::string> out;
  for (const Record& r : page.rows) out.push_back(r.Text("name"));
  return out;
}

EnterprisePage Page(Workspace& w, EnterpriseQuery q) {
  auto page = w->QueryEnterprises(q);
  if (!page) FAIL(page.error().message);
  return *page;
}

}  // namespace

// [SECTION] Paged, sorted lists

TEST_CASE("A page of enterprises comes with the total, in the order asked for",
          "[core][list]") {
  Workspace w;
  for (const char* n : {"delta", "Alpha", "charlie", "Bravo", "echo"}) Add(w, "CN", n);
  Add(w, "PK", "Foxtrot", {{"sector", std::string("6201")}, {"owning_office", std::string("islamabad")}});

  EnterpriseQuery q;
  q.limit = 2;
  EnterprisePage first = Page(w, q);
  CHECK(first.total == 6);
  CHECK(Names(first) == std::vector<std::string>{"Alpha", "Bravo"});  // ASCII case ignored
  q.offset = 2;
  CHECK(Names(Page(w, q)) == std::vector<std::string>{"charlie", "delta"});
  q.offset = 5;
  CHECK(Names(Page(w, q)) == std::vector<std::string>{"Foxtrot"});
  q.offset = 10;
  EnterprisePage past = Page(w, q);
  CHECK(past.rows.empty());
  CHECK(past.total == 6);

  EnterpriseQuery desc;
  desc.descending = true;
  desc.limit = 1;
  CHECK(Names(Page(w, desc)) == std::vector<std::string>{"Foxtrot"});

  EnterpriseQuery by_country;
  by_country.sort = EnterpriseSort::kCountry;
  by_country.descending = true;
  by_country.limit = 2;
  CHECK(Names(Page(w, by_country)) == std::vector<std::string>{"Foxtrot", "echo"});

  EnterpriseQuery pk;
  pk.country = "PK";
  EnterprisePage pk_page = Page(w, pk);
  CHECK(pk_page.total == 1);
  CHECK(Names(pk_page) == std::vector<std::string>{"Foxtrot"});
  EnterpriseQuery sector;
  sector.sector = "6201";
  CHECK(Page(w, sector).total == 1);
  EnterpriseQuery office;
  office.office = "beijing";
  CHECK(Page(w, office).total == 5);
  // A page row is a whole enterprise record plus its stage.
  REQUIRE(!pk_page.rows.empty());
  CHECK(pk_page.rows[0].Text("country") == "PK");
  CHECK(pk_page.rows[0].Find("stage") != nullptr);
  CHECK(IsNull(*pk_page.rows[0].Find("stage")));
}

TEST_CASE("Lists sort by stage and by last change, and filter by stage and archived",
          "[core][list]") {
  Workspace w;
  std::string a = w.CompleteEnterprise("CN", "Aurora", "91110000600037341L");
  std::string b = Add(w, "CN", "Borealis");
  std::string c = Add(w, "CN", "Corona");
  REQUIRE(w->Enroll(b, "nominated"));
  REQUIRE(w->Enroll(a, "selected"));
  w.clock.Advance(60'000);
  REQUIRE(w->SetEnterpriseField(c, "city", "Beijing"));  // the latest change

  EnterpriseQuery by_stage;
  by_stage.sort = EnterpriseSort::kStage;
  EnterprisePage staged = Page(w, by_stage);
  CHECK(Names(staged) == std::vector<std::string>{"Corona", "Borealis", "Aurora"});
  CHECK(IsNull(*staged.rows[0].Find("stage")));
  CHECK(staged.rows[1].Text("stage") == "nominated");
  CHECK(staged.rows[2].Text("stage") == "selected");

  EnterpriseQuery nominated;
  nominated.stage = "nominated";
  CHECK(Names(Page(w, nominated)) == std::vector<std::string>{"Borealis"});
  EnterpriseQuery none;
  none.stage = "none";
  CHECK(Names(Page(w, none)) == std::vector<std::string>{"Corona"});

  EnterpriseQuery latest;
  latest.sort = EnterpriseSort::kUpdated;
  latest.descending = true;
  latest.limit = 1;
  CHECK(Names(Page(w, latest)) == std::vector<std::string>{"Corona"});

  REQUIRE(w->ArchiveEnterprise(b, true));
  EnterpriseQuery live;
  CHECK(Page(w, live).total == 2);
  EnterpriseQuery archived;
  archived.archived = ArchivedFilter::kOnly;
  CHECK(Names(Page(w, archived)) == std::vector<std::string>{"Borealis"});
  EnterpriseQuery all;
  all.archived = ArchivedFilter::kInclude;
  CHECK(Page(w, all).total == 3);
}

TEST_CASE("A merged enterprise leaves the list and its enrollment counts for the one kept",
          "[core][list]") {
  Workspace w;
  std::string keep = Add(w, "PK", "Indus Systems");
  std::string other = Add(w, "PK", "Indus Systems Pvt Ltd");
  REQUIRE(w->Enroll(other, "nominated"));
  REQUIRE(w->MergeDuplicates(keep, other));
  EnterprisePage page = Page(w, {});
  CHECK(page.total == 1);
  REQUIRE(page.rows.size() == 1);
  CHECK(page.rows[0].id == keep);
  CHECK(page.rows[0].Text("stage") == "nominated");
  REQUIRE(w->UnmergeDuplicate(other));
  EnterpriseQuery q;
  q.sort = EnterpriseSort::kStage;
  page = Page(w, q);
  CHECK(page.total == 2);
  CHECK(IsNull(*page.rows[0].Find("stage")));
  CHECK(page.rows[1].id == other);
}

TEST_CASE("The records merged into an enterprise are listed, chains of merges included",
          "[core][duplicates]") {
  Workspace w;
  std::string keep = Add(w, "PK", "Indus Systems");
  std::string other = Add(w, "PK", "Indus Systems Pvt Ltd");
  std::string third = Add(w, "PK", "Indus Systems SMC");
  auto none = w->ListMergedInto(keep);
  REQUIRE(none);
  CHECK(none->empty());
  REQUIRE(w->MergeDuplicates(other, third));
  REQUIRE(w->MergeDuplicates(keep, other));
  auto merged = w->ListMergedInto(keep);
  REQUIRE(merged);
  std::vector<std::string> ids;
  for (const Record& r : *merged) ids.push_back(r.id);
  std::vector<std::string> expected{other, third};
  std::sort(expected.begin(), expected.end());
  CHECK(ids == expected);
  REQUIRE(w->UnmergeDuplicate(other));
  merged = w->ListMergedInto(keep);
  REQUIRE(merged);
  CHECK(merged->empty());
  CHECK(w->ListMergedInto("ffffffffffffffffffffffffffffffff").error().code ==
        ErrorCode::kNotFound);
}

TEST_CASE("What selection needs is what Enroll refuses selection for",
          "[core][selection]") {
  Workspace w;
  std::string id = Add(w, "CN", "Beijing Lantern Tech");
  auto keys = [&] {
    auto needs = w->SelectionNeeds(id);
    REQUIRE(needs);
    std::vector<std::string> out;
    for (const Message& m : *needs) out.push_back(m.key);
    return out;
  };
  CHECK(keys() == std::vector<std::string>{"selection.missing.identifier",
                                           "selection.missing.sector", "selection.missing.region",
                                           "selection.missing.city",
                                           "selection.missing.primary_contact"});
  auto refused = w->Enroll(id, "selected");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kSelectionIncomplete);
  REQUIRE(w->AddIdentifier(id, {IdentifierType::kCnUscc, "91110000600037341L"}));
  for (auto [f, v] : {std::pair{"sector", "6201"}, {"region", "CN-BJ"}, {"city", "Beijing"}}) {
    REQUIRE(w->SetEnterpriseField(id, f, v));
  }
  REQUIRE(w->AddContact({{"enterprise_id", id}, {"full_name", std::string("王芳")}}));
  CHECK(keys() == std::vector<std::string>{"selection.missing.primary_contact"});
  auto contacts = w->ListContacts(id);
  REQUIRE(contacts);
  REQUIRE(w->SetContactField(contacts->front().id, "consent_contact", "1"));
  CHECK(keys().empty());
  CHECK(w->Enroll(id, "selected"));
  CHECK(w->SelectionNeeds("nope").error().code != ErrorCode::kOk);
}

TEST_CASE("Each code field of an enterprise offers exactly the codes the core accepts",
          "[core][validation]") {
  Workspace w;
  std::string id = Add(w, "CN", "Code Lists Ltd");
  for (const char* field :
       {"country", "size_class", "landing_status", "source", "owning_office", "record_state"}) {
    auto codes = EnterpriseFieldCodes(field);
    REQUIRE(codes);
    CHECK_FALSE(codes->codes->empty());
    for (std::string_view code : *codes->codes) {
      if (std::string_view(field) == "country") continue;  // a country may be locked
      INFO(field << " " << code);
      CHECK(w->SetEnterpriseField(id, field, code));
      CHECK(Label(codes->label_kind, code, "zh") != code);  // a label in the catalog
    }
    CHECK_FALSE(w->SetEnterpriseField(id, field, "nonsense"));
  }
  CHECK_FALSE(EnterpriseFieldCodes("name"));
}

// Every combination the tally answers, against a count of the records themselves.
static void CheckListTotals(Workspace& w) {
  auto records = w->ListEnterprises({"", "", true, 0});
  REQUIRE(records);
  for (const char* country : {"", "CN", "PK"}) {
    for (const char* stage : {"", "none", "selected", "nominated"}) {
      for (ArchivedFilter archived : {ArchivedFilter::kExclude, ArchivedFilter::kOnly,
                                      ArchivedFilter::kInclude}) {
        for (const char* office : {"", "beijing"}) {
          EnterpriseQuery q;
          q.country = country;
          q.stage = stage;
          q.archived = archived;
          q.office = office;
          int64_t expected = 0;
          for (const Record& r : *records) {
            if (*country && r.Text("country") != country) continue;
            if (*office && r.Text("owning_office") != office) continue;
            bool is_archived = r.Int("archived") != 0;
            if (archived == ArchivedFilter::kExclude && is_archived) continue;
            if (archived == ArchivedFilter::kOnly && !is_archived) continue;
            if (*stage) {
              auto n = w->GetEnrollment(r.id);
              REQUIRE(n);
              std::string now = *n ? (*n)->Text("stage") : "none";
              if (now != stage) continue;
            }
            ++expected;
          }
          INFO(country << " " << stage << " " << static_cast<int>(archived) << " " << office);
          CHECK(Page(w, q).total == expected);
        }
      }
    }
  }
}

TEST_CASE("List totals match the records after every kind of write", "[core][list][demo]") {
  Workspace w;
  REQUIRE(SeedDemo(*w.session, 60, 3));
  auto all = w->ListEnterprises({"", "", true, 0});
  REQUIRE(all);
  REQUIRE(all->size() >= 4);
  // One that counts toward progress records its exit before it can be archived.
  auto first = w->GetEnrollment((*all)[0].id);
  REQUIRE(first);
  const std::string stage = *first ? (*first)->Text("stage") : "";
  if (stage == "selected" || stage == "active" || stage == "completed") {
    REQUIRE(w->Enroll((*all)[0].id, "withdrawn", "left the programme"));
  }
  REQUIRE(w->ArchiveEnterprise((*all)[0].id, true));
  REQUIRE(w->SetEnterpriseField((*all)[1].id, "sector", "6201"));
  REQUIRE(w->SetEnterpriseField((*all)[1].id, "owning_office", "islamabad"));
  std::string a = (*all)[2].id, b;
  for (const Record& r : *all) {
    if (r.id != a && r.Text("country") == (*all)[2].Text("country") && r.Int("archived") == 0) {
      b = r.id;
    }
  }
  REQUIRE(w->MergeDuplicates(a, b));
  CheckListTotals(w);
}

TEST_CASE("List totals count what one transaction adds and edits, and not what it rolls back",
          "[core][list]") {
  Workspace w;
  std::string kept = Add(w, "PK", "Indus Motors");
  std::string a, b, c;
  REQUIRE(w->Atomically([&]() -> Result<void> {
    a = Add(w, "PK", "Karakoram Textile");
    b = Add(w, "CN", "华为技术有限公司");
    c = Add(w, "PK", "Indus Motors Pvt Ltd");
    // Edits of the rows just added: archived, office and sector, a stage, a merge.
    DOSTI_TRY(w->ArchiveEnterprise(a, true));
    auto office = w->SetEnterpriseField(b, "owning_office", "islamabad");
    if (!office) return office.error();
    auto sector = w->SetEnterpriseField(b, "sector", "6201");
    if (!sector) return sector.error();
    DOSTI_TRY(w->Enroll(b, "nominated"));
    return w->MergeDuplicates(kept, c);
  }));
  CheckListTotals(w);
  auto failed = w->Atomically([&]() -> Result<void> {
    Add(w, "CN", "中兴通讯");
    // Counted inside the transaction already.
    auto page = w->QueryEnterprises({});
    if (!page) return page.error();
    CHECK(page->total == 3);
    return MakeError(ErrorCode::kInvalid, "cancelled");
  });
  CHECK_FALSE(failed);
  CHECK(w->QueryEnterprises({})->total == 2);
  CheckListTotals(w);
}

TEST_CASE("The already-ours search pages through its hits with the other filters",
          "[core][list][search]") {
  Workspace w;
  Add(w, "CN", "华为技术有限公司");
  Add(w, "CN", "华为终端有限公司");
  Add(w, "PK", "Huawei Pakistan");
  Add(w, "CN", "中兴通讯");
  EnterpriseQuery q;
  q.search = "华为";
  EnterprisePage hits = Page(w, q);
  CHECK(hits.total == 2);
  q.limit = 1;
  q.offset = 1;
  q.sort = EnterpriseSort::kName;
  CHECK(Page(w, q).rows.size() == 1);
  q.country = "PK";
  q.offset = 0;
  CHECK(Page(w, q).total == 0);
}

TEST_CASE("Bad list parameters are refused with the field named", "[core][list]") {
  Workspace w;
  EnterpriseQuery q;
  q.limit = 0;
  auto r = w->QueryEnterprises(q);
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "limit");
  q.limit = 10;
  q.offset = -1;
  CHECK(w->QueryEnterprises(q).error().field == "offset");
  q.offset = 0;
  q.stage = "promoted";
  CHECK(w->QueryEnterprises(q).error().code == ErrorCode::kInvalid);
  q.stage = "";
  q.country = "IN";
  CHECK(w->QueryEnterprises(q).error().field == "country");
}

TEST_CASE("A database from before schema 5 gets the stages its lists sort by",
          "[core][list][migration]") {
  TempDir dir;
  std::string path = dir.File("old.db");
  std::string id;
  {
    Workspace w("beijing", path);
    id = w.CompleteEnterprise("CN", "Aurora", "91110000600037341L");
    REQUIRE(w->Enroll(id, "shortlisted"));
  }
  {
    // Back to schema 4 as an older Dosti left it: no stage_rank, no list indexes, no quarantine
    // (nor what schema 6 changed).
    auto db = Db::Open(path);
    REQUIRE(db);
    REQUIRE((*db)->Exec(dosti::testing::kUndoSchema6));
    REQUIRE((*db)->Exec(
        "DROP INDEX enterprise_list_name; DROP INDEX enterprise_list_country;"
        "DROP INDEX enterprise_list_stage; DROP INDEX enterprise_list_updated;"
        "DROP TRIGGER enterprise_tally_insert; DROP TRIGGER enterprise_tally_update;"
        "DROP TRIGGER enterprise_tally_delete; DROP TABLE enterprise_tally;"
        "ALTER TABLE enterprise DROP COLUMN stage_rank; DROP TABLE quarantined_commit;"
        "PRAGMA user_version = 4;"));
  }
  auto reopened = Session::Open(path);
  REQUIRE(reopened);
  CHECK((*reopened)->Info()->schema_version == kSchemaVersion);
  auto page = (*reopened)->QueryEnterprises({});
  REQUIRE(page);
  REQUIRE(page->rows.size() == 1);
  CHECK(page->rows[0].Text("stage") == "shortlisted");
}

// [SECTION] The change observer

TEST_CASE("Observers hear which records a committed write changed, never a rolled-back one",
          "[core][observer]") {
  Workspace w;
  std::vector<ChangeEvent> events;
  ObserverId id = w->AddObserver([&](const ChangeEvent& e) { events.push_back(e); });

  std::string e = Add(w, "CN", "Aurora");
  REQUIRE(events.size() == 1);
  CHECK(events[0].local);
  CHECK_FALSE(events[0].merged);
  REQUIRE(events[0].tables.size() == 1);
  CHECK(events[0].tables[0].table == "enterprise");
  CHECK(events[0].tables[0].ids == std::vector<std::string>{e});

  // A failed write changes nothing and tells nobody.
  events.clear();
  CHECK_FALSE(w->SetEnterpriseField(e, "region", "nowhere"));
  auto failed = w->Atomically([&]() -> Result<void> {
    DOSTI_TRY(w->SetEnterpriseField(e, "city", "Beijing"));
    return MakeError(ErrorCode::kInvalid, "cancelled");
  });
  CHECK_FALSE(failed);
  CHECK(events.empty());
  // Local state is not a record.
  REQUIRE(dosti::Replica(*w.session).LocalPut("space", "k", "v"));
  CHECK(events.empty());

  // One transaction, one event, every table it wrote; the stage derived for lists too.
  auto c = w->AddContact({{"enterprise_id", e}, {"full_name", std::string("Li Wei")}});
  REQUIRE(c);
  REQUIRE(events.size() == 1);
  CHECK(events[0].tables[0].table == "contact");
  events.clear();
  REQUIRE(w->Enroll(e, "prospect"));
  REQUIRE(events.size() == 1);
  std::vector<std::string> tables;
  for (const ChangedRecords& t : events[0].tables) tables.push_back(t.table);
  CHECK(tables == std::vector<std::string>{"enrollment", "enrollment_stage", "enterprise"});

  w->RemoveObserver(id);
  events.clear();
  Add(w, "PK", "Indus");
  CHECK(events.empty());
}

TEST_CASE("Observers hear merged changes from other devices", "[core][observer][replication]") {
  Workspace a;
  ManualClock clock{dosti::testing::MsAt({2024, 6, 15})};
  SeededRandom random{7};
  auto b = Session::Open(":memory:", {&clock, &random});
  REQUIRE(b);
  REQUIRE(dosti::Replica(*(*b)).JoinAsReplica("islamabad"));
  std::string e = Add(a, "PK", "Indus");
  std::vector<ChangeEvent> events;
  (*b)->AddObserver([&](const ChangeEvent& ev) { events.push_back(ev); });
  auto changesets = dosti::Replica(*a.session).ChangesetsFor(*dosti::Replica(*(*b)).GetFrontier());
  REQUIRE(changesets);
  for (const std::string& cs : *changesets) REQUIRE(dosti::Replica(*(*b)).ApplyChangeset(cs));
  REQUIRE_FALSE(events.empty());
  bool seen = false;
  for (const ChangeEvent& ev : events) {
    CHECK(ev.merged);
    for (const ChangedRecords& t : ev.tables) {
      if (t.table == "enterprise") seen = seen || t.many || t.ids == std::vector<std::string>{e};
    }
  }
  CHECK(seen);
}

// [SECTION] The after-commit hook

TEST_CASE("The after-commit hook runs once per commit and its failure is the write's",
          "[core][hook]") {
  ManualClock clock{dosti::testing::MsAt({2024, 6, 15})};
  SeededRandom random{42};
  int calls = 0;
  bool fail = false;
  SessionOptions options{&clock, &random, [&]() -> Result<void> {
                           ++calls;
                           if (fail) return MakeError(ErrorCode::kIo, "file.write_failed",
                                                      {{"path", "opfs"}, {"reason", "full"}});
                           return {};
                         }};
  auto s = Session::Open(":memory:", options);
  REQUIRE(s);
  int after_open = calls;  // the migrations committed
  CHECK(after_open > 0);
  REQUIRE((*s)->Init("beijing", "W"));
  CHECK(calls == after_open + 1);

  // Nested writes commit once.
  calls = 0;
  REQUIRE((*s)->Atomically([&]() -> Result<void> {
    DOSTI_TRY((*s)->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("A")}}));
    DOSTI_TRY((*s)->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("B")}}));
    return dosti::Replica(*(*s)).LocalPut("sync", "k", "v");
  }));
  CHECK(calls == 1);
  // Reads and refused writes do not commit.
  calls = 0;
  REQUIRE((*s)->ListEnterprises());
  CHECK_FALSE((*s)->AddEnterprise({{"country", std::string("XX")}, {"name", std::string("C")}}));
  CHECK(calls == 0);
  REQUIRE(dosti::Replica(*(*s)).LocalPut("sync", "k2", "v"));
  CHECK(calls == 1);

  // A failing flush fails the write call; the change is committed all the same.
  fail = true;
  auto r = (*s)->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("D")}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kIo);
  fail = false;
  auto all = (*s)->ListEnterprises();
  REQUIRE(all);
  CHECK(all->size() == 3);
}

// [SECTION] Cancelling

TEST_CASE("Interrupting an import stops it at the next row and imports nothing",
          "[core][cancel][csv]") {
  Workspace w;
  std::string csv = "country,name\n";
  for (int i = 0; i < 1000; ++i) csv += "CN,Firm " + std::to_string(i) + "\n";
  int calls = 0;
  auto r = w->ImportEnterprisesCsv(csv, [&](int64_t done, int64_t, std::string_view what) {
    ++calls;
    if (what == "importing" && done >= 300) w->Interrupt();
  });
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kCancelled);
  CHECK(w->ListEnterprises()->empty());
  // An interrupt with nothing running does not cancel the next call.
  w->Interrupt();
  auto again = w->ImportEnterprisesCsv(csv);
  REQUIRE(again);
  CHECK(again->imported == 1000);
}

TEST_CASE("Interrupting an export keeps the finished files and leaves no partial one",
          "[core][cancel][csv]") {
  Workspace w;
  for (int i = 0; i < 20; ++i) Add(w, "CN", "Firm " + std::to_string(i));
  TempDir dir;
  std::vector<std::string> tables;
  auto r = w->ExportCsv(dir.path.string(), [&](int64_t, int64_t, std::string_view table) {
    tables.emplace_back(table);
    if (table == "enterprise") w->Interrupt();
  });
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kCancelled);
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(dir.path)) {
    files.push_back(f.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  // Tables are written in dependency order; enterprise had been committed, the next one not.
  CHECK(std::find(files.begin(), files.end(), "enterprise.csv") != files.end());
  CHECK(std::find(files.begin(), files.end(), "enterprise_identifier.csv") == files.end());
  for (const std::string& f : files) CHECK(f.find(".tmp") == std::string::npos);
}

TEST_CASE("Interrupting the demo seed rolls it all back", "[core][cancel][demo]") {
  Workspace w;
  auto r = SeedDemo(*w.session, 40, 1, [&](int64_t done, int64_t, std::string_view) {
    if (done >= 20) w->Interrupt();
  });
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kCancelled);
  CHECK(w->ListEnterprises()->empty());
  CHECK(w->ListEvents()->empty());
}

TEST_CASE("Interrupt from another thread stops a long import", "[core][cancel][native]") {
  Workspace w;
  std::string csv = "country,name\n";
  for (int i = 0; i < 20000; ++i) csv += "CN,Firm " + std::to_string(i) + "\n";
  std::atomic<bool> started{false};
  std::thread canceller([&] {
    while (!started.load()) std::this_thread::yield();
    w->Interrupt();
  });
  auto r = w->ImportEnterprisesCsv(csv, [&](int64_t, int64_t, std::string_view) {
    started.store(true);
  });
  canceller.join();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kCancelled);
  CHECK(w->ListEnterprises()->empty());
}

// [SECTION] Private files

TEST_CASE("The database, its WAL and SHM files are private to their user", "[core][files]") {
  TempDir dir;
  std::string path = dir.File("private.db");
  {
    Workspace w("beijing", path);
    Add(w, "CN", "Aurora");
    CHECK(ModeOf(path) == 0600);
    CHECK(ModeOf(path + "-wal") == 0600);
    CHECK(ModeOf(path + "-shm") == 0600);
  }
  // An existing database readable by others is tightened when opened.
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto s = Session::Open(path);
  REQUIRE(s);
  CHECK(ModeOf(path) == 0600);
}

TEST_CASE("Files are written whole, privately when asked, and never over a key file",
          "[core][files]") {
  TempDir dir;
  std::string path = dir.File("a/b/bundle.bin");
  REQUIRE(MakeDirectories(dir.File("a/b")));
  REQUIRE(MakeDirectories(dir.File("a/b")));  // again: fine
  REQUIRE(WriteFileAtomic(path, "first", {.private_file = true}));
  CHECK(ModeOf(path) == 0600);
  auto back = ReadFile(path);
  REQUIRE(back);
  CHECK(*back == "first");
  REQUIRE(WriteFileAtomic(path, "second"));
  CHECK(*ReadFile(path) == "second");
  // A key file is never replaced.
  auto refused = WriteFileAtomic(path, "third", {.no_overwrite = true});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().key == "file.exists");
  CHECK(*ReadFile(path) == "second");
  REQUIRE(WriteFileAtomic(dir.File("a/b/new.key"), "key", {.private_file = true, .no_overwrite = true}));
  CHECK(ModeOf(dir.File("a/b/new.key")) == 0600);
  // Reading is bounded, and a missing file says so.
  auto big = ReadFile(path, 3);
  REQUIRE_FALSE(big);
  CHECK(big.error().code == ErrorCode::kTooLarge);
  CHECK(ReadFile(dir.File("missing")).error().code == ErrorCode::kIo);
  // No temporary file is left behind.
  for (const auto& f : std::filesystem::directory_iterator(dir.File("a/b"))) {
    CHECK(f.path().filename().string().find(".tmp-") == std::string::npos);
  }
  // A directory where a file should be is an error, not a crash.
  CHECK_FALSE(WriteFileAtomic(dir.File("a"), "x"));
  CHECK_FALSE(MakeDirectories(path));
}
