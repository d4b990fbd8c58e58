// The bounded JSON reader of json_parse.h. It keeps the arrays and objects being read on its
// own stack (a vector), so the depth limit bounds the memory and the C++ stack whatever the
// input: a megabyte of "[" stops at the limit, at a cost of that many bytes scanned.
#include "dosti/json_parse.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <utility>

namespace dosti::json {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The length of the well-formed UTF-8 sequence that starts at s[i] (a byte ≥ 0x80), or 0:
// no overlong forms, no surrogates, nothing past U+10FFFF (RFC 3629).
std::size_t Utf8Sequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  std::size_t n;
  uint32_t cp;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2, cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3, cp = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4, cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    unsigned char t = byte(i + k);
    if ((t & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (t & 0x3Fu);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The value of a run of decimal digits, or nullopt when it does not fit 64 bits.
std::optional<uint64_t> Magnitude(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
    auto d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// The character a one-letter escape stands for ('n' → newline), or nullopt ('u' is apart).
std::optional<char> Unescaped(char e) {
  constexpr std::string_view kPairs = "\"\"\\\\//b\bf\fn\nr\rt\t";
  for (std::size_t i = 0; i < kPairs.size(); i += 2) {
    if (kPairs[i] == e) return kPairs[i + 1];
  }
  return std::nullopt;
}

bool IsInteger(const std::string& text) { return text.find_first_of(".eE") == std::string::npos; }

}  // namespace

// [SECTION] Element

std::optional<int64_t> Element::Int64() const {
  if (type_ != Type::kNumber || !IsInteger(text_)) return std::nullopt;
  bool negative = text_[0] == '-';
  auto m = Magnitude(std::string_view(text_).substr(negative ? 1 : 0));
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!m || *m > kMax + (negative ? 1 : 0)) return std::nullopt;
  if (!negative) return static_cast<int64_t>(*m);
  return *m == kMax + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(*m);
}

std::optional<uint64_t> Element::Uint64() const {
  if (type_ != Type::kNumber || !IsInteger(text_) || text_[0] == '-') return std::nullopt;
  return Magnitude(text_);
}

std::optional<double> Element::Double() const {
  if (type_ != Type::kNumber) return std::nullopt;
  double v = std::strtod(text_.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

const Element* Element::Find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

// [SECTION] Reader

class Reader {
 public:
  Reader(std::string_view text, const Limits& limits) : s_(text), limits_(limits) {}
  Result<Element> Run();

 private:
  // An error at the current position, with the limit when there is one.
  Error At(ErrorCode code, std::string_view key, std::size_t limit = 0) const {
    Args args{{"offset", std::to_string(pos_)}};
    if (limit) args.emplace_back("limit", std::to_string(limit));
    return MakeError(code, key, std::move(args));
  }
  bool AtEnd() const { return pos_ >= s_.size(); }
  void SkipSpace() {
    while (!AtEnd() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  Result<void> Count() {
    if (++count_ > limits_.max_elements)
      return At(ErrorCode::kTooLarge, "json.too_many_values", limits_.max_elements);
    return {};
  }
  Result<std::string> String();
  Result<uint32_t> Hex4();
  Result<Element> Number();
  Result<Element> Literal();
  // After "{" or ",": a member name and its colon, appended to `object`'s keys.
  Result<void> Key(Element& object);
  // At "}": the member names of `object` are unique (sorted copy of the indexes, not n²).
  Result<void> Unique(const Element& object, std::size_t at) const;

  std::string_view s_;
  const Limits& limits_;
  std::size_t pos_ = 0;
  std::size_t count_ = 0;
};

Result<uint32_t> Reader::Hex4() {
  if (s_.size() - pos_ < 4) return At(ErrorCode::kDamaged, "json.bad_string");
  uint32_t v = 0;
  for (int k = 0; k < 4; ++k) {
    char c = s_[pos_++];
    uint32_t d;
    if (IsDigit(c)) {
      d = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      --pos_;
      return At(ErrorCode::kDamaged, "json.bad_string");
    }
    v = v * 16 + d;
  }
  return v;
}

Result<std::string> Reader::String() {
  const std::size_t max = limits_.max_string_bytes;
  std::string out;
  ++pos_;  // the opening quote
  for (;;) {
    // Runs of plain ASCII are copied at once; everything else is looked at byte by byte.
    std::size_t run = pos_;
    while (run < s_.size()) {
      auto c = static_cast<unsigned char>(s_[run]);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++run;
    }
    if (run > pos_) {
      if (out.size() + (run - pos_) > max) return At(ErrorCode::kTooLarge, "json.too_long", max);
      out.append(s_.substr(pos_, run - pos_));
      pos_ = run;
    }
    if (AtEnd()) return At(ErrorCode::kDamaged, "json.end");
    auto c = static_cast<unsigned char>(s_[pos_]);
    if (c == '"') {
      ++pos_;
      return out;
    }
    if (c < 0x20) return At(ErrorCode::kDamaged, "json.bad_string");  // raw control character
    if (c >= 0x80) {
      std::size_t n = Utf8Sequence(s_, pos_);
      if (n == 0) return At(ErrorCode::kDamaged, "json.bad_string");
      out.append(s_.substr(pos_, n));
      pos_ += n;
    } else {  // a backslash
      ++pos_;
      if (AtEnd()) return At(ErrorCode::kDamaged, "json.end");
      char e = s_[pos_++];
      if (e == 'u') {
        auto cp = Hex4();
        if (!cp) return cp.error();
        if (*cp >= 0xDC00 && *cp <= 0xDFFF) return At(ErrorCode::kDamaged, "json.bad_string");
        if (*cp >= 0xD800 && *cp <= 0xDBFF) {
          // A high surrogate must be followed by an escaped low one: together one code point.
          if (s_.substr(pos_, 2) != "\\u") return At(ErrorCode::kDamaged, "json.bad_string");
          pos_ += 2;
          auto low = Hex4();
          if (!low) return low.error();
          if (*low < 0xDC00 || *low > 0xDFFF) return At(ErrorCode::kDamaged, "json.bad_string");
          *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
        }
        AppendUtf8(&out, *cp);
      } else if (auto c = Unescaped(e)) {
        out.push_back(*c);
      } else {
        --pos_;
        return At(ErrorCode::kDamaged, "json.bad_string");
      }
    }
    if (out.size() > max) return At(ErrorCode::kTooLarge, "json.too_long", max);
  }
}

Result<Element> Reader::Number() {
  std::size_t start = pos_;
  auto digits = [&] {
    std::size_t from = pos_;
    while (!AtEnd() && IsDigit(s_[pos_])) ++pos_;
    return pos_ - from;
  };
  if (s_[pos_] == '-') ++pos_;
  if (AtEnd() || !IsDigit(s_[pos_])) return At(ErrorCode::kDamaged, "json.bad_number");
  if (s_[pos_] == '0') {
    ++pos_;  // a leading zero stands alone ("01" stops after the 0 and fails at the 1)
  } else {
    digits();
  }
  if (!AtEnd() && s_[pos_] == '.') {
    ++pos_;
    if (digits() == 0) return At(ErrorCode::kDamaged, "json.bad_number");
  }
  if (!AtEnd() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
    ++pos_;
    if (!AtEnd() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
    if (digits() == 0) return At(ErrorCode::kDamaged, "json.bad_number");
  }
  if (pos_ - start > limits_.max_string_bytes) {
    pos_ = start;
    return At(ErrorCode::kTooLarge, "json.too_long", limits_.max_string_bytes);
  }
  Element e;
  e.type_ = Element::Type::kNumber;
  e.text_.assign(s_.substr(start, pos_ - start));
  return e;
}

Result<Element> Reader::Literal() {
  Element e;
  std::string_view rest = s_.substr(pos_);
  if (rest.substr(0, 4) == "true") {
    e.type_ = Element::Type::kBool;
    e.bool_ = true;
    pos_ += 4;
  } else if (rest.substr(0, 5) == "false") {
    e.type_ = Element::Type::kBool;
    pos_ += 5;
  } else if (rest.substr(0, 4) == "null") {
    pos_ += 4;
  } else {
    return At(ErrorCode::kDamaged, "json.expected_value");
  }
  return e;
}

Result<void> Reader::Key(Element& object) {
  SkipSpace();
  if (AtEnd()) return At(ErrorCode::kDamaged, "json.end");
  if (s_[pos_] != '"') return At(ErrorCode::kDamaged, "json.expected_key");
  auto key = String();
  if (!key) return key.error();
  object.keys_.push_back(std::move(*key));
  SkipSpace();
  if (AtEnd()) return At(ErrorCode::kDamaged, "json.end");
  if (s_[pos_] != ':') return At(ErrorCode::kDamaged, "json.expected_colon");
  ++pos_;
  return {};
}

Result<void> Reader::Unique(const Element& object, std::size_t at) const {
  const auto& keys = object.keys_;
  if (keys.size() < 2) return {};
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (keys[order[i - 1]] == keys[order[i]])
      return MakeError(ErrorCode::kDamaged, "json.duplicate_key", {{"offset", std::to_string(at)}});
  }
  return {};
}

Result<Element> Reader::Run() {
  if (s_.size() > limits_.max_bytes) {
    return MakeError(
        ErrorCode::kTooLarge, "json.too_large",
        {{"size", std::to_string(s_.size())}, {"limit", std::to_string(limits_.max_bytes)}});
  }
  SkipSpace();
  if (AtEnd()) return At(ErrorCode::kDamaged, "json.empty");
  std::vector<Element> open;           // arrays and objects being read, innermost last
  std::vector<std::size_t> opened_at;  // where each one starts (for error offsets)
  Element done;                        // the value just completed
  for (;;) {
    // [1] One value: a scalar completes at once; "[" and "{" open a container.
    SkipSpace();
    if (AtEnd()) return At(ErrorCode::kDamaged, "json.end");
    DOSTI_TRY(Count());
    char c = s_[pos_];
    if (c == '[' || c == '{') {
      if (open.size() >= limits_.max_depth)
        return At(ErrorCode::kTooLarge, "json.too_deep", limits_.max_depth);
      bool object = c == '{';
      opened_at.push_back(pos_++);
      open.emplace_back();
      open.back().type_ = object ? Element::Type::kObject : Element::Type::kArray;
      SkipSpace();
      if (!AtEnd() && s_[pos_] == (object ? '}' : ']')) {
        ++pos_;
        done = std::move(open.back());
        open.pop_back();
        opened_at.pop_back();
      } else {
        if (object) DOSTI_TRY(Key(open.back()));
        continue;  // its first value
      }
    } else if (c == '"') {
      auto text = String();
      if (!text) return text.error();
      done = Element();
      done.type_ = Element::Type::kString;
      done.text_ = std::move(*text);
    } else if (c == '-' || IsDigit(c)) {
      auto n = Number();
      if (!n) return n.error();
      done = std::move(*n);
    } else {
      auto l = Literal();
      if (!l) return l.error();
      done = std::move(*l);
    }
    // [2] A complete value: into its container, then a separator, or the container's end
    // (which completes the container in turn), or the end of the text at the top.
    for (;;) {
      if (open.empty()) {
        SkipSpace();
        if (!AtEnd()) return At(ErrorCode::kDamaged, "json.trailing");
        return done;
      }
      Element& parent = open.back();
      bool object = parent.type_ == Element::Type::kObject;
      parent.items_.push_back(std::move(done));
      SkipSpace();
      if (AtEnd()) return At(ErrorCode::kDamaged, "json.end");
      char d = s_[pos_];
      if (d == ',') {
        ++pos_;
        if (object) DOSTI_TRY(Key(parent));
        break;  // the next value
      }
      if (d != (object ? '}' : ']')) return At(ErrorCode::kDamaged, "json.expected_separator");
      ++pos_;
      if (object) DOSTI_TRY(Unique(parent, opened_at.back()));
      done = std::move(parent);
      open.pop_back();
      opened_at.pop_back();
    }
  }
}

Result<Element> Parse(std::string_view text, const Limits& limits) {
  return Reader(text, limits).Run();
}

}  // namespace dosti::json
