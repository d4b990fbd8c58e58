// RunCli: the command table, argument parsing, opening the database, and the workspace
// commands (init, info, help, version). The other commands live in commands_*.cpp by area.
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "cli_internal.h"
#include "dosti/date.h"
#include "dosti/text.h"

namespace dosti::cli {

// [SECTION] The command table

const std::vector<CommandSpec>& Commands() {
  // Options named after a facade field map to it with '-' → '_' (see README.md).
  // clang-format off
  static const std::vector<CommandSpec> commands = {
      {"init", "", "--office beijing|islamabad [--workspace-name TEXT]", "help.init", 0, 0,
       {{"office", true, true}, {"workspace-name"}}, false, CmdInit},
      {"info", "", "", "help.info", 0, 0, {}, false, CmdInfo},
      {"help", "", "[COMMAND]", "help.help", 0, 2, {}, false, CmdHelp},
      {"version", "", "", "help.version", 0, 0, {}, false, CmdVersion},

      {"enterprise", "add",
       "--country CN|PK --name TEXT [--name-en T] [--name-zh T] [--name-ur T] [--short-name T] "
       "[--uscc V] [--legacy-regno V] [--ntn V] [--secp V] [--sector ISIC] "
       "[--region ISO3166-2] [--city T] [--address T] [--website URL] [--founded-year N] "
       "[--employees N] [--size-class micro|small|medium|large] "
       "[--landing-status none|exploring|office_registered|operating] "
       "[--source booth|referral|partner|import] [--draft]",
       "help.enterprise_add", 0, 0,
       {{"country", true, true}, {"name", true, true}, {"name-en"}, {"name-zh"}, {"name-ur"},
        {"short-name"}, {"uscc"}, {"legacy-regno"}, {"ntn"}, {"secp"}, {"sector"}, {"region"},
        {"city"}, {"address"}, {"website"}, {"founded-year"}, {"employees"}, {"size-class"},
        {"landing-status"}, {"source"}, {"draft", false}},
       true, CmdEnterpriseAdd},
      {"enterprise", "get", "ID", "help.enterprise_get", 1, 1, {}, true, CmdEnterpriseGet},
      {"enterprise", "set", "ID FIELD VALUE", "help.enterprise_set", 3, 3, {}, true,
       CmdEnterpriseSet},
      {"enterprise", "list", "[--country CN|PK] [--search TEXT] [--include-archived] [--limit N]",
       "help.enterprise_list", 0, 0,
       {{"country"}, {"search"}, {"include-archived", false}, {"limit"}}, true,
       CmdEnterpriseList},
      {"enterprise", "search", "TEXT [--limit N]", "help.enterprise_search", 1, 64, {{"limit"}},
       true, CmdEnterpriseSearch},
      {"enterprise", "archive", "ID", "help.enterprise_archive", 1, 1, {}, true,
       CmdEnterpriseArchive},
      {"enterprise", "unarchive", "ID", "help.enterprise_unarchive", 1, 1, {}, true,
       CmdEnterpriseUnarchive},
      {"identifier", "add",
       "--enterprise ID (--uscc V | --legacy-regno V | --ntn V | --secp V | --other V)",
       "help.identifier_add", 0, 0,
       {{"enterprise", true, true}, {"uscc"}, {"legacy-regno"}, {"ntn"}, {"secp"}, {"other"}},
       true, CmdIdentifierAdd},

      {"contact", "add",
       "--enterprise ID --name TEXT [--latin-name T] [--name-ur T] [--position T] [--mobile V] "
       "[--office-phone V] [--email V] [--wechat V] [--whatsapp V] [--language zh|en|ur] "
       "[--consent] [--consent-transfer] [--consent-method written|verbal|form|email|booth]",
       "help.contact_add", 0, 0,
       {{"enterprise", true, true}, {"name", true, true}, {"latin-name"}, {"name-ur"},
        {"position"}, {"mobile"}, {"office-phone"}, {"email"}, {"wechat"}, {"whatsapp"},
        {"language"}, {"consent", false}, {"consent-transfer", false}, {"consent-method"}},
       true, CmdContactAdd},
      {"contact", "list", "ENTERPRISE_ID", "help.contact_list", 1, 1, {}, true, CmdContactList},
      {"contact", "get", "ID", "help.contact_get", 1, 1, {}, true, CmdContactGet},
      {"contact", "set", "ID FIELD VALUE", "help.contact_set", 3, 3, {}, true, CmdContactSet},

      {"service", "add",
       "--enterprise ID --category training|strategy|policy|personnel|legal|exchange|finance "
       "--summary TEXT [--date YYYY-MM-DD] [--minutes N] "
       "[--outcome completed|partial|referred|no_show|cancelled] "
       "[--follow-up-days N | --no-follow-up] [--contact ID] [--event ID] "
       "[--mode in_person|online|phone|booth|event] [--participants N] [--lead-staff T] "
       "[--draft]",
       "help.service_add", 0, 0,
       {{"enterprise", true, true}, {"category", true, true}, {"date"}, {"minutes"},
        {"summary", true, true}, {"outcome"}, {"follow-up-days"}, {"no-follow-up", false},
        {"contact"}, {"event"}, {"mode"}, {"participants"}, {"lead-staff"}, {"draft", false}},
       true, CmdServiceAdd},
      {"service", "get", "ID", "help.service_get", 1, 1, {}, true, CmdServiceGet},
      {"service", "set", "ID FIELD VALUE", "help.service_set", 3, 3, {}, true, CmdServiceSet},
      {"service", "list", "[--enterprise ID] [--month YYYY-MM]", "help.service_list", 0, 0,
       {{"enterprise"}, {"month"}}, true, CmdServiceList},

      {"followup", "add", "--enterprise ID [--due YYYY-MM-DD] [--note TEXT] [--assignee T]",
       "help.followup_add", 0, 0,
       {{"enterprise", true, true}, {"due"}, {"note"}, {"assignee"}}, true, CmdFollowUpAdd},
      {"followup", "list", "[--overdue] [--week] [--mine] [--all]", "help.followup_list", 0, 0,
       {{"overdue", false}, {"week", false}, {"mine", false}, {"all", false}}, true,
       CmdFollowUpList},
      {"followup", "set", "ID due|assignee|note|office|status VALUE", "help.followup_set", 3, 3,
       {}, true, CmdFollowUpSet},
      {"followup", "done", "ID", "help.followup_done", 1, 1, {}, true, CmdFollowUpDone},
      {"followup", "cancel", "ID", "help.followup_cancel", 1, 1, {}, true, CmdFollowUpCancel},
      {"user", "set", "NAME", "help.user_set", 1, 1, {}, true, CmdUserSet},
      {"user", "show", "", "help.user_show", 0, 0, {}, true, CmdUserShow},

      {"enroll", "", "ENTERPRISE_ID STAGE [--reason TEXT]", "help.enroll", 2, 2, {{"reason"}},
       true, CmdEnroll},
      {"match", "add", "--cn ID --pk ID --type TYPE", "help.match_add", 0, 0,
       {{"cn", true, true}, {"pk", true, true}, {"type", true, true}}, true, CmdMatchAdd},
      {"match", "stage", "MATCH_ID STAGE [--reason TEXT]", "help.match_stage", 2, 2,
       {{"reason"}}, true, CmdMatchStage},
      {"match", "list", "", "help.match_list", 0, 0, {}, true, CmdMatchList},

      // Every report: text, --json or --csv (a spreadsheet's table, UTF-8 with BOM).
      {"report", "progress", "[--as-of YYYY-MM-DD | --month YYYY-MM] [--csv]",
       "help.report_progress", 0, 0, {{"as-of"}, {"month"}, {"csv", false}}, true,
       CmdReportProgress},
      {"report", "services", "[--month YYYY-MM | --as-of YYYY-MM-DD] [--csv]",
       "help.report_services", 0, 0, {{"as-of"}, {"month"}, {"csv", false}}, true,
       CmdReportServices},
      {"report", "funnel", "[--as-of YYYY-MM-DD | --month YYYY-MM] [--csv]",
       "help.report_funnel", 0, 0, {{"as-of"}, {"month"}, {"csv", false}}, true,
       CmdReportFunnel},
      {"report", "followups", "[--as-of YYYY-MM-DD | --month YYYY-MM] [--csv]",
       "help.report_followups", 0, 0, {{"as-of"}, {"month"}, {"csv", false}}, true,
       CmdReportFollowUps},
      {"report", "quality", "[--as-of YYYY-MM-DD | --month YYYY-MM] [--csv]",
       "help.report_quality", 0, 0, {{"as-of"}, {"month"}, {"csv", false}}, true,
       CmdReportQuality},
      {"report", "coverage", "[--month YYYY-MM | --as-of YYYY-MM-DD] [--csv]",
       "help.report_coverage", 0, 0, {{"as-of"}, {"month"}, {"csv", false}}, true,
       CmdReportCoverage},
      {"report", "landing", "[--csv]", "help.report_landing", 0, 0, {{"csv", false}}, true,
       CmdReportLanding},
      {"report", "events", "[--as-of YYYY-MM-DD | --month YYYY-MM] [--csv]",
       "help.report_events", 0, 0, {{"as-of"}, {"month"}, {"csv", false}}, true,
       CmdReportEvents},

      {"event", "add",
       "--kind trade_fair|training|seminar|b2b_matchmaking|delegation_visit|webinar --name TEXT "
       "--start YYYY-MM-DD [--end YYYY-MM-DD] [--city T] [--office beijing|islamabad]",
       "help.event_add", 0, 0,
       {{"kind", true, true}, {"name", true, true}, {"start", true, true}, {"end"}, {"city"},
        {"office"}},
       true, CmdEventAdd},
      {"event", "list", "", "help.event_list", 0, 0, {}, true, CmdEventList},
      {"event", "attend",
       "EVENT_ID ENTERPRISE_ID [--contact ID] "
       "[--status attended|registered|no_show|cancelled] "
       "[--role visitor|exhibitor|speaker|participant|organiser]",
       "help.event_attend", 2, 2, {{"contact"}, {"status"}, {"role"}}, true, CmdEventAttend},

      {"import", "enterprises", "FILE.csv [--encoding utf-8|gb18030|windows-1256]",
       "help.import", 1, 1, {{"encoding"}}, true, CmdImport},
      {"import", "contacts", "FILE.csv [--encoding utf-8|gb18030|windows-1256]",
       "help.import_contacts", 1, 1, {{"encoding"}}, true, CmdImport},
      {"import", "services", "FILE.csv [--encoding utf-8|gb18030|windows-1256]",
       "help.import_services", 1, 1, {{"encoding"}}, true, CmdImport},
      {"export", "", "DIR", "help.export", 1, 1, {}, true, CmdExport},
      {"demo", "seed", "[--enterprises N] [--seed S] [--force]", "help.demo", 0, 0,
       {{"enterprises"}, {"seed"}, {"force", false}}, true, CmdDemoSeed},

      // Duplicates and replication (commands_sync.cpp). Commands with needs_workspace false
      // here still need a device (RequireDevice): a replica works before its records arrive.
      {"duplicates", "list", "", "help.duplicates_list", 0, 0, {}, true, CmdDuplicatesList},
      {"duplicates", "merge", "KEEP_ID OTHER_ID", "help.duplicates_merge", 2, 2, {}, true,
       CmdDuplicatesMerge},
      {"duplicates", "unmerge", "ID", "help.duplicates_unmerge", 1, 1, {}, true,
       CmdDuplicatesUnmerge},
      {"conflicts", "list", "", "help.conflicts_list", 0, 0, {}, false, CmdConflictsList},
      {"conflicts", "resolve", "ID (--value TEXT | --keep N)", "help.conflicts_resolve", 1, 1,
       {{"value"}, {"keep"}}, true, CmdConflictsResolve},
      {"digest", "", "", "help.digest", 0, 0, {}, false, CmdDigest},
      {"held", "list", "", "help.held_list", 0, 0, {}, false, CmdHeldList},
      {"held", "accept", "DEVICE", "help.held_accept", 1, 1, {}, false, CmdHeldAccept},
      {"held", "release", "", "help.held_release", 0, 0, {}, false, CmdHeldRelease},

      {"invite", "create",
       "--role office|booth --office beijing|islamabad (--passphrase P | --passphrase-file F|-) "
       "--out FILE [--expires-days N] [--device-expires-days N] [--relay URL]",
       "help.invite_create", 0, 0,
       {{"role", true, true}, {"office", true, true}, {"passphrase"}, {"passphrase-file"},
        {"out", true, true}, {"expires-days"}, {"device-expires-days"}, {"relay"}},
       false, CmdInviteCreate},
      {"join", "", "FILE (--passphrase P | --passphrase-file F|-)", "help.join", 1, 1,
       {{"passphrase"}, {"passphrase-file"}}, false, CmdJoin},
      {"device", "list", "", "help.device_list", 0, 0, {}, false, CmdDeviceList},
      {"device", "approve", "ID --code CODE", "help.device_approve", 1, 1,
       {{"code", true, true}}, false, CmdDeviceApprove},
      {"device", "revoke", "ID [--cutoff N]", "help.device_revoke", 1, 1, {{"cutoff"}}, false,
       CmdDeviceRevoke},
      {"roster", "show", "", "help.roster_show", 0, 0, {}, false, CmdRosterShow},
      {"bundle", "export", "--out FILE [--for DEVICE_ID]", "help.bundle_export", 0, 0,
       {{"out", true, true}, {"for"}}, false, CmdBundleExport},
      {"bundle", "import", "FILE", "help.bundle_import", 1, 1, {}, false, CmdBundleImport},
      {"sync", "", "--relay URL [--registration-token T] [--allow-http]", "help.sync", 0, 0,
       {{"relay"}, {"registration-token"}, {"ca-cert"}, {"allow-http", false}}, false, CmdSync},
  };
  // clang-format on
  return commands;
}

namespace {

constexpr std::string_view kGlobalUsage =
    "dosti [--db FILE] [--json] [--lang en|zh|ur] COMMAND ...";

bool GroupExists(std::string_view group) {
  const auto& all = Commands();
  return std::any_of(all.begin(), all.end(),
                     [&](const CommandSpec& s) { return s.group == group; });
}

const CommandSpec* Find(std::string_view group, std::string_view sub) {
  for (const CommandSpec& s : Commands()) {
    if (s.group == group && s.sub == sub) return &s;
  }
  return nullptr;
}

std::string Subcommands(std::string_view group) {
  std::string list;
  for (const CommandSpec& s : Commands()) {
    if (s.group == group) list += (list.empty() ? "" : ", ") + std::string(s.sub);
  }
  return list;
}

std::string OneLine(std::string_view message) {
  std::string out;
  for (size_t i = 0; i < message.size(); ++i) {
    char ch = message[i];
    if (ch == '\r') continue;
    if (ch == '\n') {
      if (i + 1 < message.size()) out += "; ";
      continue;
    }
    out += ch;
  }
  return out;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

// [SECTION] Outcomes and argument helpers

int Refuse(Context& c, const Error& e) { return Refuse(c, ErrorText(e, c.lang)); }

int Refuse(Context& c, std::string_view message) {
  c.err << "error: " << OneLine(message) << '\n';
  return 1;
}

int UsageError(Context& c, std::string_view message) {
  c.err << "error: " << OneLine(message) << '\n';
  if (c.spec) {
    // Short: the required part, then where the rest is described.
    std::string hint = UsageLine(*c.spec);
    if (auto cut = hint.find(" ["); hint.size() > 80 && cut != std::string::npos) {
      hint = hint.substr(0, cut) + " [options]";
    }
    c.err << "usage: " << hint << "   (dosti help " << c.spec->group << ")\n";
  } else if (!c.group.empty()) {
    std::string subs = Subcommands(c.group);
    std::replace(subs.begin(), subs.end(), ',', '|');
    subs.erase(std::remove(subs.begin(), subs.end(), ' '), subs.end());
    c.err << "usage: dosti " << c.group << " " << subs << " ...   (dosti help " << c.group << ")\n";
  } else {
    c.err << "usage: " << kGlobalUsage << "   (dosti help lists the commands)\n";
  }
  return 2;
}

void PrintWarnings(Context& c, const std::vector<Issue>& warnings) {
  if (c.json) return;
  for (const Issue& w : warnings) c.err << "warning: " << OneLine(IssueText(w, c.lang)) << '\n';
}

void PrintJson(Context& c, const json::Writer& w) { c.out << w.str() << '\n'; }

std::optional<int64_t> IntOption(Context& c, std::string_view option, int* exit) {
  std::string raw = c.Value(option);
  // Full-width digits typed with a Chinese IME count as digits.
  std::string v = text::Trim(text::FoldWidth(raw));
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
    *exit = UsageError(c, "--" + std::string(option) + " needs a whole number; got '" + raw + "'");
    return std::nullopt;
  }
  return n;
}

bool CheckChoice(Context& c, std::string_view what, std::string_view value,
                 const std::vector<std::string_view>& allowed, int* exit) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return true;
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : "|") + std::string(a);
  *exit = UsageError(
      c, std::string(what) + " must be one of " + list + "; got '" + std::string(value) + "'");
  return false;
}

std::optional<std::string> MonthOption(Context& c, std::string_view fallback, int* exit) {
  if (c.Has("month")) {
    std::string m = c.Value("month");
    if (!ParseMonth(m)) {
      *exit = UsageError(c, "--month needs a month YYYY-MM; got '" + m + "'");
      return std::nullopt;
    }
    return m;
  }
  if (c.Has("as-of")) {
    std::string d = c.Value("as-of");
    auto date = ParseDate(d);
    if (!date) {
      *exit = UsageError(c, "--as-of needs a date YYYY-MM-DD; got '" + d + "'");
      return std::nullopt;
    }
    return FormatMonth(*date);
  }
  return std::string(fallback);
}

std::optional<std::optional<Date>> AsOfOption(Context& c, int* exit) {
  if (c.Has("as-of")) {
    std::string d = c.Value("as-of");
    auto date = ParseDate(d);
    if (!date) {
      *exit = UsageError(c, "--as-of needs a date YYYY-MM-DD; got '" + d + "'");
      return std::nullopt;
    }
    return std::optional<Date>(*date);
  }
  if (c.Has("month")) {
    std::string m = c.Value("month");
    auto first = ParseMonth(m);
    if (!first) {
      *exit = UsageError(c, "--month needs a month YYYY-MM; got '" + m + "'");
      return std::nullopt;
    }
    // A month means "as of its last day", or now while the month is still running.
    Date last = AddDays(AddMonths(*first, 1), -1);
    if (last >= c.s().Today()) return std::optional<Date>();
    return std::optional<Date>(last);
  }
  return std::optional<Date>();
}

std::string UsageLine(const CommandSpec& spec) {
  std::string line = "dosti " + std::string(spec.group);
  if (!spec.sub.empty()) line += " " + std::string(spec.sub);
  if (!spec.synopsis.empty()) line += " " + std::string(spec.synopsis);
  return line;
}

namespace {

// `line` wrapped at `width` columns between options (never inside "[...]" or "(...)"), with
// continuation lines indented by `indent` spaces.
std::string Wrap(const std::string& line, size_t width, size_t indent) {
  std::vector<std::string> words;
  std::string word;
  int depth = 0;
  for (char ch : line) {
    if (ch == '[' || ch == '(') ++depth;
    if (ch == ']' || ch == ')') --depth;
    if (ch == ' ' && depth == 0) {
      words.push_back(word);
      word.clear();
      continue;
    }
    word += ch;
  }
  words.push_back(word);
  std::string out, current;
  for (const std::string& w : words) {
    if (!current.empty() && current.size() + 1 + w.size() > width) {
      out += current + "\n";
      current = std::string(indent, ' ');
    } else if (!current.empty() && current.find_first_not_of(' ') != std::string::npos) {
      current += ' ';
    }
    current += w;
  }
  return out + current;
}

}  // namespace

std::string UsageText(std::string_view group, std::string_view lang) {
  std::ostringstream o;
  o << Tr("help.title", lang) << "\n\n";
  o << "usage: " << kGlobalUsage << "\n";
  o << "  FILE: --db, $DOSTI_DB, ./dosti.db   " << Tr("help.globals", lang) << "\n\n";
  for (const CommandSpec& s : Commands()) {
    if (!group.empty() && s.group != group) continue;
    o << "  " << Wrap(UsageLine(s), 98, 10) << "\n      " << Tr(s.summary, lang) << "\n";
  }
  o << "\n" << Tr("help.exit", lang) << "\n";
  return o.str();
}

// [SECTION] RunCli

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Environment& env) {
  Context c(out, err, env);
  std::optional<std::string> db, lang;
  bool help = false, version = false, rest_positional = false;
  std::string group;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i];
    bool is_option =
        !rest_positional && t.size() > 1 && t[0] == '-' && !(t[1] >= '0' && t[1] <= '9');
    if (!rest_positional && t == "--") {
      rest_positional = true;
      continue;
    }
    if (is_option) {
      std::string name;
      std::optional<std::string> inline_value;
      if (t == "-h") {
        name = "help";
      } else if (t.rfind("--", 0) == 0) {
        auto eq = t.find('=');
        name = t.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        if (eq != std::string::npos) inline_value = t.substr(eq + 1);
      } else {
        return UsageError(c, "unknown option " + t);
      }
      // Value of an option: after '=' or the next argument, whatever it looks like.
      auto take_value = [&](std::string& into) -> bool {
        if (inline_value) {
          into = *inline_value;
          return true;
        }
        if (i + 1 >= args.size()) return false;
        into = args[++i];
        return true;
      };
      if (name == "db" || name == "lang" || name == "key-passphrase-file") {
        std::optional<std::string>& slot =
            name == "db" ? db : name == "lang" ? lang : c.key_passphrase_file;
        if (slot) return UsageError(c, "--" + name + " given twice");
        std::string v;
        if (!take_value(v)) return UsageError(c, "--" + name + " needs a value");
        slot = v;
        continue;
      }
      if (name == "json" || name == "help" || name == "version") {
        if (inline_value) return UsageError(c, "--" + name + " takes no value");
        if (name == "json") c.json = true;
        if (name == "help") help = true;
        if (name == "version") version = true;
        continue;
      }
      if (!c.spec) {
        if (!group.empty() && !help) {
          return UsageError(
              c, "'" + group + "' needs a subcommand before options: " + Subcommands(group));
        }
        return UsageError(c, "unknown option --" + name);
      }
      auto opt = std::find_if(c.spec->options.begin(), c.spec->options.end(),
                              [&](const OptionSpec& o) { return o.name == name; });
      if (opt == c.spec->options.end()) {
        return UsageError(
            c, "unknown option --" + name + " for '" + UsageLine(*c.spec).substr(6) + "'");
      }
      if (c.Has(name)) return UsageError(c, "--" + name + " given twice");
      if (opt->takes_value) {
        std::string v;
        if (!take_value(v)) return UsageError(c, "--" + name + " needs a value");
        c.values.emplace(name, std::move(v));
      } else {
        if (inline_value) return UsageError(c, "--" + name + " takes no value");
        c.flags.insert(name);
      }
      continue;
    }
    // A word: the command, its subcommand, then positional arguments.
    if (!c.spec && group.empty()) {
      if (!GroupExists(t)) return UsageError(c, "unknown command '" + t + "'");
      group = t;
      c.group = t;
      c.spec = Find(group, "");
      continue;
    }
    if (!c.spec) {
      c.spec = Find(group, t);
      if (!c.spec) {
        return UsageError(c, "unknown command '" + group + " " + t + "'; " + group +
                                 " commands: " + Subcommands(group));
      }
      continue;
    }
    c.positional.push_back(t);
  }

  if (lang) {
    if (!IsLanguage(*lang)) {
      return UsageError(c, "--lang must be one of en|zh|ur; got '" + *lang + "'");
    }
    c.lang = *lang;
  }
  if (version) return CmdVersion(c);
  if (help || (c.spec && c.spec->group == "help")) {
    std::string topic = group == "help" ? "" : group;
    if (group == "help" && !c.positional.empty()) {
      topic = c.positional.front();
      if (!GroupExists(topic)) return UsageError(c, "unknown command '" + topic + "'");
    }
    c.help_topic = topic;
    return CmdHelp(c);
  }
  if (!c.spec) {
    if (group.empty()) return UsageError(c, "no command given");
    return UsageError(c, "'" + group + "' needs a subcommand: " + Subcommands(group));
  }
  const CommandSpec& spec = *c.spec;
  if (static_cast<int>(c.positional.size()) < spec.min_positional) {
    return UsageError(c, "missing arguments: expected " + std::string(spec.synopsis));
  }
  if (static_cast<int>(c.positional.size()) > spec.max_positional) {
    return UsageError(c, "unexpected argument '" + c.positional[spec.max_positional] + "'");
  }
  for (const OptionSpec& o : spec.options) {
    if (o.required && !c.Has(o.name)) {
      return UsageError(c, "missing --" + std::string(o.name));
    }
  }

  c.db_path = db ? *db : env.dosti_db.value_or("./dosti.db");
  if (c.db_path.empty()) return UsageError(c, "--db needs a file name");
  bool exists = c.db_path == ":memory:" || FileExists(c.db_path);
  if (spec.group == "version") return CmdVersion(c);
  if (spec.group == "info" && !exists) return CmdInfo(c);
  // Only `init` and `join` create a database file: any other command on a missing file is
  // refused by the workspace check below, against an empty in-memory database, leaving no
  // file behind.
  bool creates = !exists && (spec.group == "init" || spec.group == "join");
  if (creates && spec.group != "join") {
    int exit = 0;
    if (!CheckChoice(c, "--office", c.Value("office"), kOffices, &exit)) return exit;
  }
  std::string open_path = exists || creates ? c.db_path : ":memory:";
  auto session = Session::Open(open_path, {env.clock, env.random});
  if (!session) return Refuse(c, session.error());
  c.session = std::move(*session);
  if (creates) {
    // A refused init or join leaves no empty database file behind.
    int code = spec.run(c);
    if (code != 0) {
      c.session.reset();
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::remove((c.db_path + suffix).c_str());
      }
    }
    return code;
  }
  if (spec.needs_workspace) {
    if (auto ready = c.s().RequireWorkspace(); !ready) return Refuse(c, ready.error());
  }
  return spec.run(c);
}

// [SECTION] Workspace commands

int CmdVersion(Context& c) {
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("version").String(kVersion).EndObject();
    PrintJson(c, w);
  } else {
    c.out << "dosti " << kVersion << '\n';
  }
  return 0;
}

int CmdHelp(Context& c) {
  c.out << UsageText(c.help_topic, c.lang);
  return 0;
}

int CmdInit(Context& c) {
  std::string office = c.Value("office");
  int exit = 0;
  if (!CheckChoice(c, "--office", office, kOffices, &exit)) return exit;
  if (auto made = CreateIdentity(c, office, c.Value("workspace-name")); !made) {
    return Refuse(c, made.error());
  }
  auto info = c.s().Info();
  if (!info) return Refuse(c, info.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *info);
    PrintJson(c, w);
    return 0;
  }
  c.out << Tr("init.done", c.lang) << '\n';
  PrintPairs(c.out, {{Tr("info.workspace", c.lang), info->workspace_name},
                     {Tr("info.office", c.lang), CodeLabel("office", info->office, c.lang)},
                     {Tr("info.device", c.lang), info->device_id},
                     {Tr("info.programme", c.lang), Tr("info.programme_value", c.lang)},
                     {Tr("info.database", c.lang), c.db_path}});
  if (auto passphrase = KeyPassphrase(c); passphrase && passphrase->empty()) {
    c.out << Fmt("keys.unwrapped", c.lang, {KeyFileOf(c)}) << '\n';
  }
  return 0;
}

int CmdInfo(Context& c) {
  WorkspaceInfo info;
  if (c.session) {
    auto r = c.s().Info();
    if (!r) return Refuse(c, r.error());
    info = *r;
  }
  if (c.json) {
    json::Writer w(true);
    json::Write(w, info);
    PrintJson(c, w);
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> rows;
  rows.push_back(
      {Tr("info.database", c.lang),
       c.db_path + (c.session ? "" : " (" + std::string(Tr("info.missing", c.lang)) + ")")});
  rows.push_back(
      {Tr("info.initialised", c.lang), std::string(Tr(info.initialised ? "yes" : "no", c.lang))});
  if (info.initialised) {
    rows.push_back({Tr("info.workspace", c.lang), info.workspace_name});
    rows.push_back({Tr("info.office", c.lang), CodeLabel("office", info.office, c.lang)});
    rows.push_back({Tr("info.device", c.lang), info.device_id});
    if (!info.user.empty()) rows.push_back({Tr("info.user", c.lang), info.user});
    // A replica learns the programme with its first changes (dosti changes import).
    rows.push_back({Tr("info.programme", c.lang), info.programme_id.empty()
                                                      ? Tr("info.not_received", c.lang)
                                                      : "DH-2023 (" + info.programme_id + ")"});
  }
  rows.push_back({Tr("info.schema", c.lang), std::to_string(info.schema_version)});
  PrintPairs(c.out, rows);
  if (!info.initialised) c.out << Tr("info.run_init", c.lang) << '\n';
  return 0;
}

}  // namespace dosti::cli
