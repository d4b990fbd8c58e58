// A small, bounded JSON reader (RFC 8259) for text that comes from outside: request bodies at
// the relay, a relay's answers in the sync layer's HTTP state machine (also in the browser, as
// WebAssembly). No exceptions, no <regex>, no iostreams. Parse() is a pure function; an Element
// is a plain value that owns its children. Writing JSON is dosti/json.h's.
//
// Every limit is checked while reading, before the memory it guards is spent:
//   - the text is refused whole when it is longer than Limits::max_bytes;
//   - arrays and objects nest at most Limits::max_depth deep (the reader keeps its own stack and
//     never recurses; destroying an Element recurses once per level, so at most max_depth);
//   - one string (decoded), object key (decoded) or number (as written) is at most
//     Limits::max_string_bytes long;
//   - a document holds at most Limits::max_elements values in all (each scalar, array and
//     object counts one; keys do not count).
//
// What is accepted, exactly RFC 8259's grammar and nothing more:
//   - one value of any type at the top, with white space (space, tab, LF, CR) around it; no
//     byte-order mark, no comments, no trailing commas, no NaN or Infinity, no single quotes;
//   - strings must be valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF);
//     escapes are decoded, and \u escapes pair surrogates into one code point; a lone
//     surrogate escape is refused (it has no UTF-8 form). "\u0000" is allowed and decodes to a
//     NUL byte: callers that hand strings to C APIs check for it;
//   - numbers keep their text exactly as written; Int64()/Uint64()/Double() convert on demand
//     and say when the value does not fit (huge numbers are valid JSON, not errors);
//   - duplicate keys in one object are refused (kDamaged): parsers disagree on which one wins
//     (the first, the last, both), and a check that reads one while a later step reads the
//     other is a classic way around it.
//
// Errors (Result, with a catalog key json.* and the byte offset where reading stopped):
//   kTooLarge  over a limit (json.too_large, json.too_deep, json.too_many_values, json.too_long)
//   kDamaged   anything malformed (json.empty, json.end, json.expected_value, json.expected_key,
//              json.expected_colon, json.expected_separator, json.trailing, json.bad_string,
//              json.bad_number, json.duplicate_key)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

namespace dosti::json {

struct Limits {
  std::size_t max_bytes = std::size_t{1} << 20;          // the whole text
  std::size_t max_depth = 32;                            // arrays and objects inside each other
  std::size_t max_string_bytes = std::size_t{64} << 10;  // one string, key or number
  std::size_t max_elements = 100000;                     // values in the whole document
};

// One JSON value and, for arrays and objects, its children. (Not called Value: dosti::Value is
// a stored field value, and json.h's writer takes one inside this namespace.)
class Element {
 public:
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

  Element() = default;  // null

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // kBool: its value. False for every other type.
  bool boolean() const { return type_ == Type::kBool && bool_; }
  // kString: the decoded UTF-8 text. kNumber: the number exactly as written ("-1.5e3").
  // Empty for every other type.
  const std::string& text() const { return text_; }

  // kNumber written as an integer (no fraction, no exponent) that fits the type; nullopt for
  // anything else (another type, 1.0, 1e3, 18446744073709551616, a minus sign for Uint64).
  std::optional<int64_t> Int64() const;
  std::optional<uint64_t> Uint64() const;
  // kNumber as the nearest double (the C locale's strtod, which the project keeps in force);
  // nullopt for another type or a magnitude a double cannot hold (1e999).
  std::optional<double> Double() const;

  // kArray: the elements; kObject: the member values, in document order. Empty otherwise.
  const std::vector<Element>& items() const { return items_; }
  // kObject: the member names, keys()[i] naming items()[i]; unique. Empty otherwise.
  const std::vector<std::string>& keys() const { return keys_; }
  std::size_t size() const { return items_.size(); }
  // kObject: the value of the member named `key`, or nullptr (also for other types). Linear in
  // the number of members: objects read by name are small; iterate keys() for large ones.
  const Element* Find(std::string_view key) const;

 private:
  friend class Reader;  // json_parse.cpp builds elements in place
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Element> items_;
  std::vector<std::string> keys_;
};

// Reads `text` as one JSON document within `limits`. See the top of this file for what is
// accepted and the errors.
Result<Element> Parse(std::string_view text, const Limits& limits = {});

}  // namespace dosti::json
