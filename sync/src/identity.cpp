// The device's identity over a key-store seam (identity.h).
#include "dosti/sync/identity.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dosti/base64.h"
#include "dosti/file.h"
#include "dosti/sync/keys.h"

namespace dosti::sync {
namespace {

// The key file, written by the core's one atomic writer (dosti/file.h): mode 0600, never over
// an existing file, read back before the keys are used.
class KeyFile final : public KeyStore {
 public:
  explicit KeyFile(std::string path) : path_(std::move(path)) {}

  Result<std::optional<Bytes>> Load() override {
    if (::access(path_.c_str(), F_OK) != 0) return std::optional<Bytes>();
    auto bytes = ReadFile(path_, 1u << 16);  // a key file is ~200 bytes: refuse to read junk
    if (!bytes) return bytes.error();
    return std::optional<Bytes>(std::move(*bytes));
  }

  Result<void> Create(std::string_view bytes) override {
    auto written = WriteFileAtomic(path_, bytes, {.private_file = true, .no_overwrite = true});
    if (!written && written.error().key == "file.exists") {
      return MakeError(ErrorCode::kAlreadyInitialised, "sync.keys_exist", {{"path", path_}});
    }
    return written;
  }

  Result<void> Remove() override {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return MakeError(ErrorCode::kIo, "sync.keys_io",
                       {{"what", "remove"}, {"path", path_}, {"why", std::strerror(errno)}});
    }
    return {};
  }

  std::string Where() const override { return path_; }

 private:
  std::string path_;
};

class MemoryKeys final : public KeyStore {
 public:
  Result<std::optional<Bytes>> Load() override { return bytes_; }
  Result<void> Create(std::string_view bytes) override {
    if (bytes_) return MakeError(ErrorCode::kAlreadyInitialised, "sync.keys_exist", {{"path", Where()}});
    bytes_ = Bytes(bytes);
    return {};
  }
  Result<void> Remove() override {
    bytes_.reset();
    return {};
  }
  std::string Where() const override { return "(memory)"; }

 private:
  std::optional<Bytes> bytes_;
};

// The browser's key file: a file of the database's pool (dosti/vfs.h), never overwritten.
class PoolKeyFile final : public KeyStore {
 public:
  PoolKeyFile(FilePool& pool, std::string name) : pool_(pool), name_(std::move(name)) {}

  Result<std::optional<Bytes>> Load() override { return pool_.ReadFile(name_); }

  Result<void> Create(std::string_view bytes) override {
    auto created = pool_.CreateFile(name_, bytes);
    if (!created && created.error().key == "storage.file_exists") {
      return MakeError(ErrorCode::kAlreadyInitialised, "sync.keys_exist", {{"path", name_}});
    }
    return created;
  }

  Result<void> Remove() override { return pool_.RemoveFile(name_); }

  std::string Where() const override { return name_; }

 private:
  FilePool& pool_;
  std::string name_;
};

// Fresh keys stored first (a crash after this leaves keys and no node: the next attempt says
// keys exist rather than silently making a second identity), then `make`; undone on failure.
template <typename Make>
Result<std::unique_ptr<Node>> NewDevice(const DeviceSetup& setup, Make&& make) {
  if (!setup.keys) return MakeError(ErrorCode::kInternal, "sync.keys_no_store");
  DOSTI_TRY(InitCrypto());
  DeviceKeys keys = DeviceKeys::Generate();
  DOSTI_TRY(setup.keys->Create(EncodeKeyFile(keys, setup.key_passphrase)));
  auto node = make(std::move(keys));
  if (!node) (void)setup.keys->Remove();
  return node;
}

}  // namespace

std::unique_ptr<KeyStore> KeyFileBeside(const std::string& db_path) {
  return std::make_unique<KeyFile>(db_path + ".key");
}

std::unique_ptr<KeyStore> KeysInMemory() { return std::make_unique<MemoryKeys>(); }

std::unique_ptr<KeyStore> KeyFileInPool(FilePool& pool, std::string name) {
  return std::make_unique<PoolKeyFile>(pool, std::move(name));
}

std::string InviteLink(std::string_view relay_url, std::string_view invite_file) {
  std::string link(relay_url);
  while (!link.empty() && link.back() == '/') link.pop_back();
  return link + "/#invite=" + Base64UrlEncode(invite_file);
}

Result<Bytes> InviteFromText(std::string_view text) {
  constexpr std::string_view kField = "invite=";
  std::string_view body = text;
  if (auto hash = text.find('#'); hash != std::string_view::npos) {
    // A link: the fragment's invite field, up to the next field ('&').
    std::string_view fragment = text.substr(hash + 1);
    std::size_t at = fragment.find(kField);
    while (at != std::string_view::npos && at > 0 && fragment[at - 1] != '&') {
      at = fragment.find(kField, at + 1);
    }
    if (at == std::string_view::npos) return MakeError(ErrorCode::kDamaged, "sync.invite_not_text");
    body = fragment.substr(at + kField.size());
    body = body.substr(0, body.find('&'));
  }
  std::string compact;
  for (char c : body) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact.push_back(c);
  }
  auto bytes = Base64UrlDecode(compact);
  if (!bytes || bytes->empty()) return MakeError(ErrorCode::kDamaged, "sync.invite_not_text");
  return std::move(*bytes);
}

Result<std::unique_ptr<Node>> CreateWorkspace(Session& session, const DeviceSetup& setup,
                                              std::string_view office,
                                              std::string_view workspace_name) {
  return NewDevice(setup, [&](DeviceKeys keys) {
    return Node::Create(session, std::move(keys), office, workspace_name, setup.clock);
  });
}

Result<std::unique_ptr<Node>> JoinWorkspace(Session& session, const DeviceSetup& setup,
                                            std::string_view invite_file,
                                            std::string_view invite_passphrase) {
  return NewDevice(setup, [&](DeviceKeys keys) {
    return Node::Join(session, std::move(keys), invite_file, invite_passphrase, setup.clock);
  });
}

Result<std::unique_ptr<Node>> OpenDevice(Session& session, const DeviceSetup& setup) {
  if (!setup.keys) return MakeError(ErrorCode::kInternal, "sync.keys_no_store");
  DOSTI_TRY(InitCrypto());
  auto bytes = setup.keys->Load();
  if (!bytes) return bytes.error();
  if (!bytes->has_value()) {
    return MakeError(ErrorCode::kNotInitialised, "sync.keys_missing", {{"path", setup.keys->Where()}});
  }
  auto keys = DecodeKeyFile(**bytes, setup.key_passphrase);
  if (!keys) return keys.error();
  return Node::Open(session, std::move(*keys), setup.clock);
}

}  // namespace dosti::sync
