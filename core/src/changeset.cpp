// The one file that hands bytes to cereal: every cereal exception is caught here.
#include "changeset.h"

#include <cereal/archives/portable_binary.hpp>

#include <sstream>
#include <unordered_map>

namespace dosti {
namespace {

constexpr uint32_t kCommitMagic = 0x54494d43;     // "CMIT"
constexpr uint32_t kChangesetMagic = 0x53435344;  // "DSCS"

// Record and device ids are lowercase hex; on the wire they are raw bytes (half the size).
std::string HexToBytes(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  return out;
}

std::string BytesToHex(std::string_view bytes) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

class Writer {
 public:
  Writer() : ar_(out_) {}
  template <typename T>
  void Put(const T& v) {
    ar_(v);
  }
  void PutString(std::string_view s) {
    Put(static_cast<uint32_t>(s.size()));
    ar_(cereal::binary_data(s.data(), s.size()));
  }
  std::string Take() { return out_.str(); }

 private:
  std::ostringstream out_;
  cereal::PortableBinaryOutputArchive ar_;
};

struct Malformed {
  std::string what;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes)
      : in_(std::string(bytes)), size_(bytes.size()), ar_(in_) {}
  template <typename T>
  T Get() {
    Need(sizeof(T));
    T v;
    ar_(v);
    return v;
  }
  std::string GetString() {
    uint32_t n = Get<uint32_t>();
    Need(n);
    std::string s(n, '\0');
    ar_(cereal::binary_data(s.data(), n));
    return s;
  }
  // A count of items that each take at least `min_item_bytes`: bounded by what remains.
  uint32_t GetCount(size_t min_item_bytes) {
    uint32_t n = Get<uint32_t>();
    if (static_cast<uint64_t>(n) * min_item_bytes > Remaining()) throw Malformed{"count too large"};
    return n;
  }
  size_t Remaining() {
    auto pos = in_.tellg();
    if (pos < 0) throw Malformed{"stream error"};
    return size_ - static_cast<size_t>(pos);
  }
  void Need(size_t n) {
    if (n > Remaining()) throw Malformed{"truncated"};
  }

 private:
  std::istringstream in_;
  size_t size_;
  cereal::PortableBinaryInputArchive ar_;
};

// Names (tables, columns) and devices are written once per commit and referred to by index.
class Dictionary {
 public:
  uint32_t Index(const std::string& s) {
    auto [it, inserted] = index_.emplace(s, static_cast<uint32_t>(items_.size()));
    if (inserted) items_.push_back(s);
    return it->second;
  }
  const std::vector<std::string>& items() const { return items_; }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> items_;
};

void PutValue(Writer& w, const Value& v) {
  w.Put(static_cast<uint8_t>(v.index()));
  switch (v.index()) {
    case 1: w.Put(std::get<int64_t>(v)); break;
    case 2: w.Put(std::get<double>(v)); break;
    case 3: w.PutString(std::get<std::string>(v)); break;
    default: break;
  }
}

Value GetValue(Reader& r) {
  switch (r.Get<uint8_t>()) {
    case 0: return std::monostate{};
    case 1: return r.Get<int64_t>();
    case 2: return r.Get<double>();
    case 3: return r.GetString();
    default: throw Malformed{"unknown value type"};
  }
}

const std::string& At(const std::vector<std::string>& v, uint32_t i) {
  if (i >= v.size()) throw Malformed{"index out of range"};
  return v[i];
}

}  // namespace

size_t Commit::FieldCount() const {
  size_t n = 0;
  for (const RowChange& r : rows) n += r.fields.size();
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
  Dictionary names, devices;
  devices.Index(c.device);
  for (const auto& d : c.deps) devices.Index(d.first);
  for (const RowChange& r : c.rows) {
    names.Index(r.table);
    for (const FieldChange& f : r.fields) {
      names.Index(f.column);
      for (const Stamp& s : f.prev) devices.Index(s.device);
    }
  }
  Writer w;
  w.Put(kCommitMagic);
  w.Put(kCommitFormat);
  w.Put(c.schema);
  w.Put(c.hlc);
  w.Put(c.seq);
  w.Put(static_cast<uint32_t>(names.items().size()));
  for (const std::string& n : names.items()) w.PutString(n);
  w.Put(static_cast<uint32_t>(devices.items().size()));
  for (const std::string& d : devices.items()) w.PutString(HexToBytes(d));
  w.Put(devices.Index(c.device));
  w.Put(static_cast<uint32_t>(c.deps.size()));
  for (const auto& d : c.deps) {
    w.Put(devices.Index(d.first));
    w.Put(d.second);
  }
  w.Put(static_cast<uint32_t>(c.rows.size()));
  for (const RowChange& r : c.rows) {
    w.Put(names.Index(r.table));
    w.PutString(HexToBytes(r.row));
    w.Put(static_cast<uint32_t>(r.fields.size()));
    for (const FieldChange& f : r.fields) {
      w.Put(names.Index(f.column));
      PutValue(w, f.value);
      w.Put(static_cast<uint32_t>(f.prev.size()));
      for (const Stamp& s : f.prev) {
        w.Put(s.hlc);
        w.Put(devices.Index(s.device));
      }
    }
  }
  return w.Take();
}

Result<Commit> DecodeCommit(std::string_view bytes) {
  try {
    Reader r(bytes);
    if (r.Get<uint32_t>() != kCommitMagic) throw Malformed{"not a commit"};
    uint16_t format = r.Get<uint16_t>();
    if (format != kCommitFormat) {
      return MakeError(ErrorCode::kSchemaTooNew,
                       "commit format " + std::to_string(format) + " is not known to this Dosti");
    }
    Commit c;
    c.schema = r.Get<int32_t>();
    c.hlc = r.Get<int64_t>();
    c.seq = r.Get<int64_t>();
    std::vector<std::string> names(r.GetCount(4));
    for (std::string& n : names) n = r.GetString();
    std::vector<std::string> devices(r.GetCount(4));
    for (std::string& d : devices) d = BytesToHex(r.GetString());
    c.device = At(devices, r.Get<uint32_t>());
    c.deps.resize(r.GetCount(12));
    for (auto& d : c.deps) {
      d.first = At(devices, r.Get<uint32_t>());
      d.second = r.Get<int64_t>();
    }
    c.rows.resize(r.GetCount(12));
    for (RowChange& row : c.rows) {
      row.table = At(names, r.Get<uint32_t>());
      row.row = BytesToHex(r.GetString());
      row.fields.resize(r.GetCount(9));
      for (FieldChange& f : row.fields) {
        f.column = At(names, r.Get<uint32_t>());
        f.value = GetValue(r);
        f.prev.resize(r.GetCount(12));
        for (Stamp& s : f.prev) {
          s.hlc = r.Get<int64_t>();
          s.device = At(devices, r.Get<uint32_t>());
        }
      }
    }
    if (r.Remaining() != 0) throw Malformed{"trailing bytes"};
    if (c.seq < 1 || c.device.empty()) throw Malformed{"bad header"};
    return c;
  } catch (const Malformed& m) {
    return MakeError(ErrorCode::kInvalid, "malformed commit: " + m.what);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInvalid, std::string("malformed commit: ") + e.what());
  }
}

// Layout: u32 magic "DSCS", u16 format, byte string author, u32 count, byte strings (commits).
std::string EncodeChangeset(const Changeset& cs) {
  Writer w;
  w.Put(kChangesetMagic);
  w.Put(kChangesetFormat);
  w.PutString(HexToBytes(cs.author));
  w.Put(static_cast<uint32_t>(cs.commits.size()));
  for (const std::string& c : cs.commits) w.PutString(c);
  return w.Take();
}

Result<Changeset> DecodeChangeset(std::string_view bytes) {
  try {
    Reader r(bytes);
    if (r.Get<uint32_t>() != kChangesetMagic) throw Malformed{"not a Dosti changeset"};
    uint16_t format = r.Get<uint16_t>();
    if (format != kChangesetFormat) {
      return MakeError(ErrorCode::kSchemaTooNew, "changeset format " + std::to_string(format) +
                                                     " is not known to this Dosti");
    }
    Changeset cs;
    cs.author = BytesToHex(r.GetString());
    cs.commits.resize(r.GetCount(4));
    for (std::string& c : cs.commits) c = r.GetString();
    if (r.Remaining() != 0) throw Malformed{"trailing bytes"};
    if (cs.author.empty()) throw Malformed{"no author"};
    return cs;
  } catch (const Malformed& m) {
    return MakeError(ErrorCode::kInvalid, "malformed changeset: " + m.what);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInvalid, std::string("malformed changeset: ") + e.what());
  }
}

}  // namespace dosti
