// The sync identity and encrypted exchange (sync/README.md): init's keys and genesis, invite
// create, join, device list|approve|revoke, roster show, bundle export|import, sync.
// Everything here calls sync/ (identity.h, node.h, round.h) and lays out what comes back.
#include <cstdio>
#include <iomanip>
#include <istream>
#include <ostream>
#include <sstream>

#include "cli_internal.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/identity.h"
#include "dosti/sync/json.h"
#if DOSTI_WITH_NET
#include "dosti/net/http_transport.h"
#endif
#include "dosti/sync/round.h"

namespace dosti::cli {
namespace {

using sync::Bytes;
using sync::ToHex;

bool InMemory(const Context& c) { return c.db_path == ":memory:"; }

std::string DateOf(int64_t ms) { return ms == 0 ? "-" : FormatDate(DateAt(ms, 0)); }

std::string Mib(uint64_t bytes) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1);
  if (bytes < (1u << 20)) {
    o << bytes / 1024.0 << " KiB";
  } else {
    o << bytes / 1048576.0 << " MiB";
  }
  return o.str();
}

// A secret from a file, or from standard input when the file is "-" (once per command), with
// its line ending removed.
Result<std::string> SecretFrom(Context& c, const std::string& file, std::string_view option) {
  std::string text;
  if (file == "-") {
    if (c.stdin_used || !c.env.in) {
      return MakeError(ErrorCode::kInvalid, "cli.secret.stdin_once", {{"option", std::string(option)}});
    }
    c.stdin_used = true;
    std::getline(*c.env.in, text);
  } else {
    auto read = ReadFile(file);
    if (!read) return read.error();
    text = std::move(*read);
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
  }
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.pop_back();
  if (text.empty()) {
    return MakeError(ErrorCode::kInvalid, file == "-" ? "cli.secret.stdin_empty" : "cli.secret.file_empty",
                     {{"file", file}, {"option", std::string(option)}});
  }
  return text;
}

// The invite passphrase: --passphrase P, --passphrase-file F (or -), $DOSTI_INVITE_PASSPHRASE.
// A passphrase on the command line is visible in the process list; the others are not.
Result<std::string> InvitePassphrase(Context& c) {
  if (c.Has("passphrase") && c.Has("passphrase-file")) {
    return MakeError(ErrorCode::kInvalid, "cli.secret.both");
  }
  if (c.Has("passphrase")) return c.Value("passphrase");
  if (c.Has("passphrase-file")) return SecretFrom(c, c.Value("passphrase-file"), "passphrase-file");
  if (c.env.invite_passphrase) return *c.env.invite_passphrase;
  return MakeError(ErrorCode::kInvalid, "cli.secret.invite_needed");
}

sync::DeviceSetup Setup(Context& c, sync::KeyStore& store, std::string passphrase) {
  sync::DeviceSetup setup;
  setup.keys = &store;
  setup.key_passphrase = std::move(passphrase);
  setup.clock = c.env.clock;
  return setup;
}

std::unique_ptr<sync::KeyStore> StoreOf(const Context& c) {
  return InMemory(c) ? sync::KeysInMemory() : sync::KeyFileBeside(c.db_path);
}

// The receipt of an exchange: counts, then what needs attention (refused, waiting, no longer
// valid, held back by the core), alarms on stderr, and the approval state.
void PrintReceived(Context& c, const sync::ReceiveReport& r) {
  c.out << Fmt("received.summary", c.lang,
               {std::to_string(r.applied), std::to_string(r.changes), std::to_string(r.known),
                std::to_string(r.waiting), std::to_string(r.rejected)});
  if (r.stale > 0) c.out << Fmt("received.stale", c.lang, {std::to_string(r.stale)});
  c.out << '\n';
  for (const auto& item : r.items) {
    const char* label = nullptr;
    switch (item.status) {
      case sync::Received::Status::kRejected: label = "received.rejected"; break;
      case sync::Received::Status::kWaiting: label = "received.waiting"; break;
      case sync::Received::Status::kStale: label = "received.no_longer_valid"; break;
      default: break;
    }
    if (!label) continue;
    c.out << "  " << Tr(label, c.lang) << Tr("sep.colon", c.lang) << MessageText(item.what, c.lang)
          << Tr("sep.colon", c.lang) << MessageText(item.reason, c.lang) << '\n';
  }
  if (!r.held.empty()) {
    c.out << Fmt("sync.held_back", c.lang, {std::to_string(r.held.size())}) << '\n';
    std::string last;
    for (const HeldCommit& h : r.held) {
      if (h.device == last) continue;  // the others of that device wait behind the first
      last = h.device;
      c.out << "  " << MessageText(h.reason, c.lang) << '\n';
    }
  }
  for (const auto& alarm : r.alarms) c.err << "alarm: " << MessageText(alarm.message, c.lang) << '\n';
  if (r.awaiting_approval) c.out << Fmt("sync.awaiting_approval", c.lang, {r.code}) << '\n';
}

}  // namespace

std::string KeyFileOf(const Context& c) { return InMemory(c) ? "(memory)" : c.db_path + ".key"; }

Result<std::string> KeyPassphrase(Context& c) {
  if (c.key_passphrase_file) return SecretFrom(c, *c.key_passphrase_file, "key-passphrase-file");
  return c.env.key_passphrase.value_or("");
}

Result<void> CreateIdentity(Context& c, std::string_view office, std::string_view name) {
  auto passphrase = KeyPassphrase(c);
  if (!passphrase) return passphrase.error();
  auto store = StoreOf(c);
  auto node = sync::CreateWorkspace(c.s(), Setup(c, *store, *passphrase), office, name);
  if (!node) return node.error();
  c.node = std::move(*node);
  return {};
}

int OpenNode(Context& c) {
  if (int code = RequireDevice(c); code != 0) return code;
  auto passphrase = KeyPassphrase(c);
  if (!passphrase) return Refuse(c, passphrase.error());
  auto store = StoreOf(c);
  auto node = sync::OpenDevice(c.s(), Setup(c, *store, *passphrase));
  if (!node) return Refuse(c, node.error());
  c.node = std::move(*node);
  return 0;
}

// [SECTION] Invites and joining

int CmdInviteCreate(Context& c) {
  int exit = 0;
  if (!CheckChoice(c, "--role", c.Value("role"), {"office", "booth"}, &exit)) return exit;
  if (!CheckChoice(c, "--office", c.Value("office"), kOffices, &exit)) return exit;
  sync::Node::InviteOptions o;
  o.role = *sync::ParseRole(c.Value("role"));
  o.office = *sync::ParseOffice(c.Value("office"));
  if (c.Has("expires-days")) {
    auto days = IntOption(c, "expires-days", &exit);
    if (!days) return exit;
    o.expires_days = static_cast<int>(*days);
  }
  if (c.Has("device-expires-days")) {
    auto days = IntOption(c, "device-expires-days", &exit);
    if (!days) return exit;
    o.device_expires_days = static_cast<int>(*days);
  }
  auto passphrase = InvitePassphrase(c);
  if (!passphrase) return Refuse(c, passphrase.error());
  if (int code = OpenNode(c); code != 0) return code;
  o.relay_url = c.Value("relay", c.node->RelayUrl().value_or(""));
  auto file = c.node->CreateInvite(o, *passphrase);
  if (!file) return Refuse(c, file.error());
  std::string out = c.Value("out");
  if (auto w = WriteFileWhole(out, *file, true); !w) return Refuse(c, w.error());
  int64_t expires = (c.env.clock ? c.env.clock->NowMs() : SystemClock().NowMs()) +
                    int64_t{o.expires_days} * 86'400'000;
  // A booth's browser joins from a link that carries the invite in its fragment (sync/README).
  std::string link = o.relay_url.empty() ? "" : sync::InviteLink(o.relay_url, *file);
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("file").String(out).Key("role").String(c.Value("role"));
    w.Key("office").String(c.Value("office")).Key("expires").String(DateOf(expires));
    w.Key("link").StringOrNull(link);
    w.EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt(o.role == sync::Role::kOffice ? "invite.written_office" : "invite.written_booth",
               c.lang, {CodeLabel("office", c.Value("office"), c.lang), out, DateOf(expires)})
        << '\n' << Fmt("invite.next", c.lang, {out}) << '\n';
  if (!link.empty()) c.out << Fmt("invite.link", c.lang, {link}) << '\n';
  return 0;
}

int CmdJoin(Context& c) {
  auto file = ReadFile(c.positional[0]);
  if (!file) return Refuse(c, file.error());
  auto info = c.s().Info();
  if (!info) return Refuse(c, info.error());
  if (!info->device_id.empty()) {
    return Refuse(c, MakeError(ErrorCode::kAlreadyInitialised, "cli.join.database_taken",
                               {{"db", c.db_path}}));
  }
  auto invite_passphrase = InvitePassphrase(c);
  if (!invite_passphrase) return Refuse(c, invite_passphrase.error());
  auto key_passphrase = KeyPassphrase(c);
  if (!key_passphrase) return Refuse(c, key_passphrase.error());
  auto store = StoreOf(c);
  auto node = sync::JoinWorkspace(c.s(), Setup(c, *store, *key_passphrase), *file,
                                  *invite_passphrase);
  if (!node) return Refuse(c, node.error());
  c.node = std::move(*node);
  sync::DeviceView me = c.node->Self();
  std::string workspace = ToHex(c.node->trust().workspace());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("workspace").String(workspace).Key("device").String(me.id);
    w.Key("code").String(me.code).Key("status").String("pending");
    w.Key("role").String(me.role).Key("office").String(me.office);
    w.Key("relay").StringOrNull(c.node->RelayUrl().value_or("")).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("join.done", c.lang,
               {workspace, CodeLabel("role", me.role, c.lang), me.id,
                CodeLabel("office", me.office, c.lang)})
        << '\n'
        << Fmt("join.code", c.lang, {me.code}) << '\n'
        << Fmt("join.next", c.lang, {me.id, me.code, c.db_path, c.node->RelayUrl().value_or("URL")})
        << '\n';
  if (key_passphrase->empty()) c.out << Fmt("keys.unwrapped", c.lang, {KeyFileOf(c)}) << '\n';
  return 0;
}

// [SECTION] Devices and the roster

namespace {

void PrintDevices(Context& c, const std::vector<sync::DeviceView>& devices) {
  Table t({FieldLabel("id", c.lang), FieldLabel("role", c.lang), FieldLabel("office", c.lang),
           FieldLabel("status", c.lang), FieldLabel("expires", c.lang),
           FieldLabel("envelopes", c.lang), FieldLabel("note", c.lang)});
  t.AlignRight(5);
  for (const auto& d : devices) {
    std::string note = d.self ? Tr("device.self", c.lang) : "";
    auto add = [&](const std::string& more) { note += (note.empty() ? "" : "; ") + more; };
    if (d.status == "pending") add(Fmt("device.code", c.lang, {d.code}));
    if (d.status == "revoked") add(Fmt("device.accepted_up_to", c.lang, {std::to_string(d.cutoff)}));
    t.Add({d.id, CodeLabel("role", d.role, c.lang), CodeLabel("office", d.office, c.lang),
           CodeLabel("device_status", d.status, c.lang), DateOf(d.expires_ms),
           d.status == "pending" ? "-" : std::to_string(d.applied), note});
  }
  t.Print(c.out);
}

}  // namespace

int CmdDeviceList(Context& c) {
  if (int code = OpenNode(c); code != 0) return code;
  auto devices = c.node->Devices();
  if (c.json) {
    json::Writer w(true);
    sync::WriteDevices(w, devices);
    PrintJson(c, w);
    return 0;
  }
  PrintDevices(c, devices);
  return 0;
}

int CmdDeviceApprove(Context& c) {
  if (int code = OpenNode(c); code != 0) return code;
  if (auto ok = c.node->Approve(c.positional[0], c.Value("code")); !ok) {
    return Refuse(c, ok.error());
  }
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("approved").String(c.positional[0]);
    w.Key("roster_version").Int(c.node->trust().roster_version());
    w.Key("epoch").Int(c.node->epoch()).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("device.approved", c.lang,
               {c.positional[0], std::to_string(c.node->trust().roster_version()),
                std::to_string(c.node->epoch())})
        << '\n';
  return 0;
}

int CmdDeviceRevoke(Context& c) {
  std::optional<uint64_t> cutoff;
  if (c.Has("cutoff")) {
    int exit = 0;
    auto n = IntOption(c, "cutoff", &exit);
    if (!n) return exit;
    if (*n < 0) return UsageError(c, "--cutoff is an envelope number, 0 or more");
    cutoff = static_cast<uint64_t>(*n);
  }
  if (int code = OpenNode(c); code != 0) return code;
  auto new_epoch = c.node->Revoke(c.positional[0], cutoff);
  if (!new_epoch) return Refuse(c, new_epoch.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("revoked").String(c.positional[0]);
    w.Key("epoch").Int(c.node->epoch()).Key("new_epoch").Bool(*new_epoch).EndObject();
    PrintJson(c, w);
    return 0;
  }
  if (!*new_epoch) {
    if (cutoff) {
      c.out << Fmt("device.cutoff_raised", c.lang, {c.positional[0], std::to_string(*cutoff)})
            << '\n';
    } else {
      c.out << Fmt("device.refused", c.lang, {c.positional[0]}) << '\n';
    }
    return 0;
  }
  c.out << Fmt("device.revoked", c.lang, {c.positional[0], std::to_string(c.node->epoch())})
        << '\n';
  return 0;
}

int CmdRosterShow(Context& c) {
  if (int code = OpenNode(c); code != 0) return code;
  const sync::Trust& t = c.node->trust();
  auto devices = c.node->Devices();
  auto quarantine = c.node->Quarantine();
  if (!quarantine) return Refuse(c, quarantine.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("workspace").String(ToHex(t.workspace()));
    w.Key("version").Int(t.roster_version()).Key("roster_id").String(ToHex(t.roster_id()));
    w.Key("epoch").Int(c.node->epoch()).Key("devices");
    sync::WriteDevices(w, devices);
    w.Key("quarantine").BeginArray();
    for (const auto& q : *quarantine) {
      w.BeginObject().Key("envelope").String(q.id).Key("reason").String(q.reason.text);
      w.Key("key").String(q.reason.key).EndObject();
    }
    w.EndArray().EndObject();
    PrintJson(c, w);
    return 0;
  }
  PrintPairs(c.out, {{FieldLabel("workspace", c.lang), ToHex(t.workspace())},
                     {Tr("roster.version", c.lang), std::to_string(t.roster_version())},
                     {Tr("roster.id", c.lang), ToHex(t.roster_id())},
                     {Tr("roster.epoch", c.lang), std::to_string(c.node->epoch())}});
  c.out << '\n';
  PrintDevices(c, devices);
  if (!quarantine->empty()) {
    c.out << '\n' << Tr("roster.quarantine", c.lang) << '\n';
    for (const auto& q : *quarantine) {
      c.out << "  " << q.id.substr(0, 16) << "  " << MessageText(q.reason, c.lang) << '\n';
    }
  }
  return 0;
}

// [SECTION] Bundles

int CmdBundleExport(Context& c) {
  if (int code = OpenNode(c); code != 0) return code;
  auto bundle = c.node->ExportBundle(c.Value("for"));
  if (!bundle) return Refuse(c, bundle.error());
  std::string out = c.Value("out");
  if (auto w = WriteFileWhole(out, *bundle, true); !w) return Refuse(c, w.error());
  bool pending = c.node->pending();
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("file").String(out).Key("bytes").Int(static_cast<int64_t>(bundle->size()));
    w.Key("awaiting_approval").Bool(pending);
    w.Key("code").StringOrNull(c.node->verification_code()).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("bundle.written", c.lang, {out, Mib(bundle->size())}) << '\n';
  if (pending) {
    c.out << Fmt("sync.awaiting_approval", c.lang, {c.node->verification_code()}) << '\n';
  }
  return 0;
}

int CmdBundleImport(Context& c) {
  auto file = ReadFile(c.positional[0]);
  if (!file) return Refuse(c, file.error());
  if (int code = OpenNode(c); code != 0) return code;
  bool progressed = false;  // a progress line is on stderr, to be ended with a newline
  auto report = c.node->ImportBundle(*file, [&](int64_t done, int64_t total, std::string_view) {
    if (total < 256) return;  // small bundles import at once: no progress line
    progressed = true;
    c.err << '\r' << Fmt("bundle.import_progress", c.lang, {std::to_string(done), std::to_string(total)})
          << "   " << std::flush;
  });
  if (progressed) c.err << '\n';
  if (!report) return Refuse(c, report.error());
  bool failed = report->damaged || report->received.rejected > 0;
  if (c.json) {
    json::Writer w(true);
    sync::WriteBundleReport(w, *report);
    PrintJson(c, w);
  } else {
    c.out << Fmt("bundle.from", c.lang, {report->exporter});
    PrintReceived(c, report->received);
  }
  if (report->damaged) {
    c.err << "error: "
          << Fmt("bundle.damaged", c.lang, {c.positional[0], MessageText(report->damage, c.lang)})
          << '\n';
  } else if (failed) {
    c.err << "error: " << Fmt("received.rejected_count", c.lang, {std::to_string(report->received.rejected)})
          << '\n';
  }
  return failed ? 1 : 0;
}

// [SECTION] Sync through a relay

#if !DOSTI_WITH_NET
int CmdSync(Context& c) {
  return Refuse(c, "this build of dosti has no network transport; exchange bundle files "
                   "(dosti bundle export|import)");
}
#else
int CmdSync(Context& c) {
  if (int code = OpenNode(c); code != 0) return code;
  std::string url = c.Value("relay", c.node->RelayUrl().value_or(""));
  if (url.empty()) return UsageError(c, "which relay? give --relay URL (e.g. http://127.0.0.1:8787)");
  net::TransportOptions transport_options;
  transport_options.ca_cert_file = c.Value("ca-cert");
  transport_options.allow_plain_http = c.Has("allow-http");
  auto transport = net::HttpTransport::Open(url, transport_options);
  if (!transport) return Refuse(c, transport.error());
  sync::SyncOptions options;
  options.relay_url = (*transport)->url();
  options.registration_token = c.Value("registration-token");
  bool progressed = false;  // a progress line is on stderr, to be ended with a newline
  options.on_progress = [&](const sync::SyncProgress& p) {
    if (p.envelopes_up + p.envelopes_down == 0) return;
    progressed = true;
    c.err << '\r'
          << Fmt("sync.progress", c.lang, {std::to_string(p.envelopes_up), Mib(p.bytes_up),
                                           std::to_string(p.envelopes_down), Mib(p.bytes_down)})
          << "   " << std::flush;
  };
  sync::SyncRound round(*c.node, options);
  auto report = (*transport)->Run(round);
  if (progressed) c.err << '\n';
  if (!report) return Refuse(c, report.error());
  if (c.json) {
    json::Writer w(true);
    sync::WriteSyncReport(w, *report);
    PrintJson(c, w);
  } else {
    c.out << Fmt("sync.synced", c.lang, {report->relay, std::to_string(report->pushed)});
    PrintReceived(c, report->received);
    for (const Message& m : report->push_refused) c.err << "warning: " << MessageText(m, c.lang) << '\n';
    for (const Message& m : report->control_refused) c.out << "  " << MessageText(m, c.lang) << '\n';
  }
  return report->received.rejected > 0 || !report->push_refused.empty() ? 1 : 0;
}

#endif

}  // namespace dosti::cli
