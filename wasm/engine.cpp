// The booth's engine: the core and the sync layer behind one C function that takes and gives
// JSON (wasm/README.md is the contract, call by call). Only the Web Worker (worker.js) calls
// it; nothing here knows of pages, promises or fetch.
//
//   const char* dosti_call(method, args_json, in_bytes, in_size)
//     → {"ok": true, "code": 0, "key": "", "message": "", "value": ...}
//     → {"ok": false, "code": N, "key": "catalog.key", "message": "English", "args": {...},
//        "field": "name"|null, "details": [...], "value": null}
//   dosti_out_ptr(), dosti_out_size(): the bytes of the last answer (a bundle, a request body).
// Both stay valid until the next call.
//
// The JavaScript side (library.js) gives the storage slots of the origin-private file system,
// progress with a cancel answer, and a "committed" signal for the IndexedDB fallback.
// Threading: one thread (the worker); one engine per module instance.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/booth.h"
#include "dosti/catalog.h"
#include "dosti/json.h"
#include "dosti/json_parse.h"
#include "dosti/session.h"
#include "dosti/sync/identity.h"
#include "dosti/sync/json.h"
#include "dosti/sync/node.h"
#include "dosti/sync/round.h"
#include "dosti/vfs.h"

// [SECTION] What JavaScript gives (library.js)
extern "C" {
int dosti_slot_count(void);
double dosti_slot_read(int slot, char* out, double n, double offset);
int dosti_slot_write(int slot, const char* data, double n, double offset);
int dosti_slot_truncate(int slot, double size);
double dosti_slot_size(int slot);
int dosti_slot_flush(int slot);
// Progress of a long call as JSON; returns 1 when the page asked to cancel it.
int dosti_js_progress(const char* json);
// A transaction committed (the IndexedDB fallback persists before it answers).
void dosti_js_committed(void);
}

namespace dosti::wasm {
namespace {

using json::Element;
using json::Writer;

// [SECTION] Storage: the worker's access handles as slots

class OpfsSlots final : public SlotStorage {
 public:
  int Count() const override { return dosti_slot_count(); }
  int64_t Read(int slot, char* out, int64_t n, int64_t offset) override {
    return static_cast<int64_t>(
        dosti_slot_read(slot, out, static_cast<double>(n), static_cast<double>(offset)));
  }
  bool Write(int slot, const char* data, int64_t n, int64_t offset) override {
    return dosti_slot_write(slot, data, static_cast<double>(n), static_cast<double>(offset)) == 1;
  }
  bool Truncate(int slot, int64_t size) override {
    return dosti_slot_truncate(slot, static_cast<double>(size)) == 1;
  }
  int64_t Size(int slot) override { return static_cast<int64_t>(dosti_slot_size(slot)); }
  bool Flush(int slot) override { return dosti_slot_flush(slot) == 1; }
};

constexpr const char* kDatabase = "dosti.db";
constexpr const char* kKeyFile = "dosti.db.key";
constexpr const char* kVfs = "dosti-pool";
// The IndexedDB fallback's slots: plain files in the folder the worker mounts as IDBFS.
constexpr const char* kIdbDir = "/dosti";

struct Engine {
  std::string storage;  // "opfs", "idbfs", "memory"; "" until open
  std::unique_ptr<SlotStorage> slots;
  std::unique_ptr<FilePool> pool;
  std::unique_ptr<Session> session;
  std::unique_ptr<sync::KeyStore> keys;
  std::unique_ptr<sync::Node> node;
  std::unique_ptr<sync::SyncRound> round;
  std::string key_passphrase;
  std::string answer;  // the last answer's JSON
  std::string out;     // the last answer's bytes
};

Engine& TheEngine() {
  static Engine e;
  return e;
}

// [SECTION] Arguments

const Element* Arg(const Element& args, std::string_view key) {
  return args.is_object() ? args.Find(key) : nullptr;
}
std::string Text(const Element& args, std::string_view key) {
  const Element* e = Arg(args, key);
  return e && (e->is_string() || e->is_number()) ? e->text() : std::string();
}
std::optional<int64_t> Int(const Element& args, std::string_view key) {
  const Element* e = Arg(args, key);
  return e ? e->Int64() : std::nullopt;
}
bool Flag(const Element& args, std::string_view key) {
  const Element* e = Arg(args, key);
  return e && e->boolean();
}
// A JSON object of field → value as the core's Fields: strings, integers, reals, true/false as
// 1/0, null as NULL.
Fields FieldsOf(const Element* object) {
  Fields out;
  if (!object || !object->is_object()) return out;
  for (std::size_t i = 0; i < object->size(); ++i) {
    const Element& v = object->items()[i];
    Value value;
    if (v.is_string()) {
      value = v.text();
    } else if (v.is_bool()) {
      value = int64_t{v.boolean() ? 1 : 0};
    } else if (auto n = v.Int64()) {
      value = *n;
    } else if (v.is_number()) {
      value = v.text();  // a real as written: the core parses text to the column's type
    }
    out.push_back({object->keys()[i], std::move(value)});
  }
  return out;
}
// A call's result as the answer's value, or its error.
template <typename T>
Result<void> WriteValue(Writer& w, const Result<T>& r) {
  if (!r) return r.error();
  json::Write(w, *r);
  return {};
}

Error Needs(std::string_view call, std::string_view what) {
  return MakeError(ErrorCode::kInvalid, "booth.bad_arguments",
                   {{"call", std::string(call)}, {"what", std::string(what)}});
}

// [SECTION] State checks and progress

Result<void> RequireOpen(Engine& e) {
  if (!e.session) return MakeError(ErrorCode::kNotInitialised, "booth.not_open");
  return {};
}
Result<void> RequireDevice(Engine& e) {
  DOSTI_TRY(RequireOpen(e));
  if (!e.node) return MakeError(ErrorCode::kNotInitialised, "booth.no_device");
  return {};
}
Result<void> RequireNoRound(Engine& e) {
  if (e.round) return MakeError(ErrorCode::kInvalid, "booth.sync_running");
  return {};
}

// Tells the page how far a long call is; stops it when the page asked to cancel.
void Report(Engine& e, const std::string& json) {
  if (dosti_js_progress(json.c_str()) == 1) {
    if (e.round) e.round->Cancel();
    if (e.session) e.session->Interrupt();
  }
}
Progress ProgressOf(Engine& e) {
  return [&e](int64_t done, int64_t total, std::string_view what) {
    Writer w;
    w.BeginObject().Key("what").String(what).Key("done").Int(done).Key("total").Int(total);
    Report(e, w.EndObject().Take());
  };
}

// [SECTION] Opening, joining, status

std::unique_ptr<sync::KeyStore> KeysFor(Engine& e) {
  if (e.pool) return sync::KeyFileInPool(*e.pool, kKeyFile);
  return sync::KeysInMemory();
}

sync::DeviceSetup Setup(Engine& e) {
  sync::DeviceSetup setup;
  setup.keys = e.keys.get();
  setup.key_passphrase = e.key_passphrase;
  return setup;
}

void WriteStatus(Engine& e, Writer& w) {
  w.BeginObject().Key("storage").String(e.storage).Key("workspace");
  auto info = e.session->Info();
  json::Write(w, info ? *info : WorkspaceInfo{});
  w.Key("joined").Bool(e.node != nullptr);
  w.Key("device");
  if (e.node) {
    sync::WriteDevice(w, e.node->Self());
  } else {
    w.Null();
  }
  w.Key("approved").Bool(e.node && e.node->approved());
  w.Key("pending").Bool(e.node && e.node->pending());
  w.Key("code").StringOrNull(e.node && e.node->pending() ? e.node->verification_code() : "");
  w.Key("relay").StringOrNull(e.node ? e.node->RelayUrl().value_or("") : "");
  sync::Node::SyncStatus status;
  if (e.node) {
    if (auto s = e.node->Status()) status = *s;
  }
  w.Key("pending_changes").Int(status.pending_changes);
  w.Key("last_synced_ms").Int(status.last_synced_ms);
  w.Key("last_synced")
      .StringOrNull(status.last_synced_ms ? json::UtcTime(status.last_synced_ms) : "");
  w.EndObject();
}

// Closes whatever is open, in the order the lifetimes ask for (vfs.h, round.h, node.h).
void Reset(Engine& e) {
  e.round.reset();
  e.node.reset();
  e.session.reset();
  e.keys.reset();
  e.pool.reset();
  e.slots.reset();
  e.storage.clear();
}

Result<void> OpenStorage(Engine& e, const Element& args) {
  std::string storage = Text(args, "storage");
  e.key_passphrase = Text(args, "keyPassphrase");
  if (storage == "opfs") {
    e.slots = std::make_unique<OpfsSlots>();
  } else if (storage == "idbfs") {
    auto slots = SlotFilesIn(kIdbDir, static_cast<int>(Int(args, "slots").value_or(8)));
    if (!slots) return slots.error();
    e.slots = std::move(*slots);
  } else if (storage != "memory") {
    return Needs("open", "storage: opfs, idbfs or memory");
  }
  SessionOptions options;
  options.after_commit = [] {
    dosti_js_committed();
    return Result<void>();
  };
  if (e.slots) {
    auto pool = FilePool::Open(*e.slots, kVfs);
    if (!pool) return pool.error();
    e.pool = std::move(*pool);
    options.vfs = e.pool->vfs();
  }
  auto session = Session::Open(e.pool ? kDatabase : ":memory:", options);
  if (!session) return session.error();
  e.session = std::move(*session);
  e.storage = storage;
  e.keys = KeysFor(e);
  auto info = e.session->Info();
  if (!info) return info.error();
  if (!info->device_id.empty()) {
    auto node = sync::OpenDevice(*e.session, Setup(e));
    if (!node) return node.error();
    e.node = std::move(*node);
  }
  return {};
}

// A failed open leaves nothing open (a wrong key passphrase may be tried again).
Result<void> CallOpen(Engine& e, const Element& args, std::string_view, Writer& w) {
  if (e.session) return MakeError(ErrorCode::kAlreadyInitialised, "booth.already_open");
  if (auto opened = OpenStorage(e, args); !opened) {
    Reset(e);
    return opened.error();
  }
  WriteStatus(e, w);
  return {};
}

Result<void> CallStatus(Engine& e, const Element&, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  WriteStatus(e, w);
  return {};
}

Result<void> CallJoin(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  if (e.node) return MakeError(ErrorCode::kAlreadyInitialised, "booth.already_joined");
  auto invite = sync::InviteFromText(Text(args, "invite"));
  if (!invite) return invite.error();
  auto node = sync::JoinWorkspace(*e.session, Setup(e), *invite, Text(args, "passphrase"));
  if (!node) return node.error();
  e.node = std::move(*node);
  WriteStatus(e, w);
  return {};
}

Result<void> CallClose(Engine& e, const Element&, std::string_view, Writer& w) {
  Reset(e);
  w.Null();
  return {};
}

// [SECTION] Records

Result<void> CallCapture(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  VisitorCapture c;
  c.enterprise = FieldsOf(Arg(args, "enterprise"));
  c.identifier = Text(args, "identifier");
  c.contact = FieldsOf(Arg(args, "contact"));
  auto saved = CaptureVisitor(*e.session, c);
  if (!saved) return saved.error();
  w.BeginObject().Key("enterprise_id").String(saved->enterprise_id);
  w.Key("contact_id").StringOrNull(saved->contact_id).Key("warnings");
  json::Write(w, saved->warnings);
  w.EndObject();
  return {};
}

Result<void> CallAddEnterprise(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  std::vector<IdentifierInput> ids;
  if (const Element* list = Arg(args, "identifiers"); list && list->is_array()) {
    for (const Element& item : list->items()) {
      auto type = ParseIdentifierType(Text(item, "type"));
      if (!type) return Needs("addEnterprise", "identifiers: [{type, value}]");
      ids.push_back({*type, Text(item, "value")});
    }
  }
  return WriteValue(w, e.session->AddEnterprise(FieldsOf(Arg(args, "fields")), ids));
}

Result<void> CallAddIdentifier(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  auto type = ParseIdentifierType(Text(args, "type"));
  if (!type) return Needs("addIdentifier", "type");
  return WriteValue(
      w, e.session->AddIdentifier(Text(args, "enterpriseId"), {*type, Text(args, "value")}));
}

Result<void> CallAddContact(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  return WriteValue(w, e.session->AddContact(FieldsOf(Arg(args, "fields"))));
}

Result<void> CallSetEnterpriseField(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  return WriteValue(
      w, e.session->SetEnterpriseField(Text(args, "id"), Text(args, "field"), Text(args, "value")));
}

Result<void> CallSearch(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  return WriteValue(
      w, e.session->Search(Text(args, "query"), static_cast<int>(Int(args, "limit").value_or(10))));
}

Result<void> CallEnterprises(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  EnterpriseQuery q;
  q.country = Text(args, "country");
  q.search = Text(args, "search");
  std::string sort = Text(args, "sort");
  const std::pair<const char*, EnterpriseSort> sorts[] = {
      {"name", EnterpriseSort::kName},
      {"country", EnterpriseSort::kCountry},
      {"stage", EnterpriseSort::kStage},
      {"updated", EnterpriseSort::kUpdated},
      {"relevance", EnterpriseSort::kRelevance}};
  if (!sort.empty()) {
    auto it = std::find_if(std::begin(sorts), std::end(sorts),
                           [&](const auto& s) { return sort == s.first; });
    if (it == std::end(sorts))
      return Needs("enterprises", "sort: name, country, stage, updated or relevance");
    q.sort = it->second;
  }
  q.descending = Flag(args, "descending");
  q.offset = Int(args, "offset").value_or(0);
  q.limit = static_cast<int>(Int(args, "limit").value_or(50));
  return WriteValue(w, e.session->QueryEnterprises(q));
}

// The enterprise card: the record with its identifiers, its contacts, its latest services
// (newest first) and its open follow-ups.
Result<void> CallEnterprise(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  auto view = e.session->GetEnterprise(Text(args, "id"));
  if (!view) return view.error();
  const std::string& id = view->record.id;
  auto contacts = e.session->ListContacts(id);
  if (!contacts) return contacts.error();
  ServiceFilter sf;
  sf.enterprise_id = id;
  auto services = e.session->ListServiceLogs(sf);
  if (!services) return services.error();
  // ListServiceLogs gives them oldest first (by date, then id).
  std::reverse(services->begin(), services->end());
  std::size_t keep =
      static_cast<std::size_t>(std::max<int64_t>(0, Int(args, "services").value_or(10)));
  if (services->size() > keep) services->resize(keep);
  auto follow_ups = e.session->ListFollowUps({});
  if (!follow_ups) return follow_ups.error();
  std::vector<Record> mine;
  for (Record& f : *follow_ups) {
    if (f.Text("enterprise_id") == id) mine.push_back(std::move(f));
  }
  w.BeginObject().Key("enterprise");
  json::Write(w, *view);
  w.Key("contacts");
  json::Write(w, *contacts);
  w.Key("services");
  json::Write(w, *services);
  w.Key("follow_ups");
  json::Write(w, mine);
  w.EndObject();
  return {};
}

void WriteCodes(Writer& w, const std::vector<std::string_view>& codes) {
  w.BeginArray();
  for (std::string_view c : codes) w.String(c);
  w.EndArray();
}

// The booth's service note as the core fills it in (DOMAIN.md workflow 2), for the form.
Result<void> CallServiceDefaults(Engine& e, const Element&, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  w.BeginObject().Key("service_date").String(FormatDate(e.session->Today()));
  w.Key("minutes").Int(kDefaultServiceMinutes).Key("follow_up_days").Int(kDefaultFollowUpDays);
  w.Key("categories");
  WriteCodes(w, kServiceCategories);
  w.EndObject();
  return {};
}

Result<void> CallAddService(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  // The core fills in the date, the minutes and the follow-up when not given.
  Fields fields = FieldsOf(Arg(args, "fields"));
  std::optional<int> days = kDefaultFollowUpDays;
  if (const Element* d = Arg(args, "followUpDays")) {
    days =
        d->is_null() ? std::nullopt : std::optional<int>(static_cast<int>(d->Int64().value_or(-1)));
  }
  auto saved = e.session->AddServiceLog(fields, days);
  if (!saved) return saved.error();
  json::Write(w, static_cast<const Saved&>(*saved));
  return {};
}

Result<void> CallFollowUps(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  FollowUpFilter f;
  f.overdue_only = Flag(args, "overdueOnly");
  f.include_done = Flag(args, "includeDone");
  f.this_week = Flag(args, "thisWeek");
  f.assignee = Text(args, "assignee");
  f.enterprise_id = Text(args, "enterprise");
  return WriteValue(w, e.session->ListFollowUps(f));
}

Result<void> CallCompleteFollowUp(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  DOSTI_TRY(e.session->CompleteFollowUp(Text(args, "id")));
  w.Null();
  return {};
}

Result<void> CallToday(Engine& e, const Element&, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  auto day = BoothToday(*e.session);
  if (!day) return day.error();
  sync::Node::SyncStatus status;
  if (e.node) {
    auto s = e.node->Status();
    if (!s) return s.error();
    status = *s;
  }
  w.BeginObject().Key("date").String(FormatDate(day->date));
  w.Key("enterprises").Int(day->enterprises).Key("contacts").Int(day->contacts);
  w.Key("services").Int(day->services).Key("pending_changes").Int(status.pending_changes);
  w.EndObject();
  return {};
}

Result<void> CallVocabulary(Engine&, const Element&, std::string_view, Writer& w) {
  w.BeginObject().Key("countries");
  WriteCodes(w, kCountries);
  w.Key("offices");
  WriteCodes(w, kOffices);
  w.Key("categories");
  WriteCodes(w, kServiceCategories);
  w.EndObject();
  return {};
}

Result<void> CallConflicts(Engine& e, const Element&, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  return WriteValue(w, e.session->ListConflicts());
}

Result<void> CallDigest(Engine& e, const Element&, std::string_view, Writer& w) {
  DOSTI_TRY(RequireOpen(e));
  auto digest = e.session->Digest();
  if (!digest) return digest.error();
  w.String(*digest);
  return {};
}

// [SECTION] Sync with a relay, step by step (the worker sends each request with fetch)

Result<void> CallSyncBegin(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireDevice(e));
  DOSTI_TRY(RequireNoRound(e));
  sync::SyncOptions o;
  o.relay_url = Text(args, "relayUrl");
  if (o.relay_url.empty()) o.relay_url = e.node->RelayUrl().value_or("");
  if (o.relay_url.empty()) return MakeError(ErrorCode::kInvalid, "booth.no_relay");
  o.registration_token = Text(args, "registrationToken");
  o.on_progress = [&e](const sync::SyncProgress& p) {
    static const char* phases[] = {"control", "sign_in", "push", "pull", "done"};
    Writer pw;
    pw.BeginObject().Key("what").String("sync").Key("phase").String(
        phases[static_cast<int>(p.phase)]);
    pw.Key("envelopes_up").Int(static_cast<int64_t>(p.envelopes_up));
    pw.Key("bytes_up").Int(static_cast<int64_t>(p.bytes_up));
    pw.Key("envelopes_down").Int(static_cast<int64_t>(p.envelopes_down));
    pw.Key("bytes_down").Int(static_cast<int64_t>(p.bytes_down));
    pw.Key("requests").Int(static_cast<int64_t>(p.requests));
    Report(e, pw.EndObject().Take());
  };
  w.String(o.relay_url);
  e.round = std::make_unique<sync::SyncRound>(*e.node, std::move(o));
  return {};
}

Result<void> RequireRound(Engine& e) {
  if (!e.round) return MakeError(ErrorCode::kInvalid, "booth.no_sync");
  return {};
}

Result<void> CallSyncNext(Engine& e, const Element&, std::string_view, Writer& w) {
  DOSTI_TRY(RequireRound(e));
  auto request = e.round->Next();
  if (!request) {
    w.Null();
    return {};
  }
  w.BeginObject().Key("method").String(request->method).Key("path").String(request->path);
  w.Key("headers").BeginArray();
  for (const auto& [name, value] : request->headers) {
    w.BeginArray().String(name).String(value).EndArray();
  }
  w.EndArray().Key("content_type").StringOrNull(request->content_type);
  w.Key("delay_ms").Int(request->delay_ms).EndObject();
  TheEngine().out = std::move(request->body);
  return {};
}

Result<void> CallSyncTake(Engine& e, const Element& args, std::string_view body, Writer& w) {
  DOSTI_TRY(RequireRound(e));
  sync::HttpResponse r;
  r.status = static_cast<int>(Int(args, "status").value_or(0));
  r.failure = Text(args, "failure");
  r.body = std::string(body);
  if (const Element* headers = Arg(args, "headers"); headers && headers->is_array()) {
    for (const Element& h : headers->items()) {
      if (h.is_array() && h.size() == 2)
        r.headers.emplace_back(h.items()[0].text(), h.items()[1].text());
    }
  }
  e.round->Take(r);
  w.Null();
  return {};
}

Result<void> CallSyncCancel(Engine& e, const Element&, std::string_view, Writer& w) {
  if (e.round) e.round->Cancel();
  w.Null();
  return {};
}

Result<void> CallSyncFinish(Engine& e, const Element&, std::string_view, Writer& w) {
  DOSTI_TRY(RequireRound(e));
  auto report = e.round->Finish();
  e.round.reset();
  if (!report) return report.error();
  sync::WriteSyncReport(w, *report);
  return {};
}

// [SECTION] Bundles

Result<void> CallBundleExport(Engine& e, const Element& args, std::string_view, Writer& w) {
  DOSTI_TRY(RequireDevice(e));
  DOSTI_TRY(RequireNoRound(e));
  auto bytes = e.node->ExportBundle(Text(args, "forDevice"));
  if (!bytes) return bytes.error();
  w.BeginObject().Key("bytes").Int(static_cast<int64_t>(bytes->size())).EndObject();
  TheEngine().out = std::move(*bytes);
  return {};
}

Result<void> CallBundleImport(Engine& e, const Element&, std::string_view bytes, Writer& w) {
  DOSTI_TRY(RequireDevice(e));
  DOSTI_TRY(RequireNoRound(e));
  auto report = e.node->ImportBundle(bytes, ProgressOf(e));
  if (!report) return report.error();
  sync::WriteBundleReport(w, *report);
  return {};
}

// What a second tab shows instead of the app (the worker asks when the database's Web Lock is
// held by another tab).
Result<void> CallOtherTab(Engine&, const Element&, std::string_view, Writer&) {
  return MakeError(ErrorCode::kInUse, "booth.other_tab");
}

// What a browser without an origin-private file system or IndexedDB shows.
Result<void> CallNoStorage(Engine&, const Element&, std::string_view, Writer&) {
  return MakeError(ErrorCode::kIo, "booth.no_storage");
}

// What the IndexedDB fallback answers when a commit could not be written to IndexedDB: the
// change is in the database but not durable yet (the next commit writes it again).
Result<void> CallNotDurable(Engine&, const Element&, std::string_view, Writer&) {
  return MakeError(ErrorCode::kIo, "booth.not_durable");
}

// [SECTION] Dispatch

using Handler = Result<void> (*)(Engine&, const Element&, std::string_view, Writer&);
struct Call {
  std::string_view name;
  Handler handler;
};

constexpr Call kCalls[] = {
    {"open", CallOpen},
    {"status", CallStatus},
    {"join", CallJoin},
    {"close", CallClose},
    {"capture", CallCapture},
    {"addEnterprise", CallAddEnterprise},
    {"addIdentifier", CallAddIdentifier},
    {"addContact", CallAddContact},
    {"setEnterpriseField", CallSetEnterpriseField},
    {"search", CallSearch},
    {"enterprises", CallEnterprises},
    {"enterprise", CallEnterprise},
    {"serviceDefaults", CallServiceDefaults},
    {"addService", CallAddService},
    {"followUps", CallFollowUps},
    {"completeFollowUp", CallCompleteFollowUp},
    {"today", CallToday},
    {"vocabulary", CallVocabulary},
    {"conflicts", CallConflicts},
    {"digest", CallDigest},
    {"syncBegin", CallSyncBegin},
    {"syncNext", CallSyncNext},
    {"syncTake", CallSyncTake},
    {"syncCancel", CallSyncCancel},
    {"syncFinish", CallSyncFinish},
    {"bundleExport", CallBundleExport},
    {"bundleImport", CallBundleImport},
    {"otherTab", CallOtherTab},
    {"noStorage", CallNoStorage},
    {"notDurable", CallNotDurable},
};

void WriteError(Writer& w, const Error& error) {
  w.BeginObject().Key("ok").Bool(false).Key("code").Int(static_cast<int64_t>(error.code));
  w.Key("key").String(error.key).Key("message").String(error.message).Key("args");
  json::Write(w, error.args);
  w.Key("field").StringOrNull(error.field).Key("details").BeginArray();
  for (const Error& d : error.details) json::Write(w, d);
  w.EndArray().Key("value").Null().EndObject();
}

const std::string& Dispatch(std::string_view method, std::string_view args_text,
                            std::string_view in) {
  Engine& e = TheEngine();
  e.out.clear();
  auto call = std::find_if(std::begin(kCalls), std::end(kCalls),
                           [&](const Call& c) { return c.name == method; });
  Writer answer;
  if (call == std::end(kCalls)) {
    WriteError(answer, MakeError(ErrorCode::kInvalid, "booth.unknown_call",
                                 {{"call", std::string(method)}}));
    return e.answer = answer.Take();
  }
  auto args = json::Parse(args_text.empty() ? std::string_view("{}") : args_text);
  if (!args) {
    WriteError(answer, args.error());
    return e.answer = answer.Take();
  }
  Writer value;
  auto done = call->handler(e, *args, in, value);
  if (!done) {
    e.out.clear();
    WriteError(answer, done.error());
    return e.answer = answer.Take();
  }
  e.answer = "{\"ok\":true,\"code\":0,\"key\":\"\",\"message\":\"\",\"value\":";
  e.answer += value.str().empty() ? "null" : value.str();
  e.answer += '}';
  return e.answer;
}

}  // namespace
}  // namespace dosti::wasm

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* dosti_call(const char* method, const char* args, const char* in,
                                            int in_size) {
  return dosti::wasm::Dispatch(
             method ? method : "", args ? args : "",
             std::string_view(in ? in : "", in ? static_cast<size_t>(in_size) : 0))
      .c_str();
}

EMSCRIPTEN_KEEPALIVE const char* dosti_out_ptr(void) { return dosti::wasm::TheEngine().out.data(); }

EMSCRIPTEN_KEEPALIVE int dosti_out_size(void) {
  return static_cast<int>(dosti::wasm::TheEngine().out.size());
}

}  // extern "C"
