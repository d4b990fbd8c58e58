// The command line's own strings: the "cli.*" entries of the one catalog (core/catalog/cli.cat,
// dosti/catalog.h), where the domain's labels and the core's messages are too.
#include <string>
#include <string_view>

#include "cli_internal.h"
#include "dosti/catalog.h"

namespace dosti::cli {
namespace {

std::string CliKey(std::string_view key) { return "cli." + std::string(key); }

}  // namespace

bool IsLanguage(std::string_view lang) { return dosti::IsLanguage(lang); }

std::string Tr(std::string_view key, std::string_view lang) {
  std::string k = CliKey(key);
  return HasKey(k) ? Translate(k, lang) : std::string(key);
}

std::string Fmt(std::string_view key, std::string_view lang,
                std::initializer_list<std::string> args) {
  // Positional arguments: "{0}", "{1}", ... (translations may reorder them).
  Args named;
  for (const std::string& a : args) named.emplace_back(std::to_string(named.size()), a);
  std::string k = CliKey(key);
  return HasKey(k) ? Translate(k, lang, named) : std::string(key);
}

std::string FieldLabel(std::string_view field, std::string_view lang) {
  // The core's label wins; it returns the code itself when it has none.
  std::string_view core = Label("field", field, lang);
  if (core != field) return std::string(core);
  std::string k = CliKey("field." + std::string(field));
  if (HasKey(k)) return Translate(k, lang);
  return std::string(field);
}

std::string CodeLabel(std::string_view kind, std::string_view code, std::string_view lang) {
  if (code.empty()) return {};
  return std::string(Label(kind, code, lang));
}

}  // namespace dosti::cli
