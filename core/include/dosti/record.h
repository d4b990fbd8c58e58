// Generic records: a row of any table as ordered (field, value) pairs, as the facade hands them
// to the front ends. Field names are the SQL column names (one vocabulary everywhere).
// Plain value types; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dosti/validation.h"

namespace dosti {

// A stored value: NULL, integer, real or text (SQLite's storage classes, minus BLOB).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// Text form of a value for tables and CSV: "" for NULL, decimal for numbers.
std::string ValueText(const Value& v);

struct Field {
  std::string name;
  Value value;
};
using Fields = std::vector<Field>;

// Finds a field by name; nullptr when absent.
const Value* FindField(const Fields& fields, std::string_view name);
// Text of a field, "" when absent or NULL.
std::string FieldText(const Fields& fields, std::string_view name);
// Integer of a field, `fallback` when absent, NULL or not an integer.
int64_t FieldInt(const Fields& fields, std::string_view name, int64_t fallback = 0);
// Sets (or appends) a field.
void SetField(Fields& fields, std::string_view name, Value value);

// A row: its id plus every column by name, in schema order.
struct Record {
  std::string id;
  Fields fields;
  std::string Text(std::string_view name) const { return FieldText(fields, name); }
  int64_t Int(std::string_view name, int64_t fallback = 0) const {
    return FieldInt(fields, name, fallback);
  }
  const Value* Find(std::string_view name) const { return FindField(fields, name); }
};

// What a successful write returns: the record's id and the warnings that were saved with it.
struct Saved {
  std::string id;
  std::vector<Issue> warnings;
};

}  // namespace dosti
