#include "row_clock.h"

#include <algorithm>
#include <cstring>

namespace dosti {
namespace {

// A compact little-endian layout; local only (never on the wire), so it favours speed.
//   u16 field count; per field: u8 column length, column, u8 head count;
//   per head: i64 hlc, u8 device byte length, device bytes, u8 value type (0xff: no value,
//   else 0 null, 1 i64, 2 f64, 3 string with u32 length).
class Out {
 public:
  void U8(uint8_t v) { s_ += static_cast<char>(v); }
  void Raw(const void* p, size_t n) { s_.append(static_cast<const char*>(p), n); }
  template <typename T>
  void Le(T v) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // every supported target (x86-64, wasm32) is little-endian
    Raw(b, sizeof(T));
  }
  std::string s_;
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
  std::string Str(size_t n) {
    if (pos_ + n > s_.size()) return Fail(), std::string();
    std::string out(s_.substr(pos_, n));
    pos_ += n;
    return out;
  }
  bool AtEnd() const { return pos_ == s_.size(); }

 private:
  void Fail() { ok = false; }
  std::string_view s_;
  size_t pos_ = 0;
};

uint8_t Nibble(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

FieldClock* RowClock::Find(std::string_view column) {
  auto it = std::lower_bound(fields.begin(), fields.end(), column,
                             [](const FieldClock& f, std::string_view c) { return f.column < c; });
  return it != fields.end() && it->column == column ? &*it : nullptr;
}

const FieldClock* RowClock::Find(std::string_view column) const {
  return const_cast<RowClock*>(this)->Find(column);
}

FieldClock& RowClock::Get(std::string_view column) {
  auto it = std::lower_bound(fields.begin(), fields.end(), column,
                             [](const FieldClock& f, std::string_view c) { return f.column < c; });
  if (it != fields.end() && it->column == column) return *it;
  return *fields.insert(it, FieldClock{std::string(column), {}});
}

std::string EncodeRowClock(const RowClock& clock) {
  Out o;
  o.s_.reserve(clock.fields.size() * 40);
  o.Le<uint16_t>(static_cast<uint16_t>(clock.fields.size()));
  for (const FieldClock& f : clock.fields) {
    o.U8(static_cast<uint8_t>(f.column.size()));
    o.Raw(f.column.data(), f.column.size());
    o.U8(static_cast<uint8_t>(f.heads.size()));
    for (const Head& h : f.heads) {
      o.Le<int64_t>(h.stamp.hlc);
      // Device ids are lowercase hex: stored as bytes.
      o.U8(static_cast<uint8_t>(h.stamp.device.size() / 2));
      for (size_t i = 0; i + 1 < h.stamp.device.size(); i += 2) {
        o.U8(static_cast<uint8_t>((Nibble(h.stamp.device[i]) << 4) | Nibble(h.stamp.device[i + 1])));
      }
      if (!h.has_value) {
        o.U8(0xff);
        continue;
      }
      o.U8(static_cast<uint8_t>(h.value.index()));
      switch (h.value.index()) {
        case 1: o.Le<int64_t>(std::get<int64_t>(h.value)); break;
        case 2: o.Le<double>(std::get<double>(h.value)); break;
        case 3: {
          const std::string& s = std::get<std::string>(h.value);
          o.Le<uint32_t>(static_cast<uint32_t>(s.size()));
          o.Raw(s.data(), s.size());
          break;
        }
        default: break;
      }
    }
  }
  return std::move(o.s_);
}

Result<RowClock> DecodeRowClock(std::string_view bytes) {
  RowClock clock;
  if (bytes.empty()) return clock;
  static const char* hex = "0123456789abcdef";
  In in(bytes);
  uint16_t n = in.Le<uint16_t>();
  clock.fields.resize(in.ok ? n : 0);
  for (FieldClock& f : clock.fields) {
    f.column = in.Str(in.U8());
    f.heads.resize(in.U8());
    for (Head& h : f.heads) {
      h.stamp.hlc = in.Le<int64_t>();
      std::string raw = in.Str(in.U8());
      h.stamp.device.reserve(raw.size() * 2);
      for (unsigned char b : raw) {
        h.stamp.device += hex[b >> 4];
        h.stamp.device += hex[b & 15];
      }
      uint8_t type = in.U8();
      if (type == 0xff) continue;
      h.has_value = true;
      switch (type) {
        case 0: h.value = std::monostate{}; break;
        case 1: h.value = in.Le<int64_t>(); break;
        case 2: h.value = in.Le<double>(); break;
        case 3: h.value = in.Str(in.Le<uint32_t>()); break;
        default: in.ok = false;
      }
    }
    if (!in.ok) break;
  }
  if (!in.ok || !in.AtEnd()) {
    return MakeError(ErrorCode::kStorage, "damaged replication clock in the database");
  }
  return clock;
}

}  // namespace dosti
