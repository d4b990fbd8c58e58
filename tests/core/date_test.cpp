#include "dosti/date.h"

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

using dosti::Date;

TEST_CASE("Dates parse only as strict YYYY-MM-DD calendar days", "[core][date]") {
  CHECK(dosti::ParseDate("2024-03-07") == Date{2024, 3, 7});
  CHECK(dosti::ParseDate("2024-02-29") == Date{2024, 2, 29});  // leap year
  CHECK(dosti::ParseDate("2000-02-29") == Date{2000, 2, 29});  // divisible by 400
  CHECK(dosti::ParseDate("1900-01-01") == Date{1900, 1, 1});
  CHECK(dosti::ParseDate("2999-12-31") == Date{2999, 12, 31});

  CHECK_FALSE(dosti::ParseDate("2023-02-30"));
  CHECK_FALSE(dosti::ParseDate("2023-02-29"));  // not a leap year
  CHECK_FALSE(dosti::ParseDate("1900-02-29"));  // divisible by 100 only
  CHECK_FALSE(dosti::ParseDate("2023-04-31"));
  CHECK_FALSE(dosti::ParseDate("2023-2-3"));
  CHECK_FALSE(dosti::ParseDate("2023-02-03 "));
  CHECK_FALSE(dosti::ParseDate("2023-02-03x"));
  CHECK_FALSE(dosti::ParseDate("2023-02-03T00:00"));
  CHECK_FALSE(dosti::ParseDate(" 2023-02-03"));
  CHECK_FALSE(dosti::ParseDate("2023/02/03"));
  CHECK_FALSE(dosti::ParseDate("2023-00-10"));
  CHECK_FALSE(dosti::ParseDate("2023-13-10"));
  CHECK_FALSE(dosti::ParseDate("2023-01-00"));
  CHECK_FALSE(dosti::ParseDate("+023-01-01"));
  CHECK_FALSE(dosti::ParseDate("2023-+1-01"));
  CHECK_FALSE(dosti::ParseDate("1899-12-31"));
  CHECK_FALSE(dosti::ParseDate("3000-01-01"));
  CHECK_FALSE(dosti::ParseDate("２０２３-０１-０１"));  // full-width digits are not a stored date
  CHECK_FALSE(dosti::ParseDate(""));
}

TEST_CASE("Months parse as strict YYYY-MM and give the first day", "[core][date]") {
  CHECK(dosti::ParseMonth("2024-03") == Date{2024, 3, 1});
  CHECK_FALSE(dosti::ParseMonth("2024-3"));
  CHECK_FALSE(dosti::ParseMonth("2024-13"));
  CHECK_FALSE(dosti::ParseMonth("2024-03-01"));
  CHECK_FALSE(dosti::ParseMonth("2024-03 "));
}

TEST_CASE("Dates and months format with zero padding and round-trip", "[core][date]") {
  CHECK(dosti::FormatDate(Date{2024, 3, 7}) == "2024-03-07");
  CHECK(dosti::FormatMonth(Date{2024, 3, 7}) == "2024-03");
  for (const char* s : {"1900-01-01", "1970-01-01", "2023-09-02", "2024-02-29", "2999-12-31"}) {
    const auto d = dosti::ParseDate(s);
    REQUIRE(d);
    CHECK(dosti::FormatDate(*d) == s);
  }
}

TEST_CASE("Day counts match known epochs and round-trip over four centuries", "[core][date]") {
  CHECK(dosti::DaysFromCivil(Date{1970, 1, 1}) == 0);
  CHECK(dosti::DaysFromCivil(Date{1970, 1, 2}) == 1);
  CHECK(dosti::DaysFromCivil(Date{1969, 12, 31}) == -1);
  CHECK(dosti::DaysFromCivil(Date{2000, 3, 1}) == 11017);
  CHECK(dosti::DaysFromCivil(Date{2023, 9, 2}) == 19602);
  CHECK(dosti::DaysFromCivil(Date{1900, 1, 1}) == -25567);
  CHECK(dosti::CivilFromDays(-25567) == Date{1900, 1, 1});
  CHECK(dosti::CivilFromDays(19602) == Date{2023, 9, 2});

  // Every day from 1900 to 2300, against a date stepped by hand (independently of the
  // algorithms under test); one CHECK at the end keeps the assertion count meaningful.
  Date expected{1900, 1, 1};
  std::string first_mismatch;
  for (int64_t n = dosti::DaysFromCivil(expected); n < dosti::DaysFromCivil(Date{2300, 1, 1});
       ++n) {
    const Date d = dosti::CivilFromDays(n);
    if (first_mismatch.empty() && (d != expected || dosti::DaysFromCivil(d) != n)) {
      first_mismatch = std::to_string(n) + " gave " + dosti::FormatDate(d) + ", expected " +
                       dosti::FormatDate(expected);
    }
    if (++expected.day > dosti::DaysInMonth(expected.year, expected.month)) {
      expected.day = 1;
      if (++expected.month > 12) {
        expected.month = 1;
        ++expected.year;
      }
    }
  }
  CHECK(first_mismatch == "");
  CHECK(expected == Date{2300, 1, 1});
}

TEST_CASE("Days in month follow the Gregorian leap rule", "[core][date]") {
  CHECK(dosti::DaysInMonth(2024, 2) == 29);
  CHECK(dosti::DaysInMonth(2023, 2) == 28);
  CHECK(dosti::DaysInMonth(2100, 2) == 28);
  CHECK(dosti::DaysInMonth(2000, 2) == 29);
  CHECK(dosti::DaysInMonth(2024, 4) == 30);
  CHECK(dosti::DaysInMonth(2024, 12) == 31);
  CHECK(dosti::DaysInMonth(2024, 13) == 0);
}

TEST_CASE("Adding days crosses months, years and leap days", "[core][date]") {
  CHECK(dosti::AddDays(Date{2024, 2, 28}, 1) == Date{2024, 2, 29});
  CHECK(dosti::AddDays(Date{2024, 2, 29}, 1) == Date{2024, 3, 1});
  CHECK(dosti::AddDays(Date{2023, 12, 28}, 7) == Date{2024, 1, 4});  // follow-up default
  CHECK(dosti::AddDays(Date{2024, 1, 1}, -1) == Date{2023, 12, 31});
  CHECK(dosti::AddDays(Date{2024, 3, 7}, 0) == Date{2024, 3, 7});
}

TEST_CASE("Adding months clamps the day to the end of the target month", "[core][date]") {
  CHECK(dosti::AddMonths(Date{2024, 1, 31}, 1) == Date{2024, 2, 29});
  CHECK(dosti::AddMonths(Date{2023, 1, 31}, 1) == Date{2023, 2, 28});
  CHECK(dosti::AddMonths(Date{2024, 3, 31}, 1) == Date{2024, 4, 30});
  CHECK(dosti::AddMonths(Date{2024, 11, 15}, 2) == Date{2025, 1, 15});
  CHECK(dosti::AddMonths(Date{2024, 1, 15}, -1) == Date{2023, 12, 15});
  CHECK(dosti::AddMonths(Date{2024, 3, 31}, -1) == Date{2024, 2, 29});
  CHECK(dosti::AddMonths(Date{2024, 2, 29}, 12) == Date{2025, 2, 28});
  CHECK(dosti::AddMonths(Date{2024, 5, 10}, -17) == Date{2022, 12, 10});
  CHECK(dosti::AddMonths(Date{2024, 5, 10}, 0) == Date{2024, 5, 10});
}

TEST_CASE("The office day of an instant depends on the office's UTC offset", "[core][date]") {
  constexpr int kBeijing = 480;
  constexpr int kIslamabad = 300;
  // 2023-09-01T17:30:00Z: already 2 September in Beijing (01:30), still 1 September in
  // Islamabad (22:30).
  const int64_t ms =
      (dosti::DaysFromCivil(Date{2023, 9, 1}) * 86400 + 17 * 3600 + 30 * 60) * int64_t{1000};
  CHECK(dosti::DateAt(ms, kBeijing) == Date{2023, 9, 2});
  CHECK(dosti::DateAt(ms, kIslamabad) == Date{2023, 9, 1});
  CHECK(dosti::DateAt(ms, 0) == Date{2023, 9, 1});

  // Midnight boundaries are exact.
  const int64_t midnight_beijing =
      dosti::DaysFromCivil(Date{2024, 1, 1}) * 86'400'000 - int64_t{kBeijing} * 60'000;
  CHECK(dosti::DateAt(midnight_beijing, kBeijing) == Date{2024, 1, 1});
  CHECK(dosti::DateAt(midnight_beijing - 1, kBeijing) == Date{2023, 12, 31});

  // Instants before the epoch round down to the earlier day.
  CHECK(dosti::DateAt(-1, 0) == Date{1969, 12, 31});
  CHECK(dosti::DateAt(0, -60) == Date{1969, 12, 31});
}

TEST_CASE("Instants are written as ISO 8601 in an office's time and read back from any zone",
          "[core][date]") {
  // 2025-03-15 04:00:00.250 UTC.
  const int64_t ms = dosti::DaysFromCivil({2025, 3, 15}) * 86'400'000 + 4 * 3'600'000 + 250;
  CHECK(dosti::FormatInstant(ms, 480) == "2025-03-15T12:00:00.250+08:00");  // Beijing
  CHECK(dosti::FormatInstant(ms, 300) == "2025-03-15T09:00:00.250+05:00");  // Islamabad
  CHECK(dosti::FormatInstant(ms, 0) == "2025-03-15T04:00:00.250+00:00");
  CHECK(dosti::FormatInstant(ms - 5 * 3'600'000, 60 * -3) == "2025-03-14T20:00:00.250-03:00");
  for (int offset : {480, 300, 0, -180}) {
    CHECK(dosti::ParseInstant(dosti::FormatInstant(ms, offset)) == ms);
  }
  CHECK(dosti::ParseInstant("2025-03-15T04:00:00.25Z") == ms);
  CHECK(dosti::ParseInstant("2025-03-15 12:00:00.250+0800") == ms);
  CHECK(dosti::ParseInstant("2025-03-15T12:00+08") == ms - 250);
  CHECK(dosti::ParseInstant("2025-03-15T12:00:00.2509+08:00") == ms);  // past ms: dropped
  CHECK_FALSE(dosti::ParseInstant("2025-03-15T12:00:00"));  // no zone: ambiguous
  CHECK_FALSE(dosti::ParseInstant("2025-03-15"));
  CHECK_FALSE(dosti::ParseInstant("1742011200000"));
  CHECK_FALSE(dosti::ParseInstant("2025-03-15T24:00:00Z"));
  CHECK_FALSE(dosti::ParseInstant("2025-03-15T12:00:00+08:00x"));
  CHECK_FALSE(dosti::ParseInstant("2025-02-30T12:00:00Z"));
}
