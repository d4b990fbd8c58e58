// The one catalog of user-facing text (core/catalog/*.cat): domain labels, report headings,
// error, warning and report messages, in English, Chinese and Urdu. The CLI, the desktop app
// and the web app's language files are all made from it, so every front end says the same.
// Lookups are pure functions over data compiled into the core; thread-safe.
//
// A message is a key and named arguments. Templates name the arguments ("{date}"), may refer to
// them by position ("{0}"), and may ask for an argument's label ("{office:office}": the label of
// kind "office" of the argument's value, e.g. "beijing" → 北京) or for a nested message
// ("{what:msg}": the argument's value is a catalog key, rendered with the same arguments, so
// "line {line}: {what:msg}" wraps any message) or for a list of them ("{why:msgs}": keys
// separated by commas, joined with the language's list.separator; item i reads an argument
// "<name>.<i>" before "<name>", so items of one key may differ). "{name:omit}" renders nothing:
// a translation names an argument it has no use for (an English plural word) so that leaving
// it out is deliberate. "{{" is a literal brace.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"
#include "dosti/validation.h"

namespace dosti {

// The languages of the catalog, the first being the fallback of every lookup.
inline constexpr std::string_view kLanguages[] = {"en", "zh", "ur"};
bool IsLanguage(std::string_view lang);

// A sentence a UI can translate: its key and arguments, and the English text made from them.
struct Message {
  std::string key;
  Args args;
  std::string text;  // English
};
// The English message `key` with `args`.
Message MakeMessage(std::string_view key, Args args = {});
// Adds `items` to `args` as the list argument `name` ("{name:msgs}"): their keys, and each
// item's arguments scoped by its position.
void AddMessageList(Args& args, std::string_view name, const std::vector<Message>& items);
// A warning about `field` with the message `key` and `args` (validation.h's Issue).
Issue MakeWarning(ErrorCode code, std::string field, std::string_view key, Args args = {});
// An error's message without its code (to nest one in another, or to keep a reason).
Message MessageOf(const Error& error);
// The error `key` with `args` wrapping `inner` ("line {line}: {what:msg}"): the wrapper's
// arguments, then "what" = the inner key, then the inner arguments. An inner error without a
// key is nested by its English text. Keeps the inner error's field and details.
Error WrapError(ErrorCode code, std::string_view key, Args args, const Error& inner);

// The text of `key` in `lang` with `args` filled in; English when `lang` lacks it; the key
// itself when the catalog has no such entry.
std::string Translate(std::string_view key, std::string_view lang, const Args& args = {});
// An error's, a message's, an issue's text in `lang` (their English text when they carry no
// key); an error's details follow, one per line.
std::string Translate(const Error& error, std::string_view lang);
std::string Translate(const Issue& issue, std::string_view lang);
std::string Translate(const Message& message, std::string_view lang);

// The label of a code: Translate("label.<kind>.<code>"), or the code itself when there is none.
// Kinds: "category", "stage", "match_stage", "cooperation", "country", "office", "field".
std::string_view Label(std::string_view kind, std::string_view code, std::string_view lang);

// True when the catalog has `key` (in English, which every entry has).
bool HasKey(std::string_view key);
// The raw template of `key` in `lang` (no fallback): empty when missing.
std::string_view Template(std::string_view key, std::string_view lang);
// Every key, in catalog order (for tests and for making the web app's language files).
std::vector<std::string_view> CatalogKeys();

}  // namespace dosti
