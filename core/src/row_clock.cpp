#include "row_clock.h"

#include <cstring>

#include "dosti/bytes.h"
#include "dosti/catalog.h"

namespace dosti {
namespace {

// Layout, little-endian: u16 entry count; per entry: u8 column index, or 0xff then u8 name
// length and the name; i64 hlc; u32 device number; u8 value type (0xff: none, 0 null, 1 i64,
// 2 f64, 3 string with u32 length) and the value. Written and read with the core's ByteWriter
// and ByteReader (dosti/bytes.h); the usual clock (known columns, no values) in one pass of
// stores of its own, the path every captured write and merged row takes.
constexpr uint8_t kNamed = 0xff;
constexpr uint8_t kNoValue = 0xff;

// Field order: known columns by index, then named fields by name.
bool FieldBefore(const ClockEntry& e, int column, std::string_view name) {
  if (e.column >= 0 && column >= 0) return e.column < column;
  if (e.column >= 0) return true;
  if (column >= 0) return false;
  return e.name < name;
}

bool SameField(const ClockEntry& e, int column, std::string_view name) {
  return column >= 0 ? e.column == column : (e.column < 0 && e.name == name);
}

}  // namespace

RowClock::Range RowClock::Find(int column, std::string_view name) const {
  Range r;
  size_t i = 0;
  while (i < entries.size() && FieldBefore(entries[i], column, name)) ++i;
  r.begin = r.end = i;
  while (r.end < entries.size() && SameField(entries[r.end], column, name)) ++r.end;
  return r;
}

std::string EncodeRowClock(const RowClock& clock) {
  std::string out;
  EncodeRowClock(clock, out);
  return out;
}

void EncodeRowClock(const RowClock& clock, std::string& out) {
  out.clear();
  // The usual clock (known columns, winners' values in the columns) in one pass of stores.
  bool plain = clock.entries.size() <= 0xffff;
  for (const ClockEntry& e : clock.entries) {
    plain = plain && !e.has_value && e.column >= 0 && e.column < kNamed;
  }
  if (plain) {
    out.resize(2 + clock.entries.size() * 14);
    char* p = out.data();
    uint16_t n = static_cast<uint16_t>(clock.entries.size());
    std::memcpy(p, &n, 2);
    p += 2;
    for (const ClockEntry& e : clock.entries) {
      *p++ = static_cast<char>(e.column);
      std::memcpy(p, &e.hlc, 8);
      std::memcpy(p + 8, &e.device, 4);
      p[12] = static_cast<char>(kNoValue);
      p += 13;
    }
    return;
  }
  ByteWriter o(out);
  o.Reserve(clock.entries.size() * 16 + 2);
  o.U16(static_cast<uint16_t>(clock.entries.size()));
  for (const ClockEntry& e : clock.entries) {
    if (e.column >= 0 && e.column < kNamed) {
      o.U8(static_cast<uint8_t>(e.column));
    } else {
      o.U8(kNamed);
      o.U8(static_cast<uint8_t>(e.name.size()));
      o.Raw(e.name);
    }
    o.I64(e.hlc);
    o.U32(e.device);
    if (!e.has_value) {
      o.U8(kNoValue);
      continue;
    }
    o.U8(static_cast<uint8_t>(e.value.index()));
    switch (e.value.index()) {
      case 1: o.I64(std::get<int64_t>(e.value)); break;
      case 2: o.F64(std::get<double>(e.value)); break;
      case 3: o.Sized(std::get<std::string>(e.value)); break;
      default: break;
    }
  }
}

Result<RowClock> DecodeRowClock(std::string_view bytes) {
  RowClock clock;
  DOSTI_TRY(DecodeRowClock(bytes, clock));
  return clock;
}

Result<void> DecodeRowClock(std::string_view bytes, RowClock& clock) {
  if (bytes.empty()) {
    clock.entries.clear();
    return {};
  }
  ByteReader in(bytes);
  uint16_t n = in.U16();
  clock.entries.resize(in.ok() ? n : 0);
  for (ClockEntry& e : clock.entries) {
    uint8_t column = in.U8();
    if (column == kNamed) {
      e.column = -1;
      e.name = in.Raw(in.U8());
    } else {
      e.column = column;
      e.name.clear();
    }
    e.hlc = in.I64();
    e.device = in.U32();
    uint8_t type = in.U8();
    e.has_value = type != kNoValue;
    switch (e.has_value ? type : 0) {
      case 0: e.value = std::monostate{}; break;
      case 1: e.value = in.I64(); break;
      case 2: e.value = in.F64(); break;
      case 3: e.value.emplace<std::string>(in.Sized(bytes.size())); break;
      default: in.Fail();
    }
    if (!in.ok()) break;
  }
  if (!in.done()) {
    clock.entries.clear();
    return MakeError(ErrorCode::kStorage, "db.damaged_clock");
  }
  return {};
}

}  // namespace dosti
