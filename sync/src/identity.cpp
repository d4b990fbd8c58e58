// The device's identity over a key-store seam (identity.h).
#include "dosti/sync/identity.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dosti/sync/keys.h"

namespace dosti::sync {
namespace {

Error IoError(std::string_view what, const std::string& path) {
  return MakeError(ErrorCode::kIo, "sync.keys_io",
                   {{"what", std::string(what)}, {"path", path}, {"why", std::strerror(errno)}});
}

// The key file: written to a temporary file beside it, fsynced, then linked into place (link
// fails when the target exists, so keys are never overwritten), the directory fsynced, and read
// back before the keys are used.
class KeyFile final : public KeyStore {
 public:
  explicit KeyFile(std::string path) : path_(std::move(path)) {}

  Result<std::optional<Bytes>> Load() override {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return std::optional<Bytes>();
      return IoError("read", path_);
    }
    Bytes out;
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ::close(fd);
        return IoError("read", path_);
      }
      if (n == 0) break;
      out.append(buf, static_cast<std::size_t>(n));
      if (out.size() > (1u << 16)) break;  // a key file is ~200 bytes: stop reading junk
    }
    ::close(fd);
    return std::optional<Bytes>(std::move(out));
  }

  Result<void> Create(std::string_view bytes) override {
    if (::access(path_.c_str(), F_OK) == 0) {
      return MakeError(ErrorCode::kAlreadyInitialised, "sync.keys_exist", {{"path", path_}});
    }
    std::string tmp = path_ + ".tmp";
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("create", tmp);
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return IoError("write", tmp);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("write", tmp);
    }
    ::close(fd);
    if (::link(tmp.c_str(), path_.c_str()) != 0) {
      int link_errno = errno;
      if (link_errno == EEXIST) {
        ::unlink(tmp.c_str());
        return MakeError(ErrorCode::kAlreadyInitialised, "sync.keys_exist", {{"path", path_}});
      }
      // A file system without hard links (emscripten's NODERAWFS, some USB sticks): reserve
      // the name with O_EXCL, then rename over the reservation, which is ours.
      int reserved = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (reserved < 0) {
        bool exists = errno == EEXIST;
        ::unlink(tmp.c_str());
        if (exists) {
          return MakeError(ErrorCode::kAlreadyInitialised, "sync.keys_exist", {{"path", path_}});
        }
        return IoError("create", path_);
      }
      ::close(reserved);
      if (::rename(tmp.c_str(), path_.c_str()) != 0) {
        ::unlink(tmp.c_str());
        ::unlink(path_.c_str());
        return IoError("create", path_);
      }
    } else {
      ::unlink(tmp.c_str());
    }
    SyncDirectory();
    auto back = Load();
    if (!back) return back.error();
    if (!back->has_value() || **back != bytes) {
      return MakeError(ErrorCode::kIo, "sync.keys_read_back", {{"path", path_}});
    }
    return {};
  }

  Result<void> Remove() override {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return IoError("remove", path_);
    SyncDirectory();
    return {};
  }

  std::string Where() const override { return path_; }

 private:
  void SyncDirectory() {
    std::string dir = path_.substr(0, path_.find_last_of('/') + 1);
    if (dir.empty()) dir = ".";
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
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
