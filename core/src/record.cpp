#include "dosti/record.h"

#include <cstdio>

namespace dosti {

std::string ValueText(const Value& v) {
  switch (v.index()) {
    case 1: return std::to_string(std::get<int64_t>(v));
    case 2: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.15g", std::get<double>(v));
      return buf;
    }
    case 3: return std::get<std::string>(v);
    default: return {};
  }
}

const Value* FindField(const Fields& fields, std::string_view name) {
  for (const Field& f : fields) {
    if (f.name == name) return &f.value;
  }
  return nullptr;
}

std::string FieldText(const Fields& fields, std::string_view name) {
  const Value* v = FindField(fields, name);
  return v ? ValueText(*v) : std::string();
}

int64_t FieldInt(const Fields& fields, std::string_view name, int64_t fallback) {
  const Value* v = FindField(fields, name);
  if (v && std::holds_alternative<int64_t>(*v)) return std::get<int64_t>(*v);
  return fallback;
}

void SetField(Fields& fields, std::string_view name, Value value) {
  for (Field& f : fields) {
    if (f.name == name) {
      f.value = std::move(value);
      return;
    }
  }
  fields.push_back(Field{std::string(name), std::move(value)});
}

}  // namespace dosti
