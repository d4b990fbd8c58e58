// Reports (DOMAIN.md "Reports"): read-only queries over the replicated tables. Counting and
// grouping happen in SQL, except where C++ is the simpler single pass: distinct enterprises over
// several groupings (services), histories walked in order (the matchmaking funnel), and rules
// that live in the validation code (plausible mobiles). Each report reads only what it needs
// through indexes: well under 100 ms of processor time on 10,000 enterprises and 100,000 service
// logs (the "[benchmark]" test).
//
// Index: [SECTION] Helpers, Progress, Services, Funnel, Follow-ups, Quality, Coverage, Landing,
// Event yield.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "session_impl.h"

namespace dosti {
namespace {

// [SECTION] Helpers

// A booth draft older than this many days is listed as old_draft: two weeks is long enough to
// finish post-fair triage, short enough that the firm still remembers the conversation.
constexpr int kOldDraftDays = 14;

constexpr int64_t kDayMs = 86'400'000;

int IndexOf(const std::vector<std::string_view>& codes, std::string_view code) {
  auto it = std::find(codes.begin(), codes.end(), code);
  return it == codes.end() ? -1 : static_cast<int>(it - codes.begin());
}

Result<Date> MonthStart(std::string_view month) {
  auto d = ParseMonth(month);
  if (!d) {
    return MakeError(ErrorCode::kBadDate, "value.not_month", {{"value", std::string(month)}},
                     "month");
  }
  return *d;
}

// Where a report cuts a home country's stage changes (CountryProgress): nowhere as of now,
// else at the end of `as_of` in the calendar of the country's home office. Compared with the
// instant a row was written (changed_at).
int64_t CutMs(bool now, Date as_of, std::string_view country) {
  return now ? std::numeric_limits<int64_t>::max() : EndOfDayMs(as_of, HomeOffice(country));
}

// The first instant of day `d` in the calendar of `office`.
int64_t StartOfDayMs(Date d, std::string_view office) {
  return EndOfDayMs(AddDays(d, -1), office);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

// [SECTION] Progress

// The stage of each enrollment is its latest history row written before the country's cut
// (CountryProgress in reports.h says why the cut is the home office's day, or none as of now).
// An enrollment counts once, whatever the number of rows; one without history by then does
// not count at all. Archived or merged enterprises are not progress. The cut compares the
// instant a row was written (changed_at), not its date (changed_on, the writing office's day):
// a change made in Beijing at 00:40 on 8 December is 7 December in Islamabad.
Result<ProgressReport> Session::ReportProgress(std::optional<Date> as_of_opt) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  ProgressReport report;
  report.now = !as_of_opt;
  report.as_of = as_of_opt.value_or(m.Today());
  const int64_t now_ms = m.clock->NowMs();
  auto cut = [&](std::string_view country) { return CutMs(report.now, report.as_of, country); };

  auto programme = m.Load("programme", m.info.programme_id);
  if (!programme) return programme.error();
  std::map<std::string, std::vector<int64_t>> counts;  // country → count per stage index
  for (std::string_view c : kCountries) {
    counts[std::string(c)].assign(kEnrollmentStages.size(), 0);
  }
  DOSTI_TRY(EachRow(
      *m.db,
      "SELECT country, stage, count(*) FROM ("
      "  SELECT e.country AS country,"
      "    (SELECT h.stage FROM enrollment_stage h WHERE h.enrollment_id = n.id"
      "     AND h.archived = 0 AND h.changed_at < CASE e.country WHEN 'PK' THEN ?3 ELSE ?2 END"
      "     ORDER BY h.changed_at DESC, h.id DESC LIMIT 1) AS stage"
      "  FROM enrollment n JOIN enterprise e ON e.id = n.enterprise_id"
      "  WHERE n.programme_id = ?1 AND n.archived = 0 AND e.archived = 0"
      "  AND e.canon_id IS NULL)"
      " WHERE stage IS NOT NULL GROUP BY country, stage",
      [&](Stmt& s) {
        auto it = counts.find(s.Text(0));
        int i = IndexOf(kEnrollmentStages, s.Text(1));
        if (it != counts.end() && i >= 0) it->second[i] += s.Int(2);
      },
      m.info.programme_id, cut("CN"), cut("PK")));

  for (std::string_view c : kCountries) {
    CountryProgress p;
    p.country = std::string(c);
    const OfficeCalendar& calendar = CalendarOf(HomeOffice(c));
    p.calendar = std::string(calendar.office);
    p.time_zone = std::string(calendar.time_zone);
    p.as_of = report.now ? DateAt(now_ms, calendar.utc_offset_minutes) : report.as_of;
    p.target = programme->Int(c == "CN" ? "target_cn" : "target_pk");
    const std::vector<int64_t>& n = counts[p.country];
    for (size_t i = 0; i < kEnrollmentStages.size(); ++i) {
      std::string_view stage = kEnrollmentStages[i];
      p.stages.push_back({std::string(stage), n[i]});
      if (stage == "selected" || stage == "active" || stage == "completed") p.selected += n[i];
      if (stage == "declined" || stage == "withdrawn" || stage == "rejected") p.exits += n[i];
    }
    report.countries.push_back(std::move(p));
  }
  return report;
}

// [SECTION] Services

namespace {

// One cell while counting: distinct enterprises are kept as interned numbers.
struct CellCount {
  int64_t logs = 0, minutes = 0;
  std::unordered_set<int> enterprises;
  void Add(int enterprise, int64_t m) {
    ++logs;
    minutes += m;
    enterprises.insert(enterprise);
  }
  ServiceCell Result() const {
    return {logs, static_cast<int64_t>(enterprises.size()), static_cast<double>(minutes) / 60.0};
  }
};

struct RowCount {
  CellCount all, cn, pk, beijing, islamabad;
  void Add(int enterprise, int64_t minutes, std::string_view country, std::string_view office) {
    all.Add(enterprise, minutes);
    if (country == "CN") cn.Add(enterprise, minutes);
    if (country == "PK") pk.Add(enterprise, minutes);
    if (office == "beijing") beijing.Add(enterprise, minutes);
    if (office == "islamabad") islamabad.Add(enterprise, minutes);
  }
  void Fill(ServiceRow& row) const {
    row.all = all.Result();
    row.cn = cn.Result();
    row.pk = pk.Result();
    row.beijing = beijing.Result();
    row.islamabad = islamabad.Result();
  }
};

}  // namespace

// Final, unarchived logs dated in the month. A log of an archived enterprise is not counted (the
// record was withdrawn as a whole); a log of a merged enterprise counts for the enterprise it was
// merged into, so a firm captured twice is one distinct enterprise; a log whose enterprise has
// not arrived by sync yet counts in "all" only.
// SQL selects the month's logs in one index range scan; the counting is one pass here, because
// distinct enterprises cannot be added across groups and SQL would need a pass per grouping.
Result<ServicesReport> Session::ReportServices(std::string_view month) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto start = MonthStart(month);
  if (!start) return start.error();
  ServicesReport report;
  report.month = FormatMonth(*start);

  std::vector<RowCount> counts(kServiceCategories.size());
  RowCount totals;
  std::unordered_map<std::string, int> interned;
  DOSTI_TRY(EachRow(
      *m.db,
      "SELECT s.category, coalesce(e.canon_id, s.enterprise_id), e.country,"
      "  s.provider_office, s.minutes "
      "FROM service_log s LEFT JOIN enterprise e ON e.id = s.enterprise_id "
      "WHERE s.service_date >= ?1 AND s.service_date < ?2 AND s.state = 'final'"
      "  AND s.archived = 0 AND coalesce(e.archived, 0) = 0",
      [&](Stmt& s) {
        int category = IndexOf(kServiceCategories, s.Text(0));
        if (category < 0) return;  // a category this version does not know (newer replica)
        std::string id = s.Text(1);
        auto it = interned.find(id);
        if (it == interned.end()) {
          it = interned.emplace(std::move(id), static_cast<int>(interned.size())).first;
        }
        int enterprise = it->second;
        std::string country = s.Text(2), office = s.Text(3);
        int64_t minutes = s.Int(4);
        counts[category].Add(enterprise, minutes, country, office);
        totals.Add(enterprise, minutes, country, office);
      },
      FormatDate(*start), FormatDate(AddMonths(*start, 1))));

  for (size_t i = 0; i < kServiceCategories.size(); ++i) {
    ServiceRow row;
    row.category = std::string(kServiceCategories[i]);
    counts[i].Fill(row);
    report.rows.push_back(std::move(row));
  }
  report.totals.category = "total";
  totals.Fill(report.totals);
  report.total = report.totals.all;
  return report;
}

// [SECTION] Funnel

// Walks each pair's stage history up to the date, in the order it was written.
// Decision: the pipeline is ordered, so a pair that jumped ahead (proposed → meeting_held)
// counts as having reached every stage before the furthest one it reached; a pair that later
// went on hold or was lost keeps the stages it had reached. Every pair has reached proposed.
// Days in a stage are measured per completed stay (entering the stage to the next history row
// with another stage); a stay still open at the date does not count.
// As of now (no date): every history row held, so two devices with the same changes agree
// whatever their time zones; as of a date: the rows dated (changed_on, the day in the calendar
// of the office that recorded the change) on or before it, the same rows on every device.
Result<FunnelReport> Session::ReportFunnel(std::optional<Date> as_of_opt) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  FunnelReport report;
  report.now = !as_of_opt;
  report.as_of = as_of_opt.value_or(m.Today());
  constexpr int kPipeline = 8;  // proposed … deal_closed; on_hold, closed_lost are exits
  std::vector<int64_t> reached(kPipeline, 0);
  std::vector<std::vector<double>> stays(kPipeline);

  std::string pair;        // the pair being walked
  int furthest = 0;        // its furthest pipeline stage so far
  std::string stage;       // its current stage
  int64_t entered_at = 0;  // when it entered the current stage
  auto finish = [&] {
    if (pair.empty()) return;
    ++report.pairs;
    for (int i = 0; i <= furthest; ++i) ++reached[i];
    if (stage == "on_hold") ++report.on_hold;
    if (stage == "closed_lost") ++report.closed_lost;
  };
  DOSTI_TRY(EachRow(
      *m.db,
      "SELECT h.matchmaking_id, h.stage, h.changed_at FROM matchmaking_stage h "
      "JOIN matchmaking p ON p.id = h.matchmaking_id "
      "WHERE p.archived = 0 AND h.archived = 0 AND (?2 OR h.changed_on <= ?1) "
      "ORDER BY h.matchmaking_id, h.changed_at, h.id",
      [&](Stmt& s) {
        std::string id = s.Text(0), next = s.Text(1);
        int64_t at = s.Int(2);
        if (id != pair) {
          finish();
          pair = id;
          furthest = 0;
          stage.clear();
        }
        if (next == stage) return;  // a repeated row (e.g. from two replicas) is one stay
        int from = IndexOf(kMatchmakingStages, stage);
        if (from >= 0 && from < kPipeline) stays[from].push_back(double(at - entered_at) / kDayMs);
        stage = next;
        entered_at = at;
        int to = IndexOf(kMatchmakingStages, next);
        if (to >= 0 && to < kPipeline) furthest = std::max(furthest, to);
      },
      FormatDate(report.as_of), int64_t{report.now ? 1 : 0}));
  finish();

  for (int i = 0; i < kPipeline; ++i) {
    FunnelStage f;
    f.stage = std::string(kMatchmakingStages[i]);
    f.reached = reached[i];
    if (i == 0) {
      f.conversion = 1;
    } else {
      f.conversion = reached[i - 1] == 0 ? 0 : double(reached[i]) / double(reached[i - 1]);
    }
    f.median_days = Median(std::move(stays[i]));
    report.stages.push_back(std::move(f));
  }
  return report;
}

// [SECTION] Follow-ups

// Follow-ups open now, judged against the date: overdue when due before it, due this week when
// due on it or within the six days after it.
Result<FollowUpReport> Session::ReportFollowUps(std::optional<Date> as_of_opt) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  FollowUpReport report;
  report.as_of = as_of_opt.value_or(m.Today());
  DOSTI_TRY(EachRow(
      *m.db,
      "SELECT coalesce(assignee, ''), coalesce(office, ''), count(*),"
      "  total(due_date < ?1), total(due_date >= ?1 AND due_date < ?2) "
      "FROM follow_up WHERE status = 'open' AND archived = 0 "
      "GROUP BY 1, 2 ORDER BY 1, 2",
      [&](Stmt& s) {
        FollowUpRow row{s.Text(0), s.Text(1), s.Int(2), s.Int(3), s.Int(4)};
        report.open += row.open;
        report.overdue += row.overdue;
        report.due_this_week += row.due_this_week;
        report.rows.push_back(std::move(row));
      },
      FormatDate(report.as_of), FormatDate(AddDays(report.as_of, 7))));
  return report;
}

// [SECTION] Quality

namespace {

// The order kinds are listed in: the order of DOMAIN.md, roughly the order of post-fair triage.
const std::vector<std::string_view> kQualityKinds = {
    "old_draft",         "identifier_warning",      "missing_selection_data",
    "duplicate_suspect", "contact_without_consent", "implausible_mobile"};

Result<void> OldDrafts(Session::Impl& m, Date as_of, std::vector<QualityItem>& out) {
  // Created on an office-calendar day more than kOldDraftDays before as_of, i.e. before the
  // office's midnight starting day as_of − kOldDraftDays.
  int64_t cutoff = DaysFromCivil(AddDays(as_of, -kOldDraftDays)) * kDayMs -
                   int64_t{m.utc_offset_minutes} * 60'000;
  return EachRow(
      *m.db,
      "SELECT id, name, created_at FROM enterprise WHERE record_state = 'draft' AND archived = 0"
      "  AND canon_id IS NULL AND created_at < ?1",
      [&](Stmt& s) {
        Date created = DateAt(s.Int(2), m.utc_offset_minutes);
        int64_t days = DaysFromCivil(as_of) - DaysFromCivil(created);
        out.push_back({"old_draft", "enterprise", s.Text(0), s.Text(1),
                       MakeMessage("quality.old_draft", {{"date", FormatDate(created)},
                                                         {"days", std::to_string(days)}}),
                       s.Text(0), ""});
      },
      cutoff);
}

Result<void> IdentifierWarnings(Session::Impl& m, std::vector<QualityItem>& out) {
  return EachRow(
      *m.db,
      "SELECT i.id, e.id, e.name, i.type, i.value, i.check_state FROM enterprise_identifier i "
      "JOIN enterprise e ON e.id = i.enterprise_id WHERE i.archived = 0 AND e.archived = 0"
      "  AND e.canon_id IS NULL AND (i.check_state = 'checksum_warning' OR i.type = "
      "'CN_LEGACY_REGNO')",
      [&](Stmt& s) {
        std::string type = s.Text(3), value = s.Text(4);
        Message message =
            type == "CN_LEGACY_REGNO"
                ? MakeMessage("quality.legacy_regno", {{"value", value}})
                : MakeMessage("quality.check_character", {{"type", type}, {"value", value}});
        out.push_back({"identifier_warning", "enterprise_identifier", s.Text(0), s.Text(2),
                       std::move(message), s.Text(1), ""});
      });
}

Result<void> MissingSelectionData(Session::Impl& m, std::vector<QualityItem>& out) {
  return EachRow(
      *m.db,
      "SELECT e.id, e.name, n.stage,"
      "  EXISTS(SELECT 1 FROM enterprise_identifier i WHERE i.enterprise_id = e.id"
      "    AND i.archived = 0),"
      "  coalesce(e.sector, '') <> '', coalesce(e.region, '') <> '', coalesce(e.city, '') <> '',"
      "  EXISTS(SELECT 1 FROM contact c WHERE c.enterprise_id = e.id AND c.archived = 0"
      "    AND c.is_primary = 1 AND c.consent_contact = 1) "
      "FROM enrollment n JOIN enterprise e ON e.id = n.enterprise_id "
      "WHERE n.programme_id = ?1 AND n.archived = 0 AND n.stage IN ('nominated', 'shortlisted')"
      "  AND e.archived = 0 AND e.canon_id IS NULL",
      [&](Stmt& s) {
        static const char* const kWhat[] = {
            "quality.missing.identifier", "selection.missing.sector", "selection.missing.region",
            "selection.missing.city", "selection.missing.primary_contact"};
        std::vector<Message> missing;
        for (int i = 0; i < 5; ++i) {
          if (s.Int(3 + i) == 0) missing.push_back(MakeMessage(kWhat[i]));
        }
        if (missing.empty()) return;
        Args args{{"stage", s.Text(2)}};
        AddMessageList(args, "missing", missing);
        out.push_back({"missing_selection_data", "enterprise", s.Text(0), s.Text(1),
                       MakeMessage("quality.missing_selection_data", std::move(args)), s.Text(0),
                       ""});
      },
      m.info.programme_id);
}

// One item per pair of live enterprises (smaller id first), with every reason they share.
Result<void> DuplicateSuspects(Session::Impl& m, std::vector<QualityItem>& out) {
  auto pairs = FindDuplicatePairs(m);
  if (!pairs) return pairs.error();
  for (const DuplicatePair& p : *pairs) {
    Args args{{"other_name", p.name_b}, {"other_id", p.id_b}};
    AddMessageList(args, "reasons", p.reasons);
    out.push_back({"duplicate_suspect", "enterprise", p.id_a, p.name_a,
                   MakeMessage("quality.duplicate", std::move(args)), p.id_a, p.id_b});
  }
  return {};
}

Result<void> ContactIssues(Session::Impl& m, std::vector<QualityItem>& out) {
  return EachRow(
      *m.db,
      "SELECT c.id, c.full_name, e.name, e.id, e.country, c.consent_contact,"
      "  coalesce(c.mobile, '') "
      "FROM contact c JOIN enterprise e ON e.id = c.enterprise_id "
      "WHERE c.archived = 0 AND (c.consent_contact = 0 OR (coalesce(c.mobile, '') <> ''"
      // Numbers of exactly the shape of DOMAIN.md's patterns are plausible; only the others
      // need NormalisePhone's verdict (a prefilter: 10,000 contacts cost a few milliseconds).
      "  AND NOT c.mobile GLOB '+861[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"
      "  AND NOT c.mobile GLOB '+923[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'))"
      "  AND e.archived = 0 AND e.canon_id IS NULL",
      [&](Stmt& s) {
        std::string label = s.Text(1) + " (" + s.Text(2) + ")";
        if (s.Int(5) == 0) {
          out.push_back({"contact_without_consent", "contact", s.Text(0), label,
                         MakeMessage("quality.no_consent"), s.Text(3), ""});
        }
        std::string mobile = s.Text(6);
        if (mobile.empty()) return;
        // The same rule as the warning given when the contact was saved (validation.cpp).
        auto phone = NormalisePhone(mobile, s.Text(4));
        if (phone && phone->plausible_mobile) return;
        out.push_back({"implausible_mobile", "contact", s.Text(0), label,
                       MakeMessage("quality.implausible_mobile",
                                   {{"value", mobile}, {"country", s.Text(4)}}),
                       s.Text(3), ""});
      });
}

}  // namespace

Result<QualityReport> Session::ReportQuality(std::optional<Date> as_of_opt) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  QualityReport report;
  report.as_of = as_of_opt.value_or(m.Today());
  std::vector<QualityItem>& items = report.items;
  DOSTI_TRY(OldDrafts(m, report.as_of, items));
  DOSTI_TRY(IdentifierWarnings(m, items));
  DOSTI_TRY(MissingSelectionData(m, items));
  DOSTI_TRY(DuplicateSuspects(m, items));
  DOSTI_TRY(ContactIssues(m, items));
  auto key = [](const QualityItem& q) {
    return std::tie(q.label, q.record_id, q.other_id, q.message.text);
  };
  std::sort(items.begin(), items.end(), [&](const QualityItem& a, const QualityItem& b) {
    int ka = IndexOf(kQualityKinds, a.kind), kb = IndexOf(kQualityKinds, b.kind);
    if (ka != kb) return ka < kb;
    return key(a) < key(b);
  });
  return report;
}

// [SECTION] Coverage

// Live enterprises whose DH-2023 enrollment was at selected or active at some moment of the
// month, without a final service log dated in the month (logs of enterprises merged into it
// count as its own). "Some moment": at selected or active when the month began, or moved there
// during it; both read from the stage history, whose instants are cut by the calendar of the
// enterprise's home office, as the progress report cuts them. So an enterprise selected in
// 2026 is not listed for January 2025, and one that completed in March is still listed for
// February, when it was selected and may have gone without a service.
Result<CoverageReport> Session::ReportCoverage(std::string_view month) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto start = MonthStart(month);
  if (!start) return start.error();
  CoverageReport report;
  report.month = FormatMonth(*start);
  const Date next = AddMonths(*start, 1);
  for (std::string_view country : kCountries) {
    std::string_view office = HomeOffice(country);
    DOSTI_TRY(EachRow(
        *m.db,
        "WITH served AS (SELECT coalesce(x.canon_id, s.enterprise_id) AS id"
        "  FROM service_log s LEFT JOIN enterprise x ON x.id = s.enterprise_id"
        "  WHERE s.service_date >= ?2 AND s.service_date < ?3 AND s.state = 'final'"
        "  AND s.archived = 0) "
        "SELECT e.id, e.name, e.id NOT IN (SELECT id FROM served) "
        "FROM enrollment n JOIN enterprise e ON e.id = n.enterprise_id "
        "WHERE n.programme_id = ?1 AND n.archived = 0 AND e.country = ?4"
        "  AND e.archived = 0 AND e.canon_id IS NULL"
        "  AND ((SELECT h.stage FROM enrollment_stage h WHERE h.enrollment_id = n.id"
        "        AND h.archived = 0 AND h.changed_at < ?5"
        "        ORDER BY h.changed_at DESC, h.id DESC LIMIT 1) IN ('selected', 'active')"
        "    OR EXISTS (SELECT 1 FROM enrollment_stage h WHERE h.enrollment_id = n.id"
        "        AND h.archived = 0 AND h.changed_at >= ?5 AND h.changed_at < ?6"
        "        AND h.stage IN ('selected', 'active'))) "
        "GROUP BY e.id ORDER BY e.name, e.id",
        [&](Stmt& s) {
          ++report.selected;
          if (s.Int(2) == 0) return;
          report.unserved_ids.push_back(s.Text(0));
          report.unserved_names.push_back(s.Text(1));
        },
        m.info.programme_id, FormatDate(*start), FormatDate(next), std::string(country),
        StartOfDayMs(*start, office), StartOfDayMs(next, office)));
  }
  return report;
}

// [SECTION] Landing

// Live enterprises by home country and landing status; every status is listed for both
// countries (zero rows included), so the tables of the two offices line up.
Result<LandingReport> Session::ReportLanding() {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  LandingReport report;
  for (std::string_view c : kCountries) {
    for (std::string_view st : kLandingStatuses) {
      report.rows.push_back({std::string(c), std::string(st), 0});
    }
  }
  DOSTI_TRY(EachRow(*m.db,
                    "SELECT country, landing_status, count(*) FROM enterprise "
                    "WHERE archived = 0 AND canon_id IS NULL GROUP BY country, landing_status",
                    [&](Stmt& s) {
                      int c = IndexOf(kCountries, s.Text(0));
                      int st = IndexOf(kLandingStatuses, s.Text(1));
                      if (c < 0 || st < 0) return;
                      report.rows[c * kLandingStatuses.size() + st].count = s.Int(2);
                    }));
  return report;
}

// [SECTION] Event yield

// Per event: enterprises and contacts that attended (status attended; merged records count
// once, for the record they were merged into; archived enterprises not at all), and how many
// of those enterprises were later nominated or selected: their DH-2023 stage history (theirs
// or a merged record's) has a row at that stage or beyond written from the start of the
// event's first day (in the calendar of the office that held it) up to the cut. An enterprise
// selected before the fair is not the fair's yield unless it moved again. The cut is
// progress's (CountryProgress): none as of now, else the end of the date in the calendar of
// the enterprise's home office, so "later selected" never disagrees with progress.
Result<EventYieldReport> Session::ReportEventYield(std::optional<Date> as_of_opt) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  EventYieldReport report;
  report.now = !as_of_opt;
  report.as_of = as_of_opt.value_or(m.Today());
  for (std::string_view c : kCountries) {
    const OfficeCalendar& calendar = CalendarOf(HomeOffice(c));
    report.cuts.push_back(
        {std::string(c), std::string(calendar.office), std::string(calendar.time_zone)});
  }
  auto cut = [&](std::string_view country) { return CutMs(report.now, report.as_of, country); };
  // The attendances that count: one row per event, enterprise (the one merged records were
  // merged into) and contact.
  const std::string attended =
      "WITH attended AS (SELECT p.event_id, coalesce(e.canon_id, e.id) AS ent, e.country,"
      "  p.contact_id FROM event_participation p JOIN enterprise e ON e.id = p.enterprise_id"
      "  WHERE p.archived = 0 AND p.status = 'attended' AND e.archived = 0) ";
  DOSTI_TRY(EachRow(
      *m.db,
      attended + "SELECT v.id, v.name, v.kind, v.start_date, v.end_date, coalesce(v.office, ''),"
                 "  (SELECT count(*) FROM event_participation p WHERE p.event_id = v.id"
                 "   AND p.archived = 0 AND p.status = 'registered'),"
                 "  (SELECT count(DISTINCT ent) FROM attended a WHERE a.event_id = v.id),"
                 "  (SELECT count(DISTINCT contact_id) FROM attended a WHERE a.event_id = v.id)"
                 " FROM event v WHERE v.archived = 0 AND (?1 OR v.start_date <= ?2)"
                 " ORDER BY v.start_date DESC, v.id",
      [&](Stmt& s) {
        EventYieldRow row;
        row.event_id = s.Text(0);
        row.name = s.Text(1);
        row.kind = s.Text(2);
        row.start_date = s.Text(3);
        row.end_date = s.Text(4);
        row.office = s.Text(5);
        row.registered = s.Int(6);
        row.enterprises = s.Int(7);
        row.contacts = s.Int(8);
        report.rows.push_back(std::move(row));
      },
      int64_t{report.now ? 1 : 0}, FormatDate(report.as_of)));

  // Of an event's enterprises, how many have a history row at one of `stages` from the
  // event's first day to the cut.
  auto later = [&](const EventYieldRow& row, int64_t from_ms, std::string_view stages, int64_t* n) {
    return EachRow(
        *m.db,
        attended +
            "SELECT count(DISTINCT a.ent) FROM attended a WHERE a.event_id = ?1 AND EXISTS ("
            "  SELECT 1 FROM enrollment n JOIN enterprise x ON x.id = n.enterprise_id"
            "  JOIN enrollment_stage h ON h.enrollment_id = n.id"
            "  WHERE n.programme_id = ?2 AND n.archived = 0 AND h.archived = 0"
            "  AND coalesce(x.canon_id, x.id) = a.ent AND h.stage IN (" +
            std::string(stages) +
            ") AND h.changed_at >= ?3"
            "  AND h.changed_at < CASE a.country WHEN 'PK' THEN ?5 ELSE ?4 END)",
        [&](Stmt& s) { *n = s.Int(0); }, row.event_id, m.info.programme_id, from_ms, cut("CN"),
        cut("PK"));
  };
  for (EventYieldRow& row : report.rows) {
    if (row.enterprises == 0) continue;
    auto start = ParseDate(row.start_date);
    if (!start) continue;  // a malformed date from another device: no "later" to measure
    const int64_t from_ms = StartOfDayMs(*start, row.office);
    DOSTI_TRY(later(row, from_ms, "'nominated', 'shortlisted', 'selected', 'active', 'completed'",
                    &row.nominated));
    DOSTI_TRY(later(row, from_ms, "'selected', 'active', 'completed'", &row.selected));
  }
  return report;
}

std::string ReportDecimal(double value, int places) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", places, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace dosti
