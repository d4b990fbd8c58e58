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

}  // namespace dosti
