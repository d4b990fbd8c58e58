#include "row_clock.h"

#include <cstring>

#include "dosti/catalog.h"

namespace dosti {
namespace {

// Layout, little-endian: u16 entry count; per entry: u8 column index, or 0xff then u8 name
// length and the name; i64 hlc; u32 device number; u8 value type (0xff: none, 0 null, 1 i64,
// 2 f64, 3 string with u32 length) and the value.
constexpr uint8_t kNamed = 0xff;
constexpr uint8_t kNoValue = 0xff;

class Out {
 public:
  explicit Out(std::string& s) : s_(s) {}
  void U8(uint8_t v) { s_ += static_cast<char>(v); }
  void Raw(const void* p, size_t n) { s_.append(static_cast<const char*>(p), n); }
  template <typename T>
  void Le(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // every supported target (x86-64, wasm32) is little-endian
    s_.append(b, sizeof(T));
  }
  std::string& s_;
};

class In {
 public:
  explicit In(std::string_view s) : s_(s) {}
  bool ok = true;
  uint8_t U8() {
    if (pos_ + 1 > s_.size()) return Fail(), 0;
    return static_cast<uint8_t>(s_[pos_++]);
  }
  template <typename T>
  T Le() {
    T v{};
    if (pos_ + sizeof(T) > s_.size()) return Fail(), v;
    std::memcpy(&v, s_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string_view Str(size_t n) {
    if (pos_ + n > s_.size()) return Fail(), std::string_view();
    std::string_view out = s_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  bool AtEnd() const { return pos_ == s_.size(); }

 private:
  void Fail() { ok = false; }
  std::string_view s_;
  size_t pos_ = 0;
};

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
  Out o(out);
  o.s_.reserve(clock.entries.size() * 16 + 2);
  o.Le<uint16_t>(static_cast<uint16_t>(clock.entries.size()));
  for (const ClockEntry& e : clock.entries) {
    if (e.column >= 0 && e.column < kNamed) {
      o.U8(static_cast<uint8_t>(e.column));
    } else {
      o.U8(kNamed);
      o.U8(static_cast<uint8_t>(e.name.size()));
      o.Raw(e.name.data(), e.name.size());
    }
    o.Le<int64_t>(e.hlc);
    o.Le<uint32_t>(e.device);
    if (!e.has_value) {
      o.U8(kNoValue);
      continue;
    }
    o.U8(static_cast<uint8_t>(e.value.index()));
    switch (e.value.index()) {
      case 1: o.Le<int64_t>(std::get<int64_t>(e.value)); break;
      case 2: o.Le<double>(std::get<double>(e.value)); break;
      case 3: {
        const std::string& s = std::get<std::string>(e.value);
        o.Le<uint32_t>(static_cast<uint32_t>(s.size()));
        o.Raw(s.data(), s.size());
        break;
      }
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
  In in(bytes);
  uint16_t n = in.Le<uint16_t>();
  clock.entries.resize(in.ok ? n : 0);
  for (ClockEntry& e : clock.entries) {
    uint8_t column = in.U8();
    if (column == kNamed) {
      e.column = -1;
      e.name = in.Str(in.U8());
    } else {
      e.column = column;
      e.name.clear();
    }
    e.hlc = in.Le<int64_t>();
    e.device = in.Le<uint32_t>();
    uint8_t type = in.U8();
    e.has_value = type != kNoValue;
    switch (e.has_value ? type : 0) {
      case 0: e.value = std::monostate{}; break;
      case 1: e.value = in.Le<int64_t>(); break;
      case 2: e.value = in.Le<double>(); break;
      case 3: {
        uint32_t size = in.Le<uint32_t>();
        e.value.emplace<std::string>(in.Str(size));
        break;
      }
      default: in.ok = false;
    }
    if (!in.ok) break;
  }
  if (!in.ok || !in.AtEnd()) {
    clock.entries.clear();
    return MakeError(ErrorCode::kStorage, "db.damaged_clock");
  }
  return {};
}

}  // namespace dosti
