// Session: opening, the workspace, ids and the shared validation helpers.
#include <algorithm>

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
    return MakeErrorText(ErrorCode::kRequired, std::string(field) + " is required (" + list + ")",
                     std::string(field));
  }
  return MakeErrorText(ErrorCode::kInvalid,
                   std::string(field) + " must be one of " + list + "; got '" +
                       std::string(value) + "'",
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
    return MakeErrorText(ErrorCode::kInvalid, f + " is not valid UTF-8", f);
  }
  std::string clean = text::Clean(value);
  if (clean.empty()) {
    if (required) return MakeErrorText(ErrorCode::kRequired, f + " is required", f);
    return clean;
  }
  if (text::Length(clean) > max) {
    return MakeErrorText(ErrorCode::kInvalid,
                     f + " is longer than " + std::to_string(max) + " characters", f);
  }
  // Control and bidi override characters are refused: they hide or spoof what is displayed.
  for (size_t i = 0; i < clean.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(clean[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return MakeErrorText(ErrorCode::kInvalid, f + " contains a control character", f);
    }
    // U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9.
    if (c == 0xE2 && i + 2 < clean.size()) {
      unsigned char c1 = clean[i + 1], c2 = clean[i + 2];
      if ((c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) || (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9)) {
        return MakeErrorText(ErrorCode::kInvalid,
                         f + " contains a bidi override character, which can spoof the display",
                         f);
      }
    }
  }
  return clean;
}

Result<Date> CheckDate(std::string_view field, std::string_view value) {
  auto d = ParseDate(value);
  if (!d) {
    return MakeErrorText(ErrorCode::kBadDate,
                     std::string(field) + " must be a date YYYY-MM-DD; got '" +
                         std::string(value) + "'",
                     std::string(field));
  }
  return *d;
}

Result<void> CheckDeviceId(std::string_view device_id) {
  bool hex = device_id.size() == 32;
  for (char ch : device_id) hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
  if (device_id.empty() || hex) return {};
  return MakeErrorText(ErrorCode::kInvalid,
                   "a device id is 32 lowercase hex digits; got '" + std::string(device_id) + "'",
                   "device_id");
}

bool IsReadOnlyField(std::string_view f) {
  return f == "id" || f == "created_at" || f == "updated_at" || f == "origin_device" ||
         f == "merged_into" || IsLocalColumn(f);
}

Result<Fields> ParseFields(Store& store, std::string_view table, const Fields& input) {
  auto t = store.Table(table);
  if (!t) return t.error();
  Fields row;
  for (const Field& f : input) {
    if (IsReadOnlyField(f.name)) {
      return MakeErrorText(ErrorCode::kReadOnlyField, f.name + " cannot be set", f.name);
    }
    if ((*t)->Find(f.name) < 0) {
      return MakeErrorText(ErrorCode::kUnknownField,
                       std::string(table) + " has no field '" + f.name + "'", f.name);
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

std::string Describe(const Record& r, std::string_view name_field) {
  std::string name = r.Text(name_field);
  // The whole id: ids made within the same minute share their first characters.
  return (name.empty() ? std::string("record") : name) + " (" + r.id + ")";
}

// [SECTION] Impl

Result<void> Session::Impl::RequireInit() const {
  if (info.initialised && info.programme_id.empty()) {
    return MakeErrorText(ErrorCode::kNotInitialised,
                     "this device has joined the workspace but has not received its records "
                     "yet; sync with another device first");
  }
  if (info.initialised) return {};
  return MakeErrorText(ErrorCode::kNotInitialised,
                   "this database has no workspace yet; run: dosti init --office "
                   "beijing|islamabad");
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
  auto programme = store->Select("SELECT * FROM programme WHERE code = 'DH-2023' LIMIT 1");
  if (!programme) return programme.error();
  if (!programme->empty()) {
    info.programme_id = programme->front().id;
    if (auto d = ParseDate(programme->front().Text("start_date"))) programme_start = *d;
  }
  utc_offset_minutes = info.office == "islamabad" ? 300 : 480;
  return {};
}

Date Session::Impl::Today() const { return DateAt(clock->NowMs(), utc_offset_minutes); }

Result<std::string> Session::Impl::Resolve(std::string_view table, std::string_view id) {
  std::string t(table);
  std::string key = text::Trim(id);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool hex = !key.empty() && key.size() <= 32 &&
             std::all_of(key.begin(), key.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
             });
  if (!hex) {
    return MakeErrorText(ErrorCode::kInvalid,
                     "'" + std::string(id) + "' is not a " + t +
                         " id (32 hexadecimal characters, or a unique prefix of 6 or more)");
  }
  if (key.size() < 6) {
    return MakeErrorText(ErrorCode::kInvalid,
                     "the " + t + " id prefix '" + key + "' is too short; give at least 6 characters");
  }
  if (key.size() == 32) {
    auto st = db->Prepare("SELECT 1 FROM " + t + " WHERE id = ?");
    if (!st) return st.error();
    (*st)->Args(key);
    auto row = (*st)->Step();
    if (!row) return row.error();
    (*st)->Reset();
    if (*row) return key;
    return MakeErrorText(ErrorCode::kNotFound, "no " + t + " with id " + key);
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
  if (found.empty()) return MakeErrorText(ErrorCode::kNotFound, "no " + t + " with id " + key + "…");
  if (found.size() > 1) {
    return MakeErrorText(ErrorCode::kAmbiguous,
                     "the id prefix " + key + " matches several " + t + " records; give more of it");
  }
  return found.front();
}

Result<Record> Session::Impl::Load(std::string_view table, std::string_view id) {
  auto full = Resolve(table, id);
  if (!full) return full.error();
  auto r = store->Get(table, *full);
  if (!r) return r.error();
  if (!*r) return MakeErrorText(ErrorCode::kNotFound, "no " + std::string(table) + " with id " + *full);
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
  auto db = Db::Open(path);
  if (!db) return db.error();
  impl->db = std::move(*db);
  auto before = SchemaVersion(*impl->db);
  if (!before) {
    return MakeErrorText(before.error().code, path + " is not a usable Dosti database: " +
                                              before.error().message);
  }
  if (*before == 0) {
    // A fresh file has no tables; one with tables but no Dosti schema belongs to someone else.
    auto tables = impl->db->QueryInt(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    if (!tables) return MakeErrorText(ErrorCode::kStorage, path + ": " + tables.error().message);
    if (*tables > 0) {
      return MakeErrorText(ErrorCode::kStorage,
                       path + " is a database of another program, not a Dosti database; "
                              "nothing was changed");
    }
  }
  if (auto r = Migrate(*impl->db); !r) {
    if (r.error().code == ErrorCode::kSchemaTooNew) return r.error();
    return MakeErrorText(r.error().code, path + " is not a usable Dosti database: " + r.error().message);
  }
  impl->store = std::make_unique<Store>(*impl->db, *impl->clock, *impl->random);
  impl->store->SetSchemaVersion(kSchemaVersion);
  if (auto r = impl->LoadInfo(); !r) return r.error();
  if (impl->info.initialised) {
    // Rows written before change capture existed (schema 2) join the log as one first commit,
    // so they replicate like everything else.
    Store& store = *impl->store;
    auto adopted = InTransaction(*impl->db, [&] { return store.Adopt(ReplicatedTables()); });
    if (!adopted) return adopted.error();
  }
  // Fields that arrived from devices with a newer schema, before this upgrade, now have a home.
  if (*before >= 3 && *before < kSchemaVersion) {
    if (auto r = impl->Upgraded(); !r) return r.error();
  }
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

Result<WorkspaceInfo> Session::Init(std::string_view office, std::string_view workspace_name,
                                    std::string_view device_id) {
  Impl& m = *impl_;
  if (m.info.initialised) {
    return MakeErrorText(ErrorCode::kAlreadyInitialised,
                     "this database already holds the workspace '" + m.info.workspace_name +
                         "' (office " + m.info.office + ")");
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
    DOSTI_TRY(m.SetSetting("device_id", device));
    DOSTI_TRY(m.SetSetting("office", office));
    DOSTI_TRY(m.SetSetting("workspace_name", ws));
    DOSTI_TRY(s.Insert("device", device,
                       {{"name", std::string(office) + " first device"},
                        {"office", std::string(office)},
                        {"role", std::string("admin")}}));
    DOSTI_TRY(s.Insert("office", s.NewId(),
                       {{"code", std::string("beijing")}, {"country", std::string("CN")},
                        {"name_en", std::string("Beijing office")},
                        {"name_zh", std::string("北京办公室")},
                        {"name_ur", std::string("بیجنگ دفتر")},
                        {"timezone", std::string("Asia/Shanghai")},
                        {"utc_offset_minutes", int64_t{480}}}));
    DOSTI_TRY(s.Insert("office", s.NewId(),
                       {{"code", std::string("islamabad")}, {"country", std::string("PK")},
                        {"name_en", std::string("Islamabad office")},
                        {"name_zh", std::string("伊斯兰堡办公室")},
                        {"name_ur", std::string("اسلام آباد دفتر")},
                        {"timezone", std::string("Asia/Karachi")},
                        {"utc_offset_minutes", int64_t{300}}}));
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
Result<void> Session::RequireWorkspace() { return impl_->RequireInit(); }
Date Session::Today() { return impl_->Today(); }
int64_t Session::NowMs() { return impl_->clock->NowMs(); }

Result<std::string> Session::ResolveId(std::string_view table, std::string_view id) {
  static const std::vector<std::string_view> known = ReplicatedTables();
  if (std::find(known.begin(), known.end(), table) == known.end()) {
    return MakeErrorText(ErrorCode::kInvalid, "no table " + std::string(table));
  }
  return impl_->Resolve(table, id);
}

}  // namespace dosti
