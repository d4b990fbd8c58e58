// The sync identity and encrypted exchange (sync/README.md): init's keys and genesis, invite
// create, join, device list|revoke, roster show, bundle export|import, sync --relay.
// The key file is "<db>.key" (mode 0600), wrapped when a key passphrase is given.
#include <cstdio>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "cli_internal.h"
#if DOSTI_WITH_NET
#include "dosti/net/relay_client.h"
#endif
#include "dosti/sync/envelope.h"

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

// The outcome lines of a Receive: counts, then every rejection and alarm.
void PrintReceived(Context& c, const sync::ReceiveReport& r) {
  c.out << "applied " << r.applied << " envelopes (" << r.changes << " field changes), "
        << "already known " << r.known << ", waiting " << r.waiting << ", rejected "
        << r.rejected << '\n';
  for (const auto& item : r.items) {
    if (item.status == sync::Received::Status::kRejected) {
      c.out << "  rejected: " << item.what << ": " << item.reason << '\n';
    } else if (item.status == sync::Received::Status::kWaiting) {
      c.out << "  waiting: " << item.what << ": " << item.reason << '\n';
    }
  }
  for (const auto& alarm : r.alarms) c.err << "alarm: " << alarm << '\n';
}

void WriteReceived(json::Writer& w, const sync::ReceiveReport& r) {
  w.Key("applied").Int(r.applied).Key("known").Int(r.known).Key("waiting").Int(r.waiting);
  w.Key("rejected").Int(r.rejected).Key("changes").Int(r.changes);
  w.Key("items").BeginArray();
  for (const auto& item : r.items) {
    static const char* names[] = {"applied", "known", "waiting", "rejected"};
    if (item.status == sync::Received::Status::kApplied ||
        item.status == sync::Received::Status::kKnown) {
      continue;  // counted above; only what needs attention is listed
    }
    w.BeginObject().Key("what").String(item.what);
    w.Key("status").String(names[static_cast<int>(item.status)]);
    w.Key("reason").String(item.reason).EndObject();
  }
  w.EndArray();
  w.Key("alarms").BeginArray();
  for (const auto& a : r.alarms) w.String(a);
  w.EndArray();
}

}  // namespace

Result<std::string> KeyPassphrase(Context& c) {
  if (c.key_passphrase_file) {
    auto text = ReadFile(*c.key_passphrase_file);
    if (!text) return text.error();
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
    if (text->empty()) {
      return MakeErrorText(ErrorCode::kInvalid, *c.key_passphrase_file + " is empty");
    }
    return *text;
  }
  return c.env.key_passphrase.value_or("");
}

// A new device in c.session: fresh keys, saved first (a key file is never overwritten), then
// `make` builds its node; the key file goes again when that fails.
Result<void> NewDevice(
    Context& c,
    const std::function<Result<std::unique_ptr<sync::Node>>(const sync::DeviceKeys&)>& make) {
  auto passphrase = KeyPassphrase(c);
  if (!passphrase) return passphrase.error();
  DOSTI_TRY(sync::InitCrypto());
  sync::DeviceKeys keys = sync::DeviceKeys::Generate();
  std::string key_path = sync::KeyFilePath(c.db_path);
  if (!InMemory(c)) DOSTI_TRY(sync::SaveKeyFile(key_path, keys, *passphrase));
  auto node = make(keys);
  if (!node) {
    if (!InMemory(c)) std::remove(key_path.c_str());
    return node.error();
  }
  c.keys = std::move(keys);
  c.node = std::move(*node);
  return {};
}

Result<void> CreateIdentity(Context& c, std::string_view office, std::string_view name) {
  return NewDevice(c, [&](const sync::DeviceKeys& keys) {
    return sync::Node::Create(c.s(), keys, office, name, c.env.clock);
  });
}

int OpenNode(Context& c) {
  if (int code = RequireDevice(c); code != 0) return code;
  auto passphrase = KeyPassphrase(c);
  if (!passphrase) return Refuse(c, passphrase.error());
  if (auto r = sync::InitCrypto(); !r) return Refuse(c, r.error());
  auto keys = sync::LoadKeyFile(sync::KeyFilePath(c.db_path), *passphrase);
  if (!keys) return Refuse(c, keys.error());
  auto node = sync::Node::Open(c.s(), *keys, c.env.clock);
  if (!node) return Refuse(c, node.error());
  c.keys = std::move(*keys);
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
  if (int code = OpenNode(c); code != 0) return code;
  o.relay_url = c.Value("relay", c.node->RelayUrl().value_or(""));
  auto file = c.node->CreateInvite(o, c.Value("passphrase"));
  if (!file) return Refuse(c, file.error());
  std::string out = c.Value("out");
  if (auto w = WriteFileWhole(out, *file, true); !w) return Refuse(c, w.error());
  int64_t expires = (c.env.clock ? c.env.clock->NowMs() : SystemClock().NowMs()) +
                    int64_t{o.expires_days} * 86'400'000;
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("file").String(out).Key("role").String(c.Value("role"));
    w.Key("office").String(c.Value("office")).Key("expires").String(DateOf(expires));
    w.EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << "Invite for a" << (o.role == sync::Role::kOffice ? "n office" : " booth")
        << " device of " << c.Value("office") << " written to " << out << " (valid until "
        << DateOf(expires) << " UTC, for one device).\n"
        << "Give the file and the passphrase to the new device separately; there:\n"
        << "  dosti --db NEW.db join " << out << " --passphrase '…'\n";
  return 0;
}

int CmdJoin(Context& c) {
  auto file = ReadFile(c.positional[0]);
  if (!file) return Refuse(c, file.error());
  auto info = c.s().Info();
  if (!info) return Refuse(c, info.error());
  if (!info->device_id.empty()) {
    return Refuse(c, MakeErrorText(ErrorCode::kAlreadyInitialised,
                               c.db_path + " already belongs to a workspace; join into a new "
                                           "database with --db NEW.db"));
  }
  auto joined = NewDevice(c, [&](const sync::DeviceKeys& keys) {
    return sync::Node::Join(c.s(), keys, *file, c.Value("passphrase"), c.env.clock);
  });
  if (!joined) return Refuse(c, joined.error());
  const sync::Member& me = c.node->self();
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("device").String(ToHex(me.id)).Key("role").String(sync::RoleName(me.role));
    w.Key("office").String(sync::OfficeName(me.office));
    w.Key("workspace").String(ToHex(c.node->trust().workspace()));
    w.Key("relay").StringOrNull(c.node->RelayUrl().value_or("")).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << "Joined workspace " << ToHex(c.node->trust().workspace()) << " as "
        << sync::RoleName(me.role) << " device " << ToHex(me.id) << " of "
        << sync::OfficeName(me.office) << ".\nNext: get the records from a member, either\n"
        << "  dosti --db " << c.db_path << " bundle import BUNDLE   (a file from any member)\n";
  if (auto relay = c.node->RelayUrl()) {
    c.out << "  dosti --db " << c.db_path << " sync --relay " << *relay << '\n';
  } else {
    c.out << "  dosti --db " << c.db_path << " sync --relay URL\n";
  }
  return 0;
}

// [SECTION] Devices and the roster

namespace {

void PrintDevices(Context& c, const std::vector<sync::DeviceView>& devices) {
  Table t({"id", "role", "office", "status", "expires", "envelopes", ""});
  t.AlignRight(5);
  for (const auto& d : devices) {
    std::string note = d.self ? "this device" : "";
    if (d.provisional) note += std::string(note.empty() ? "" : ", ") + "joined, not yet in a roster version";
    if (d.status == "revoked") note += std::string(note.empty() ? "" : ", ") + "accepted up to " + std::to_string(d.cutoff);
    t.Add({d.id, d.role, CodeLabel("office", d.office, c.lang), d.status, DateOf(d.expires_ms),
           std::to_string(d.applied), note});
  }
  t.Print(c.out);
}

void WriteDevices(json::Writer& w, const std::vector<sync::DeviceView>& devices) {
  w.BeginArray();
  for (const auto& d : devices) {
    w.BeginObject().Key("id").String(d.id).Key("role").String(d.role);
    w.Key("office").String(d.office).Key("status").String(d.status);
    w.Key("expires").StringOrNull(d.expires_ms ? DateOf(d.expires_ms) : "");
    w.Key("provisional").Bool(d.provisional).Key("self").Bool(d.self);
    w.Key("envelopes").Int(static_cast<int64_t>(d.applied));
    if (d.status == "revoked") w.Key("cutoff").Int(static_cast<int64_t>(d.cutoff));
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

int CmdDeviceList(Context& c) {
  if (int code = OpenNode(c); code != 0) return code;
  auto devices = c.node->Devices();
  if (c.json) {
    json::Writer w(true);
    WriteDevices(w, devices);
    PrintJson(c, w);
    return 0;
  }
  PrintDevices(c, devices);
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
  if (!*new_epoch && !c.json) {
    c.out << "Device " << c.positional[0] << " stays revoked; its envelopes up to " << *cutoff
          << " are accepted now. Sync or export a bundle so the others learn of it.\n";
    return 0;
  }
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("revoked").String(c.positional[0]);
    w.Key("epoch").Int(c.node->epoch()).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << "Revoked device " << c.positional[0] << "; epoch " << c.node->epoch()
        << " started for the remaining devices.\n"
        << "Sync or export a bundle so the others learn of it. A revoked device keeps what it "
           "had already read, and nothing after.\n";
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
    WriteDevices(w, devices);
    w.Key("quarantine").BeginArray();
    for (const auto& q : *quarantine) {
      w.BeginObject().Key("envelope").String(q.id).Key("reason").String(q.reason).EndObject();
    }
    w.EndArray().EndObject();
    PrintJson(c, w);
    return 0;
  }
  PrintPairs(c.out, {{"workspace", ToHex(t.workspace())},
                     {"roster version", std::to_string(t.roster_version())},
                     {"roster id", ToHex(t.roster_id())},
                     {"epoch (this device)", std::to_string(c.node->epoch())}});
  c.out << '\n';
  PrintDevices(c, devices);
  if (!quarantine->empty()) {
    c.out << "\nQuarantined envelopes (never applied; evidence for an admin):\n";
    for (const auto& q : *quarantine) c.out << "  " << q.id.substr(0, 16) << "  " << q.reason << '\n';
  }
  return 0;
}

// [SECTION] Bundles

int CmdBundleExport(Context& c) {
  if (int code = OpenNode(c); code != 0) return code;
  auto bundle = c.node->ExportBundle(c.Value("for"));
  if (!bundle) return Refuse(c, bundle.error());
  std::string out = c.Value("out");
  if (auto w = WriteFileWhole(out, *bundle); !w) return Refuse(c, w.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("file").String(out).Key("bytes").Int(static_cast<int64_t>(bundle->size()));
    w.EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << "Bundle written to " << out << " (" << Mib(bundle->size())
        << "), checked by reading it back.\nOn the other device: dosti bundle import " << out
        << '\n';
  return 0;
}

int CmdBundleImport(Context& c) {
  auto file = ReadFile(c.positional[0]);
  if (!file) return Refuse(c, file.error());
  if (int code = OpenNode(c); code != 0) return code;
  auto report = c.node->ImportBundle(*file);
  if (!report) return Refuse(c, report.error());
  // What arrived is sealed into this device's log too, so the next bundle can forward it.
  bool failed = report->damaged || report->received.rejected > 0;
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("exporter").String(report->exporter);
    w.Key("damaged").Bool(report->damaged).Key("damage").StringOrNull(report->damage);
    WriteReceived(w, report->received);
    w.EndObject();
    PrintJson(c, w);
  } else {
    c.out << "Bundle from device " << report->exporter << ": ";
    PrintReceived(c, report->received);
  }
  if (report->damaged) c.err << "error: " << c.positional[0] << ": " << report->damage
                             << "; the valid envelopes in it were kept\n";
  else if (failed) c.err << "error: " << report->received.rejected << " envelopes were rejected\n";
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
  auto sealed = c.node->SealOutgoing();
  if (!sealed && sealed.error().code != ErrorCode::kRevoked) return Refuse(c, sealed.error());
  net::ClientOptions options;
  options.ca_cert_file = c.Value("ca-cert");
  bool progressed = false;  // a progress line is on stderr, to be ended with a newline
  options.on_progress = [&](const net::Progress& p) {
    progressed = true;
    c.err << "\rsync: ↑ " << p.envelopes_up << " envelopes, " << Mib(p.bytes_up) << "  ↓ "
          << p.envelopes_down << " envelopes, " << Mib(p.bytes_down) << "   " << std::flush;
  };
  auto client = net::RelayClient::Open(url, c.node->trust().workspace(), options);
  if (!client) return Refuse(c, client.error());
  net::RelayClient& relay = **client;

  // The roster first: register the workspace when the relay does not know it yet (open on a
  // loopback relay, a token elsewhere), then hand over and take every control message, so
  // both sides judge authors alike.
  auto control = c.node->ControlMessages();
  auto first = relay.GetControl(0);
  if (!first) {
    if (auto r = relay.Register(control.front(), c.Value("registration-token")); !r) {
      return Refuse(c, r.error());
    }
  }
  if (auto r = relay.PostControl(control); !r) return Refuse(c, r.error());
  sync::ReceiveReport total;
  // A workspace registered just now holds only what this device posted.
  net::ControlPage page = first ? std::move(*first) : net::ControlPage{};
  for (;;) {
    std::vector<std::string_view> views(page.messages.begin(), page.messages.end());
    auto r = c.node->Receive(views);
    if (!r) return Refuse(c, r.error());
    total.Merge(*r);
    if (!page.more) break;
    auto next = relay.GetControl(page.next);
    if (!next) return Refuse(c, next.error());
    page = std::move(*next);
  }

  // Push what the relay lacks (any author's: this device forwards what it has), then pull.
  if (auto r = relay.SignIn(c.keys->id(), c.keys->sign.sk); !r) {
    return Refuse(c, r.error());
  }
  auto theirs = relay.GetFrontier();
  if (!theirs) return Refuse(c, theirs.error());
  size_t pushed = 0, push_rejected = 0;
  for (;;) {
    auto batch = c.node->ChangesAfter(*theirs, 8u << 20);
    if (!batch) return Refuse(c, batch.error());
    if (batch->empty()) break;
    auto r = relay.Push(*batch);
    if (!r) return Refuse(c, r.error());
    pushed += r->accepted;
    push_rejected += r->rejected.size();
    for (const auto& rej : r->rejected) {
      c.err << (progressed ? "\n" : "") << "relay refused an envelope: " << rej.reason << '\n';
      progressed = false;
    }
    for (const Bytes& env : *batch) {
      auto parsed = sync::ParseEnvelope(env);
      if (parsed) (*theirs)[parsed->header.author] = std::max((*theirs)[parsed->header.author], parsed->header.seq);
    }
    if (!r->rejected.empty()) break;  // the rest would follow the refused one: stop
  }
  net::Frontier mine = c.node->Frontier();
  auto pulled = relay.PullAll(&mine, [&](std::vector<Bytes>&& page) -> Result<void> {
    std::vector<std::string_view> views(page.begin(), page.end());
    auto r = c.node->Receive(views);
    if (!r) return r.error();
    total.Merge(*r);
    return {};
  });
  if (progressed) c.err << '\n';
  if (!pulled) return Refuse(c, pulled.error());
  if (auto r = c.node->SetRelayUrl(url); !r) return Refuse(c, r.error());
  const net::Progress& p = relay.progress();
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("relay").String(url);
    w.Key("pushed").Int(static_cast<int64_t>(pushed));
    w.Key("push_rejected").Int(static_cast<int64_t>(push_rejected));
    w.Key("up_envelopes").Int(static_cast<int64_t>(p.envelopes_up));
    w.Key("up_bytes").Int(static_cast<int64_t>(p.bytes_up));
    w.Key("down_envelopes").Int(static_cast<int64_t>(p.envelopes_down));
    w.Key("down_bytes").Int(static_cast<int64_t>(p.bytes_down));
    WriteReceived(w, total);
    w.EndObject();
    PrintJson(c, w);
  } else {
    c.out << "Synced with " << url << ": sent " << pushed << " envelopes; received: ";
    PrintReceived(c, total);
  }
  return total.rejected > 0 || push_rejected > 0 ? 1 : 0;
}

#endif

}  // namespace dosti::cli
