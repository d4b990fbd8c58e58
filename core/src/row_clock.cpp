#include "row_clock.h"

#include <cstring>

#include "dosti/bytes.h"
#include "dosti/catalog.h"

namespace dosti {
namespace {

// Two layouts, little-endian.
// - Stamped (schema 6 on): the usual clock, known columns without values (no conflict kept
//   with its value) and at most 255 distinct stamps and entries: u16 0xffff; u8 stamp count;
//   per stamp i64 hlc and u32 device number; u8 entry count; per entry u8 column index and u8
//   stamp index. A row written at once shares one stamp: 2 bytes a field instead of 14 (an
//   enterprise's clock was 219 bytes, 40% of its row).
// - Full: u16 entry count (never 0xffff); per entry: u8 column index, or 0xff then u8 name
//   length and the name; i64 hlc; u32 device number; u8 value type (0xff: none, 0 null, 1
//   i64, 2 f64, 3 string with u32 length) and the value. Before schema 6 every clock was
//   written so; it is still read.
// Written and read with the core's ByteWriter and ByteReader (dosti/bytes.h); the stamped one
// in one pass of stores of its own, the path every captured write and merged row takes.
constexpr uint8_t kNamed = 0xff;
constexpr uint8_t kNoValue = 0xff;
constexpr uint16_t kStamped = 0xffff;
constexpr size_t kStampedMax = 255;

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
  // The usual clock (known columns, winners' values in the columns): stamped, in one pass of
  // stores. Entries of one stamp mostly follow each other, so the stamp is looked for among
  // those already listed from the last one found backwards.
  bool plain = clock.entries.size() <= kStampedMax;
  for (const ClockEntry& e : clock.entries) {
    plain = plain && !e.has_value && e.column >= 0 && e.column < kNamed;
  }
  if (plain) {
    const size_t n = clock.entries.size();
    uint8_t stamp_of[kStampedMax];
    const ClockEntry* stamps[kStampedMax];
    size_t stamp_count = 0;
    for (size_t i = 0; i < n && plain; ++i) {
      const ClockEntry& e = clock.entries[i];
      size_t k = stamp_count;
      while (k > 0 && (stamps[k - 1]->hlc != e.hlc || stamps[k - 1]->device != e.device)) --k;
      if (k == 0) {
        if (stamp_count == kStampedMax) {
          plain = false;
          break;
        }
        stamps[stamp_count] = &e;
        k = ++stamp_count;
      }
      stamp_of[i] = static_cast<uint8_t>(k - 1);
    }
    if (plain) {
      out.resize(2 + 1 + stamp_count * 12 + 1 + n * 2);
      char* p = out.data();
      std::memcpy(p, &kStamped, 2);
      p[2] = static_cast<char>(stamp_count);
      p += 3;
      for (size_t k = 0; k < stamp_count; ++k) {
        std::memcpy(p, &stamps[k]->hlc, 8);
        std::memcpy(p + 8, &stamps[k]->device, 4);
        p += 12;
      }
      *p++ = static_cast<char>(n);
      for (size_t i = 0; i < n; ++i) {
        *p++ = static_cast<char>(clock.entries[i].column);
        *p++ = static_cast<char>(stamp_of[i]);
      }
      return;
    }
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
  if (in.ok() && n == kStamped) {
    const uint8_t stamp_count = in.U8();
    struct Stamp {
      int64_t hlc;
      uint32_t device;
    };
    Stamp stamps[kStampedMax];
    for (size_t k = 0; k < stamp_count && in.ok(); ++k) {
      stamps[k].hlc = in.I64();
      stamps[k].device = in.U32();
    }
    const uint8_t entry_count = in.U8();
    clock.entries.resize(in.ok() ? entry_count : 0);
    for (ClockEntry& e : clock.entries) {
      e.column = in.U8();
      const uint8_t k = in.U8();
      if (!in.ok() || k >= stamp_count || e.column == kNamed) {
        in.Fail();
        break;
      }
      e.name.clear();
      e.hlc = stamps[k].hlc;
      e.device = stamps[k].device;
      e.has_value = false;
      e.value = std::monostate{};
    }
    if (!in.done()) {
      clock.entries.clear();
      return MakeError(ErrorCode::kStorage, "db.damaged_clock");
    }
    return {};
  }
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
