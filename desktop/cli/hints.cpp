// The CLI's hints: what to type next, for messages of the core and the sync layer. Those
// messages say what is wrong in the domain's words and never name a command; the CLI appends
// its own hint (cli.hint.* in core/catalog/cli.cat), chosen here by the message's key.
#include <string_view>
#include <utility>

#include "cli_internal.h"

namespace dosti::cli {
namespace {

// Message key → hint key. A hint's text starts with its own separator ("; run: …" or
// " (…)") and may use the message's arguments.
constexpr std::pair<std::string_view, std::string_view> kHints[] = {
    {"workspace.none", "cli.hint.workspace.none"},
    {"text.not_utf8", "cli.hint.text.not_utf8"},
    {"workspace.no_device", "cli.hint.workspace.no_device"},
    {"duplicates.already_merged", "cli.hint.duplicates.already_merged"},
    {"conflict.not_found", "cli.hint.conflict.not_found"},
    {"conflict.keep_range", "cli.hint.conflict.keep_range"},
    {"held.clock_ahead", "cli.hint.held.clock_ahead"},
    {"match.lost_needs_reason", "cli.hint.match.lost_needs_reason"},
    {"match.back_needs_reason", "cli.hint.match.back_needs_reason"},
    {"quality.duplicate", "cli.hint.quality.duplicate"},
    {"enrollment.needs_reason", "cli.hint.enrollment.needs_reason"},
    {"enterprise.identifiers_read_only", "cli.hint.enterprise.identifiers_read_only"},
    {"enterprise.archive_selected", "cli.hint.enterprise.archive_selected"},
    {"contact.no_primary", "cli.hint.contact.no_primary"},
    {"contact.primary_archived", "cli.hint.contact.primary_archived"},
    {"demo.workspace_has_records", "cli.hint.demo.workspace_has_records"},
    {"sync.keys_need_passphrase", "cli.hint.keys.need_passphrase"},
    {"sync.keys_missing", "cli.hint.keys.missing"},
    {"sync.no_identity", "cli.hint.keys.missing"},
    {"sync.already_revoked", "cli.hint.device.cutoff"},
    {"sync.approve_wrong_code", "cli.hint.device.wrong_code"},
    {"net.plain_http", "cli.hint.net.plain_http"},
    {"sync.alarm.applied_past_cutoff", "cli.hint.alarm.applied_past_cutoff"},
    {"sync.alarm.peer_applied_past_cutoff", "cli.hint.alarm.peer_applied_past_cutoff"},
};

}  // namespace

std::string Hint(std::string_view key, const Args& args, std::string_view lang) {
  for (const auto& [message, hint] : kHints) {
    if (message == key) return Translate(hint, lang, args);
  }
  return {};
}

std::string ErrorText(const Error& e, std::string_view lang) {
  if (e.key.empty()) return e.message;
  std::string out = Translate(e.key, lang, e.args) + Hint(e.key, e.args, lang);
  for (const Error& d : e.details) out += "\n" + ErrorText(d, lang);
  return out;
}

std::string MessageText(const Message& m, std::string_view lang) {
  if (m.key.empty()) return m.text;
  return Translate(m.key, lang, m.args) + Hint(m.key, m.args, lang);
}

std::string IssueText(const Issue& i, std::string_view lang) {
  if (i.key.empty()) return i.message;
  return Translate(i.key, lang, i.args) + Hint(i.key, i.args, lang);
}

}  // namespace dosti::cli
