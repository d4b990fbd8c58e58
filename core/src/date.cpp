#include "dosti/date.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace dosti {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2999;
constexpr int64_t kMillisPerDay = 86'400'000;

// Reads exactly `width` ASCII digits at `pos`; nullopt on anything else (signs, spaces, and
// non-ASCII digits included), which is what makes the parsers strict.
std::optional<int> Digits(std::string_view s, std::size_t pos, std::size_t width) {
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

// Division rounding toward negative infinity: instants and day counts before the epoch must
// land on the earlier day, not the later one that C++'s truncating division would give.
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool IsLeap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

std::optional<Date> ParseMonth(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return std::nullopt;
  const auto year = Digits(s, 0, 4);
  const auto month = Digits(s, 5, 2);
  if (!year || !month || *year < kMinYear || *year > kMaxYear || *month < 1 || *month > 12) {
    return std::nullopt;
  }
  return Date{*year, *month, 1};
}

std::optional<Date> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[7] != '-') return std::nullopt;
  const auto month = ParseMonth(s.substr(0, 7));
  const auto day = Digits(s, 8, 2);
  if (!month || !day || *day < 1 || *day > DaysInMonth(month->year, month->month)) {
    return std::nullopt;
  }
  return Date{month->year, month->month, *day};
}

std::string FormatDate(const Date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string FormatMonth(const Date& d) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  return buf;
}

// days_from_civil and civil_from_days from Howard Hinnant, "chrono-Compatible Low-Level Date
// Algorithms" (https://howardhinnant.github.io/date_algorithms.html): the year is shifted to
// start in March so that the leap day falls last, and counted in 400-year eras of 146097 days.
int64_t DaysFromCivil(const Date& d) {
  const int64_t y = static_cast<int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;                          // [0, 399]
  const int64_t mp = (d.month + 9) % 12;                      // March = 0
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;         // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

Date AddDays(const Date& d, int64_t n) { return CivilFromDays(DaysFromCivil(d) + n); }

Date AddMonths(const Date& d, int n) {
  const int64_t index = static_cast<int64_t>(d.year) * 12 + (d.month - 1) + n;
  const int year = static_cast<int>(FloorDiv(index, 12));
  const int month = static_cast<int>(index - static_cast<int64_t>(year) * 12) + 1;
  const int last = DaysInMonth(year, month);
  return Date{year, month, d.day > last ? last : d.day};
}

Date DateAt(int64_t ms_utc, int utc_offset_minutes) {
  const int64_t local_ms = ms_utc + static_cast<int64_t>(utc_offset_minutes) * 60'000;
  return CivilFromDays(FloorDiv(local_ms, kMillisPerDay));
}

std::string FormatInstant(int64_t ms_utc, int utc_offset_minutes) {
  const int64_t local_ms = ms_utc + static_cast<int64_t>(utc_offset_minutes) * 60'000;
  const int64_t days = FloorDiv(local_ms, kMillisPerDay);
  const int64_t rest = local_ms - days * kMillisPerDay;
  const int offset = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03d%c%02d:%02d",
                FormatDate(CivilFromDays(days)).c_str(), static_cast<int>(rest / 3'600'000),
                static_cast<int>(rest / 60'000 % 60), static_cast<int>(rest / 1000 % 60),
                static_cast<int>(rest % 1000), utc_offset_minutes < 0 ? '-' : '+', offset / 60,
                offset % 60);
  return buf;
}

std::optional<int64_t> ParseInstant(std::string_view s) {
  if (s.size() < 17 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':') {
    return std::nullopt;
  }
  const auto date = ParseDate(s.substr(0, 10));
  const auto hour = Digits(s, 11, 2);
  const auto minute = Digits(s, 14, 2);
  if (!date || !hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
  std::size_t i = 16;
  int second = 0, millis = 0;
  if (i < s.size() && s[i] == ':') {
    if (i + 3 > s.size()) return std::nullopt;
    const auto sec = Digits(s, i + 1, 2);
    if (!sec || *sec > 59) return std::nullopt;
    second = *sec;
    i += 3;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      std::size_t digits = 0;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
        if (digits < 3) millis = millis * 10 + (s[i] - '0');
      }
      if (digits == 0) return std::nullopt;
      for (; digits < 3; ++digits) millis *= 10;
    }
  }
  int offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    std::string_view zone = s.substr(i + 1);
    std::optional<int> zh, zm = 0;
    if (zone.size() == 2) {
      zh = Digits(zone, 0, 2);
    } else if (zone.size() == 4) {
      zh = Digits(zone, 0, 2);
      zm = Digits(zone, 2, 2);
    } else if (zone.size() == 5 && zone[2] == ':') {
      zh = Digits(zone, 0, 2);
      zm = Digits(zone, 3, 2);
    }
    if (!zh || !zm || *zh > 23 || *zm > 59) return std::nullopt;
    offset = sign * (*zh * 60 + *zm);
  } else {
    return std::nullopt;
  }
  return DaysFromCivil(*date) * kMillisPerDay + *hour * 3'600'000LL + *minute * 60'000LL +
         second * 1000LL + millis - offset * 60'000LL;
}

}  // namespace dosti
