// The core's facade: one open Dosti database and every operation the front ends need.
// The command line, the desktop app and the wasm booth app all call this class and nothing
// below it; no SQL exists outside core/src.
//
// Contract for every method:
//   - returns Result<T>; on error nothing was changed (each write is one SQLite transaction);
//   - ids are 32 lowercase hex characters (128 bits, time-ordered); wherever an id is taken,
//     a unique prefix of at least 6 characters is accepted too (kAmbiguous when it is not unique);
//   - text is stored trimmed and in NFC; identifiers and phones normalised (DOMAIN.md);
//   - warnings do not refuse a write: they come back in Saved::warnings.
// Threading: a Session is used by one thread at a time (the SQLite connection is not shared),
//   except Interrupt(), which any thread may call while the Session exists. Two threads that
//   each need the database (a GUI's and a worker's) open a Session each on the same file.
// Ownership: Open returns the only owner; destroying it closes the database.
// Lifetimes ([SECTION] Lifetimes below says it all in one place): what SessionOptions points at
//   (clock, random source) outlives the Session; the Session outlives every thread that may
//   call Interrupt(); callbacks (observers, the after-commit hook, progress) run on the
//   Session's thread, inside the call that caused them, and must not destroy the Session.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/cancel.h"
#include "dosti/catalog.h"
#include "dosti/date.h"
#include "dosti/encoding.h"
#include "dosti/platform.h"
#include "dosti/record.h"
#include "dosti/replication.h"
#include "dosti/reports.h"
#include "dosti/result.h"
#include "dosti/validation.h"

namespace dosti {

// Reference vocabularies (codes as stored; labels in the catalog: dosti::Label, catalog.h).
extern const std::vector<std::string_view> kCountries;          // CN, PK
extern const std::vector<std::string_view> kOffices;            // beijing, islamabad
extern const std::vector<std::string_view> kServiceCategories;  // training … finance
extern const std::vector<std::string_view> kEnrollmentStages;   // prospect … completed, exits
extern const std::vector<std::string_view> kMatchmakingStages;  // proposed … deal_closed, exits
extern const std::vector<std::string_view> kCooperationTypes;   // trade … other
extern const std::vector<std::string_view> kEventKinds;         // trade_fair … webinar
extern const std::vector<std::string_view> kParticipationStatuses;  // registered … cancelled
extern const std::vector<std::string_view> kParticipationRoles;     // visitor … organiser
extern const std::vector<std::string_view> kSizeClasses;            // micro … large
extern const std::vector<std::string_view> kLandingStatuses;        // none … operating
extern const std::vector<std::string_view> kSources;                // booth … import
extern const std::vector<std::string_view> kRecordStates;           // draft, complete
// The codes an enterprise field takes, in the order a list offers them (country, size_class,
// landing_status, source, owning_office, record_state), and the kind of their labels
// (Label(label_kind, code, lang): "office" for owning_office, else the field's name).
struct FieldCodes {
  std::string_view label_kind;
  const std::vector<std::string_view>* codes = nullptr;
};
// nullopt for a field that is not a code.
std::optional<FieldCodes> EnterpriseFieldCodes(std::string_view field);

struct SessionOptions {
  // {&clock, &random} and {&clock, &random, hook} both read as before the hook existed.
  SessionOptions(Clock* c = nullptr, Random* r = nullptr,
                 std::function<Result<void>()> hook = {})  // NOLINT: implicit on purpose
      : clock(c), random(r), after_commit(std::move(hook)) {}
  Clock* clock = nullptr;    // nullptr: the system clock
  Random* random = nullptr;  // nullptr: the operating system's random source
  // The after-commit hook, for a storage layer that must flush before a save is reported (the
  // browser's OPFS file). Called on the Session's thread after every successful COMMIT of this
  // Session's connection (every write call, import, merge, Local*/Atomically, and the
  // migrations Open runs), before the call that wrote returns; never after a rollback, never
  // for a read. Nested writes (Atomically, an import) commit, and call it, once.
  // Guaranteed: when a write call returns success, the hook has returned success after that
  // write's COMMIT. Not guaranteed: that the write is undone when the hook fails. SQLite has
  // committed by then, so the call returns the hook's error (kIo, say) although the change is
  // in the database and later reads see it; the next commit calls the hook again, and a
  // storage layer that flushes everything then makes it durable. A front end reports such a
  // save as "not saved durably", not as "not saved". The hook must not call the Session.
  std::function<Result<void>()> after_commit;
  // The SQLite VFS to open the database through: "" for the platform's own files; the name of
  // a dosti/vfs.h FilePool for the browser's storage. The database is then opened in exclusive
  // locking mode (one connection owns it) and every COMMIT is flushed before the write call
  // returns (synchronous=FULL).
  std::string vfs;
};

// [SECTION] Lifetimes
// - Clock and Random given in SessionOptions outlive the Session.
// - The Session outlives every thread that may call Interrupt() (Interrupt on a destroyed
//   Session is undefined, as sqlite3_interrupt on a closed connection is).
// - Observers and the after-commit hook are called on the Session's thread from inside the
//   write call that caused them; they may read through the Session, must not write through it
//   (the write would run inside the delivery of the previous one) and must not destroy it.
//   A std::function given to the Session is copied; what it captures must outlive the Session
//   or be removed first (RemoveObserver).
// - Progress callbacks run on the calling thread during the call, inside its transaction; they
//   may call Interrupt() (a single-threaded front end cancels that way, e.g. the booth's Web
//   Worker after a "cancel" message) and must not write through the Session or destroy it.
// - A Session on another thread (or process) on the same file sees this one's commits at its
//   next read; its observers hear only its own writes.
// - Results (records, reports, pages) are plain values owned by the caller.

// What one committed transaction wrote, for a GUI that refreshes what changed instead of
// re-reading everything. Ids are sorted; a table with more than kMaxObservedRecords changed
// rows reports `many` instead (re-read it).
inline constexpr std::size_t kMaxObservedRecords = 10000;
struct ChangedRecords {
  std::string table;             // a replicated table: "enterprise", "contact", ...
  std::vector<std::string> ids;  // the records written (inserted or updated), sorted
  bool many = false;             // too many to list: treat the whole table as changed
};
struct ChangeEvent {
  bool local = false;   // this device wrote (a facade call, an import, Atomically)
  bool merged = false;  // other devices' changes were merged (ApplyChangeset, held released)
  std::vector<ChangedRecords> tables;  // by table name
};
// Called after the commit (and after the after-commit hook), once per transaction that wrote
// records; never for a rolled-back one, nor for writes of local state only (Local*).
using ChangeObserver = std::function<void(const ChangeEvent&)>;
using ObserverId = uint64_t;

struct WorkspaceInfo {
  bool initialised = false;
  std::string workspace_name;
  std::string office;        // this device's office: beijing | islamabad
  std::string device_id;
  std::string programme_id;  // the DH-2023 programme
  int schema_version = 0;
  std::string user;  // the person using this device (SetUser), "" when not named
};

struct IdentifierInput {
  IdentifierType type = IdentifierType::kOther;
  std::string value;  // as typed; normalised by the core
};

struct Identifier {
  std::string id;
  IdentifierType type = IdentifierType::kOther;
  std::string value;  // normalised
  IdentifierCheck check = IdentifierCheck::kFormatOnly;
};

struct EnterpriseView {
  Record record;  // every enterprise column
  std::vector<Identifier> identifiers;
};

struct EnterpriseFilter {
  std::string country;  // "" for both
  std::string search;   // "" for all; otherwise the "already ours?" search
  bool include_archived = false;
  int limit = 0;        // 0: no limit
};

// A page of the enterprise list (QueryEnterprises): filters, an order, a window.
enum class EnterpriseSort {
  kName,       // name (ASCII case ignored), then id
  kCountry,    // home country, then name
  kStage,      // DH-2023 enrollment stage in pipeline order (not enrolled first), then name
  kUpdated,    // last change (the latest stamp applied to the record), then id
  kRelevance,  // with `search`: best match first (the search's order); else as kName
};
enum class ArchivedFilter { kExclude, kOnly, kInclude };
struct EnterpriseQuery {
  std::string country;  // "CN", "PK" or "" for both
  std::string stage;    // an enrollment stage, "none" (not enrolled) or "" for any
  std::string sector;   // an ISIC code, matched exactly, or ""
  std::string office;   // owning office (beijing | islamabad) or ""
  ArchivedFilter archived = ArchivedFilter::kExclude;
  std::string search;   // "" for all; otherwise the "already ours?" search (Search), whose
                        // first kMaxQueryHits hits are then filtered, sorted and paged
  EnterpriseSort sort = EnterpriseSort::kName;
  bool descending = false;
  int64_t offset = 0;   // rows to skip
  int limit = 50;       // rows to return, 1..kMaxPageRows
};
inline constexpr int kMaxPageRows = 1000;
inline constexpr int kMaxQueryHits = 500;
struct EnterprisePage {
  // The page's enterprises: every enterprise column (as ListEnterprises gives them) plus
  // "stage" (the DH-2023 enrollment stage, or NULL when not enrolled).
  std::vector<Record> rows;
  int64_t total = 0;   // rows matching the filters, whatever the window
  int64_t offset = 0;  // the window asked for
};

// Why a search hit matched, strongest first.
enum class MatchReason { kIdentifier, kPhone, kEmail, kWechat, kSameName, kSubstring, kSimilarName };
std::string_view MatchReasonCode(MatchReason r);  // "identifier", "phone", ...

struct SearchHit {
  std::string enterprise_id;
  std::string country;
  std::string name;
  MatchReason reason = MatchReason::kSubstring;
  std::string matched;  // the stored text that matched (identifier, phone, name variant)
  double score = 0;     // 1 for exact matches; trigram similarity for kSimilarName
};

// Two live enterprises that look like one (DOMAIN.md: the same enterprise entered at two
// offices or booths), with every reason found.
struct DuplicatePair {
  std::string id_a, name_a;  // id_a < id_b
  std::string id_b, name_b;
  // Why they look like one, translatable (keys duplicates.same_*): the English texts are
  // "same CN_USCC 9111…", "same name", "same mobile +92…".
  std::vector<Message> reasons;
};

struct ServiceFilter {
  std::string enterprise_id;
  std::string month;  // "YYYY-MM" or ""
};

struct FollowUpFilter {
  bool overdue_only = false;
  bool include_done = false;
  // Only those assigned to this person (as written in assignee: case of ASCII letters and
  // surrounding spaces ignored); "" for everyone's.
  std::string assignee;
  // Only open ones due within the next seven days (today … today + 6), the overdue included:
  // the week's work (DOMAIN.md workflow 6).
  bool this_week = false;
  // Only those about this enterprise (an id or a unique prefix) or a record merged into it;
  // "" for every enterprise's. kNotFound, kAmbiguous as for ResolveId.
  std::string enterprise_id;
};

// What the booth's quick service note takes when not told otherwise (DOMAIN.md workflow 2).
inline constexpr int kDefaultServiceMinutes = 15;
inline constexpr int kDefaultFollowUpDays = 7;

// What AddServiceLog returns: the log's id and warnings, and the follow-up it made, if any.
struct ServiceSaved : Saved {
  std::string follow_up_id;   // "" when none was made
  std::string follow_up_due;  // YYYY-MM-DD; "" when none was made
};

// What AddParticipation returns: the participation's id and warnings, and whether to offer a
// service log for it (DOMAIN.md: marking a training attended offers one service log per
// attending enterprise): the event is a training, the enterprise attended, and neither it nor
// a record merged with it has a service log of this event yet.
struct ParticipationSaved : Saved {
  bool offers_service_log = false;
};

// What LogServiceForAttendees made: one service log (and its follow-up) per attending
// enterprise, in participation order, and how many attendees were skipped because they (or a
// record merged with them) already have a log of the event.
struct AttendeeServicesSaved {
  std::vector<ServiceSaved> logs;
  std::vector<std::string> enterprise_ids;  // the enterprise of each log, in the same order
  int64_t already_logged = 0;
};

// The note a person reads for a row of ListFollowUps: its own note, or, for a follow-up made
// with a service log (which stores no note), "Follow-up to the service of <date>
// (<category>): <summary>" as a message (key followup.note.service, arguments named after the
// row's columns service_category, service_date, service_summary) that each front end renders
// in its reader's language (Translate). A row without either gives an empty text.
Message FollowUpNote(const Record& follow_up);

// The name of an enterprise for a reader of `lang`: name_zh for zh, name_ur for ur, name_en for
// en when the record has one, else its legal name (`name`). Takes a row of GetEnterprise,
// ListEnterprises or QueryEnterprises.
std::string EnterpriseNameIn(const Record& enterprise, std::string_view lang);

// Progress callback for long work (import, demo seed): done, total, what.
using Progress = std::function<void(int64_t done, int64_t total, std::string_view what)>;

// What an import reads (Session::ImportCsv): the files Session::ExportCsv writes, or files
// made by hand or in a spreadsheet with some of their columns.
enum class ImportKind {
  kEnterprises,  // enterprise.csv: enterprise columns, and the identifier columns uscc,
                 // legacy_regno, ntn, secp, other_identifier (several values: one a line)
  kContacts,     // contact.csv
  kServices,     // service_log.csv; a follow_up.csv given here imports follow-ups
  kFollowUps,    // follow_up.csv
};

struct ImportOptions {
  TextEncoding encoding = TextEncoding::kAuto;  // of the file's bytes (dosti/encoding.h)
  Progress progress;  // rows done of all rows, per 100 rows, with what: "importing"
};

// Rows of one table read from a file, and what became of them.
struct ImportCounts {
  std::string table;       // enterprise, enterprise_identifier, contact, service_log, follow_up
  int64_t rows = 0;        // rows read (identifiers: values read)
  int64_t imported = 0;    // new records
  int64_t updated = 0;     // records here already (matched) whose fields the file changed
  int64_t unchanged = 0;   // records here already, the same as in the file
};

struct ImportSummary {
  // The sums over the files' rows (identifiers are counted in `tables` only).
  int64_t rows = 0;
  int64_t imported = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  std::vector<ImportCounts> tables;  // in the order written
  std::vector<Issue> warnings;       // field "line N: column" ("FILE line N: column")
};

class Session {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for a private in-memory one)
  // and migrates its schema to the current version. kSchemaTooNew if a newer Dosti wrote it;
  // kStorage if it is not a SQLite database.
  static Result<std::unique_ptr<Session>> Open(const std::string& path,
                                               SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // [SECTION] Workspace
  // Creates the workspace once: this device, the two offices, programme DH-2023 (targets
  // 100/100, start 2023-09-01). kAlreadyInitialised on a second call.
  // `device_id` (32 lowercase hex digits) names this device; the sync layer passes the hash of
  // the device's public keys. Empty: a random id.
  Result<WorkspaceInfo> Init(std::string_view office, std::string_view workspace_name,
                             std::string_view device_id = {});
  Result<WorkspaceInfo> Info();
  // Names the person using this device (as they are written in follow-ups' assignee), kept on
  // this device only, never synced; "" forgets it. Trimmed, at most 200 characters.
  Result<void> SetUser(std::string_view name);
  // kNotInitialised (saying what to do) unless this database holds a workspace whose records
  // have arrived; reads do not check this themselves and return empty results.
  Result<void> RequireWorkspace();
  // Today's date in this device's office calendar.
  Date Today();
  int64_t NowMs();

  // [SECTION] Enterprises
  // `fields`: column → value (text values are parsed to the column's type). Needs country and
  // name. Identifiers are checked and attached. Warnings: identifier check, duplicates suspected.
  Result<Saved> AddEnterprise(const Fields& fields, const std::vector<IdentifierInput>& ids = {});
  Result<EnterpriseView> GetEnterprise(std::string_view id);
  // Sets one field from its text form; "" clears an optional field. Read-only: id, created_at,
  // updated_at, origin_device, merged_into, identifiers (use AddIdentifier).
  Result<Saved> SetEnterpriseField(std::string_view id, std::string_view field,
                                   std::string_view value);
  Result<std::vector<Record>> ListEnterprises(const EnterpriseFilter& filter = {});
  // One page of live enterprises (merged records never appear) and the total count, for a
  // table a user scrolls and sorts. Filters combine with AND. A page of 50 and its count take
  // a few milliseconds at 100,000 enterprises (core/README.md has the figures). kInvalid for a
  // filter value out of its domain, a negative offset or a limit outside 1..kMaxPageRows.
  Result<EnterprisePage> QueryEnterprises(const EnterpriseQuery& query);
  Result<void> ArchiveEnterprise(std::string_view id, bool archived);
  Result<Saved> AddIdentifier(std::string_view enterprise_id, const IdentifierInput& input);
  // "Already ours?": identifier, phone, e-mail, WeChat, same normalised name, substring
  // (FTS5 trigram; LIKE for queries under three characters), similar name. Best first.
  Result<std::vector<SearchHit>> Search(std::string_view query, int limit = 20);
  // The id of a record of `table` from a full id or a unique prefix.
  Result<std::string> ResolveId(std::string_view table, std::string_view id_or_prefix);

  // [SECTION] Contacts
  // Needs enterprise_id and full_name. Phones are normalised with the enterprise's country.
  // The first contact of an enterprise becomes primary; a contact added with is_primary 1
  // becomes its enterprise's only primary contact. A consent given without consent_date is
  // dated today.
  Result<Saved> AddContact(const Fields& fields);
  // Sets one field of a contact from its text form ("" clears an optional field), checked as
  // AddContact checks it: a column of `GetContact` (full_name, position, mobile, office_phone,
  // whatsapp, email, wechat, preferred_language, consent_contact, consent_transfer,
  // consent_date, consent_method, is_primary, archived, ...). Flags take 0 or 1.
  // - is_primary 1 makes it the enterprise's only primary contact (the others get 0, in the
  //   same transaction); kInvalid ("contact.primary_archived") for an archived contact.
  // - consent_contact or consent_transfer going from 0 to 1 sets consent_date to today.
  // - Leaving the enterprise without a live primary contact (is_primary 0, or archiving the
  //   primary one) is saved with the warning "contact.no_primary": selection needs one.
  // Errors: kNotFound, kAmbiguous, kUnknownField, kReadOnlyField (id, stamps, enterprise_id),
  // the field's validation error (kBadPhone, kBadName, kInvalid, kBadDate).
  Result<Saved> SetContactField(std::string_view id, std::string_view field,
                                std::string_view value);
  Result<std::vector<Record>> ListContacts(std::string_view enterprise_id);
  // Every column of the contact (archived ones too); kNotFound, kAmbiguous.
  Result<Record> GetContact(std::string_view id);

  // [SECTION] Services and follow-ups
  // Needs enterprise_id, category, summary. Defaults: programme DH-2023, provider_office =
  // this office, service_date today in the provider office's calendar, minutes 15,
  // delivery_mode in_person, outcome completed, state final.
  // `follow_up_days` (0..3650): a follow-up due that many days after the service date, 7 unless
  // told otherwise (DOMAIN.md workflow 2); nullopt: none. The follow-up stores no note (see
  // FollowUpNote) and is assigned to lead_staff, else to this device's user (SetUser), else to
  // nobody.
  Result<ServiceSaved> AddServiceLog(const Fields& fields,
                                     std::optional<int> follow_up_days = kDefaultFollowUpDays);
  Result<Record> GetServiceLog(std::string_view id);
  // Sets one field of a service log from its text form ("" clears an optional one) and
  // re-checks the whole log under AddServiceLog's rules. A draft may change in every way,
  // `state final` finalises it; a final log may be corrected but not put back to draft
  // (kTransition): it has been counted in reports. Read-only: id, the stamps, programme_id.
  Result<Saved> SetServiceField(std::string_view id, std::string_view field,
                                std::string_view value);
  Result<std::vector<Record>> ListServiceLogs(const ServiceFilter& filter = {});
  // Needs subject_id (an enterprise, contact, service log or matchmaking; subject_type says
  // which, enterprise by default). Defaults: due in 7 days, this office, open, assigned to this
  // device's user (SetUser) when nobody is named.
  Result<Saved> AddFollowUp(const Fields& fields);
  Result<std::vector<Record>> ListFollowUps(const FollowUpFilter& filter = {});
  // Sets one field from its text form: due_date (reschedule), assignee (reassign; "" for
  // nobody), note, office, status (open | done | cancelled; done stamps done_on with today),
  // archived. Read-only: id, the stamps, subject_type, subject_id, enterprise_id, done_on.
  Result<Saved> SetFollowUpField(std::string_view id, std::string_view field,
                                 std::string_view value);
  // SetFollowUpField(id, "status", "done"), "cancelled": twice is the same as once.
  Result<void> CompleteFollowUp(std::string_view id);
  Result<void> CancelFollowUp(std::string_view id);

  // [SECTION] Selection
  // Moves an enterprise's DH-2023 enrollment to `stage` (creating it at that stage if absent).
  // Forward moves are free; a move back, or out of an exit, needs a reason. Reaching selected
  // (or later) requires the selection data (kSelectionIncomplete lists what is missing) and
  // assigns the programme number when this office is the enterprise's home office. Passing the
  // country's target is a warning.
  Result<Saved> Enroll(std::string_view enterprise_id, std::string_view stage,
                       std::string_view reason = {});
  Result<std::optional<Record>> GetEnrollment(std::string_view enterprise_id);
  Result<std::vector<Record>> StageHistory(std::string_view enrollment_id);
  // What the enterprise still lacks for selection (DOMAIN.md: legal name, an identifier,
  // sector, region, city, a primary contact who consented to be contacted), as the messages
  // (keys selection.missing.*) that Enroll's kSelectionIncomplete lists; empty when nothing is
  // missing. kNotFound, kAmbiguous.
  Result<std::vector<Message>> SelectionNeeds(std::string_view enterprise_id);

  // [SECTION] Matchmaking
  Result<Saved> AddMatch(std::string_view cn_enterprise_id, std::string_view pk_enterprise_id,
                         std::string_view cooperation_type);
  Result<Saved> SetMatchStage(std::string_view match_id, std::string_view stage,
                              std::string_view reason = {});
  Result<std::vector<Record>> ListMatches();

  // [SECTION] Events
  // Needs kind (kEventKinds), name, start_date; end_date defaults to the start, office to this
  // office.
  Result<Saved> AddEvent(const Fields& fields);
  // An enterprise (and optionally one of its contacts) at an event: needs event_id and
  // enterprise_id; status (kParticipationStatuses) registered by default, role
  // (kParticipationRoles) optional. One participation per event and enterprise: when the
  // enterprise (or one merged into it) already has one, the fields given update it (a
  // registration becomes attended) and its id is returned.
  Result<ParticipationSaved> AddParticipation(const Fields& fields);
  // Events, latest first, each with "attended": the distinct live enterprises that attended.
  Result<std::vector<Record>> ListEvents();
  // The participations of an event (id or unique prefix), each with "enterprise_name" and
  // "contact_name", by enterprise name; archived ones left out. kNotFound, kAmbiguous.
  Result<std::vector<Record>> ListParticipations(std::string_view event_id);
  // One service delivered at an event, logged once for every enterprise that attended it
  // (DOMAIN.md: a training logged for each attending enterprise). `fields` are AddServiceLog's
  // for every log (category and summary at least); each log also gets the event as event_id,
  // the attendee's enterprise and, when its participation names one, its contact; service_date
  // defaults to the event's start date and delivery_mode to "event". Attendees are the live
  // enterprises whose participation is attended, merged records counted once; one that (or a
  // record merged with it) already has a log of this event is skipped, so calling it twice
  // logs nobody twice. `follow_up_days` as for AddServiceLog. All or nothing, in one
  // transaction. Errors: kNotFound, kAmbiguous (the event); AddServiceLog's (a missing category
  // or summary, a date outside the programme). No attendee to log is not an error: `logs` is
  // empty.
  Result<AttendeeServicesSaved> LogServiceForAttendees(
      std::string_view event_id, const Fields& fields,
      std::optional<int> follow_up_days = kDefaultFollowUpDays);

  // [SECTION] Reports (DOMAIN.md "Reports"); `as_of` defaults to now (progress, funnel, event
  // yield: everything recorded) or today (follow-ups, quality); reports.h says what each cuts.
  Result<ProgressReport> ReportProgress(std::optional<Date> as_of = {});
  Result<ServicesReport> ReportServices(std::string_view month);
  Result<FunnelReport> ReportFunnel(std::optional<Date> as_of = {});
  Result<FollowUpReport> ReportFollowUps(std::optional<Date> as_of = {});
  Result<QualityReport> ReportQuality(std::optional<Date> as_of = {});
  Result<CoverageReport> ReportCoverage(std::string_view month);
  Result<LandingReport> ReportLanding();
  Result<EventYieldReport> ReportEventYield(std::optional<Date> as_of = {});

  // [SECTION] Import, export, demo data
  // Imports the records of a CSV file (core/README.md, "Import and export"): a header row of
  // column names (those of the table, as ExportCsv writes them; unknown ones are refused), then
  // one record a row. What ExportCsv writes reads back unchanged, ids and creation times
  // included, into this workspace or another.
  // - Encoding: `options.encoding`; by default the bytes must be UTF-8 (a BOM is skipped), and
  //   other bytes are refused as a whole with kBadCsv "text.not_utf8" naming the likely
  //   encoding (dosti/encoding.h).
  // - Matching: a row whose id is a record here updates it. An enterprise row without a known
  //   id matches by one of its identifiers (USCC, NTN, ...); rows without an id (files made by
  //   hand) match by identifier too: a contact by mobile, e-mail or WeChat within its
  //   enterprise, a service log by enterprise, category, date and summary, a follow-up by
  //   subject, due date and note. Other rows are new records (their ids kept). A matched record takes the
  //   file's non-empty values (empty cells clear nothing); importing a file twice changes
  //   nothing the second time. An enterprise row with an id unknown here whose identifier
  //   matches another enterprise is kept under its id and merged into that one (as
  //   MergeDuplicates does), so the records that refer to it find it.
  // - References must be here: the enterprise of a contact, service log or follow-up, the
  //   contact of a service log (import enterprises, then contacts, then services). A service
  //   log's programme becomes this workspace's DH-2023. Links to records an import does not
  //   bring (a service log's event, a follow-up's matchmaking pair) are kept as they are, with
  //   a warning when this workspace lacks the record.
  // - All or nothing, in one transaction: any row with an error refuses the whole file
  //   (kBadCsv), its `details` listing every error ("line N: ...", the first 20). A bad header
  //   is named once (kBadCsv "csv.header.unusable" with one detail per problem).
  // Interrupt() stops it at the next row: kCancelled, nothing imported.
  Result<ImportSummary> ImportCsv(ImportKind kind, std::string_view bytes,
                                  const ImportOptions& options = {});
  // ImportCsv of the file at `path`. kIo naming a missing, unreadable or directory path
  // ("file.is_directory", "file.not_readable", "file.read_failed"). A services file named
  // service_log.csv brings the follow_up.csv beside it (as ExportCsv writes them) in the same
  // transaction, so that follow-ups ride with services; ImportSummary::tables counts both.
  Result<ImportSummary> ImportCsvFile(ImportKind kind, const std::string& path,
                                      const ImportOptions& options = {});
  // ImportCsv(kEnterprises, csv) with `progress`.
  Result<ImportSummary> ImportEnterprisesCsv(std::string_view csv, const Progress& progress = {});
  // Writes one CSV per table into `dir` (created if missing; UTF-8 with BOM), each file
  // atomically (dosti/file.h), from one consistent snapshot. Returns the files written.
  // Cells are written for spreadsheets (dosti/csv.h): no cell runs as a formula, phones,
  // identifiers and dates stay text, instants are ISO 8601 in this office's time
  // ("2024-06-15T12:00:00.000+08:00"), and enterprise.csv carries each enterprise's live
  // identifiers in the columns uscc, legacy_regno, ntn, secp, other_identifier (the import's).
  // Progress: rows written of all tables, with the table's name. Interrupt() stops it at the
  // next row: kCancelled; the files already complete stay, the one being written does not
  // appear. The demo data generator is in dosti/demo.h (library dosti_demo).
  Result<std::vector<std::string>> ExportCsv(const std::string& dir,
                                             const Progress& progress = {});

  // [SECTION] Text shown
  // Every code point of the free text that the records hold and front ends show: enterprises'
  // names (all four), short names, cities and addresses; contacts' names and positions; service
  // summaries and lead staff; follow-ups' assignees and notes; stage reasons; matchmaking notes
  // and reasons; events' names and cities; staff, offices, programmes and devices. Archived and
  // merged records included. Sorted, each once. A desktop font atlas bakes exactly these
  // (DOMAIN.md, i18n facts: the "common" Chinese set misses everyday name characters). It
  // reads every such row: on a large database, call it from a worker's Session.
  Result<std::u32string> CharactersInUse();

  // [SECTION] Duplicates
  // Pairs of live enterprises sharing an identifier, a normalised name, or a contact's mobile,
  // e-mail or WeChat id; ordered by id.
  Result<std::vector<DuplicatePair>> ListDuplicates();
  // Merges `other` into `keep` with a replicated merged-into link: `other` leaves the lists and
  // its contacts, services, enrollments and matches count for `keep`; nothing is deleted.
  // Refused for the same record twice, an archived or already merged record, or two home
  // countries.
  Result<void> MergeDuplicates(std::string_view keep_id, std::string_view other_id);
  // Undoes a merge: `other` is its own record again.
  Result<void> UnmergeDuplicate(std::string_view other_id);
  // The records merged into `enterprise_id` (directly or through a chain of merges), each one
  // UnmergeDuplicate takes; ordered by id, empty when none. kNotFound, kAmbiguous.
  Result<std::vector<Record>> ListMergedInto(std::string_view enterprise_id);

  // [SECTION] Replication (core/REPLICATION.md). Joining, changesets in and out, and the local
  // blobs of the layers above are dosti/replica.h's (for the sync layer only).
  // Every equivocating commit kept as evidence, by device and seq, with its bytes.
  Result<std::vector<Equivocation>> ListEquivocations();
  Result<std::vector<HeldCommit>> ListHeld();
  // Applies held commits whose time has come (and whatever they unblock).
  Result<ApplyReport> ReleaseHeld();
  // An admin accepts the future-stamped commits of `device` (id or prefix) now.
  Result<ApplyReport> AcceptHeld(std::string_view device);
  // A hash of every replicated field (all heads, so open conflicts too), independent of the
  // order in which changesets arrived and of local bookkeeping: 64 lowercase hex digits.
  Result<std::string> Digest();
  Result<std::vector<Conflict>> ListConflicts();
  // Resolves a conflict with a new value (text form, validated like an edit) or by keeping
  // the value listed at position `keep` (1-based). The resolution is a change that syncs.
  Result<void> ResolveConflict(std::string_view id, std::string_view value);
  Result<void> ResolveConflictKeep(std::string_view id, int keep);

  // Runs `fn` in one transaction: every write inside it, through the facade or a Replica's
  // Local*, commits together, or none does when `fn` fails.
  Result<void> Atomically(const std::function<Result<void>()>& fn);

  // [SECTION] Observers, cancelling
  // Registers `observer` for every later commit of this Session that writes records (see
  // ChangeEvent); returns its id. Changes made through another Session (another thread's, or
  // another process's) are not seen here.
  ObserverId AddObserver(ChangeObserver observer);
  // Stops calls to the observer `id` (from the next commit on; unknown ids are ignored).
  void RemoveObserver(ObserverId id);
  // Any thread: stops the call running on this Session (a long one at its next row: import,
  // export, demo seed, ApplyChangeset at its next commit; any other at its next SQLite step)
  // with kCancelled, its transaction rolled back. With no call running, nothing happens
  // (dosti/cancel.h: the semantics of sqlite3_interrupt).
  void Interrupt();
  // The Session's cancellation, for code that runs long work over it (the sync layer's rounds,
  // dosti_demo): take a Cancellation::Watch at the start and stop when it fires.
  const Cancellation& cancellation() const;

  // The internals, for code inside core/ and its tests (core/src/session_impl.h); front ends
  // never use this.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dosti
