// The commit and changeset codec (core/src/changeset.cpp) against cereal's portable binary
// archive, the format REPLICATION.md documents: what we write, cereal reads back field by
// field; what cereal writes (in either byte order), we decode; a golden vector pins the bytes;
// malformed input is refused without reading out of bounds.
#include <catch2/catch.hpp>

#include <cereal/archives/portable_binary.hpp>

#include <sstream>

#include "changeset.h"

using namespace dosti;

namespace {

const std::string kAuthor = "0190a1b2c3d4e5f60718293a4b5c6d7e";
const std::string kOther = "0190ffeeddccbbaa9988776655443322";
const std::string kRow1 = "0190000000000000000000000000abcd";
const std::string kRow2 = "01900000000000000000000000001234";

std::string HexBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// Two rows of two tables, every value type, a dependency and prev stamps of two devices.
Commit Sample() {
  Commit c;
  c.seq = 12;
  c.hlc = (int64_t{1718424000000} << 16) | 3;
  c.schema = 4;
  c.names = {"enterprise", "name", "city", "service_log", "minutes", "rating"};
  c.devices = {kAuthor, kOther};
  c.author = 0;
  c.deps = {{1, 7}};
  c.ids = kRow1 + kRow2;
  c.rows = {{0, 0, 32, 0, 2}, {3, 32, 32, 2, 2}};
  c.fields.resize(4);
  c.fields[0] = {1, Value{std::string("甲科技有限公司")}, 0, 2};
  c.fields[1] = {2, Value{}, 2, 0};
  c.fields[2] = {4, Value{int64_t{-90}}, 2, 1};
  c.fields[3] = {5, Value{2.5}, 3, 0};
  c.prevs = {{c.hlc - 65536, 1}, {c.hlc - 131072, 0}, {c.hlc - 5, 1}};
  return c;
}

// The sample written field by field through cereal, as REPLICATION.md lays it out.
std::string SampleThroughCereal(cereal::PortableBinaryOutputArchive::Options options) {
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive ar(out, options);
    auto bytes = [&](const std::string& s) {
      ar(static_cast<uint32_t>(s.size()));
      ar(cereal::binary_data(s.data(), s.size()));
    };
    Commit c = Sample();
    ar(uint32_t{0x54494d43}, uint16_t{1}, c.schema, c.hlc, c.seq);
    ar(static_cast<uint32_t>(c.names.size()));
    for (const std::string& n : c.names) bytes(n);
    ar(uint32_t{2});
    bytes(HexBytes(kAuthor));
    bytes(HexBytes(kOther));
    ar(uint32_t{0}, uint32_t{1}, uint32_t{1}, int64_t{7});  // author; one dep: device 1, seq 7
    ar(uint32_t{2});
    // Row 1: enterprise, name = text with two prev stamps, city = NULL.
    ar(uint32_t{0});
    bytes(HexBytes(kRow1));
    ar(uint32_t{2});
    ar(uint32_t{1}, uint8_t{3});
    bytes("甲科技有限公司");
    ar(uint32_t{2}, c.prevs[0].hlc, uint32_t{1}, c.prevs[1].hlc, uint32_t{0});
    ar(uint32_t{2}, uint8_t{0}, uint32_t{0});
    // Row 2: service_log, minutes = -90 with one prev, rating = 2.5.
    ar(uint32_t{3});
    bytes(HexBytes(kRow2));
    ar(uint32_t{2});
    ar(uint32_t{4}, uint8_t{1}, int64_t{-90}, uint32_t{1}, c.prevs[2].hlc, uint32_t{1});
    ar(uint32_t{5}, uint8_t{2}, 2.5, uint32_t{0});
  }
  return out.str();
}

void CheckSame(const Commit& a, const Commit& b) {
  CHECK(a.seq == b.seq);
  CHECK(a.hlc == b.hlc);
  CHECK(a.schema == b.schema);
  CHECK(a.names == b.names);
  CHECK(a.devices == b.devices);
  CHECK(a.device() == b.device());
  CHECK(a.deps == b.deps);
  REQUIRE(a.rows.size() == b.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r) {
    const RowChange& x = a.rows[r];
    const RowChange& y = b.rows[r];
    CHECK(a.names[x.table] == b.names[y.table]);
    CHECK(a.RowId(x) == b.RowId(y));
    REQUIRE(x.field_count == y.field_count);
    for (uint32_t i = 0; i < x.field_count; ++i) {
      const FieldChange& f = a.fields[x.field_begin + i];
      const FieldChange& g = b.fields[y.field_begin + i];
      CHECK(a.names[f.column] == b.names[g.column]);
      CHECK(f.value == g.value);
      REQUIRE(f.prev_count == g.prev_count);
      for (uint32_t p = 0; p < f.prev_count; ++p) {
        CHECK(a.prevs[f.prev_begin + p].hlc == b.prevs[g.prev_begin + p].hlc);
        CHECK(a.devices[a.prevs[f.prev_begin + p].device] ==
              b.devices[b.prevs[g.prev_begin + p].device]);
      }
    }
  }
}

}  // namespace

TEST_CASE("A commit encodes to the bytes cereal's portable binary archive writes",
          "[core][changeset]") {
  std::string ours = EncodeCommit(Sample());
  CHECK(ours == SampleThroughCereal(cereal::PortableBinaryOutputArchive::Options::LittleEndian()));
  // Golden vector: any change to these bytes is a new commit format (REPLICATION.md).
  CHECK(ToHex(ours) ==
        "01434d4954010004000000030000560d1a90010c00000000000000060000000a00000065"
        "6e7465727072697365040000006e616d6504000000636974790b00000073657276696365"
        "5f6c6f67070000006d696e7574657306000000726174696e6702000000100000000190a1"
        "b2c3d4e5f60718293a4b5c6d7e100000000190ffeeddccbbaa9988776655443322000000"
        "000100000001000000070000000000000002000000000000001000000001900000000000"
        "00000000000000abcd02000000010000000315000000e794b2e7a791e68a80e69c89e999"
        "90e585ace58fb8020000000300ff550d1a9001010000000300fe550d1a90010000000002"
        "000000000000000003000000100000000190000000000000000000000000123402000000"
        "0400000001a6ffffffffffffff01000000feffff550d1a90010100000005000000020000"
        "00000000044000000000");
}

TEST_CASE("cereal reads back a commit we wrote, value by value", "[core][changeset]") {
  Commit c = Sample();
  std::istringstream in(EncodeCommit(c));
  cereal::PortableBinaryInputArchive ar(in);
  uint32_t magic = 0, count = 0, author = 0;
  uint16_t format = 0;
  int32_t schema = 0;
  int64_t hlc = 0, seq = 0;
  ar(magic, format, schema, hlc, seq);
  CHECK(magic == 0x54494d43);
  CHECK(format == kCommitFormat);
  CHECK(schema == c.schema);
  CHECK(hlc == c.hlc);
  CHECK(seq == c.seq);
  auto bytes = [&] {
    uint32_t n = 0;
    ar(n);
    std::string s(n, '\0');
    ar(cereal::binary_data(s.data(), n));
    return s;
  };
  ar(count);
  REQUIRE(count == c.names.size());
  for (const std::string& n : c.names) CHECK(bytes() == n);
  ar(count);
  REQUIRE(count == 2);
  CHECK(ToHex(bytes()) == kAuthor);
  CHECK(ToHex(bytes()) == kOther);
  ar(author);
  CHECK(author == 0);
  uint32_t dep_device = 0;
  int64_t dep_seq = 0;
  ar(count, dep_device, dep_seq);
  CHECK(count == 1);
  CHECK(dep_device == 1);
  CHECK(dep_seq == 7);
  ar(count);
  REQUIRE(count == 2);
  uint32_t table = 0, fields = 0, column = 0, prevs = 0, prev_device = 0;
  uint8_t type = 0;
  int64_t prev_hlc = 0, integer = 0;
  double real = 0;
  ar(table);
  CHECK(table == 0);
  CHECK(ToHex(bytes()) == kRow1);
  ar(fields, column, type);
  CHECK(fields == 2);
  CHECK(column == 1);
  CHECK(type == 3);
  CHECK(bytes() == "甲科技有限公司");
  ar(prevs, prev_hlc, prev_device);
  CHECK(prevs == 2);
  CHECK(prev_hlc == c.prevs[0].hlc);
  CHECK(prev_device == 1);
  ar(prev_hlc, prev_device, column, type, prevs);
  CHECK(prev_hlc == c.prevs[1].hlc);
  CHECK(prev_device == 0);
  CHECK(column == 2);
  CHECK(type == 0);
  CHECK(prevs == 0);
  ar(table);
  CHECK(table == 3);
  CHECK(ToHex(bytes()) == kRow2);
  ar(fields, column, type, integer, prevs, prev_hlc, prev_device);
  CHECK(fields == 2);
  CHECK(column == 4);
  CHECK(type == 1);
  CHECK(integer == -90);
  CHECK(prevs == 1);
  CHECK(prev_hlc == c.prevs[2].hlc);
  CHECK(prev_device == 1);
  ar(column, type, real, prevs);
  CHECK(column == 5);
  CHECK(type == 2);
  CHECK(real == 2.5);
  CHECK(prevs == 0);
  CHECK(in.peek() == std::char_traits<char>::eof());
}

TEST_CASE("Commits cereal wrote decode, in either byte order", "[core][changeset]") {
  for (auto options : {cereal::PortableBinaryOutputArchive::Options::LittleEndian(),
                       cereal::PortableBinaryOutputArchive::Options::BigEndian()}) {
    auto decoded = DecodeCommit(SampleThroughCereal(options));
    REQUIRE(decoded);
    CheckSame(*decoded, Sample());
    CHECK(decoded->FieldCount() == 4);
  }
}

TEST_CASE("A commit's names and devices go out in order of first use", "[core][changeset]") {
  // The Store builds its dictionaries as writes come; the bytes must not depend on that.
  Commit c = Sample();
  Commit shuffled = c;
  shuffled.names = {"unused", "rating", "city", "service_log", "name", "enterprise", "minutes"};
  auto remap = [](uint32_t i) {
    static const uint32_t to[] = {5, 4, 2, 3, 6, 1};
    return to[i];
  };
  for (RowChange& r : shuffled.rows) r.table = remap(r.table);
  for (FieldChange& f : shuffled.fields) f.column = remap(f.column);
  shuffled.devices = {kOther, kAuthor};
  shuffled.author = 1;
  shuffled.deps = {{0, 7}};
  for (Stamp& s : shuffled.prevs) s.device = 1 - s.device;
  // An orphaned field (a row's fields moved to the end when written again) is left out.
  shuffled.fields.insert(shuffled.fields.begin(), FieldChange{0, Value{int64_t{1}}, 0, 0});
  for (RowChange& r : shuffled.rows) ++r.field_begin;
  CHECK(EncodeCommit(shuffled) == EncodeCommit(c));
}

TEST_CASE("Every cut or overlong count in a commit is refused", "[core][changeset]") {
  std::string bytes = EncodeCommit(Sample());
  REQUIRE(DecodeCommit(bytes));
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    auto r = DecodeCommit(std::string_view(bytes).substr(0, cut));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInvalid);
  }
  auto trailing = DecodeCommit(bytes + '\0');
  REQUIRE_FALSE(trailing);
  CHECK(trailing.error().message == "malformed commit: trailing bytes");
  // Every 4-byte window set to 0xffffffff: a huge count or length, or an index out of range.
  for (size_t at = 1; at + 4 <= bytes.size(); ++at) {
    std::string damaged = bytes;
    damaged.replace(at, 4, "\xff\xff\xff\xff");
    (void)DecodeCommit(damaged);  // refused, or a well-formed variant; never a crash
  }
  std::string names = bytes;
  names.replace(27, 4, std::string("\xff\xff\xff\x0f", 4));  // the name count
  auto huge = DecodeCommit(names);
  REQUIRE_FALSE(huge);
  CHECK(huge.error().message == "malformed commit: count too large");
  std::string newer = bytes;
  newer[5] = 2;  // format 2
  auto format = DecodeCommit(newer);
  REQUIRE_FALSE(format);
  CHECK(format.error().code == ErrorCode::kSchemaTooNew);
}

TEST_CASE("A changeset round-trips and matches cereal's bytes", "[core][changeset]") {
  Changeset cs{kAuthor, {EncodeCommit(Sample()), std::string("\x01\x02\x03", 3)}};
  std::string bytes = EncodeChangeset(cs);
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive ar(out);
    std::string author = HexBytes(kAuthor);
    ar(uint32_t{0x53435344}, uint16_t{1}, static_cast<uint32_t>(author.size()));
    ar(cereal::binary_data(author.data(), author.size()));
    ar(static_cast<uint32_t>(cs.commits.size()));
    for (const std::string& c : cs.commits) {
      ar(static_cast<uint32_t>(c.size()));
      ar(cereal::binary_data(c.data(), c.size()));
    }
  }
  CHECK(bytes == out.str());
  auto decoded = DecodeChangeset(bytes);
  REQUIRE(decoded);
  CHECK(decoded->author == kAuthor);
  REQUIRE(decoded->commits.size() == 2);
  CHECK(decoded->commits[0] == cs.commits[0]);
  CHECK(decoded->commits[1] == cs.commits[1]);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    CHECK_FALSE(DecodeChangeset(std::string_view(bytes).substr(0, cut)));
  }
  CHECK_FALSE(DecodeChangeset(bytes + "x"));
}
