// The reports of DOMAIN.md, computed in the core so that the desktop, the browser and the
// command line show the same numbers. Plain value types; Session::Report* fill them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dosti/date.h"

namespace dosti {

struct StageCount {
  std::string stage;
  int64_t count = 0;
};

// Progress to 100 for one home country, as of a date (from the stage history).
struct CountryProgress {
  std::string country;             // CN | PK
  int64_t target = 0;
  int64_t selected = 0;            // enrollments now at selected, active or completed
  std::vector<StageCount> stages;  // every stage, pipeline order then exits
  int64_t exits = 0;               // declined + withdrawn + rejected
};

struct ProgressReport {
  Date as_of;
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

// Services by category in one month; final logs only.
struct ServicesReport {
  std::string month;             // YYYY-MM
  std::vector<ServiceRow> rows;  // the seven categories, in kServiceCategories order
  ServiceCell total;
};

struct FunnelStage {
  std::string stage;
  int64_t reached = 0;           // pairs that ever reached this stage
  double conversion = 0;         // reached ÷ reached at the previous stage (1 for the first)
  double median_days = 0;        // median days spent in this stage by pairs that left it
};

struct FunnelReport {
  Date as_of;
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

struct FollowUpReport {
  Date as_of;
  std::vector<FollowUpRow> rows;
  int64_t open = 0;
  int64_t overdue = 0;
};

struct QualityItem {
  std::string kind;       // old_draft, identifier_warning, missing_selection_data,
                          // duplicate_suspect, contact_without_consent, implausible_mobile
  std::string table;      // enterprise, contact, ...
  std::string record_id;
  std::string label;      // the record's name, for people
  std::string message;    // what is wrong and what to do
};

struct QualityReport {
  Date as_of;
  std::vector<QualityItem> items;
};

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
  std::vector<LandingRow> rows;
};

}  // namespace dosti
