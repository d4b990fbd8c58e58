// Sync (issue 11; DOMAIN.md workflow 8): where this device stands (last sync, changes waiting,
// its approval), the relay address and "sync now" with progress and cancel, bundles exported
// and imported through a file chooser, the clock-skew and quarantine warnings in words, the
// conflicts inbox, devices with approve (the admin types the verification code the new device
// shows) and revoke, and invites as text and as a QR code.
// Everything that touches this device's keys runs on the Worker: a job opens the device there
// (sync::OpenDevice on the Worker's Session, the key file beside the database, as the dosti
// command does), does its one thing and hands back what it found. The sync layer is called
// exactly as desktop/cli/commands_trust.cpp calls it; this file lays out what comes back.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "dosti/base64.h"
#include "dosti/file.h"
#include "dosti/sync/identity.h"
#include "dosti/sync/node.h"
#include "dosti/sync/round.h"
#if DOSTI_WITH_NET
#include "dosti/net/http_transport.h"
#endif
#include "file_chooser.h"
#include "qr.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

// The scripts' name of a widget of this screen: sync.<name> (sync.now, sync.relay).
std::string Target(std::string_view name) {
  std::string out = "sync";
  out += '.';
  out += name;
  return out;
}

// [SECTION] What the Worker finds

// This device's sync state, read on the Worker.
struct SyncState {
  std::optional<Error> error;  // the device could not be opened (no keys, a wrong passphrase)
  std::string relay;
  sync::Node::SyncStatus status;
  sync::DeviceView self;
  bool approved = false, pending = false;
  std::vector<sync::DeviceView> devices;
  std::vector<sync::Node::Quarantined> quarantine;
  std::vector<HeldCommit> held;
  std::vector<Conflict> conflicts;
  std::map<std::string, std::string> names;  // enterprise id → its name in the reader's language
};

// What an action did, in the reader's language (logical order; the Ui draws it).
struct Outcome {
  std::optional<Error> error;
  std::vector<std::string> lines;     // what happened
  std::vector<std::string> warnings;  // what needs someone's attention
  std::optional<std::string> invite;  // an invite just made: its file's bytes
};

// Between the screen (UI thread) and its jobs (the Worker).
struct Shared {
  std::mutex mutex;
  std::optional<Outcome> outcome;
  sync::SyncRound* round = nullptr;  // the round running now, for Cancel
  bool cancelled = false;
  std::condition_variable wake;  // a retry's wait ends early when cancelled
  sync::SyncProgress progress;
  int64_t done = 0, total = 0;  // a bundle import's envelopes
};

// This device's node on the Worker's Session: the key file beside the database, protected by
// $DOSTI_KEY_PASSPHRASE when it has one (as for the dosti command).
Result<std::unique_ptr<sync::Node>> OpenNode(Session& s, const std::string& db_path) {
  auto store = sync::KeyFileBeside(db_path);
  sync::DeviceSetup setup;
  setup.keys = store.get();
  if (const char* p = std::getenv("DOSTI_KEY_PASSPHRASE"); p != nullptr) setup.key_passphrase = p;
  return sync::OpenDevice(s, setup);
}

SyncState ReadState(Session& s, const std::string& db_path, const std::string& lang) {
  SyncState st;
  if (auto node = OpenNode(s, db_path); !node) {
    st.error = node.error();
  } else {
    sync::Node& n = **node;
    st.relay = n.RelayUrl().value_or("");
    if (auto status = n.Status()) st.status = *status;
    st.self = n.Self();
    st.approved = n.approved();
    st.pending = n.pending();
    st.devices = n.Devices();
    if (auto q = n.Quarantine()) st.quarantine = std::move(*q);
  }
  if (auto held = s.ListHeld()) st.held = std::move(*held);
  if (auto conflicts = s.ListConflicts()) st.conflicts = std::move(*conflicts);
  for (const Conflict& k : st.conflicts) {
    if (k.table != "enterprise" || st.names.count(k.record_id) != 0) continue;
    if (auto e = s.GetEnterprise(k.record_id)) {
      st.names[k.record_id] = EnterpriseNameIn(e->record, lang);
    }
  }
  return st;
}

// What an exchange brought in, as lines and warnings: its counts, then each envelope refused,
// waiting or no longer valid with why, the commits the core holds back (a clock too far
// ahead, in words), alarms, and this device's approval state.
void Describe(const sync::ReceiveReport& r, const std::string& lang, Outcome& out) {
  out.lines.push_back(Translate("desktop.sync.received", lang,
                                {{"applied", std::to_string(r.applied)},
                                 {"changes", std::to_string(r.changes)},
                                 {"known", std::to_string(r.known)},
                                 {"waiting", std::to_string(r.waiting)},
                                 {"rejected", std::to_string(r.rejected)},
                                 {"stale", std::to_string(r.stale)}}));
  for (const sync::Received& item : r.items) {
    const char* key = nullptr;
    switch (item.status) {
      case sync::Received::Status::kRejected:
        key = "desktop.sync.item_rejected";
        break;
      case sync::Received::Status::kWaiting:
        key = "desktop.sync.item_waiting";
        break;
      case sync::Received::Status::kStale:
        key = "desktop.sync.item_stale";
        break;
      default:
        break;
    }
    if (key == nullptr) continue;
    out.warnings.push_back(Translate(
        key, lang,
        {{"what", Translate(item.what, lang)}, {"reason", Translate(item.reason, lang)}}));
  }
  std::string last;
  for (const HeldCommit& h : r.held) {
    if (h.device == last) continue;  // the others of that device wait behind the first
    last = h.device;
    out.warnings.push_back(Translate(h.reason, lang));
  }
  for (const sync::Alarm& a : r.alarms) out.warnings.push_back(Translate(a.message, lang));
  if (r.awaiting_approval) {
    out.lines.push_back(Translate("desktop.sync.awaiting_approval", lang, {{"code", r.code}}));
  }
}

// [SECTION] The screen

class SyncScreen : public Screen {
 public:
  SyncScreen()
      : export_(Target("export")), import_(Target("import")), invite_file_(Target("invite.file")) {
    export_.Suggest(HomeFolder(), "dosti.bundle");
    import_.Suggest(HomeFolder(), "");
    invite_file_.Suggest(HomeFolder(), "dosti.invite");
  }

  void Draw(App& app) override {
    Ui& ui = app.ui();
    Take(app);
    ui.Text(ui.T("desktop.nav.sync"));
    ui.Mark("screen.sync");
    ImGui::Separator();
    ImGui::BeginChild("##sync_page", ImVec2(0, 0), false);
    if (!state_) {
      ui.TextDisabled(ui.T("desktop.loading"));
      ImGui::EndChild();
      return;
    }
    DrawStanding(app);
    DrawRelay(app);
    DrawOutcome(app);
    DrawWarnings(app);
    DrawDevices(app);
    DrawConflicts(app);
    DrawBundles(app);
    DrawInvite(app);
    ImGui::EndChild();
  }

  // Changes waiting, conflicts and held commits move with any change: read again when next
  // drawn (not while another screen is shown).
  void OnChange(App&, const ChangeEvent&) override { read_.MarkStale(); }

  void OnClose() override { Cancel(); }

  void OnLanguage(App&) override {
    outcome_.reset();  // written in the language it was made in
    read_.MarkStale();
  }

 private:
  // [SECTION] Jobs
  // Runs `action` on the Worker with this device's node; its outcome shows when it is done,
  // and the state is read again.
  void Act(App& app, std::string running_key,
           std::function<void(Session&, sync::Node&, const std::string& lang, Outcome&)> action) {
    running_ = std::move(running_key);
    outcome_.reset();
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->cancelled = false;
      shared_->progress = {};
      shared_->done = shared_->total = 0;
    }
    app.worker().Post([shared = shared_, path = app.db_path(), lang = app.ui().lang(),
                       action = std::move(action)](Session& s) {
      Outcome out;
      if (auto node = OpenNode(s, path); !node) {
        out.error = node.error();
      } else {
        action(s, **node, lang, out);
      }
      std::lock_guard<std::mutex> lock(shared->mutex);
      shared->outcome = std::move(out);
    });
  }

  void Take(App& app) {
    std::optional<SyncState> state =
        read_.Poll(app.worker(), [path = app.db_path(), lang = app.ui().lang()](Session& s) {
          return ReadState(s, path, lang);
        });
    std::optional<Outcome> outcome;
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      outcome = std::exchange(shared_->outcome, std::nullopt);
      progress_ = shared_->progress;
      done_ = shared_->done;
      total_ = shared_->total;
    }
    if (state) {
      if (relay_.empty() && !relay_edited_) relay_ = state->relay;
      state_ = std::move(state);
    }
    if (outcome) {
      running_.clear();
      if (outcome->invite) {
        invite_ = *outcome->invite;
        invite_text_ = state_ && !state_->relay.empty() ? sync::InviteLink(state_->relay, invite_)
                                                        : Base64UrlEncode(invite_);
        invite_qr_ = EncodeQr(invite_text_);
      }
      outcome_ = std::move(outcome);
      read_.MarkStale();
    }
  }

  void SyncNow(App& app) {
#if DOSTI_WITH_NET
    Act(app, "desktop.sync.syncing",
        [shared = shared_, url = relay_](Session&, sync::Node& node, const std::string& lang,
                                         Outcome& out) {
          // A retry's wait (the round's backoff, up to 8 s) ends as soon as Cancel is pressed;
          // a request under way ends at its own timeout.
          net::TransportOptions transport_options;
          transport_options.sleep = [shared](int ms) {
            std::unique_lock<std::mutex> lock(shared->mutex);
            shared->wake.wait_for(lock, std::chrono::milliseconds(ms),
                                  [&] { return shared->cancelled; });
          };
          auto transport = net::HttpTransport::Open(url, transport_options);
          if (!transport) {
            out.error = transport.error();
            return;
          }
          sync::SyncOptions options;
          options.relay_url = (*transport)->url();
          options.on_progress = [shared](const sync::SyncProgress& p) {
            std::lock_guard<std::mutex> lock(shared->mutex);
            shared->progress = p;
          };
          sync::SyncRound round(node, options);
          {
            std::lock_guard<std::mutex> lock(shared->mutex);
            shared->round = &round;
            if (shared->cancelled) round.Cancel();
          }
          auto report = (*transport)->Run(round);
          {
            std::lock_guard<std::mutex> lock(shared->mutex);
            shared->round = nullptr;
          }
          if (!report) {
            out.error = report.error();
            return;
          }
          out.lines.push_back(Translate("desktop.sync.synced", lang,
                                        {{"relay", report->relay},
                                         { "sent",
                                           std::to_string(report->pushed) }}));
          Describe(report->received, lang, out);
          for (const Message& m : report->push_refused) out.warnings.push_back(Translate(m, lang));
          for (const Message& m : report->control_refused) {
            out.warnings.push_back(Translate(m, lang));
          }
        });
#else
    outcome_ = Outcome{MakeError(ErrorCode::kNetwork, "desktop.sync.no_network"), {}, {}, {}};
#endif
  }

  void Cancel() {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->cancelled = true;
    if (shared_->round != nullptr) shared_->round->Cancel();
    shared_->wake.notify_all();
  }

  // [SECTION] Drawing
  void DrawStanding(App& app) {
    Ui& ui = app.ui();
    const SyncState& st = *state_;
    if (st.error) {
      ui.TextError(ui.ShowError(*st.error));
      ui.Mark(Target("error"));
      return;
    }
    std::string last = st.status.last_synced_ms == 0 ? Translate("desktop.sync.never", ui.lang())
                                                     : LocalTime(st.status.last_synced_ms);
    ui.Text(ui.T("desktop.sync.standing",
                 {{"last", last}, {"waiting", std::to_string(st.status.pending_changes)}}));
    ui.Mark(Target("standing"));
    ui.TextDisabled(
        ui.T("desktop.sync.this_device",
             {{"device", st.self.id},
              {"role", std::string(Label("role", st.self.role, ui.lang()))},
              {"office", std::string(Label("office", st.self.office, ui.lang()))},
              {"status", std::string(Label("device_status", st.self.status, ui.lang()))}}));
    if (st.pending) {
      ui.TextWarning(ui.T("desktop.sync.awaiting_approval", {{"code", st.self.code}}));
      ui.Mark(Target("pending_code"));
    }
  }

  void DrawRelay(App& app) {
    Ui& ui = app.ui();
    ImGui::Spacing();
    ui.Text(ui.T("desktop.sync.relay"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    if (ui.Input(Target("relay"), relay_, "desktop.sync.relay_hint")) relay_edited_ = true;
    ImGui::SameLine();
    const bool busy = !running_.empty();
    ImGui::BeginDisabled(busy || relay_.empty());
    if (ui.Button("desktop.sync.now", Target("now"))) SyncNow(app);
    ImGui::EndDisabled();
    if (!busy) return;
    ImGui::SameLine();
    if (ui.Button("desktop.action.cancel", Target("cancel"))) Cancel();
    // Progress: the round's envelopes both ways, or a bundle's envelopes taken in.
    std::string line = ui.T(running_);
    if (running_ == "desktop.sync.syncing" && progress_.requests > 0) {
      line = ui.T("desktop.sync.progress", {{"up", std::to_string(progress_.envelopes_up)},
                                            {"up_size", ByteSize(progress_.bytes_up)},
                                            {"down", std::to_string(progress_.envelopes_down)},
                                            {"down_size", ByteSize(progress_.bytes_down)}});
    } else if (total_ > 0) {
      line = ui.T("desktop.sync.import_progress",
                  {{"done", std::to_string(done_)}, {"total", std::to_string(total_)}});
      ImGui::ProgressBar(static_cast<float>(done_) / static_cast<float>(total_),
                         ImVec2(ImGui::GetFontSize() * 12, 0), "");
      ImGui::SameLine();
    }
    ui.Text(line);
    ui.Mark(Target("progress"));
  }

  void DrawOutcome(App& app) {
    Ui& ui = app.ui();
    if (!outcome_) return;
    ImGui::Spacing();
    if (outcome_->error) {
      ui.TextError(ui.ShowError(*outcome_->error));
      ui.Mark(outcome_->error->code == ErrorCode::kCancelled ? Target("outcome.cancelled")
                                                             : Target("outcome.error"));
    }
    for (const std::string& line : outcome_->lines) {
      ImGui::PushTextWrapPos(0);
      ui.Text(ui.Show(line));
      ImGui::PopTextWrapPos();
      ui.Mark(Target("outcome"));
    }
    for (const std::string& w : outcome_->warnings) ui.TextWarning(ui.Show(w));
  }

  // Commits held back (a device's clock ahead, in words) and quarantined envelopes.
  void DrawWarnings(App& app) {
    Ui& ui = app.ui();
    const SyncState& st = *state_;
    std::string last;
    for (const HeldCommit& h : st.held) {
      if (h.device == last) continue;  // the others of that device wait behind the first
      last = h.device;
      ui.TextWarning(ui.Show(Translate(h.reason, ui.lang())));
      ui.Mark(Target("held"));
      if (Admin() && !h.accepted) {
        ImGui::PushID(h.device.c_str());
        if (ui.Button("desktop.sync.accept_held", Target("accept_held"))) AcceptHeld(app, h.device);
        ImGui::PopID();
      }
    }
    if (!st.quarantine.empty()) {
      ui.TextWarning(
          ui.T("desktop.sync.quarantine", {{"n", std::to_string(st.quarantine.size())}}));
      ui.Mark(Target("quarantine"));
      for (const auto& q : st.quarantine) {
        ui.TextWarning(ui.Show(q.id.substr(0, 16) + "  " + Translate(q.reason, ui.lang())));
      }
    }
  }

  void AcceptHeld(App& app, const std::string& device) {
    Act(app, "desktop.sync.working",
        [device](Session& s, sync::Node&, const std::string& lang, Outcome& out) {
          auto report = s.AcceptHeld(device);
          if (!report) {
            out.error = report.error();
            return;
          }
          out.lines.push_back(Translate("desktop.sync.held_accepted", lang,
                                        {{"applied", std::to_string(report->applied)},
                                         {"changes", std::to_string(report->changes)}}));
        });
  }

  void DrawBundles(App& app) {
    Ui& ui = app.ui();
    const bool open =
        ImGui::CollapsingHeader(Ui::Id(ui.T("desktop.sync.bundles"), "bundles").c_str());
    ui.Mark(Target("bundles"));
    if (!open) return;
    ImGui::PushTextWrapPos(0);
    ui.TextDisabled(ui.T("desktop.sync.bundles_note"));
    ImGui::PopTextWrapPos();
    const bool busy = !running_.empty();
    // Export at the left, import at the right: both in sight with the devices below.
    if (!ImGui::BeginTable("##bundles", 2, ImGuiTableFlags_SizingStretchSame)) return;
    ImGui::TableNextColumn();
    ui.Text(ui.T("desktop.sync.export_to"));
    export_.Draw(app, 4);
    ImGui::BeginDisabled(busy || export_.path().empty());
    if (ui.Button("desktop.sync.export", Target("export"))) {
      Act(app, "desktop.sync.working",
          [path = export_.path()](Session&, sync::Node& node, const std::string& lang,
                                  Outcome& out) {
            auto bundle = node.ExportBundle();
            if (!bundle) {
              out.error = bundle.error();
              return;
            }
            if (auto w = WriteFileAtomic(path, *bundle, {.private_file = true}); !w) {
              out.error = w.error();
              return;
            }
            out.lines.push_back(Translate("desktop.sync.bundle_written", lang,
                                          {{"path", path}, {"size", ByteSize(bundle->size())}}));
            if (node.pending()) {
              out.lines.push_back(Translate("desktop.sync.awaiting_approval", lang,
                                            {{"code", node.verification_code()}}));
            }
          });
    }
    ImGui::EndDisabled();
    ImGui::TableNextColumn();
    ui.Text(ui.T("desktop.sync.import_from"));
    import_.Draw(app, 4);
    ImGui::BeginDisabled(busy || import_.path().empty());
    if (ui.Button("desktop.sync.import", Target("import"))) {
      Act(app, "desktop.sync.importing",
          [shared = shared_, path = import_.path()](Session&, sync::Node& node,
                                                    const std::string& lang, Outcome& out) {
            auto file = ReadFile(path);
            if (!file) {
              out.error = file.error();
              return;
            }
            auto report =
                node.ImportBundle(*file, [&](int64_t done, int64_t total, std::string_view) {
                  std::lock_guard<std::mutex> lock(shared->mutex);
                  if (shared->cancelled) node.Interrupt();
                  shared->done = done;
                  shared->total = total;
                });
            if (!report) {
              out.error = report.error();
              return;
            }
            out.lines.push_back(
                Translate("desktop.sync.bundle_from", lang, {{"device", report->exporter}}));
            Describe(report->received, lang, out);
            if (report->damaged) {
              out.warnings.push_back(
                  Translate("desktop.sync.bundle_damaged", lang,
                            {{"path", path}, {"why", Translate(report->damage, lang)}}));
            }
          });
    }
    ImGui::EndDisabled();
    ImGui::EndTable();
  }

  void DrawConflicts(App& app) {
    Ui& ui = app.ui();
    const SyncState& st = *state_;
    std::string title =
        ui.T("desktop.sync.conflicts", {{"n", std::to_string(st.conflicts.size())}});
    const bool open =
        ImGui::CollapsingHeader(Ui::Id(title, "conflicts").c_str(), ImGuiTreeNodeFlags_DefaultOpen);
    ui.Mark(Target("conflicts"));
    if (!open) return;
    if (st.conflicts.empty()) {
      ui.TextDisabled(ui.T("desktop.sync.no_conflicts"));
      return;
    }
    for (std::size_t i = 0; i < st.conflicts.size(); ++i) {
      const Conflict& k = st.conflicts[i];
      const std::string target = Target("conflict.") + std::to_string(i);
      ImGui::PushID(k.id.c_str());
      std::string record = k.record_id.substr(0, 12);
      if (auto it = st.names.find(k.record_id); it != st.names.end()) record = it->second;
      ui.Text(
          ui.T("desktop.sync.conflict", {{"field", std::string(Label("field", k.field, ui.lang()))},
                                         {"table", std::string(Label("table", k.table, ui.lang()))},
                                         {"record", record}}));
      ui.Mark(target);
      for (std::size_t n = 0; n < k.values.size(); ++n) {
        const ConflictValue& v = k.values[n];
        std::string value = ValueText(v.value);
        ImGui::PushID(static_cast<int>(n));
        if (ui.Button("desktop.sync.keep", target + ".keep." + std::to_string(n + 1))) {
          Resolve(app, k.id, static_cast<int>(n + 1), {});
        }
        ImGui::SameLine();
        ui.Text(ui.T(v.winner ? "desktop.sync.value_shown" : "desktop.sync.value",
                     {{"value", value.empty() ? Translate("desktop.sync.empty", ui.lang()) : value},
                      {"office", std::string(Label("office", v.office, ui.lang()))},
                      {"device", v.device.substr(0, 8)},
                      {"time", LocalTime(v.time_ms)}}));
        ImGui::PopID();
      }
      std::string& typed = typed_values_[k.id];
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
      ui.Input(target + ".value", typed, "desktop.sync.other_value");
      ImGui::SameLine();
      ImGui::BeginDisabled(typed.empty());
      if (ui.Button("desktop.sync.resolve", target + ".resolve")) Resolve(app, k.id, 0, typed);
      ImGui::EndDisabled();
      ImGui::PopID();
      ImGui::Separator();
    }
  }

  // A resolution is one write on the UI thread's Session; it syncs like any change.
  void Resolve(App& app, const std::string& id, int keep, const std::string& value) {
    Session& s = app.session();
    Result<void> r = keep > 0 ? s.ResolveConflictKeep(id, keep) : s.ResolveConflict(id, value);
    Ui& ui = app.ui();
    if (!r) {
      app.Notify(ui.ShowError(r.error()), true);
      return;
    }
    typed_values_.erase(id);
    app.Notify(ui.T("desktop.sync.resolved"));
    read_.MarkStale();
  }

  bool Admin() const { return state_ && !state_->error && state_->self.role == "admin"; }

  void DrawDevices(App& app) {
    Ui& ui = app.ui();
    const SyncState& st = *state_;
    if (st.error) return;
    std::string title = ui.T("desktop.sync.devices", {{"n", std::to_string(st.devices.size())}});
    const bool open =
        ImGui::CollapsingHeader(Ui::Id(title, "devices").c_str(), ImGuiTreeNodeFlags_DefaultOpen);
    ui.Mark(Target("devices"));
    if (!open) return;
    const bool admin = Admin();
    const bool busy = !running_.empty();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersV | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##devices", 6, flags)) return;
    for (const char* f : {"id", "role", "office", "status", "expires", "envelopes"}) {
      ImGui::TableSetupColumn(Ui::Id(ui.Field(f), f).c_str());
    }
    ImGui::TableHeadersRow();
    int pending = 0;
    for (const sync::DeviceView& d : st.devices) {
      ImGui::PushID(d.id.c_str());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui.Text(ui.Show(d.id.substr(0, 12) +
                      (d.self ? "  " + Translate("desktop.sync.self", ui.lang()) : "")));
      ImGui::TableNextColumn();
      ui.Text(ui.L("role", d.role));
      ImGui::TableNextColumn();
      ui.Text(ui.L("office", d.office));
      ImGui::TableNextColumn();
      ui.Text(ui.L("device_status", d.status));
      ImGui::TableNextColumn();
      ui.Text(ui.Show(d.expires_ms == 0 ? "-" : LocalTime(d.expires_ms).substr(0, 10)));
      ImGui::TableNextColumn();
      if (d.status == "pending") {
        // The admin compares: the code the new device shows is typed here; the core refuses
        // a code that differs (Node::Approve) and nothing changes.
        const std::string target = Target("pending.") + std::to_string(pending++);
        ui.Mark(target);
        if (admin) {
          std::string& code = codes_[d.id];
          ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
          ui.Input(target + ".code", code, "desktop.sync.code_hint");
          ImGui::SameLine();
          ImGui::BeginDisabled(busy || code.empty());
          if (ui.Button("desktop.sync.approve", target + ".approve")) Approve(app, d.id, code);
          ImGui::EndDisabled();
          ImGui::SameLine();
          DrawRevoke(app, d, target, busy);
        } else {
          ui.TextDisabled(ui.T("desktop.sync.pending_code", {{"code", d.code}}));
        }
      } else {
        ui.Text(ui.Show(std::to_string(d.applied)));
        if (admin && !d.self && d.status == "active") {
          ImGui::SameLine();
          DrawRevoke(app, d, Target("device.") + d.id.substr(0, 12), busy);
        }
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
    if (admin) {
      ImGui::PushTextWrapPos(0);
      ui.TextDisabled(ui.T("desktop.sync.approve_note"));
      ImGui::PopTextWrapPos();
    }
  }

  // Revoke asks once more before it acts: a revoked device cannot come back.
  void DrawRevoke(App& app, const sync::DeviceView& d, const std::string& target, bool busy) {
    Ui& ui = app.ui();
    ImGui::BeginDisabled(busy);
    if (revoking_ != d.id) {
      if (ui.Button(d.status == "pending" ? "desktop.sync.refuse" : "desktop.sync.revoke",
                    target + ".revoke")) {
        revoking_ = d.id;
      }
    } else {
      if (ui.Button("desktop.sync.revoke_confirm", target + ".revoke_confirm")) {
        revoking_.clear();
        Revoke(app, d.id);
      }
      ImGui::SameLine();
      if (ui.Button("desktop.action.cancel", target + ".revoke_cancel")) revoking_.clear();
    }
    ImGui::EndDisabled();
  }

  void Approve(App& app, const std::string& device, const std::string& code) {
    Act(app, "desktop.sync.working",
        [device, code](Session&, sync::Node& node, const std::string& lang, Outcome& out) {
          if (auto ok = node.Approve(device, code); !ok) {
            out.error = ok.error();
            return;
          }
          out.lines.push_back(Translate("desktop.sync.approved", lang,
                                        {{"device", device.substr(0, 12)},
                                         {"roster", std::to_string(node.trust().roster_version())},
                                         {"epoch", std::to_string(node.epoch())}}));
        });
  }

  void Revoke(App& app, const std::string& device) {
    Act(app, "desktop.sync.working",
        [device](Session&, sync::Node& node, const std::string& lang, Outcome& out) {
          auto new_epoch = node.Revoke(device);
          if (!new_epoch) {
            out.error = new_epoch.error();
            return;
          }
          out.lines.push_back(Translate(
              *new_epoch ? "desktop.sync.revoked" : "desktop.sync.refused", lang,
              {{"device", device.substr(0, 12)}, {"epoch", std::to_string(node.epoch())}}));
        });
  }

  void DrawInvite(App& app) {
    Ui& ui = app.ui();
    if (!Admin()) return;
    const bool open =
        ImGui::CollapsingHeader(Ui::Id(ui.T("desktop.sync.invite"), "invite").c_str());
    ui.Mark(Target("invite"));
    if (!open) return;
    const float em = ImGui::GetFontSize();
    ui.Combo(Target("invite.role"), invite_role_,
             {{"office", ui.L("role", "office")}, {"booth", ui.L("role", "booth")}}, em * 8);
    ImGui::SameLine();
    std::vector<std::pair<std::string, std::string>> offices;
    for (std::string_view o : kOffices) offices.emplace_back(std::string(o), ui.L("office", o));
    ui.Combo(Target("invite.office"), invite_office_, offices, em * 8);
    ImGui::SameLine();
    ui.Text(ui.T("desktop.sync.invite_days"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 4);
    ui.Input(Target("invite.days"), invite_days_, {}, ImGuiInputTextFlags_CharsDecimal);
    ImGui::SetNextItemWidth(em * 14);
    ui.Input(Target("invite.passphrase"), passphrase_, "desktop.sync.passphrase_hint",
             ImGuiInputTextFlags_Password);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 14);
    ui.Input(Target("invite.passphrase2"), passphrase2_, "desktop.sync.passphrase_again",
             ImGuiInputTextFlags_Password);
    ImGui::SameLine();
    const bool busy = !running_.empty();
    ImGui::BeginDisabled(busy || passphrase_.empty());
    if (ui.Button("desktop.sync.invite_create", Target("invite.create"))) CreateInvite(app);
    ImGui::EndDisabled();
    if (!invite_check_.empty()) ui.TextError(ui.T(invite_check_));
    if (invite_.empty()) return;
    // The invite: the link (or its text) to copy, its QR code, and a file to save it to.
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0);
    ui.Text(ui.T("desktop.sync.invite_made"));
    ImGui::PopTextWrapPos();
    // The text, its copy and its file at the left; the QR code at the right.
    if (!ImGui::BeginTable("##invite", 2, ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn("##text", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("##qr", ImGuiTableColumnFlags_WidthFixed, em * 19);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    ui.Input(Target("invite.text"), invite_text_, {}, ImGuiInputTextFlags_ReadOnly);
    if (ui.Button("desktop.sync.copy", Target("invite.copy"))) {
      ImGui::SetClipboardText(invite_text_.c_str());
      app.Notify(ui.T("desktop.sync.copied"));
    }
    ui.Text(ui.T("desktop.sync.invite_save"));
    invite_file_.Draw(app, 3);
    if (ui.Button("desktop.action.save", Target("invite.save"))) {
      if (auto w = WriteFileAtomic(invite_file_.path(), invite_, {.private_file = true}); !w) {
        app.Notify(ui.ShowError(w.error()), true);
      } else {
        app.Notify(ui.T("desktop.sync.invite_saved", {{"path", invite_file_.path()}}));
      }
    }
    ImGui::TableNextColumn();
    if (invite_qr_) {
      const float module =
          std::max(2.0f, std::floor(em * 16 / static_cast<float>(invite_qr_->size)));
      DrawQr(*invite_qr_, module, ui.rtl());
      ui.Mark(Target("invite.qr"));
    } else {
      ui.TextDisabled(ui.T("desktop.sync.qr_too_long"));
    }
    ImGui::EndTable();
  }

  void CreateInvite(App& app) {
    // The form's own checks (the core checks the rest): two passphrases that match, a number
    // of days.
    invite_check_.clear();
    if (passphrase_ != passphrase2_) {
      invite_check_ = "desktop.sync.passphrase_mismatch";
      return;
    }
    int days = 0;
    for (char c : invite_days_) {
      if (c < '0' || c > '9' || days > 100000) {
        days = -1;
        break;
      }
      days = days * 10 + (c - '0');
    }
    if (days <= 0) {
      invite_check_ = "desktop.sync.days_invalid";
      return;
    }
    sync::Node::InviteOptions o;
    o.role = *sync::ParseRole(invite_role_);
    o.office = *sync::ParseOffice(invite_office_);
    o.expires_days = days;
    invite_.clear();
    Act(app, "desktop.sync.working",
        [o, passphrase = passphrase_](Session&, sync::Node& node, const std::string&,
                                      Outcome& out) mutable {
          o.relay_url = node.RelayUrl().value_or("");
          auto file = node.CreateInvite(o, passphrase);
          if (!file) {
            out.error = file.error();
            return;
          }
          out.invite = std::move(*file);
        });
    passphrase_.clear();
    passphrase2_.clear();
  }

  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  WorkerRead<SyncState> read_;
  std::optional<SyncState> state_;
  std::optional<Outcome> outcome_;
  std::string running_;  // the catalog key of what runs now ("" : nothing)
  sync::SyncProgress progress_;
  int64_t done_ = 0, total_ = 0;
  std::string relay_;
  bool relay_edited_ = false;
  FileChooser export_, import_, invite_file_;
  std::map<std::string, std::string> typed_values_;  // conflict id → a value typed
  std::map<std::string, std::string> codes_;         // pending device → the code typed
  std::string revoking_;                             // the device whose revoke awaits "sure?"
  std::string invite_role_ = "office", invite_office_ = "islamabad", invite_days_ = "7";
  std::string passphrase_, passphrase2_, invite_check_;
  std::string invite_, invite_text_;
  std::optional<QrModules> invite_qr_;
};

}  // namespace

std::unique_ptr<Screen> MakeSyncScreen(App&) { return std::make_unique<SyncScreen>(); }

}  // namespace dosti::desktop
