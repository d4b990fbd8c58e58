// Internals shared by the files that implement dosti::Session (one file per area:
// session.cpp, enterprise.cpp, contact.cpp, service.cpp, selection.cpp, matchmaking.cpp,
// search.cpp, reports.cpp, csv.cpp, demo.cpp).
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db.h"
#include "dosti/session.h"
#include "store.h"

namespace dosti {

struct Session::Impl {
  std::unique_ptr<Db> db;
  Clock* clock = nullptr;
  Random* random = nullptr;
  std::unique_ptr<Store> store;
  WorkspaceInfo info;
  int utc_offset_minutes = 480;
  Date programme_start{2023, 9, 1};
  // Session::Interrupt: long calls take a Watch at their start and check it at each row.
  Cancellation cancel;
  // SessionOptions::after_commit, and the observers (AddObserver) by id.
  std::function<Result<void>()> after_commit;
  std::vector<std::pair<ObserverId, ChangeObserver>> observers;
  ObserverId next_observer = 1;

  // Run by Db after every outermost COMMIT: the after-commit hook, then the observers.
  Result<void> AfterCommit();

  // kNotInitialised unless `dosti init` has run on this database.
  Result<void> RequireInit() const;
  // Loads settings and the programme into `info` (after Open and Init).
  Result<void> LoadInfo();
  // Rows written before change capture (schema 2) join the log as one first commit of this
  // device, so they replicate like everything else. Once: schema 6 marks every database it
  // reaches with kRowsToAdopt, and the first to give the workspace a device (Open of an
  // initialised workspace, Init, JoinAsReplica) adopts them and clears the mark, so that
  // opening never looks through the tables again. Needs the Store's device set.
  Result<void> AdoptOldRows();
  static constexpr std::string_view kRowsToAdopt = "rows_to_adopt";
  Result<std::optional<std::string>> Setting(std::string_view key);
  Result<void> SetSetting(std::string_view key, std::string_view value);
  Date Today() const;
  // A full id from an id or a unique prefix (≥ 6 hex characters) of a row of `table`.
  Result<std::string> Resolve(std::string_view table, std::string_view id_or_prefix);
  // The row, or kNotFound naming the table and id.
  Result<Record> Load(std::string_view table, std::string_view id);
  // Appends a row to a stage history (enrollment_stage, matchmaking_stage). Its changed_at is
  // after every earlier row of the same record, so two moves within one millisecond keep
  // their order.
  Result<void> AddStageHistory(std::string_view table, std::string_view parent_column,
                               const std::string& parent_id, std::string_view stage,
                               std::string_view reason);

  // Replication (replication.cpp).
  class Applier;
  // In one transaction: loads the queue of held commits, lets `offer` add to it (or accept),
  // applies everything that can apply, and reports what still waits.
  // `cancelled`: the caller's watch (stops before each commit with kCancelled).
  Result<ApplyReport> RunApplier(const std::function<Result<void>(Applier&, ApplyReport&)>& offer,
                                 const Cancellation::Watch* cancelled = nullptr);
  // A device as a nested message "{who:msg}" ("device 1a2b… (islamabad)"): its arguments.
  Args DeviceArgs(const std::string& device);
  // Refreshes what merged changesets may have brought (the programme, for a new replica).
  Result<void> AfterMerge();
  // After the schema gained tables or columns: writes the fields that were kept aside for
  // them (they came from devices with a newer schema).
  Result<int64_t> Upgraded();
};

// The offices' calendars (DOMAIN.md reference data). Beijing is UTC+8 and Islamabad UTC+5 all
// year: neither observes daylight saving time, so a fixed offset is the whole rule.
struct OfficeCalendar {
  std::string_view office;     // beijing | islamabad
  std::string_view country;    // its country: CN | PK
  std::string_view time_zone;  // the IANA zone: Asia/Shanghai | Asia/Karachi
  int utc_offset_minutes = 0;
};
// The calendar of `office` (Beijing's for a code this version does not know).
const OfficeCalendar& CalendarOf(std::string_view office);
// The office of a home country: beijing for CN, islamabad for PK. It allocates the country's
// programme numbers, and its calendar dates the country's progress.
std::string_view HomeOffice(std::string_view country);
// The first instant (UTC milliseconds) after the calendar day `d` of `office` ends.
int64_t EndOfDayMs(Date d, std::string_view office);

// Validation helpers shared by the record areas.
// kInvalid unless `value` is one of `allowed` ("" passes when !required).
Result<void> CheckOneOf(std::string_view field, std::string_view value,
                        const std::vector<std::string_view>& allowed, bool required = false);
Result<void> CheckOneOf(std::string_view field, std::string_view value,
                        std::initializer_list<std::string_view> allowed, bool required = false);
// A free-text field: valid UTF-8, at most `max` code points, no control (other than newline
// and tab) or bidi override characters. Returns the cleaned text.
Result<std::string> CheckText(std::string_view field, std::string_view value, size_t max,
                              bool required);
Result<Date> CheckDate(std::string_view field, std::string_view value);
// Empty (the core makes a random id) or 32 lowercase hex digits.
Result<void> CheckDeviceId(std::string_view device_id);
// Columns no caller sets directly: the id, the stamps, the merge link (set by duplicate
// merging) and the local columns.
bool IsReadOnlyField(std::string_view field);
// The start of a one-field edit (Set*Field): the record of `table` as stored and its fields
// with `field` set to `value` parsed to the column's type ("" → NULL), for the caller to check
// and write. kReadOnlyField for a column no caller sets (IsReadOnlyField, or
// `also_read_only`), kUnknownField, kNotFound, kAmbiguous, the value's parse error.
struct FieldEdit {
  Record record;
  Fields row;
};
Result<FieldEdit> BeginFieldEdit(Session::Impl& m, std::string_view table, std::string_view id,
                                 std::string_view field, std::string_view value,
                                 std::string_view also_read_only = {});
// When `row` names a contact (contact_id, an id or a unique prefix): that it is a contact of
// `enterprise_id` (kInvalid service.contact_elsewhere otherwise), set to its full id. Service
// logs and event participations (service.cpp).
Result<void> CheckContactOf(Session::Impl& m, Fields& row, std::string_view enterprise_id);
// The fields of a new row of `table` from a caller's input: each must be a settable column
// (not id, the stamps, local columns or merged_into); text is parsed to the column's type;
// NULLs are dropped.
Result<Fields> ParseFields(Store& store, std::string_view table, const Fields& input);
// The enterprise rules of DOMAIN.md over a whole row (enterprise.cpp); with `all_errors`,
// collects every error instead of stopping at the first.
Result<void> ValidateEnterprise(Fields& row, std::vector<Issue>& warnings,
                                std::vector<Error>* all_errors);
// The defaults of a new enterprise (enterprise.cpp): this office owns it, landing status none,
// record state complete.
void EnterpriseDefaults(const Session::Impl& m, Fields& row);
// Checks identifiers as typed (errors refuse; warnings appended).
Result<std::vector<CheckedIdentifier>> CheckIdentifiers(const std::vector<IdentifierInput>& ids,
                                                        std::vector<Issue>& warnings);
// Warnings for an enterprise `self_id` whose name or identifiers another live enterprise has.
Result<void> DuplicateWarnings(Store& store, std::string_view self_id, std::string_view name,
                               const std::vector<CheckedIdentifier>& ids,
                               std::vector<Issue>& warnings);
// Inserts identifier row `id` of `enterprise_id` (inside the caller's transaction).
Result<void> InsertIdentifier(Store& store, const std::string& id, std::string_view enterprise_id,
                              const CheckedIdentifier& c);
// The rules of a contact row (contact.cpp) as AddContact applies them, over the whole row:
// names, position, phones to E.164 with the enterprise's `country`, e-mail, WeChat,
// vocabularies, flags, consent date (today when consent is given without one). Cleans in
// place; the first error is returned, warnings appended.
Result<void> CheckContactRow(const Session::Impl& m, Fields& row, std::string_view country,
                             std::vector<Issue>& warnings);
// Makes `contact_id` the only primary contact of `enterprise_id`: the others that were primary
// stop being so (inside the caller's transaction).
Result<void> MakeSolePrimary(Session::Impl& m, const std::string& enterprise_id,
                             const std::string& contact_id);
// True when `enterprise_id` has no live contact yet: a new one becomes its primary contact.
Result<bool> IsFirstContact(Session::Impl& m, const std::string& enterprise_id);
// Whether the links of a row that no rule needs here must be to records of this workspace:
// a facade call refuses a link to a missing event or matchmaking pair; an import keeps links
// to the records of another workspace that this one lacks (events and matches are not
// imported), as a replica keeps references to rows that have not arrived yet.
enum class Links { kHere, kMayBeElsewhere };
// The rules of a service log row (service.cpp) as AddServiceLog applies them: references
// resolved to full ids (enterprise, contact of that enterprise, event), defaults filled in
// (programme, provider office, mode, outcome, state), vocabularies, the service date within
// the programme's life, minutes, participants, summary. Returns the enterprise's id.
Result<std::string> CheckServiceRow(Session::Impl& m, Fields& row, Links links = Links::kHere);
// The rules of a follow-up row (service.cpp) as AddFollowUp applies them: the subject resolved
// and its enterprise noted, the due date (default in 7 days), office, status and note. With
// kMayBeElsewhere a matchmaking pair missing here is kept as the subject.
Result<void> CheckFollowUpRow(Session::Impl& m, Fields& row, Links links = Links::kHere);
// Refuses (kReadOnlyField, "enterprise.country_locked") moving `enterprise` to `country` once
// it holds a programme number, an identifier of its home country or a matchmaking pair
// (enterprise.cpp): progress and matches would count it for the wrong country.
Result<void> CheckCountryChange(Store& store, const Record& enterprise, std::string_view country);
// Refuses (kTransition, "enterprise.archive_selected") archiving an enterprise whose enrollment
// in `programme_id` is selected, active or completed: it would drop out of progress unseen.
// An exit (withdrawn, declined, rejected) recorded first makes it archivable (core/README.md).
Result<void> CheckArchivable(Store& store, const Record& enterprise, std::string_view programme_id);
// Both of the above for an enterprise `before` whose row becomes `after` (an edit or an
// imported row): a change of country, an archiving.
Result<void> CheckEnterpriseChange(const Session::Impl& m, const Record& before,
                                   const Fields& after);
// Pairs of live enterprises that look like one (duplicates.cpp); used by the duplicates list
// and the data-quality report.
Result<std::vector<DuplicatePair>> FindDuplicatePairs(Session::Impl& m);
// A record in a message ("{name} ({id})": 华为技术有限公司 (0190…)): its name ("record" when it
// has none) and its whole id.
Args RecordArgs(const Record& r, std::string_view name_field = "name");

}  // namespace dosti
