// The one little-endian binary writer and bounded reader of Dosti: the sync formats
// (sync/README.md: envelopes, bundles, keys, control messages) and the core's row clocks are
// written and read with these two. The commit and changeset codec (core/src/changeset.cpp)
// keeps its own because it reads cereal's layout, which may be byte-swapped, and is the
// measured hot path of a merge (bench/README.md).
//
// The Reader never reads past its input and never allocates: a length field larger than what
// remains fails the read, so hostile input cannot ask for memory. Plain value types; an
// object is used by one thread at a time.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace dosti {

class ByteWriter {
 public:
  // Writes into a buffer of its own (bytes(), Take()).
  ByteWriter() : own_(std::make_unique<std::string>()), out_(own_.get()) {}
  // Appends to `out`, which must outlive the writer (reusing a caller's buffer).
  explicit ByteWriter(std::string& out) : out_(&out) {}
  ByteWriter(const ByteWriter&) = delete;
  ByteWriter& operator=(const ByteWriter&) = delete;

  ByteWriter& U8(uint8_t v) { out_->push_back(static_cast<char>(v)); return *this; }
  ByteWriter& U16(uint16_t v) { return Le<2>(v); }
  ByteWriter& U32(uint32_t v) { return Le<4>(v); }
  ByteWriter& U64(uint64_t v) { return Le<8>(v); }
  ByteWriter& I64(int64_t v) { return Le<8>(static_cast<uint64_t>(v)); }
  // An IEEE 754 double, its bits little-endian.
  ByteWriter& F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);  // std::bit_cast: not in emscripten 3.1.6's libc++
    return Le<8>(bits);
  }
  // Raw bytes (fixed-size fields).
  ByteWriter& Raw(std::string_view b) { out_->append(b); return *this; }
  // u32 length, then the bytes.
  ByteWriter& Sized(std::string_view b) { U32(static_cast<uint32_t>(b.size())); return Raw(b); }
  void Reserve(std::size_t n) { out_->reserve(n); }
  std::string& bytes() { return *out_; }
  std::string Take() { return std::move(*out_); }

 private:
  template <int n>
  ByteWriter& Le(uint64_t v) {
    char b[8];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(b, &v, 8);
    } else {
      for (int i = 0; i < n; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    out_->append(b, std::size_t{n});
    return *this;
  }
  std::unique_ptr<std::string> own_;  // a buffer of its own, when not given one
  std::string* out_;
};

// Reads fields in order; after the first failure every read fails (returning zero or empty)
// and ok() is false, so a decoder checks once at the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Le(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }
  uint64_t U64() { return Le(8); }
  int64_t I64() { return static_cast<int64_t>(Le(8)); }
  double F64() {
    uint64_t bits = Le(8);
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
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
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, in_.data() + pos_, static_cast<std::size_t>(n));  // one load, not n
    } else {
      for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
    }
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace dosti
