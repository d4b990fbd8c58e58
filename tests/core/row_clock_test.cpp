// The row clock's two layouts (row_clock.cpp): the stamped one every usual clock is written in
// since schema 6, and the full one (values kept with losing heads, fields known by name, and
// every clock written before), which is still read.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "row_clock.h"

using namespace dosti;

namespace {

ClockEntry Entry(int column, int64_t hlc, uint32_t device) {
  ClockEntry e;
  e.column = column;
  e.hlc = hlc;
  e.device = device;
  return e;
}

void CheckSame(const RowClock& a, const RowClock& b) {
  REQUIRE(a.entries.size() == b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const ClockEntry& x = a.entries[i];
    const ClockEntry& y = b.entries[i];
    CHECK(x.column == y.column);
    CHECK(x.name == y.name);
    CHECK(x.hlc == y.hlc);
    CHECK(x.device == y.device);
    CHECK(x.has_value == y.has_value);
    CHECK(x.value == y.value);
  }
}

RowClock RoundTrip(const RowClock& clock) {
  auto back = DecodeRowClock(EncodeRowClock(clock));
  REQUIRE(back);
  return *back;
}

// A clock as every Dosti before schema 6 wrote it: u16 count; per entry u8 column, i64 hlc,
// u32 device, u8 0xff (no value). Little-endian, as the machines that run Dosti are.
std::string OldLayout(const RowClock& clock) {
  std::string out(2, '\0');
  uint16_t n = static_cast<uint16_t>(clock.entries.size());
  std::memcpy(out.data(), &n, 2);
  for (const ClockEntry& e : clock.entries) {
    out += static_cast<char>(e.column);
    out.append(reinterpret_cast<const char*>(&e.hlc), 8);
    out.append(reinterpret_cast<const char*>(&e.device), 4);
    out += static_cast<char>(0xff);
  }
  return out;
}

}  // namespace

TEST_CASE("A row written at once keeps one stamp for all its fields", "[core][clock]") {
  RowClock clock;
  for (int c = 2; c < 18; ++c) clock.entries.push_back(Entry(c, 0x0123456789abcdefLL, 3));
  std::string bytes = EncodeRowClock(clock);
  CHECK(bytes.size() == 2 + 1 + 12 + 1 + 16 * 2);  // was 2 + 16 * 14
  CheckSame(RoundTrip(clock), clock);
}

TEST_CASE("A clock of fields written at different times and devices round-trips",
          "[core][clock]") {
  RowClock clock;
  clock.entries = {Entry(1, 100, 0), Entry(2, 200, 1), Entry(3, 100, 0), Entry(4, 300, 2),
                   Entry(5, 200, 1), Entry(6, 100, 1)};
  CHECK(EncodeRowClock(clock).size() == 2 + 1 + 4 * 12 + 1 + 6 * 2);
  CheckSame(RoundTrip(clock), clock);
  RowClock empty;
  CheckSame(RoundTrip(empty), empty);
  // More distinct stamps than the stamped layout holds: the full one.
  RowClock many;
  for (int c = 0; c < 254; ++c) many.entries.push_back(Entry(c, 1000 + c, 0));
  many.entries.push_back(Entry(254, 5000, 1));
  CheckSame(RoundTrip(many), many);
  many.entries.push_back(Entry(254, 4000, 2));  // 256 entries
  CheckSame(RoundTrip(many), many);
}

TEST_CASE("Conflicts with values and fields known by name keep the full layout",
          "[core][clock]") {
  RowClock clock;
  clock.entries.push_back(Entry(2, 500, 0));
  ClockEntry loser = Entry(2, 400, 1);
  loser.has_value = true;
  loser.value = std::string("Indus Motors");
  clock.entries.push_back(loser);
  ClockEntry named = Entry(-1, 450, 2);
  named.name = "tagline";
  named.has_value = true;
  named.value = int64_t{42};
  clock.entries.push_back(named);
  CheckSame(RoundTrip(clock), clock);
}

TEST_CASE("Clocks written before schema 6 still read", "[core][clock]") {
  RowClock clock;
  clock.entries = {Entry(1, 100, 0), Entry(2, 200, 1), Entry(7, 100, 0)};
  auto read = DecodeRowClock(OldLayout(clock));
  REQUIRE(read);
  CheckSame(*read, clock);
}

TEST_CASE("A damaged stamped clock is refused, not half read", "[core][clock]") {
  RowClock clock;
  clock.entries = {Entry(1, 100, 0), Entry(2, 200, 1)};
  std::string bytes = EncodeRowClock(clock);
  std::string cut = bytes.substr(0, bytes.size() - 1);
  CHECK_FALSE(DecodeRowClock(cut));
  std::string bad_stamp = bytes;
  bad_stamp.back() = 7;  // the second entry names a stamp that is not there
  CHECK_FALSE(DecodeRowClock(bad_stamp));
  std::string longer = bytes + "x";
  CHECK_FALSE(DecodeRowClock(longer));
}
