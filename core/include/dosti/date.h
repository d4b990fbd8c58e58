// Calendar dates (YYYY-MM-DD) and office-local days. Pure functions; thread-safe.
// Civil-date arithmetic after Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dosti {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend bool operator==(const Date&, const Date&) = default;
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Strict "YYYY-MM-DD" (a real calendar day, years 1900..2999); nullopt otherwise.
std::optional<Date> ParseDate(std::string_view s);
// Strict "YYYY-MM"; returns the first day of that month.
std::optional<Date> ParseMonth(std::string_view s);
std::string FormatDate(const Date& d);    // "2024-03-07"
std::string FormatMonth(const Date& d);   // "2024-03"

int64_t DaysFromCivil(const Date& d);     // days since 1970-01-01
Date CivilFromDays(int64_t days);
Date AddDays(const Date& d, int64_t n);
Date AddMonths(const Date& d, int n);     // day clamped to the end of the target month
int DaysInMonth(int year, int month);

// The calendar day at UTC instant `ms` in a fixed UTC offset (minutes). Beijing is +480 and
// Islamabad +300 all year: neither observes daylight saving time.
Date DateAt(int64_t ms_utc, int utc_offset_minutes);

// An instant as ISO 8601 local time with its offset, to the millisecond:
// FormatInstant(ms, 480) → "2024-06-15T12:00:00.000+08:00" (the CSV export's times).
std::string FormatInstant(int64_t ms_utc, int utc_offset_minutes);
// The UTC milliseconds of an ISO 8601 date and time with a zone: "YYYY-MM-DDTHH:MM[:SS[.f…]]"
// (a space for the T also) followed by "Z" or "±HH:MM" ("±HHMM", "±HH"); at most
// millisecond precision is kept. nullopt for anything else (a time without a zone is ambiguous).
std::optional<int64_t> ParseInstant(std::string_view s);

}  // namespace dosti
