// Session: opening, the workspace, ids and the shared validation helpers.
#include <algorithm>

#include "dosti/hex.h"
#include "dosti/session.h"
#include "dosti/text.h"
#include "schema.h"
#include "session_impl.h"

namespace dosti {

// [SECTION] Shared helpers

Result<void> CheckOneOf(std::string_view field, std::string_view value,
                        const std::vector<std::string_view>& allowed, bool required) {
  if (value.empty() && !required) return {};
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return {};
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  if (value.empty()) {
    return MakeError(ErrorCode::kRequired, "value.required_one_of",
                     {{"field", std::string(field)}, {"allowed", list}}, std::string(field));
  }
  return MakeError(ErrorCode::kInvalid, "value.not_one_of",
                   {{"field", std::string(field)}, {"allowed", list}, {"value", std::string(value)}},
                   std::string(field));
}

Result<void> CheckOneOf(std::string_view field, std::string_view value,
                        std::initializer_list<std::string_view> allowed, bool required) {
  return CheckOneOf(field, value, std::vector<std::string_view>(allowed), required);
}

Result<std::string> CheckText(std::string_view field, std::string_view value, size_t max,
                              bool required) {
  std::string f(field);
  if (!text::IsValidUtf8(value)) {
    return MakeError(ErrorCode::kInvalid, "value.not_utf8", {{"field", f}}, f);
  }
  std::string clean = text::Clean(value);
  if (clean.empty()) {
    if (required) return MakeError(ErrorCode::kRequired, "value.required", {{"field", f}}, f);
    return clean;
  }
  if (text::Length(clean) > max) {
    return MakeError(ErrorCode::kInvalid, "value.too_long",
                     {{"field", f}, {"max", std::to_string(max)}}, f);
  }
  // Control and bidi override characters are refused: they hide or spoof what is displayed.
  for (size_t i = 0; i < clean.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(clean[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return MakeError(ErrorCode::kInvalid, "value.control_character", {{"field", f}}, f);
    }
    // U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9.
    if (c == 0xE2 && i + 2 < clean.size()) {
      unsigned char c1 = clean[i + 1], c2 = clean[i + 2];
      if ((c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) || (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9)) {
        return MakeError(ErrorCode::kInvalid, "value.bidi_override", {{"field", f}}, f);
      }
    }
  }
  return clean;
}

Result<Date> CheckDate(std::string_view field, std::string_view value) {
  auto d = ParseDate(value);
  if (!d) {
    return MakeError(ErrorCode::kBadDate, "value.not_date",
                     {{"field", std::string(field)}, {"value", std::string(value)}},
                     std::string(field));
  }
  return *d;
}

Result<void> CheckDeviceId(std::string_view device_id) {
  if (device_id.empty() || IsLowerHex(device_id, 32)) return {};
  return MakeError(ErrorCode::kInvalid, "device.bad_id", {{"value", std::string(device_id)}},
                   "device_id");
}

bool IsReadOnlyField(std::string_view f) {
  return f == "id" || f == "created_at" || f == "updated_at" || f == "origin_device" ||
         f == "merged_into" || IsLocalColumn(f);
}

Result<FieldEdit> BeginFieldEdit(Session::Impl& m, std::string_view table, std::string_view id,
                                 std::string_view field, std::string_view value,
                                 std::string_view also_read_only) {
  if (IsReadOnlyField(field) || (!also_read_only.empty() && field == also_read_only)) {
    return MakeError(ErrorCode::kReadOnlyField, "field.read_only", {{"field", std::string(field)}},
                     std::string(field));
  }
  auto record = m.Load(table, id);
  if (!record) return record.error();
  auto parsed = m.store->ParseValue(table, field, value);
  if (!parsed) return parsed.error();
  FieldEdit edit{*record, record->fields};
  SetField(edit.row, field, std::move(*parsed));
  return edit;
}

Result<Fields> ParseFields(Store& store, std::string_view table, const Fields& input) {
  auto t = store.Table(table);
  if (!t) return t.error();
  Fields row;
  for (const Field& f : input) {
    if (IsReadOnlyField(f.name)) {
      return MakeError(ErrorCode::kReadOnlyField, "field.read_only", {{"field", f.name}}, f.name);
    }
    if ((*t)->Find(f.name) < 0) {
      return MakeError(ErrorCode::kUnknownField, "field.unknown",
                       {{"table", std::string(table)}, {"field", f.name}}, f.name);
    }
    Value v = f.value;
    if (std::holds_alternative<std::string>(v)) {
      auto parsed = store.ParseValue(table, f.name, std::get<std::string>(v));
      if (!parsed) return parsed.error();
      v = std::move(*parsed);
    }
    if (!IsNull(v)) SetField(row, f.name, std::move(v));
  }
  return row;
}

Args RecordArgs(const Record& r, std::string_view name_field) {
  // The whole id: ids made within the same minute share their first characters.
  std::string name = r.Text(name_field);
  return {{"name", name.empty() ? std::string("record") : name}, {"id", r.id}};
}

// [SECTION] Impl

Result<void> Session::Impl::RequireInit() const {
  if (info.initialised && info.programme_id.empty()) {
    return MakeError(ErrorCode::kNotInitialised, "workspace.no_records_yet");
  }
  if (info.initialised) return {};
  return MakeError(ErrorCode::kNotInitialised, "workspace.none");
}

Result<std::optional<std::string>> Session::Impl::Setting(std::string_view key) {
  auto st = db->Prepare("SELECT value FROM local_setting WHERE key = ?");
  if (!st) return st.error();
  (*st)->Args(key);
  auto row = (*st)->Step();
  if (!row) return row.error();
  std::optional<std::string> v;
  if (*row) v = (*st)->Text(0);
  (*st)->Reset();
  return v;
}

Result<void> Session::Impl::SetSetting(std::string_view key, std::string_view value) {
  auto st = db->Prepare("INSERT OR REPLACE INTO local_setting(key, value) VALUES (?, ?)");
  if (!st) return st.error();
  return (*st)->Args(key, value).Run();
}

Result<void> Session::Impl::LoadInfo() {
  auto version = SchemaVersion(*db);
  if (!version) return version.error();
  info.schema_version = *version;
  auto device = Setting("device_id");
  if (!device) return device.error();
  if (!*device) return {};
  info.initialised = true;
  info.device_id = **device;
  DOSTI_TRY(store->SetDevice(info.device_id));
  auto office = Setting("office");
  if (!office) return office.error();
  info.office = office->value_or("");
  auto name = Setting("workspace_name");
  if (!name) return name.error();
  info.workspace_name = name->value_or("");
  auto user = Setting("user");
  if (!user) return user.error();
  info.user = user->value_or("");
  auto programme = store->Select("SELECT * FROM programme WHERE code = 'DH-2023' LIMIT 1");
  if (!programme) return programme.error();
  if (!programme->empty()) {
    info.programme_id = programme->front().id;
    if (auto d = ParseDate(programme->front().Text("start_date"))) programme_start = *d;
  }
  utc_offset_minutes = CalendarOf(info.office).utc_offset_minutes;
  return {};
}

Result<void> Session::Impl::AdoptOldRows() {
  auto mark = Setting(kRowsToAdopt);
  if (!mark) return mark.error();
  if (!*mark) return {};
  return InTransaction(*db, [&]() -> Result<void> {
    auto adopted = store->Adopt(ReplicatedTables());
    if (!adopted) return adopted.error();
    auto st = db->Prepare("DELETE FROM local_setting WHERE key = ?");
    if (!st) return st.error();
    return (*st)->Args(kRowsToAdopt).Run();
  });
}

const OfficeCalendar& CalendarOf(std::string_view office) {
  static constexpr OfficeCalendar kBeijing{"beijing", "CN", "Asia/Shanghai", 480};
  static constexpr OfficeCalendar kIslamabad{"islamabad", "PK", "Asia/Karachi", 300};
  return office == "islamabad" ? kIslamabad : kBeijing;
}

std::string_view HomeOffice(std::string_view country) {
  return country == "PK" ? "islamabad" : "beijing";
}

int64_t EndOfDayMs(Date d, std::string_view office) {
  return (DaysFromCivil(d) + 1) * 86'400'000 -
         int64_t{CalendarOf(office).utc_offset_minutes} * 60'000;
}

Date Session::Impl::Today() const { return DateAt(clock->NowMs(), utc_offset_minutes); }

Result<std::string> Session::Impl::Resolve(std::string_view table, std::string_view id) {
  std::string t(table);
  std::string key = text::Trim(id);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool hex = !key.empty() && key.size() <= 32 && IsLowerHex(key);
  if (!hex) {
    return MakeError(ErrorCode::kInvalid, "id.not_id", {{"value", std::string(id)}, {"table", t}});
  }
  if (key.size() < 6) {
    return MakeError(ErrorCode::kInvalid, "id.prefix_too_short", {{"value", key}, {"table", t}});
  }
  if (key.size() == 32) {
    auto st = db->Prepare("SELECT 1 FROM " + t + " WHERE id = ?");
    if (!st) return st.error();
    (*st)->Args(key);
    auto row = (*st)->Step();
    if (!row) return row.error();
    (*st)->Reset();
    if (*row) return key;
    return MakeError(ErrorCode::kNotFound, "id.not_found", {{"table", t}, {"id", key}});
  }
  // Ids are lowercase hex, so a range scan on the primary key finds every id with the prefix.
  auto st = db->Prepare("SELECT id FROM " + t + " WHERE id >= ? AND id < ? LIMIT 2");
  if (!st) return st.error();
  (*st)->Args(key, key + "g");
  std::vector<std::string> found;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return row.error();
    if (!*row) break;
    found.push_back((*st)->Text(0));
  }
  if (found.empty()) {
    return MakeError(ErrorCode::kNotFound, "id.prefix_not_found", {{"table", t}, {"id", key}});
  }
  if (found.size() > 1) {
    return MakeError(ErrorCode::kAmbiguous, "id.ambiguous", {{"table", t}, {"id", key}});
  }
  return found.front();
}

Result<Record> Session::Impl::Load(std::string_view table, std::string_view id) {
  auto full = Resolve(table, id);
  if (!full) return full.error();
  auto r = store->Get(table, *full);
  if (!r) return r.error();
  if (!*r) {
    return MakeError(ErrorCode::kNotFound, "id.not_found",
                     {{"table", std::string(table)}, {"id", *full}});
  }
  return std::move(**r);
}

Result<void> Session::Impl::AddStageHistory(std::string_view table,
                                            std::string_view parent_column,
                                            const std::string& parent_id, std::string_view stage,
                                            std::string_view reason) {
  auto st = db->Prepare("SELECT max(changed_at) FROM " + std::string(table) + " WHERE " +
                        std::string(parent_column) + " = ?");
  if (!st) return st.error();
  (*st)->Args(parent_id);
  auto row = (*st)->Step();
  if (!row) return row.error();
  int64_t last = (*st)->IsNull(0) ? 0 : (*st)->Int(0);
  (*st)->Reset();
  Fields history{{std::string(parent_column), parent_id},
                 {"stage", std::string(stage)},
                 {"changed_on", FormatDate(Today())},
                 {"changed_at", std::max(clock->NowMs(), last + 1)}};
  if (!reason.empty()) history.push_back({"reason", std::string(reason)});
  return store->Insert(table, store->NewId(), history);
}

// [SECTION] Session

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::Open(const std::string& path, SessionOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->clock = options.clock ? options.clock : &SystemClock();
  impl->random = options.random ? options.random : &SystemRandom();
  impl->after_commit = std::move(options.after_commit);
  auto db = Db::Open(path, options.vfs);
  if (!db) return db.error();
  impl->db = std::move(*db);
  // From the first commit on (the migrations below), so that the storage layer flushes them.
  impl->db->SetAfterCommit([m = impl.get()] { return m->AfterCommit(); });
  auto not_usable = [&](const Error& e) {
    return WrapError(e.code, "db.not_dosti", {{"path", path}}, e);
  };
  auto before = SchemaVersion(*impl->db);
  if (!before) return not_usable(before.error());
  if (*before == 0) {
    // A fresh file has no tables; one with tables but no Dosti schema belongs to someone else.
    auto tables = impl->db->QueryInt(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    if (!tables) return WrapError(ErrorCode::kStorage, "db.path_error", {{"path", path}}, tables.error());
    if (*tables > 0) {
      return MakeError(ErrorCode::kStorage, "db.other_program", {{"path", path}});
    }
  }
  if (auto r = Migrate(*impl->db); !r) {
    if (r.error().code == ErrorCode::kSchemaTooNew) return r.error();
    return not_usable(r.error());
  }
  impl->store = std::make_unique<Store>(*impl->db, *impl->clock, *impl->random);
  impl->store->SetSchemaVersion(kSchemaVersion);
  if (auto r = impl->LoadInfo(); !r) return r.error();
  if (impl->info.initialised) {
    if (auto r = impl->AdoptOldRows(); !r) return r.error();
  }
  // Fields that arrived from devices with a newer schema, before this upgrade, now have a home.
  if (*before >= 3 && *before < kSchemaVersion) {
    if (auto r = impl->Upgraded(); !r) return r.error();
  }
  // Version 5 added the derived stage of each enterprise (sorted lists).
  if (*before >= 1 && *before < 5) {
    Store& store = *impl->store;
    auto staged = InTransaction(*impl->db, [&] { return store.RecomputeAllStages(); });
    if (!staged) return staged.error();
  }
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

Result<WorkspaceInfo> Session::Init(std::string_view office, std::string_view workspace_name,
                                    std::string_view device_id) {
  Impl& m = *impl_;
  if (m.info.initialised) {
    return MakeError(ErrorCode::kAlreadyInitialised, "workspace.already",
                     {{"name", m.info.workspace_name}, {"office", m.info.office}});
  }
  DOSTI_TRY(CheckOneOf("office", office, kOffices, true));
  DOSTI_TRY(CheckDeviceId(device_id));
  auto name = CheckText("workspace_name", workspace_name, 200, false);
  if (!name) return name.error();
  std::string ws = name->empty() ? std::string("Double Hundred Enterprises") : *name;
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    Store& s = *m.store;
    std::string device = device_id.empty() ? s.NewId() : std::string(device_id);
    DOSTI_TRY(s.SetDevice(device));
    DOSTI_TRY(m.AdoptOldRows());
    DOSTI_TRY(m.SetSetting("device_id", device));
    DOSTI_TRY(m.SetSetting("office", office));
    DOSTI_TRY(m.SetSetting("workspace_name", ws));
    DOSTI_TRY(s.Insert("device", device,
                       {{"name", std::string(office) + " first device"},
                        {"office", std::string(office)},
                        {"role", std::string("admin")}}));
    DOSTI_TRY(
        s.Insert("office", s.NewId(),
                 {{"code", std::string("beijing")},
                  {"country", std::string("CN")},
                  {"name_en", std::string("Beijing office")},
                  {"name_zh", std::string("北京办公室")},
                  {"name_ur", std::string("بیجنگ دفتر")},
                  {"timezone", std::string(CalendarOf("beijing").time_zone)},
                  {"utc_offset_minutes", int64_t{CalendarOf("beijing").utc_offset_minutes}}}));
    DOSTI_TRY(
        s.Insert("office", s.NewId(),
                 {{"code", std::string("islamabad")},
                  {"country", std::string("PK")},
                  {"name_en", std::string("Islamabad office")},
                  {"name_zh", std::string("伊斯兰堡办公室")},
                  {"name_ur", std::string("اسلام آباد دفتر")},
                  {"timezone", std::string(CalendarOf("islamabad").time_zone)},
                  {"utc_offset_minutes", int64_t{CalendarOf("islamabad").utc_offset_minutes}}}));
    // The programme was launched at CIFTIS in Beijing in September 2023 (DOMAIN.md).
    return s.Insert("programme", s.NewId(),
                    {{"code", std::string("DH-2023")},
                     {"name", std::string("China–Pakistan Double Hundred Enterprises")},
                     {"start_date", std::string("2023-09-01")},
                     {"target_cn", int64_t{100}},
                     {"target_pk", int64_t{100}}});
  });
  if (!r) return r.error();
  DOSTI_TRY(m.LoadInfo());
  return m.info;
}

Result<WorkspaceInfo> Session::Info() { return impl_->info; }

Result<void> Session::SetUser(std::string_view name) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto clean = CheckText("user", name, 200, false);
  if (!clean) return clean.error();
  auto r = InTransaction(*m.db, [&]() -> Result<void> { return m.SetSetting("user", *clean); });
  if (!r) return r.error();
  m.info.user = *clean;
  return {};
}

// [SECTION] Observers, cancelling, the after-commit hook

Result<void> Session::Impl::AfterCommit() {
  Result<void> flushed;
  if (after_commit) flushed = after_commit();
  // A replica's first changes bring the programme (AfterMerge). Merged rows reach their tables
  // at the outermost COMMIT (the Store writes them then), so when the merge ran inside a larger
  // transaction (the sync layer's, with its log entry) AfterMerge could not see them yet.
  if (store && info.initialised && info.programme_id.empty()) {
    if (auto loaded = LoadInfo(); !loaded && flushed) flushed = loaded.error();
  }
  if (store && !observers.empty()) {
    ObservedChanges changes = store->TakeChanges();
    if (!changes.empty()) {
      ChangeEvent event{changes.local, changes.merged, {}};
      event.tables.reserve(changes.tables.size());
      for (ObservedTable& t : changes.tables) {
        event.tables.push_back({std::move(t.table), std::move(t.ids), t.many});
      }
      // A copy: an observer may remove itself (or another) while being called.
      auto listening = observers;
      for (const auto& [id, observer] : listening) observer(event);
    }
  }
  return flushed;
}

ObserverId Session::AddObserver(ChangeObserver observer) {
  Impl& m = *impl_;
  ObserverId id = m.next_observer++;
  m.observers.emplace_back(id, std::move(observer));
  m.store->ObserveAll(true);
  return id;
}

void Session::RemoveObserver(ObserverId id) {
  Impl& m = *impl_;
  std::erase_if(m.observers, [&](const auto& o) { return o.first == id; });
  m.store->ObserveAll(!m.observers.empty());
}

void Session::Interrupt() {
  impl_->cancel.Cancel();
  impl_->db->Interrupt();
}

const Cancellation& Session::cancellation() const { return impl_->cancel; }
Result<void> Session::RequireWorkspace() { return impl_->RequireInit(); }
Date Session::Today() { return impl_->Today(); }
int64_t Session::NowMs() { return impl_->clock->NowMs(); }

Result<std::string> Session::ResolveId(std::string_view table, std::string_view id) {
  static const std::vector<std::string_view> known = ReplicatedTables();
  if (std::find(known.begin(), known.end(), table) == known.end()) {
    return MakeError(ErrorCode::kInvalid, "table.unknown", {{"table", std::string(table)}});
  }
  return impl_->Resolve(table, id);
}

}  // namespace dosti
