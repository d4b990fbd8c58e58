// Internals of the command line shared by its source files: the command table, the parsed
// invocation (Context), output helpers, translations and tables.
// Threading: one Context per RunCli call; nothing global is mutable.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "dosti/json.h"
#include "dosti/session.h"
#include "dosti/sync/node.h"

namespace dosti::cli {

inline constexpr std::string_view kVersion = "0.1.0";

struct Context;
using Handler = int (*)(Context&);

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value = true;
  bool required = false;
};

// One command: `group` alone ("init", "enroll") or `group sub` ("enterprise add").
struct CommandSpec {
  std::string_view group;
  std::string_view sub;       // "" when the group is the whole command
  std::string_view synopsis;  // the arguments, e.g. "ID FIELD VALUE"
  std::string_view summary;   // translation key of the one-line description
  int min_positional = 0;
  int max_positional = 0;
  std::vector<OptionSpec> options;
  bool needs_workspace = true;  // false: init, info, help, and the replication commands
                                // (those check RequireDevice themselves)
  Handler run = nullptr;
};

// Every command, in the order `dosti help` lists them (commands.cpp).
const std::vector<CommandSpec>& Commands();
// Handlers, one file per area.
int CmdInit(Context& c);
int CmdInfo(Context& c);
int CmdHelp(Context& c);
int CmdVersion(Context& c);
int CmdEnterpriseAdd(Context& c);
int CmdEnterpriseGet(Context& c);
int CmdEnterpriseSet(Context& c);
int CmdEnterpriseList(Context& c);
int CmdEnterpriseSearch(Context& c);
int CmdEnterpriseArchive(Context& c);
int CmdEnterpriseUnarchive(Context& c);
int CmdIdentifierAdd(Context& c);
int CmdContactAdd(Context& c);
int CmdContactList(Context& c);
int CmdContactGet(Context& c);
int CmdContactSet(Context& c);
int CmdServiceAdd(Context& c);
int CmdServiceGet(Context& c);
int CmdServiceSet(Context& c);
int CmdServiceList(Context& c);
int CmdFollowUpAdd(Context& c);
int CmdFollowUpList(Context& c);
int CmdFollowUpSet(Context& c);
int CmdFollowUpDone(Context& c);
int CmdFollowUpCancel(Context& c);
int CmdUserSet(Context& c);
int CmdUserShow(Context& c);
int CmdEnroll(Context& c);
int CmdMatchAdd(Context& c);
int CmdMatchStage(Context& c);
int CmdMatchList(Context& c);
int CmdReportProgress(Context& c);
int CmdReportServices(Context& c);
int CmdReportFunnel(Context& c);
int CmdReportFollowUps(Context& c);
int CmdReportQuality(Context& c);
int CmdReportCoverage(Context& c);
int CmdReportLanding(Context& c);
int CmdReportEvents(Context& c);
int CmdEventAdd(Context& c);
int CmdEventList(Context& c);
int CmdEventAttend(Context& c);
int CmdImport(Context& c);
int CmdExport(Context& c);
int CmdDemoSeed(Context& c);
int CmdConflictsList(Context& c);
int CmdConflictsResolve(Context& c);
int CmdDuplicatesList(Context& c);
int CmdDuplicatesMerge(Context& c);
int CmdDuplicatesUnmerge(Context& c);
int CmdDigest(Context& c);
int CmdHeldList(Context& c);
int CmdHeldAccept(Context& c);
int CmdHeldRelease(Context& c);
int CmdInviteCreate(Context& c);
int CmdJoin(Context& c);
int CmdDeviceList(Context& c);
int CmdDeviceApprove(Context& c);
int CmdDeviceRevoke(Context& c);
int CmdRosterShow(Context& c);
int CmdBundleExport(Context& c);
int CmdBundleImport(Context& c);
int CmdSync(Context& c);

// The parsed invocation and everything a handler needs.
struct Context {
  Context(std::ostream& o, std::ostream& e, const Environment& en) : out(o), err(e), env(en) {}
  std::ostream& out;
  std::ostream& err;
  const Environment& env;

  bool json = false;
  std::string lang = "en";
  std::string db_path;
  const CommandSpec* spec = nullptr;
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> values;  // options with a value
  std::set<std::string, std::less<>> flags;                // options without one
  std::string group;                                       // the command's first word, once known
  std::string help_topic;  // `dosti help enterprise`: the group asked about
  std::unique_ptr<Session> session;
  std::optional<std::string> key_passphrase_file;  // --key-passphrase-file
  std::unique_ptr<sync::Node> node;                // OpenNode
  bool stdin_used = false;                         // a passphrase was read from "-"

  bool Has(std::string_view option) const {
    return values.count(option) > 0 || flags.count(option) > 0;
  }
  std::string Value(std::string_view option, std::string_view fallback = {}) const {
    auto it = values.find(option);
    return it == values.end() ? std::string(fallback) : it->second;
  }
  Session& s() { return *session; }
};

// [SECTION] Outcomes. Each returns the exit code to hand back.
// Exit 1: "error: <message>" as one line on stderr (newlines in the message become "; ").
int Refuse(Context& c, const Error& e);
int Refuse(Context& c, std::string_view message);
// Exit 2: "error: <message>" plus a usage hint for the command (or for dosti) on stderr.
int UsageError(Context& c, std::string_view message);

// The check of commands that need only this database's device (replication: a replica that
// joined but has no records yet may already import, export and list): 0 when there is one,
// else the core's kNotInitialised refusal (exit 1).
int RequireDevice(Context& c);

// Warnings on stderr ("warning: ..."), in human mode only: JSON carries them in "warnings".
void PrintWarnings(Context& c, const std::vector<Issue>& warnings);
// Writes one JSON value (pretty, newline-terminated) to stdout.
void PrintJson(Context& c, const json::Writer& w);
// A write's outcome: the Saved object with --json; else "<done_key text> ID" and the warnings.
int PrintSaved(Context& c, const Saved& saved, std::string_view done_key);
// The Saved object as JSON with more keys, written by `more`, between "id" and "warnings".
void PrintSavedJson(Context& c, const Saved& saved,
                    const std::function<void(json::Writer&)>& more);
// A field's value for people (commands_enterprise.cpp): codes labelled, flags as yes/no,
// instants as dates and times in UTC.
std::string Shown(std::string_view field, const Value& v, std::string_view lang);
// A record as the field/value rows of `get` commands (PrintPairs), labels and values in `lang`.
std::vector<std::pair<std::string, std::string>> FieldRows(const Record& r, std::string_view lang);

// [SECTION] The sync identity (commands_trust.cpp)
// The key passphrase: --key-passphrase-file F (F "-": standard input), else
// $DOSTI_KEY_PASSPHRASE, else none (never a prompt: scripts must not hang).
Result<std::string> KeyPassphrase(Context& c);
// Makes this device's keys and the workspace's genesis (`dosti init`).
Result<void> CreateIdentity(Context& c, std::string_view office, std::string_view name);
// Where this device's keys are ("FILE.key"), for messages.
std::string KeyFileOf(const Context& c);
// Loads the key file (into c.keys) and opens the sync state into c.node: 0, or the refusal's
// exit code.
int OpenNode(Context& c);

// [SECTION] Files (commands_sync.cpp): thin callers of the core's one reader and atomic writer
// (dosti/file.h), which say what they guarantee.
Result<std::string> ReadFile(const std::string& path);
// dosti::WriteFileAtomic: a temporary file beside `path`, fsync, rename, fsync of the
// directory, read back; a reader never sees half a file, and a failed write leaves an older
// file as it was. `private_file`: readable by this OS user only (0600), for files holding
// secrets.
Result<void> WriteFileWhole(const std::string& path, std::string_view bytes,
                            bool private_file = false);

// [SECTION] Argument helpers (usage errors → exit 2 through UsageError).
// A whole number option; nullopt and `*exit` set when it is not one.
std::optional<int64_t> IntOption(Context& c, std::string_view option, int* exit);
// A value that must be one of `allowed`; false and `*exit` set otherwise.
bool CheckChoice(Context& c, std::string_view what, std::string_view value,
                 const std::vector<std::string_view>& allowed, int* exit);
// --month YYYY-MM; `fallback` when absent.
std::optional<std::string> MonthOption(Context& c, std::string_view fallback, int* exit);
// --as-of YYYY-MM-DD, or --month YYYY-MM read as its last day; nullopt (now: everything
// recorded) when absent, and for a month that has not ended.
std::optional<std::optional<Date>> AsOfOption(Context& c, int* exit);
// The full usage text, or a group's.
std::string UsageText(std::string_view group, std::string_view lang);
// "dosti enterprise add --country CN|PK ...": one command's usage line.
std::string UsageLine(const CommandSpec& spec);

// [SECTION] Messages of the core and sync in the user's language, with the CLI's hints
// (hints.cpp). The core's messages name no command; the hint for a message key says what to
// type (cli.hint.* in core/catalog/cli.cat), empty when there is none.
std::string Hint(std::string_view key, const Args& args, std::string_view lang);
// An error's text in `lang` with its hint, then its details, one per line.
std::string ErrorText(const Error& e, std::string_view lang);
// A message's, a warning's text in `lang` with its hint.
std::string MessageText(const Message& m, std::string_view lang);
std::string IssueText(const Issue& i, std::string_view lang);

// [SECTION] Translations (i18n.cpp): the CLI's own strings in en, zh, ur.
std::string Tr(std::string_view key, std::string_view lang);
// Tr with "{0}", "{1}", ... replaced by `args` (translations may reorder them).
std::string Fmt(std::string_view key, std::string_view lang,
                std::initializer_list<std::string> args);
// A column's header: the core's Label("field", ...) first, then the CLI's table, then the name.
std::string FieldLabel(std::string_view field, std::string_view lang);
// A code's label (dosti::Label: core/catalog/labels.cat), falling back to the code.
std::string CodeLabel(std::string_view kind, std::string_view code, std::string_view lang);
bool IsLanguage(std::string_view lang);

// [SECTION] Tables (table.cpp), aligned by terminal display width (CJK = 2 columns).
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  // Right-aligns column `i` (numbers).
  void AlignRight(size_t i);
  // Cuts cells of column `i` longer than `width` columns, ending them with "…".
  void MaxWidth(size_t i, size_t width);
  // Adds a row; cells are kept whole (Print cuts them, Grid does not).
  void Add(std::vector<std::string> row);
  size_t size() const { return rows_.size(); }
  void Print(std::ostream& out) const;
  // The headers then every row, cells whole: what a CSV of the table holds.
  std::vector<std::vector<std::string>> Grid() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
  std::vector<size_t> max_;
};

// A two-column field/value list (the `enterprise get` layout).
void PrintPairs(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& rows);
// "(none)" in the chosen language, for empty lists.
void PrintNone(Context& c);
// The opening every list command shares: the refusal on error, the JSON array with --json,
// "(none)" for an empty list. Returns the exit code when that was all, nullopt when the caller
// goes on to print its table: `if (auto done = PrintListOrNone(c, rows)) return *done;`
template <typename T>
std::optional<int> PrintListOrNone(Context& c, const Result<std::vector<T>>& rows) {
  if (!rows) return Refuse(c, rows.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *rows);
    PrintJson(c, w);
    return 0;
  }
  if (rows->empty()) {
    PrintNone(c);
    return 0;
  }
  return std::nullopt;
}
// A cell: newlines and tabs become spaces.
std::string Cell(std::string_view s);

}  // namespace dosti::cli
