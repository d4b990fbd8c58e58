// Work that must not grow with the data (issue 9 §5; bench/scale.cpp measures the time): the
// pages opening reads, and the SQLite VM instructions an import spends per row and a list
// spends per page, compared between a small workspace and one twenty times larger. Counts,
// not times, so that a busy machine cannot make them pass or fail. Native only: the booth's
// SQLite is built without the progress callback (cmake/sqlite-wasm.flags).
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

#include "db.h"
#include "dosti/date.h"
#include "dosti/session.h"
#include "dosti/validation.h"
#include "session_fixture.h"
#include "session_impl.h"
#include "store.h"

using namespace dosti;
using dosti::testing::TempDir;
using dosti::testing::Workspace;

#ifndef __EMSCRIPTEN__

namespace {

// [SECTION] Pages read: a VFS over the default one that counts xRead calls

int64_t g_reads = 0;
sqlite3_vfs* g_real = nullptr;

struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real;  // the default VFS's file, just after this struct
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f)->real; }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 offset) {
  ++g_reads;
  return Real(f)->pMethods->xRead(Real(f), buf, n, offset);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 offset) {
  return Real(f)->pMethods->xWrite(Real(f), buf, n, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); }
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int Control(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int Characteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); }

// Version 2: no xFetch, so that SQLite reads every page through xRead (no memory map).
const sqlite3_io_methods kCountingMethods = {
    2, Close, Read, Write, Truncate, Sync, FileSize, Lock, Unlock, CheckLock, Control, SectorSize,
    Characteristics, ShmMap, ShmLock, ShmBarrier, ShmUnmap, nullptr, nullptr};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<CountingFile*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  file->base.pMethods = file->real->pMethods ? &kCountingMethods : nullptr;
  return rc;
}

// While it lives, every connection opened reads through the counting VFS.
struct CountReads {
  sqlite3_vfs vfs{};
  CountReads() {
    sqlite3_initialize();
    g_real = sqlite3_vfs_find(nullptr);
    vfs = *g_real;
    vfs.zName = "dosti-count-reads";
    vfs.szOsFile = static_cast<int>(sizeof(CountingFile)) + g_real->szOsFile;
    vfs.xOpen = Open;
    vfs.pNext = nullptr;
    REQUIRE(sqlite3_vfs_register(&vfs, 1) == SQLITE_OK);
  }
  ~CountReads() {
    sqlite3_vfs_register(g_real, 1);
    sqlite3_vfs_unregister(&vfs);
  }
};

// [SECTION] VM instructions: the progress handler, called every instruction

struct CountSteps {
  sqlite3* db;
  int64_t steps = 0;
  explicit CountSteps(Session& s) : db(s.impl().db->handle()) {
    sqlite3_progress_handler(
        db, 1,
        [](void* n) {
          ++*static_cast<int64_t*>(n);
          return 0;
        },
        &steps);
  }
  ~CountSteps() { sqlite3_progress_handler(db, 0, nullptr, nullptr); }
};

// `n` enterprises as a spreadsheet has them, from number `first` on: a Chinese one with a
// USCC, a Pakistani one with an NTN, in turn; names and identifiers all distinct.
std::string EnterpriseCsv(int first, int n) {
  std::string csv = "country,name,city,uscc,ntn\n";
  const std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (int i = first; i < first + n; ++i) {
    std::string k = std::to_string(i);
    if (i % 2 == 0) {
      std::string uscc = "91110000";
      for (int d = 0, v = i; d < 9; ++d, v /= 31) uscc += alphabet[v % 31];
      uscc += UsccCheckCharacter(uscc);
      csv += "CN,北京数据科技有限公司" + k + ",北京," + uscc + ",\n";
    } else {
      csv += "PK,Indus Data Systems " + k + ",Lahore,," + std::to_string(1'000'000 + i) + "-" +
             std::to_string(i % 10) + "\n";
    }
  }
  return csv;
}

// A workspace file holding `n` enterprises, imported.
std::string WorkspaceOf(TempDir& dir, int n) {
  std::string path = dir.File("w" + std::to_string(n) + ".db");
  Workspace w("beijing", path);
  auto done = w->ImportEnterprisesCsv(EnterpriseCsv(0, n));
  REQUIRE(done);
  REQUIRE(done->imported == n);
  return path;
}

// VM instructions per row to import `csv` (100 rows, all new) as `kind`.
int64_t StepsPerRow(Workspace& w, ImportKind kind, const std::string& csv) {
  CountSteps count(*w.session);
  auto done = w->ImportCsv(kind, csv);
  REQUIRE(done);
  REQUIRE(done->imported == 100);
  return count.steps / 100;
}

// `cost` of the same work with 100 and with 2,000 records stored: within a quarter.
void CheckSameCost(const char* what, const std::function<int64_t(int stored)>& cost) {
  int64_t a = cost(100), b = cost(2'000);
  INFO(what << ": " << a << " with 100 stored, " << b << " with 2,000");
  CHECK(b < a * 5 / 4);
}

}  // namespace

TEST_CASE("Opening a workspace reads as many pages with 2000 enterprises as with 100",
          "[core][scale][native]") {
  TempDir dir;
  std::string small = WorkspaceOf(dir, 100), large = WorkspaceOf(dir, 2'000);
  auto reads_to_open = [](const std::string& path) {
    CountReads counting;
    g_reads = 0;
    auto s = Session::Open(path);
    REQUIRE(s);
    auto info = (*s)->Info();
    REQUIRE(info);
    CHECK(info->initialised);
    return g_reads;
  };
  int64_t a = reads_to_open(small), b = reads_to_open(large);
  INFO("pages read to open: " << a << " with 100 enterprises, " << b << " with 2,000");
  CHECK(a > 0);
  // A B-tree one level deeper may cost a page or two; a scan of every table costs hundreds.
  CHECK(b <= a + 8);
}

TEST_CASE("An import spends as much per row on 2000 enterprises as on 100",
          "[core][scale][csv][native]") {
  TempDir dir;
  CheckSameCost("VM instructions per row", [&](int stored) {
    Workspace w("beijing", dir.File("import" + std::to_string(stored) + ".db"));
    REQUIRE(w->ImportEnterprisesCsv(EnterpriseCsv(0, stored)));
    return StepsPerRow(w, ImportKind::kEnterprises, EnterpriseCsv(100'000, 100));
  });
}

TEST_CASE("A page of the enterprise list costs as much on 2000 enterprises as on 100",
          "[core][scale][list][native]") {
  TempDir dir;
  for (const char* country : {"", "PK"}) {
    CheckSameCost(*country ? "VM instructions for a page of 20 of PK"
                           : "VM instructions for a page of 20 of all",
                  [&](int stored) {
                    Workspace w("beijing", dir.File("list" + std::string(country) +
                                                    std::to_string(stored) + ".db"));
                    REQUIRE(w->ImportEnterprisesCsv(EnterpriseCsv(0, stored)));
                    CountSteps count(*w.session);
                    auto page = w->ListEnterprises({country, "", false, 20});
                    REQUIRE(page);
                    REQUIRE(page->size() == 20);
                    if (*country) CHECK(page->front().Text("country") == country);
                    return count.steps;
                  });
  }
}

TEST_CASE("An import of follow-ups spends as much per row on 2000 follow-ups as on 100",
          "[core][scale][csv][native]") {
  TempDir dir;
  CheckSameCost("VM instructions per row", [&](int stored) {
    Workspace w("beijing", dir.File("followups" + std::to_string(stored) + ".db"));
    auto e = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
    REQUIRE(e);
    // One enterprise's follow-ups, one a day (a follow-up is matched by its subject, due date
    // and note); the rows counted fall on the days of those already stored.
    auto follow_ups = [&](int n, const std::string& note) {
      std::string csv = "subject_id,due_date,note\n";
      for (int i = 0; i < n; ++i) {
        csv += e->id + "," + FormatDate(AddDays({2020, 1, 1}, i)) + "," + note + " " +
               std::to_string(i) + "\n";
      }
      return csv;
    };
    REQUIRE(w->ImportCsv(ImportKind::kFollowUps, follow_ups(stored, "Call back about visit")));
    return StepsPerRow(w, ImportKind::kFollowUps, follow_ups(100, "Call back again"));
  });
}

#endif  // __EMSCRIPTEN__

TEST_CASE("An insert under an id just made skips the look for an existing row but not the check",
          "[core][scale]") {
  Workspace w;
  Store& store = *w->impl().store;
  Fields fields{{"country", std::string("PK")}, {"name", std::string("Indus")}};
  std::string id = store.NewId();
  REQUIRE(w->Atomically([&] { return store.Insert("enterprise", id, fields); }));
  // The same id again (no longer just made: looked for): refused, and nothing changes.
  auto again = w->Atomically([&] { return store.Insert("enterprise", id, fields); });
  CHECK_FALSE(again);
  CHECK(again.error().key == "store.exists");
  auto list = w->ListEnterprises();
  REQUIRE(list);
  CHECK(list->size() == 1);
}
