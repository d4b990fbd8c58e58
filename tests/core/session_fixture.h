// A fresh in-memory workspace with a fixed clock and seeded ids, for core tests.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "dosti/session.h"

namespace dosti::testing {

// A fresh directory under the system's temporary directory, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    SeededRandom r(
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    path = std::filesystem::temp_directory_path() /
           ("dosti-test-" + std::to_string(r.Next() % 1'000'000'000));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string File(const std::string& name) const { return (path / name).string(); }
};

// The value of a result that must have succeeded (the test stops with its message otherwise).
template <typename T>
T Must(Result<T> r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  return std::move(*r);
}

inline void Must(Result<void> r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
}

inline int64_t MsAt(Date d, int hour_utc = 4) {
  return DaysFromCivil(d) * 86'400'000 + int64_t{hour_utc} * 3'600'000;
}

// Takes a database of schema 6 back to schema 5 as the Dosti before it left one: the search
// index's and the tally's insert triggers, the log WITHOUT ROWID and without its hlc index, no follow-up index
// by subject, no mark of rows to adopt. For tests of upgrades (run with Db::Exec on the closed
// workspace's file).
inline constexpr const char* kUndoSchema6 = R"sql(
CREATE TRIGGER enterprise_fts_insert AFTER INSERT ON enterprise BEGIN
  INSERT INTO enterprise_fts(rowid, name, name_en, name_zh, name_ur, short_name)
  VALUES (new.seq, new.name, new.name_en, new.name_zh, new.name_ur, new.short_name);
END;
CREATE TRIGGER enterprise_tally_insert AFTER INSERT ON enterprise
WHEN new.canon_id IS NULL BEGIN
  INSERT INTO enterprise_tally VALUES (new.archived, new.country, new.stage_rank,
    coalesce(new.owning_office, ''), coalesce(new.sector, ''), 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
END;
DROP INDEX commit_log_hlc;
DROP INDEX follow_up_subject;
CREATE TABLE commit_log_v5 (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, body BLOB NOT NULL,
  PRIMARY KEY (device, seq)) WITHOUT ROWID;
INSERT INTO commit_log_v5 SELECT device, seq, hlc, body FROM commit_log;
DROP TABLE commit_log;
ALTER TABLE commit_log_v5 RENAME TO commit_log;
DELETE FROM local_setting WHERE key = 'rows_to_adopt';
PRAGMA user_version = 5;
)sql";

// Follow-up filters spelled out (a brace list that leaves fields out warns under -Wextra).
inline FollowUpFilter OverdueOnly() {
  FollowUpFilter f;
  f.overdue_only = true;
  return f;
}
inline FollowUpFilter IncludingDone() {
  FollowUpFilter f;
  f.include_done = true;
  return f;
}

struct Workspace {
  ManualClock clock{MsAt({2024, 6, 15})};
  SeededRandom random{42};
  std::unique_ptr<Session> session;

  explicit Workspace(std::string office = "beijing", std::string path = ":memory:") {
    auto s = Session::Open(path, {&clock, &random});
    if (!s) throw std::runtime_error(s.error().message);
    session = std::move(*s);
    auto init = session->Init(office, "Test workspace");
    if (!init) throw std::runtime_error(init.error().message);
  }
  Session* operator->() { return session.get(); }

  // An enterprise with everything selection needs: identifier, sector, region, city and a
  // primary contact who consented.
  std::string CompleteEnterprise(const std::string& country, const std::string& name,
                                 const std::string& identifier) {
    std::string id = EnterpriseWithoutContact(country, name, identifier);
    auto contact = session->AddContact({{"enterprise_id", id},
                                        {"full_name", std::string("Contact of ") + name},
                                        {"consent_contact", std::string("1")}});
    if (!contact) throw std::runtime_error(contact.error().message);
    return id;
  }
  // The same without its contact: everything selection needs but the primary contact.
  std::string EnterpriseWithoutContact(const std::string& country, const std::string& name,
                                       const std::string& identifier) {
    Fields f{{"country", country}, {"name", name}, {"sector", std::string("6201")},
             {"region", country == "CN" ? std::string("CN-BJ") : std::string("PK-IS")},
             {"city", country == "CN" ? std::string("Beijing") : std::string("Islamabad")}};
    IdentifierInput id{country == "CN" ? IdentifierType::kCnUscc : IdentifierType::kPkNtn,
                       identifier};
    auto saved = session->AddEnterprise(f, {id});
    if (!saved) throw std::runtime_error(saved.error().message);
    return saved->id;
  }
  // An enterprise with a country and a name only (and the identifiers given).
  std::string PlainEnterprise(const std::string& country, const std::string& name,
                              const std::vector<IdentifierInput>& ids = {}) {
    return Must(session->AddEnterprise({{"country", country}, {"name", name}}, ids)).id;
  }
};

}  // namespace dosti::testing
