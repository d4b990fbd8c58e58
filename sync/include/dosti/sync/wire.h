// Little-endian writing and bounded reading of the sync formats (sync/README.md). The Reader
// never reads past its input and never allocates more than the bytes it has: a length field
// larger than what remains fails the read, so hostile input cannot ask for memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dosti::sync {

class Writer {
 public:
  Writer& U8(uint8_t v) { out_.push_back(static_cast<char>(v)); return *this; }
  Writer& U16(uint16_t v) { return Le(v, 2); }
  Writer& U32(uint32_t v) { return Le(v, 4); }
  Writer& U64(uint64_t v) { return Le(v, 8); }
  Writer& I64(int64_t v) { return Le(static_cast<uint64_t>(v), 8); }
  // Raw bytes (fixed-size fields).
  Writer& Raw(std::string_view b) { out_.append(b); return *this; }
  // u32 length, then the bytes.
  Writer& Sized(std::string_view b) { U32(static_cast<uint32_t>(b.size())); return Raw(b); }
  std::string& bytes() { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  Writer& Le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return *this;
  }
  std::string out_;
};

// Reads fields in order; after the first failure every read fails and ok() is false.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Le(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }
  uint64_t U64() { return Le(8); }
  int64_t I64() { return static_cast<int64_t>(Le(8)); }
  // `n` raw bytes (empty and failed when fewer remain).
  std::string_view Raw(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) { ok_ = false; return {}; }
    std::string_view r = in_.substr(pos_, n);
    pos_ += n;
    return r;
  }
  // A u32 length (at most `max`), then that many bytes.
  std::string_view Sized(std::size_t max) {
    uint32_t n = U32();
    if (n > max) { ok_ = false; return {}; }
    return Raw(n);
  }
  bool ok() const { return ok_; }
  std::size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  std::size_t position() const { return pos_; }
  // True when every byte was read and nothing failed.
  bool done() const { return ok_ && pos_ == in_.size(); }
  void Fail() { ok_ = false; }

 private:
  uint64_t Le(int n) {
    if (!ok_ || in_.size() - pos_ < static_cast<std::size_t>(n)) { ok_ = false; return 0; }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
    pos_ += n;
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace dosti::sync
