#include "schema.h"

#include <string>

#include "dosti/catalog.h"

namespace dosti {
namespace {

// Common columns of every replicated row (DESIGN.md §2): a 128-bit random id made on the
// device, instants in UTC milliseconds, the device that created it, the archived flag.
#define DOSTI_ROW                                   \
  "id TEXT PRIMARY KEY NOT NULL,"                   \
  "created_at INTEGER NOT NULL,"                    \
  "updated_at INTEGER NOT NULL,"                    \
  "origin_device TEXT NOT NULL,"                    \
  "archived INTEGER NOT NULL DEFAULT 0"

// Version 1: the records model of DOMAIN.md. Columns hold codes (not foreign keys to
// vocabulary tables) because replicas must accept rows in any order; references between
// records are checked by the core, not by SQLite, for the same reason.
constexpr const char* kV1 = R"sql(
CREATE TABLE local_setting (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE office (
  )sql" DOSTI_ROW R"sql(,
  code TEXT NOT NULL, country TEXT NOT NULL, name_en TEXT, name_zh TEXT, name_ur TEXT,
  timezone TEXT NOT NULL, utc_offset_minutes INTEGER NOT NULL);
CREATE TABLE staff (
  )sql" DOSTI_ROW R"sql(,
  name TEXT NOT NULL, office TEXT, email TEXT, role TEXT);
CREATE TABLE device (
  )sql" DOSTI_ROW R"sql(,
  name TEXT, office TEXT, role TEXT);
CREATE TABLE programme (
  )sql" DOSTI_ROW R"sql(,
  code TEXT NOT NULL, name TEXT, start_date TEXT NOT NULL, end_date TEXT,
  target_cn INTEGER NOT NULL, target_pk INTEGER NOT NULL);

CREATE TABLE enterprise (
  seq INTEGER PRIMARY KEY,                 -- local only: a stable rowid for the search index
  id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, origin_device TEXT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  country TEXT NOT NULL, name TEXT NOT NULL, name_en TEXT, name_zh TEXT, name_ur TEXT,
  short_name TEXT, sector TEXT, region TEXT, city TEXT, address TEXT, website TEXT,
  founded_year INTEGER, employees INTEGER, size_class TEXT,
  landing_status TEXT NOT NULL DEFAULT 'none', source TEXT, owning_office TEXT,
  record_state TEXT NOT NULL DEFAULT 'complete', merged_into TEXT,
  name_key TEXT                            -- local only: NameKey(name), for duplicates
);
CREATE INDEX enterprise_country ON enterprise(country, archived);
CREATE INDEX enterprise_name_key ON enterprise(name_key);

CREATE TABLE enterprise_identifier (
  )sql" DOSTI_ROW R"sql(,
  enterprise_id TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,
  check_state TEXT NOT NULL);
CREATE INDEX identifier_enterprise ON enterprise_identifier(enterprise_id);
CREATE INDEX identifier_value ON enterprise_identifier(value, type);

CREATE TABLE contact (
  )sql" DOSTI_ROW R"sql(,
  enterprise_id TEXT NOT NULL, full_name TEXT NOT NULL, latin_name TEXT, name_ur TEXT,
  position TEXT, mobile TEXT, office_phone TEXT, email TEXT, wechat TEXT, whatsapp TEXT,
  preferred_language TEXT, is_primary INTEGER NOT NULL DEFAULT 0,
  consent_contact INTEGER NOT NULL DEFAULT 0, consent_transfer INTEGER NOT NULL DEFAULT 0,
  consent_date TEXT, consent_method TEXT);
CREATE INDEX contact_enterprise ON contact(enterprise_id);
CREATE INDEX contact_mobile ON contact(mobile);
CREATE INDEX contact_email ON contact(email);
CREATE INDEX contact_wechat ON contact(wechat);

CREATE TABLE enrollment (
  )sql" DOSTI_ROW R"sql(,
  enterprise_id TEXT NOT NULL, programme_id TEXT NOT NULL, stage TEXT NOT NULL,
  programme_number TEXT);
CREATE INDEX enrollment_enterprise ON enrollment(enterprise_id, programme_id);
-- Stage history: append-only; the progress report is computed from it as of any date.
CREATE TABLE enrollment_stage (
  )sql" DOSTI_ROW R"sql(,
  enrollment_id TEXT NOT NULL, stage TEXT NOT NULL, changed_on TEXT NOT NULL,
  changed_at INTEGER NOT NULL, reason TEXT);
CREATE INDEX enrollment_stage_enrollment ON enrollment_stage(enrollment_id);

CREATE TABLE service_log (
  )sql" DOSTI_ROW R"sql(,
  enterprise_id TEXT NOT NULL, contact_id TEXT, programme_id TEXT, category TEXT NOT NULL,
  service_date TEXT NOT NULL, provider_office TEXT NOT NULL, lead_staff TEXT,
  delivery_mode TEXT NOT NULL DEFAULT 'in_person', event_id TEXT,
  minutes INTEGER NOT NULL, participants INTEGER, summary TEXT NOT NULL,
  outcome TEXT NOT NULL DEFAULT 'completed', state TEXT NOT NULL DEFAULT 'final');
CREATE INDEX service_log_date ON service_log(service_date);
CREATE INDEX service_log_enterprise ON service_log(enterprise_id);

CREATE TABLE follow_up (
  )sql" DOSTI_ROW R"sql(,
  subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, enterprise_id TEXT,
  due_date TEXT NOT NULL, assignee TEXT, office TEXT, note TEXT,
  status TEXT NOT NULL DEFAULT 'open', done_on TEXT);
CREATE INDEX follow_up_status ON follow_up(status, due_date);

CREATE TABLE matchmaking (
  )sql" DOSTI_ROW R"sql(,
  cn_enterprise_id TEXT NOT NULL, pk_enterprise_id TEXT NOT NULL,
  cooperation_type TEXT NOT NULL, stage TEXT NOT NULL, lost_reason TEXT, note TEXT);
CREATE TABLE matchmaking_stage (
  )sql" DOSTI_ROW R"sql(,
  matchmaking_id TEXT NOT NULL, stage TEXT NOT NULL, changed_on TEXT NOT NULL,
  changed_at INTEGER NOT NULL, reason TEXT);
CREATE INDEX matchmaking_stage_match ON matchmaking_stage(matchmaking_id);

CREATE TABLE event (
  )sql" DOSTI_ROW R"sql(,
  kind TEXT NOT NULL, name TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL,
  city TEXT, office TEXT);
CREATE TABLE event_participation (
  )sql" DOSTI_ROW R"sql(,
  event_id TEXT NOT NULL, enterprise_id TEXT NOT NULL, contact_id TEXT, role TEXT,
  status TEXT NOT NULL DEFAULT 'registered');
CREATE INDEX participation_event ON event_participation(event_id);
)sql";

// Version 2: the "already ours?" search index. FTS5 with the trigram tokenizer finds Chinese
// and Urdu substrings of three characters or more (sqlite.org/fts5.html#the_trigram_tokenizer).
// It is an external-content table over enterprise, keyed by the local `seq` (stable across
// VACUUM, unlike an implicit rowid), kept current by triggers. Existing rows are indexed by
// the 'rebuild' command, so databases of version 1 become searchable on upgrade.
constexpr const char* kV2 = R"sql(
CREATE VIRTUAL TABLE enterprise_fts USING fts5(
  name, name_en, name_zh, name_ur, short_name,
  content='enterprise', content_rowid='seq', tokenize='trigram');
CREATE TRIGGER enterprise_fts_insert AFTER INSERT ON enterprise BEGIN
  INSERT INTO enterprise_fts(rowid, name, name_en, name_zh, name_ur, short_name)
  VALUES (new.seq, new.name, new.name_en, new.name_zh, new.name_ur, new.short_name);
END;
CREATE TRIGGER enterprise_fts_delete AFTER DELETE ON enterprise BEGIN
  INSERT INTO enterprise_fts(enterprise_fts, rowid, name, name_en, name_zh, name_ur, short_name)
  VALUES ('delete', old.seq, old.name, old.name_en, old.name_zh, old.name_ur, old.short_name);
END;
CREATE TRIGGER enterprise_fts_update AFTER UPDATE OF name, name_en, name_zh, name_ur, short_name
ON enterprise BEGIN
  INSERT INTO enterprise_fts(enterprise_fts, rowid, name, name_en, name_zh, name_ur, short_name)
  VALUES ('delete', old.seq, old.name, old.name_en, old.name_zh, old.name_ur, old.short_name);
  INSERT INTO enterprise_fts(rowid, name, name_en, name_zh, name_ur, short_name)
  VALUES (new.seq, new.name, new.name_en, new.name_zh, new.name_ur, new.short_name);
END;
INSERT INTO enterprise_fts(enterprise_fts) VALUES ('rebuild');
)sql";

// Version 3: replication (core/REPLICATION.md). Every replicated row gets its local `clock`
// (the per-field heads); the commit log holds every applied commit, own and remote, for
// forwarding; held commits wait for a gap, a dependency or their time; the conflict index
// lists fields with two or more heads; rows of tables a newer schema added wait in
// unknown_row. Rows written before this version are adopted into a first commit on open.
constexpr const char* kV3 = R"sql(
ALTER TABLE office ADD COLUMN clock BLOB;
ALTER TABLE staff ADD COLUMN clock BLOB;
ALTER TABLE device ADD COLUMN clock BLOB;
ALTER TABLE programme ADD COLUMN clock BLOB;
ALTER TABLE enterprise ADD COLUMN clock BLOB;
-- Local, derived from merged_into: the live record this one was merged into (following chains;
-- in a cycle made by concurrent merges the smallest id stays live). NULL for live records.
ALTER TABLE enterprise ADD COLUMN canon_id TEXT;
CREATE INDEX enterprise_canon ON enterprise(canon_id);
ALTER TABLE enterprise_identifier ADD COLUMN clock BLOB;
ALTER TABLE contact ADD COLUMN clock BLOB;
ALTER TABLE enrollment ADD COLUMN clock BLOB;
ALTER TABLE enrollment_stage ADD COLUMN clock BLOB;
ALTER TABLE service_log ADD COLUMN clock BLOB;
ALTER TABLE follow_up ADD COLUMN clock BLOB;
ALTER TABLE matchmaking ADD COLUMN clock BLOB;
ALTER TABLE matchmaking_stage ADD COLUMN clock BLOB;
ALTER TABLE event ADD COLUMN clock BLOB;
ALTER TABLE event_participation ADD COLUMN clock BLOB;

CREATE TABLE commit_log (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, body BLOB NOT NULL,
  PRIMARY KEY (device, seq)) WITHOUT ROWID;
CREATE TABLE held_commit (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, body BLOB NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0, received_at INTEGER NOT NULL,
  PRIMARY KEY (device, seq)) WITHOUT ROWID;
-- What this device's commits have already declared as dependencies (FlushCommit).
CREATE TABLE declared_dep (device TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE conflict (
  tbl TEXT NOT NULL, row_id TEXT NOT NULL, col TEXT NOT NULL,
  PRIMARY KEY (tbl, row_id, col)) WITHOUT ROWID;
CREATE INDEX enrollment_stage_now ON enrollment(programme_id, stage);
CREATE INDEX enrollment_number ON enrollment(programme_id, programme_number);
-- Local numbers for device ids, so row clocks stay small; never replicated.
CREATE TABLE device_index (n INTEGER PRIMARY KEY, device TEXT NOT NULL UNIQUE);
CREATE TABLE unknown_row (
  tbl TEXT NOT NULL, id TEXT NOT NULL, clock BLOB NOT NULL,
  PRIMARY KEY (tbl, id)) WITHOUT ROWID;
)sql";

// Version 4: local state of the layers above the core (Session::LocalGet and friends): the
// sync layer's envelope log, receipts and peers. Never replicated.
constexpr const char* kV4 = R"sql(
CREATE TABLE local_blob (
  space TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
  PRIMARY KEY (space, key)) WITHOUT ROWID;
)sql";

// Version 5: lists a GUI can page through (Session::QueryEnterprises) and the quarantine of
// equivocating commits. enterprise.stage_rank is local, derived by the Store from the DH-2023
// enrollment (0: none, else 1 + the stage's place in the pipeline) and filled in on open after
// this migration. The list indexes hold live records only (canon_id IS NULL, as every list
// asks) and carry every filter column, so a page reads one index and only its own rows; the
// count is a sum over enterprise_tally, a few hundred rows however many enterprises there are.
constexpr const char* kV5 = R"sql(
ALTER TABLE enterprise ADD COLUMN stage_rank INTEGER NOT NULL DEFAULT 0;
CREATE INDEX enterprise_list_name ON enterprise(
  name COLLATE NOCASE, id, archived, country, stage_rank, owning_office, sector)
  WHERE canon_id IS NULL;
CREATE INDEX enterprise_list_country ON enterprise(
  country, name COLLATE NOCASE, id, archived, stage_rank, owning_office, sector)
  WHERE canon_id IS NULL;
CREATE INDEX enterprise_list_stage ON enterprise(
  stage_rank, name COLLATE NOCASE, id, archived, country, owning_office, sector)
  WHERE canon_id IS NULL;
CREATE INDEX enterprise_list_updated ON enterprise(
  updated_at, id, archived, country, stage_rank, owning_office, sector)
  WHERE canon_id IS NULL;
-- The count of a filtered list without stepping through the rows: live enterprises tallied
-- by every filter column (NULL written as ''), kept by triggers whatever writes the row.
CREATE TABLE enterprise_tally (
  archived INTEGER NOT NULL, country TEXT NOT NULL, stage_rank INTEGER NOT NULL,
  owning_office TEXT NOT NULL, sector TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (archived, country, stage_rank, owning_office, sector)) WITHOUT ROWID;
INSERT INTO enterprise_tally
  SELECT archived, country, stage_rank, coalesce(owning_office, ''), coalesce(sector, ''),
         count(*) FROM enterprise WHERE canon_id IS NULL GROUP BY 1, 2, 3, 4, 5;
CREATE TRIGGER enterprise_tally_insert AFTER INSERT ON enterprise
WHEN new.canon_id IS NULL BEGIN
  INSERT INTO enterprise_tally VALUES (new.archived, new.country, new.stage_rank,
    coalesce(new.owning_office, ''), coalesce(new.sector, ''), 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER enterprise_tally_delete AFTER DELETE ON enterprise
WHEN old.canon_id IS NULL BEGIN
  UPDATE enterprise_tally SET n = n - 1 WHERE archived = old.archived AND country = old.country
    AND stage_rank = old.stage_rank AND owning_office = coalesce(old.owning_office, '')
    AND sector = coalesce(old.sector, '');
END;
CREATE TRIGGER enterprise_tally_update
AFTER UPDATE OF archived, country, stage_rank, owning_office, sector, canon_id ON enterprise BEGIN
  UPDATE enterprise_tally SET n = n - 1 WHERE old.canon_id IS NULL
    AND archived = old.archived AND country = old.country AND stage_rank = old.stage_rank
    AND owning_office = coalesce(old.owning_office, '') AND sector = coalesce(old.sector, '');
  INSERT INTO enterprise_tally SELECT new.archived, new.country, new.stage_rank,
    coalesce(new.owning_office, ''), coalesce(new.sector, ''), 1 WHERE new.canon_id IS NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
END;
-- A commit that arrived with the (device, seq) of one already here but other content: kept as
-- evidence of equivocation, never applied (core/REPLICATION.md, "Equivocation").
CREATE TABLE quarantined_commit (
  device TEXT NOT NULL, seq INTEGER NOT NULL, digest TEXT NOT NULL, hlc INTEGER NOT NULL,
  body BLOB NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (device, seq, digest)) WITHOUT ROWID;
)sql";

// Version 6: opening and bulk writes that do not grow with the data.
// - Rows written before change capture (schema 2) are adopted into a first commit once, when
//   the workspace has a device (Session::Open, Init, JoinAsReplica); the setting says that is
//   still to be done, so that opening no longer looks through every table for rows without a
//   clock. Set for every database reaching this version; whoever adopts deletes it.
// - commit_log becomes a table with rowids, its key (device, seq) an index beside it: in a
//   table WITHOUT ROWID the body is part of the key, and SQLite reads a key that overflows
//   its page whole to compare with it (sqlite3BtreeIndexMoveto), so every seek in the log,
//   opening's included, read whole commits of up to 1000 KiB, and every commit written read
//   its neighbour's. Now seeks read the small index; a body is read when it is selected.
// - commit_log by hlc: the clock a device starts from is the highest stamp applied, read from
//   this index instead of the whole log.
// - follow_up by subject and due date: an import matches a follow-up without an id by its
//   subject, due date and note, which read every follow-up once per row without an index.
// - New enterprises enter the search index and the tally at COMMIT, written by the Store
//   (Store::FlushNewEnterprises), no longer by insert triggers: FTS5 writes out its pending
//   terms at every statement savepoint, and every insert into enterprise opened one (it had
//   triggers), so an import made one index segment per row; the trigger programs were 9% of
//   an import's instructions. Updates and deletes keep their triggers.
constexpr const char* kV6 = R"sql(
INSERT OR REPLACE INTO local_setting(key, value) VALUES ('rows_to_adopt', '1');
CREATE TABLE commit_log_v6 (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, body BLOB NOT NULL,
  PRIMARY KEY (device, seq));
INSERT INTO commit_log_v6(device, seq, hlc, body)
  SELECT device, seq, hlc, body FROM commit_log ORDER BY device, seq;
DROP TABLE commit_log;
ALTER TABLE commit_log_v6 RENAME TO commit_log;
CREATE INDEX commit_log_hlc ON commit_log(hlc);
CREATE INDEX follow_up_subject ON follow_up(subject_id, due_date);
DROP TRIGGER enterprise_fts_insert;
DROP TRIGGER enterprise_tally_insert;
)sql";

const char* const kMigrations[] = {kV1, kV2, kV3, kV4, kV5, kV6};
static_assert(std::size(kMigrations) == kSchemaVersion);

}  // namespace

const std::vector<std::string_view>& ReplicatedTables() {
  static const std::vector<std::string_view> tables = {
      "office",  "staff",      "device",          "programme",   "enterprise",
      "enterprise_identifier", "contact",         "enrollment",  "enrollment_stage",
      "event",   "service_log", "follow_up",      "matchmaking", "matchmaking_stage",
      "event_participation"};
  return tables;
}

Result<int> SchemaVersion(Db& db) {
  auto v = db.QueryInt("PRAGMA user_version");
  if (!v) return v.error();
  return static_cast<int>(*v);
}

Result<void> Migrate(Db& db, int target) {
  auto current = SchemaVersion(db);
  if (!current) return current.error();
  if (*current > kSchemaVersion) {
    return MakeError(ErrorCode::kSchemaTooNew, "schema.too_new",
                     {{"version", std::to_string(*current)},
                      {"known", std::to_string(kSchemaVersion)}});
  }
  for (int v = *current + 1; v <= target; ++v) {
    auto r = InTransaction(db, [&]() -> Result<void> {
      DOSTI_TRY(db.Exec(kMigrations[v - 1]));
      return db.Exec("PRAGMA user_version = " + std::to_string(v));
    });
    if (!r) {
      return MakeError(ErrorCode::kStorage, "schema.migration_failed",
                       {{"version", std::to_string(v)}, {"reason", r.error().message}});
    }
  }
  return {};
}

}  // namespace dosti
