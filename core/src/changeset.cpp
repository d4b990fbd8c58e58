// The commit and changeset codec. The bytes are cereal's portable binary archive (what
// REPLICATION.md documents, and what earlier versions wrote through cereal itself): one
// endianness byte (1 = little-endian data, which is what this writer always produces),
// then fixed-width integers and doubles, and byte strings as a u32 length and the bytes.
// Reading and writing that layout by hand, without streams, is many times cheaper than
// going through cereal; tests/core/changeset_test.cpp checks that cereal reads these bytes
// back and that cereal-written bytes decode here. Like cereal, the reader honours the
// endianness byte (anything but 1 means byte-swapped data).
#include "changeset.h"

#include <cstring>

#include "dosti/catalog.h"
#include "dosti/hex.h"

namespace dosti {
namespace {

constexpr uint32_t kCommitMagic = 0x54494d43;     // "CMIT"
constexpr uint32_t kChangesetMagic = 0x53435344;  // "DSCS"
constexpr uint32_t kNone = 0xffffffff;

// Record and device ids are lowercase hex in memory; on the wire they are raw bytes (half the
// size), through the one hex codec (dosti/hex.h). Ids reach a commit only after they were
// checked (made here, or decoded from bytes); were one not hex, its bytes would be zeros, so
// that the length written before them still holds.
void AppendHexAsBytes(std::string& out, std::string_view hex) {
  if (!AppendFromHex(out, hex)) out.append(hex.size() / 2, '\0');
}
void AppendBytesAsHex(std::string& out, std::string_view bytes) { AppendHex(out, bytes); }

class Writer {
 public:
  Writer() { out_ += static_cast<char>(1); }  // cereal's endianness byte: little-endian
  void U8(uint8_t v) { out_ += static_cast<char>(v); }
  void U16(uint16_t v) { Le(v, 2); }
  void U32(uint32_t v) { Le(v, 4); }
  void I32(int32_t v) { Le(static_cast<uint32_t>(v), 4); }
  void I64(int64_t v) { Le(static_cast<uint64_t>(v), 8); }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    Le(bits, 8);
  }
  void Bytes(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  // A byte string of the raw bytes behind a hex id.
  void HexId(std::string_view hex) {
    U32(static_cast<uint32_t>(hex.size() / 2));
    AppendHexAsBytes(out_, hex);
  }
  void Reserve(size_t n) { out_.reserve(n); }
  std::string Take() { return std::move(out_); }

 private:
  void Le(uint64_t v, int n) {
    char b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_.append(b, static_cast<size_t>(n));
  }
  std::string out_;
};

// Reads cereal's portable binary layout with hard bounds. The first fault is kept and every
// read after it returns zero, so a decoder reads on and checks once at the end (no exceptions:
// the booth's wasm engine is built without them); counts are bounded by what remains, so a
// faulty input cannot make a decoder allocate or loop beyond its size.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : s_(bytes) {
    swap_ = Get<uint8_t>() != 1;  // cereal: data not little-endian is byte-swapped
  }
  template <typename T>
  T Get() {
    if (!Need(sizeof(T))) return T{};
    unsigned char b[sizeof(T)];
    std::memcpy(b, s_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    uint64_t v = 0;
    if (!swap_) {
      for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
    } else {
      for (size_t i = 0; i < sizeof(T); ++i) {
        v |= static_cast<uint64_t>(b[sizeof(T) - 1 - i]) << (8 * i);
      }
    }
    T out;
    if constexpr (sizeof(T) == 8) {
      std::memcpy(&out, &v, 8);
    } else {
      out = static_cast<T>(v);
    }
    return out;
  }
  std::string_view GetBytes() {
    uint32_t n = Get<uint32_t>();
    if (!Need(n)) return {};
    std::string_view s = s_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A count of items that each take at least `min_item_bytes`: bounded by what remains.
  uint32_t GetCount(size_t min_item_bytes) {
    uint32_t n = Get<uint32_t>();
    if (static_cast<uint64_t>(n) * min_item_bytes > Remaining()) return Fail("count too large");
    return n;
  }
  // An index into a dictionary of `size` entries.
  uint32_t GetIndex(size_t size) {
    uint32_t i = Get<uint32_t>();
    if (i >= size) return Fail("index out of range");
    return i;
  }
  size_t Remaining() const { return s_.size() - pos_; }
  // The first fault ("truncated", …), or nullptr.
  const char* error() const { return error_; }
  uint32_t Fail(const char* why) {
    if (!error_) error_ = why;
    pos_ = s_.size();  // nothing more is read
    return 0;
  }

 private:
  bool Need(size_t n) {
    if (n <= Remaining() && !error_) return true;
    Fail("truncated");
    return false;
  }
  std::string_view s_;
  size_t pos_ = 0;
  bool swap_ = false;
  const char* error_ = nullptr;
};

void PutValue(Writer& w, const Value& v) {
  w.U8(static_cast<uint8_t>(v.index()));
  switch (v.index()) {
    case 1: w.I64(std::get<int64_t>(v)); break;
    case 2: w.F64(std::get<double>(v)); break;
    case 3: w.Bytes(std::get<std::string>(v)); break;
    default: break;
  }
}

void GetValue(Reader& r, Value& out) {
  switch (r.Get<uint8_t>()) {
    case 0: out = std::monostate{}; break;
    case 1: out = r.Get<int64_t>(); break;
    case 2: out = r.Get<double>(); break;
    case 3: out.emplace<std::string>(r.GetBytes()); break;
    default: r.Fail("unknown value type");
  }
}

// Wire index of each entry of a dictionary, given in order of first use.
class Remap {
 public:
  explicit Remap(size_t n) : wire_(n, kNone) {}
  uint32_t operator()(uint32_t i) {
    if (wire_[i] == kNone) {
      wire_[i] = static_cast<uint32_t>(order_.size());
      order_.push_back(i);
    }
    return wire_[i];
  }
  const std::vector<uint32_t>& order() const { return order_; }

 private:
  std::vector<uint32_t> wire_;
  std::vector<uint32_t> order_;
};

}  // namespace

size_t Commit::FieldCount() const {
  size_t n = 0;
  for (const RowChange& r : rows) n += r.field_count;
  return n;
}

// Layout (all integers little-endian, after cereal's one endianness byte):
//   u32 magic "CMIT", u16 format, u32 schema, i64 hlc, i64 seq,
//   names: u32 count, strings (u32 length + UTF-8);  devices: u32 count, byte strings;
//   u32 author (device index); deps: u32 count, (u32 device index, i64 seq)…;
//   rows: u32 count, (u32 table name index, byte string row id,
//         fields: u32 count, (u32 column name index, value, prev: u32 count, (i64 hlc, u32 device index)…)…)…
//   value: u8 type (0 null, 1 i64, 2 f64, 3 string) then the payload.
std::string EncodeCommit(const Commit& c) {
  // Dictionaries in order of first use, as the format has always been written.
  Remap names(c.names.size()), devices(c.devices.size());
  devices(c.author);
  for (const Dependency& d : c.deps) devices(d.device);
  size_t bytes = 64;
  for (const RowChange& r : c.rows) {
    names(r.table);
    bytes += 16 + r.id_size / 2;
    for (uint32_t i = r.field_begin; i < r.field_begin + r.field_count; ++i) {
      const FieldChange& f = c.fields[i];
      names(f.column);
      bytes += 24 + 12 * f.prev_count;
      if (const auto* s = std::get_if<std::string>(&f.value)) bytes += s->size();
      for (uint32_t p = f.prev_begin; p < f.prev_begin + f.prev_count; ++p) devices(c.prevs[p].device);
    }
  }
  Writer w;
  w.Reserve(bytes);
  w.U32(kCommitMagic);
  w.U16(kCommitFormat);
  w.I32(c.schema);
  w.I64(c.hlc);
  w.I64(c.seq);
  w.U32(static_cast<uint32_t>(names.order().size()));
  for (uint32_t n : names.order()) w.Bytes(c.names[n]);
  w.U32(static_cast<uint32_t>(devices.order().size()));
  for (uint32_t d : devices.order()) w.HexId(c.devices[d]);
  w.U32(devices(c.author));
  w.U32(static_cast<uint32_t>(c.deps.size()));
  for (const Dependency& d : c.deps) {
    w.U32(devices(d.device));
    w.I64(d.seq);
  }
  w.U32(static_cast<uint32_t>(c.rows.size()));
  for (const RowChange& r : c.rows) {
    w.U32(names(r.table));
    w.HexId(c.RowId(r));
    w.U32(r.field_count);
    for (uint32_t i = r.field_begin; i < r.field_begin + r.field_count; ++i) {
      const FieldChange& f = c.fields[i];
      w.U32(names(f.column));
      PutValue(w, f.value);
      w.U32(f.prev_count);
      for (uint32_t p = f.prev_begin; p < f.prev_begin + f.prev_count; ++p) {
        w.I64(c.prevs[p].hlc);
        w.U32(devices(c.prevs[p].device));
      }
    }
  }
  return w.Take();
}

Result<Commit> DecodeCommit(std::string_view bytes) {
  auto malformed = [](const char* why) {
    return MakeError(ErrorCode::kInvalid, "commit.malformed", {{"reason", why}});
  };
  Reader r(bytes);
  if (r.Get<uint32_t>() != kCommitMagic) return malformed(r.error() ? r.error() : "not a commit");
  uint16_t format = r.Get<uint16_t>();
  if (r.error()) return malformed(r.error());
  if (format != kCommitFormat) {
    return MakeError(ErrorCode::kSchemaTooNew, "commit.format_unknown",
                     {{"format", std::to_string(format)}});
  }
  Commit c;
  c.schema = r.Get<int32_t>();
  c.hlc = r.Get<int64_t>();
  c.seq = r.Get<int64_t>();
  c.names.resize(r.GetCount(4));
  for (std::string& n : c.names) n = r.GetBytes();
  c.devices.resize(r.GetCount(4));
  for (std::string& d : c.devices) AppendBytesAsHex(d, r.GetBytes());
  c.author = r.GetIndex(c.devices.size());
  c.deps.resize(r.GetCount(12));
  for (Dependency& d : c.deps) {
    d.device = r.GetIndex(c.devices.size());
    d.seq = r.Get<int64_t>();
  }
  c.rows.resize(r.GetCount(12));
  // Most commits hold 16-byte ids and a field or two per row.
  c.ids.reserve(c.rows.size() * 32);
  c.fields.reserve(c.rows.size() * 2);
  c.prevs.reserve(c.rows.size() * 2);
  for (RowChange& row : c.rows) {
    row.table = r.GetIndex(c.names.size());
    std::string_view id = r.GetBytes();
    row.id_begin = static_cast<uint32_t>(c.ids.size());
    row.id_size = static_cast<uint32_t>(id.size() * 2);
    AppendBytesAsHex(c.ids, id);
    row.field_count = r.GetCount(9);
    row.field_begin = static_cast<uint32_t>(c.fields.size());
    for (uint32_t i = 0; i < row.field_count; ++i) {
      FieldChange& f = c.fields.emplace_back();
      f.column = r.GetIndex(c.names.size());
      GetValue(r, f.value);
      f.prev_count = r.GetCount(12);
      f.prev_begin = static_cast<uint32_t>(c.prevs.size());
      for (uint32_t p = 0; p < f.prev_count; ++p) {
        Stamp& s = c.prevs.emplace_back();
        s.hlc = r.Get<int64_t>();
        s.device = r.GetIndex(c.devices.size());
      }
    }
  }
  if (r.error()) return malformed(r.error());
  if (r.Remaining() != 0) return malformed("trailing bytes");
  if (c.seq < 1 || c.device().empty()) return malformed("bad header");
  return c;
}

// Layout: u32 magic "DSCS", u16 format, byte string author, u32 count, byte strings (commits).
std::string EncodeChangeset(const Changeset& cs) {
  size_t bytes = 32 + cs.author.size();
  for (const std::string& c : cs.commits) bytes += 4 + c.size();
  Writer w;
  w.Reserve(bytes);
  w.U32(kChangesetMagic);
  w.U16(kChangesetFormat);
  w.HexId(cs.author);
  w.U32(static_cast<uint32_t>(cs.commits.size()));
  for (const std::string& c : cs.commits) w.Bytes(c);
  return w.Take();
}

Result<ChangesetView> DecodeChangeset(std::string_view bytes) {
  auto malformed = [](const char* why) {
    return MakeError(ErrorCode::kInvalid, "changeset.malformed", {{"reason", why}});
  };
  Reader r(bytes);
  if (r.Get<uint32_t>() != kChangesetMagic) {
    return malformed(r.error() ? r.error() : "not a Dosti changeset");
  }
  uint16_t format = r.Get<uint16_t>();
  if (r.error()) return malformed(r.error());
  if (format != kChangesetFormat) {
    return MakeError(ErrorCode::kSchemaTooNew, "changeset.format_unknown",
                     {{"format", std::to_string(format)}});
  }
  ChangesetView cs;
  AppendBytesAsHex(cs.author, r.GetBytes());
  cs.commits.resize(r.GetCount(4));
  for (std::string_view& c : cs.commits) c = r.GetBytes();
  if (r.error()) return malformed(r.error());
  if (r.Remaining() != 0) return malformed("trailing bytes");
  if (cs.author.empty()) return malformed("no author");
  return cs;
}

}  // namespace dosti
