// The catalog (dosti/catalog.h): the files of core/catalog, embedded at build time, parsed once
// on first use into one table. File format (core/catalog/README.md):
//
//   # a comment
//   invite.expired
//     en: this invite expired on {date} (UTC)
//     zh: 此邀请已于 {date}（UTC）过期
//     ur: ...
#include "dosti/catalog.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dosti {
namespace {

#include "catalog_data.inc"

constexpr std::size_t kLanguageCount = std::size(kLanguages);

struct Entry {
  std::string text[kLanguageCount];  // by kLanguages index; empty: missing
};

struct Table {
  std::unordered_map<std::string_view, Entry> entries;
  std::vector<std::string> keys;  // catalog order; entries' keys view these
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

int LanguageIndex(std::string_view lang) {
  for (std::size_t i = 0; i < kLanguageCount; ++i) {
    if (kLanguages[i] == lang) return static_cast<int>(i);
  }
  return -1;
}

// Escapes: "\n" a newline, "\s" a space (a text's own leading or trailing space, which the
// file format would otherwise trim), "\\" a backslash; everything else is literal.
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (s[i] == '\\' && (next == 'n' || next == 's' || next == '\\')) {
      out += next == 'n' ? '\n' : next == 's' ? ' ' : '\\';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

Table Parse() {
  Table t;
  std::vector<std::pair<std::string, Entry>> parsed;
  for (std::string_view file : kCatalogFiles) {
    std::size_t pos = 0;
    while (pos < file.size()) {
      std::size_t end = file.find('\n', pos);
      if (end == std::string_view::npos) end = file.size();
      std::string_view line = file.substr(pos, end - pos);
      pos = end + 1;
      std::string_view body = Trim(line);
      if (body.empty() || body.front() == '#') continue;
      if (line.front() != ' ' && line.front() != '\t') {
        parsed.emplace_back(std::string(body), Entry{});
        continue;
      }
      // "  xx: text" under the last key. The catalog test checks the files' shape; here a
      // stray line is skipped rather than trusted.
      std::size_t colon = body.find(':');
      if (parsed.empty() || colon == std::string_view::npos) continue;
      int lang = LanguageIndex(body.substr(0, colon));
      if (lang < 0) continue;
      parsed.back().second.text[lang] = Unescape(Trim(body.substr(colon + 1)));
    }
  }
  t.keys.reserve(parsed.size());
  for (auto& [key, entry] : parsed) t.keys.push_back(key);
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    t.entries.emplace(t.keys[i], std::move(parsed[i].second));  // a later duplicate is ignored
  }
  return t;
}

const Table& Catalog() {
  static const Table table = Parse();
  return table;
}

const Entry* Find(std::string_view key) {
  const Table& t = Catalog();
  auto it = t.entries.find(key);
  return it == t.entries.end() ? nullptr : &it->second;
}

std::string_view Pick(const Entry& e, std::string_view lang) {
  int i = LanguageIndex(lang);
  if (i > 0 && !e.text[i].empty()) return e.text[i];
  return e.text[0];
}

// The argument `name`; inside item `item` of a "{x:msgs}" list, "<name>.<item>" first.
const std::string* Arg(const Args& args, std::string_view name, int item = -1) {
  if (item >= 0 && !name.empty()) {
    std::string scoped = std::string(name) + "." + std::to_string(item);
    for (const auto& [n, v] : args) {
      if (n == scoped) return &v;
    }
  }
  if (!name.empty() && name.size() <= 2 && name.find_first_not_of("0123456789") == std::string_view::npos) {
    std::size_t i = 0;
    for (char c : name) i = i * 10 + static_cast<std::size_t>(c - '0');
    return i < args.size() ? &args[i].second : nullptr;
  }
  for (const auto& [n, v] : args) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::string Render(std::string_view text, std::string_view lang, const Args& args,
                   int depth = 0, int item = -1) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    std::string_view name = text.substr(i + 1, close - i - 1);
    std::string_view kind;
    if (auto colon = name.find(':'); colon != std::string_view::npos) {
      kind = name.substr(colon + 1);
      name = name.substr(0, colon);
    }
    const std::string* value = Arg(args, name, item);
    if (!value) {
      out.append(text.substr(i, close - i + 1));  // left visible: a missing argument is a bug
    } else if (kind == "omit") {
      // An argument this language has no use for (an English plural word), left out on purpose.
    } else if (kind == "msg") {
      const Entry* nested = value->empty() ? nullptr : Find(*value);
      // A value that is no key is a text already (a nested error without a key).
      out += nested && depth < 4 ? Render(Pick(*nested, lang), lang, args, depth + 1, item)
                                 : *value;
    } else if (kind == "msgs") {
      // Keys separated by commas, each rendered (item i reads "<arg>.<i>" before "<arg>"),
      // joined with the language's list separator.
      std::string_view keys = *value;
      int n = 0;
      while (!keys.empty()) {
        std::size_t comma = keys.find(',');
        std::string_view key = keys.substr(0, comma);
        if (n > 0) {
          const Entry* sep = Find("list.separator");
          out += sep ? std::string(Pick(*sep, lang)) : std::string(", ");
        }
        const Entry* nested = Find(key);
        out += nested && depth < 4 ? Render(Pick(*nested, lang), lang, args, depth + 1, n)
                                   : std::string(key);
        ++n;
        if (comma == std::string_view::npos) break;
        keys.remove_prefix(comma + 1);
      }
    } else if (!kind.empty()) {
      out += std::string(Label(kind, *value, lang));
    } else {
      out += *value;
    }
    i = close;
  }
  return out;
}

}  // namespace

bool IsLanguage(std::string_view lang) { return LanguageIndex(lang) >= 0; }

std::string_view Label(std::string_view kind, std::string_view code, std::string_view lang) {
  std::string key = "label.";
  key.append(kind).append(".").append(code);
  const Entry* e = Find(key);
  if (!e) return code;
  return Pick(*e, lang);
}

std::string Translate(std::string_view key, std::string_view lang, const Args& args) {
  const Entry* e = Find(key);
  if (!e) return std::string(key);
  return Render(Pick(*e, lang), lang, args);
}

std::string Translate(const Error& error, std::string_view lang) {
  if (error.key.empty()) return error.message;
  std::string out = Translate(error.key, lang, error.args);
  for (const Error& d : error.details) out += "\n" + Translate(d, lang);
  return out;
}

void AddMessageList(Args& args, std::string_view name, const std::vector<Message>& items) {
  std::string keys;
  for (std::size_t i = 0; i < items.size(); ++i) {
    keys += (i ? "," : "") + items[i].key;
    for (const auto& [n, v] : items[i].args) args.emplace_back(n + "." + std::to_string(i), v);
  }
  args.emplace_back(std::string(name), std::move(keys));
}

std::string Translate(const Issue& issue, std::string_view lang) {
  if (issue.key.empty()) return issue.message;
  return Translate(issue.key, lang, issue.args);
}

Issue MakeWarning(ErrorCode code, std::string field, std::string_view key, Args args) {
  Issue i{Severity::kWarning, code, std::move(field), {}, std::string(key), std::move(args)};
  i.message = Translate(i.key, "en", i.args);
  return i;
}

Message MessageOf(const Error& error) {
  if (error.key.empty()) return Message{{}, {}, error.message};
  return Message{error.key, error.args, Translate(error.key, "en", error.args)};
}

Error WrapError(ErrorCode code, std::string_view key, Args args, const Error& inner) {
  args.emplace_back("what", inner.key.empty() ? inner.message : inner.key);
  for (const auto& a : inner.args) args.push_back(a);
  Error e = MakeError(code, key, std::move(args), inner.field);
  return WithDetails(std::move(e), inner.details);
}

Error WithDetails(Error error, std::vector<Error> details) {
  for (const Error& d : details) error.message += "\n" + d.message;
  error.details = std::move(details);
  return error;
}

std::string Translate(const Message& message, std::string_view lang) {
  if (message.key.empty()) return message.text;
  return Translate(message.key, lang, message.args);
}

Message MakeMessage(std::string_view key, Args args) {
  Message m{std::string(key), std::move(args), {}};
  m.text = Translate(m.key, "en", m.args);
  return m;
}

Error MakeError(ErrorCode code, std::string_view key, Args args, std::string field) {
  Error e{code, std::string(key), std::move(args), {}, std::move(field), {}};
  e.message = Translate(e.key, "en", e.args);
  return e;
}

bool HasKey(std::string_view key) {
  const Entry* e = Find(key);
  return e && !e->text[0].empty();
}

std::string_view Template(std::string_view key, std::string_view lang) {
  const Entry* e = Find(key);
  int i = LanguageIndex(lang);
  if (!e || i < 0) return {};
  return e->text[i];
}

std::vector<std::string_view> CatalogKeys() {
  const Table& t = Catalog();
  return {t.keys.begin(), t.keys.end()};
}

}  // namespace dosti
