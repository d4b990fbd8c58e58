// The reports of DOMAIN.md, computed in the core so that the desktop, the browser and the
// command line show the same numbers. Plain value types; Session::Report* fill them.
// Every report counts live records only: not archived, and (for enterprises) not merged into
// another. Errors: kNotInitialised before `dosti init`; kBadDate for a month that is not YYYY-MM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/date.h"

namespace dosti {

struct StageCount {
  std::string stage;
  int64_t count = 0;
};

// Progress to 100 for one home country, from the stage history: each DH-2023 enrollment is at
// the stage of its latest history row written before the cut (ties by id); an enrollment with
// no history by then is not counted.
// The cut. As of now (no date asked for): none, every change this database holds counts, so
// two devices holding the same changes (the same digest) show the same numbers wherever they
// are. As of a date: the end of that day in the calendar of the country's home office
// (`calendar`: Beijing's for CN, Islamabad's for PK, the offices that select and number the
// country's enterprises), an instant that is the same on every device.
struct CountryProgress {
  std::string country;             // CN | PK
  int64_t target = 0;
  int64_t selected = 0;            // enrollments at selected, active or completed
  std::vector<StageCount> stages;  // every stage, pipeline order then exits
  int64_t exits = 0;               // declined + withdrawn + rejected
  Date as_of;                      // the day counted through; as of now, today in `calendar`
  std::string calendar;            // the office whose calendar cuts: beijing | islamabad
  std::string time_zone;           // its zone: Asia/Shanghai | Asia/Karachi
};

struct ProgressReport {
  Date as_of;        // the date asked for; as of now, today in this device's office calendar
  bool now = false;  // no date was asked for: everything recorded counts
  std::vector<CountryProgress> countries;  // CN, PK
};

struct ServiceCell {
  int64_t logs = 0;
  int64_t enterprises = 0;  // distinct enterprises served
  double hours = 0;
};

struct ServiceRow {
  std::string category;
  ServiceCell all;
  ServiceCell cn, pk;                  // by the enterprise's home country
  ServiceCell beijing, islamabad;      // by provider office
};

// Services by category in one month: final logs only, dated (the provider office's calendar
// day) in the month. Hours are minutes ÷ 60. Logs of a merged enterprise count for the one it
// was merged into; logs of an archived enterprise are not counted.
struct ServicesReport {
  std::string month;             // YYYY-MM
  std::vector<ServiceRow> rows;  // the seven categories, in kServiceCategories order
  ServiceCell total;
  // Every category together with the same splits (category "total"; totals.all == total).
  // Distinct enterprises cannot be summed over rows, so the front ends need it from the core.
  ServiceRow totals;
};

struct FunnelStage {
  std::string stage;
  int64_t reached = 0;           // pairs that ever reached this stage
  double conversion = 0;         // reached ÷ reached at the previous stage (1 for the first)
  double median_days = 0;        // median days spent in this stage by pairs that left it
};

// The matchmaking funnel as of a date, from the stage history up to it. A pair that skipped
// stages counts as having reached every stage before the furthest pipeline stage it reached,
// whatever happened later. Median days are per completed stay in the stage.
// As of now (no date asked for) every change held counts; as of a date, the changes dated on or
// before it in the calendar of the office that recorded each of them.
struct FunnelReport {
  Date as_of;        // the date asked for; as of now, today in this device's office calendar
  bool now = false;  // no date was asked for: everything recorded counts
  int64_t pairs = 0;
  std::vector<FunnelStage> stages;  // proposed … deal_closed
  int64_t on_hold = 0;
  int64_t closed_lost = 0;
};

struct FollowUpRow {
  std::string assignee;  // "" when unassigned
  std::string office;
  int64_t open = 0;
  int64_t overdue = 0;
  int64_t due_this_week = 0;
};

// Follow-ups open now, by (assignee, office) in that order: overdue when due before as_of, due
// this week when due on as_of or the six days after it.
struct FollowUpReport {
  Date as_of;
  std::vector<FollowUpRow> rows;
  int64_t open = 0;
  int64_t overdue = 0;
  int64_t due_this_week = 0;
};

struct QualityItem {
  std::string kind;       // old_draft, identifier_warning, missing_selection_data,
                          // duplicate_suspect, contact_without_consent, implausible_mobile
  std::string table;      // enterprise, contact, ...
  std::string record_id;
  std::string label;      // the record's name, for people
  Message message;        // what is wrong and what to do (keys quality.*), translatable
  std::string enterprise_id;  // the enterprise concerned (for every kind)
  std::string other_id;       // duplicate_suspect: the other enterprise of the pair; else ""
};

// The data-quality worklist as of a date. old_draft: a draft enterprise created more than 14
// days before as_of. identifier_warning: a checksum warning or a legacy registration number.
// missing_selection_data: enrolled at nominated or shortlisted and missing selection data.
// duplicate_suspect: two live enterprises sharing an identifier, a normalised name, or a
// contact's mobile, e-mail or WeChat id (one item per pair, record_id < other_id).
// contact_without_consent: no consent to be contacted. implausible_mobile: a contact's mobile
// fails the rule used when it was saved. Ordered by kind (in the order above), label, record id.
struct QualityReport {
  Date as_of;
  std::vector<QualityItem> items;
};

// Enterprises whose enrollment was selected or active at some moment of the month (the stage
// history cut by the home office's calendar, as progress is), and those of them without a
// final service log dated in the month (ordered by country, then name).
struct CoverageReport {
  std::string month;
  int64_t selected = 0;
  std::vector<std::string> unserved_ids;    // selected enterprises with no final service
  std::vector<std::string> unserved_names;
};

struct LandingRow {
  std::string country;
  std::string landing_status;  // none, exploring, office_registered, operating
  int64_t count = 0;
};

struct LandingReport {
  std::vector<LandingRow> rows;  // CN then PK, each with the four statuses in order
};

struct EventYieldRow {
  std::string event_id;
  std::string name, kind, start_date, end_date, office;
  int64_t registered = 0;   // participations still at registered
  int64_t enterprises = 0;  // distinct live enterprises that attended (merged ones as one)
  int64_t contacts = 0;     // distinct contacts named in those attendances
  int64_t nominated = 0;    // of those enterprises, how many reached nominated or a later
                            // pipeline stage from the event's first day on
  int64_t selected = 0;     // ... reached selected, active or completed from that day on
};

// Which calendar cuts a country's changes in a report as of a date (CountryProgress says why).
struct CountryCut {
  std::string country;    // CN | PK
  std::string calendar;   // beijing | islamabad
  std::string time_zone;  // Asia/Shanghai | Asia/Karachi
};

// Event yield (DOMAIN.md): what each event brought in, and what became of it. Events that began
// on or before the date (as of now: all), latest first. "Later" counts stage changes written
// from the start of the event's first day in its office's calendar; the cut is progress's: as
// of now none, as of a date the end of it in the calendar of each enterprise's home office.
struct EventYieldReport {
  Date as_of;        // the date asked for; as of now, today in this device's office calendar
  bool now = false;  // no date was asked for: everything recorded counts
  std::vector<CountryCut> cuts;  // CN, PK
  std::vector<EventYieldRow> rows;
};

// A report's figure as the front ends print it (text, CSV): at most `places` decimals, trailing
// zeros and a trailing point dropped: 7.00 → "7", 78.125 → "78.1" (places 1), 16.25 → "16.25".
std::string ReportDecimal(double value, int places);

}  // namespace dosti
