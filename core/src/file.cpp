// The atomic file writer and the bounded reader (dosti/file.h), over POSIX calls only.
#include "dosti/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dosti/catalog.h"
#include "dosti/hex.h"
#include "dosti/platform.h"

namespace dosti {
namespace {

constexpr std::size_t kPiece = std::size_t{1} << 20;

// FNV-1a, 64 bits: enough to notice a file that does not read back as written (not a defence
// against anyone: the bytes are compared with what this process just wrote).
uint64_t Fnv(uint64_t h, std::string_view bytes) {
  if (h == 0) h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::string Reason(int err) { return std::strerror(err); }

Error WriteFailed(const std::string& path, int err) {
  return MakeError(ErrorCode::kIo, "file.write_failed", {{"path", path}, {"reason", Reason(err)}});
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// A name beside `path` that no one else uses: the target's name, ".tmp-" and 64 random bits.
std::string TemporaryName(const std::string& path) {
  uint8_t bytes[8];
  SystemRandom().Fill(bytes, sizeof bytes);
  return path + ".tmp-" + ToHex(std::string_view(reinterpret_cast<const char*>(bytes), 8));
}

Result<void> WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return WriteFailed(path, n < 0 ? errno : ENOSPC);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Syncs the directory, so that the new name survives a power cut too. Some file systems do
// not sync directories (EINVAL): their names are as durable as they get.
Result<void> SyncDirectory(const std::string& path) {
  std::string dir = DirectoryOf(path);
  int fd = ::open(dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};  // no read permission on the directory: nothing more can be done
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL && err != EROFS && err != EBADF) return WriteFailed(path, err);
  return {};
}

// Puts the finished temporary file at `path`: rename, or for no_overwrite a hard link (which
// fails when `path` exists), falling back to an exclusive claim of the name and a rename.
Result<void> Publish(const std::string& tmp, const std::string& path, const WriteOptions& o) {
  if (!o.no_overwrite) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) return WriteFailed(path, errno);
    return {};
  }
  if (::link(tmp.c_str(), path.c_str()) == 0) {
    ::unlink(tmp.c_str());
    return {};
  }
  int err = errno;
  if (err == EEXIST) return MakeError(ErrorCode::kIo, "file.exists", {{"path", path}});
  if (err != EMLINK && err != EPERM && err != ENOSYS && err != EOPNOTSUPP && err != EXDEV) {
    return WriteFailed(path, err);
  }
  int claim = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                     o.private_file ? 0600 : 0644);
  if (claim < 0) {
    if (errno == EEXIST) return MakeError(ErrorCode::kIo, "file.exists", {{"path", path}});
    return WriteFailed(path, errno);
  }
  ::close(claim);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(path.c_str());
    return WriteFailed(path, e);
  }
  return {};
}

// Reads `path` back and compares its size and hash with what was written.
Result<void> ReadBack(const std::string& path, uint64_t size, uint64_t hash) {
  auto back = ReadFile(path, size + 1);
  if (!back || back->size() != size || Fnv(0, *back) != hash) {
    return MakeError(ErrorCode::kIo, "file.read_back_differs", {{"path", path}});
  }
  return {};
}

}  // namespace

// [SECTION] Writing

Result<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Create(const std::string& path,
                                                                   const WriteOptions& options) {
  std::unique_ptr<AtomicFileWriter> w(new AtomicFileWriter());
  w->path_ = path;
  w->options_ = options;
  w->tmp_ = TemporaryName(path);
  mode_t mode = options.private_file ? 0600 : 0644;
  w->fd_ = ::open(w->tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (w->fd_ < 0) return WriteFailed(path, errno);
  // The umask can only take bits away; fchmod makes a private file private whatever the
  // directory's defaults (e.g. ACLs) would add.
  if (options.private_file) (void)::fchmod(w->fd_, 0600);
  return w;
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

Result<void> AtomicFileWriter::Append(std::string_view bytes) {
  buffer_.append(bytes);
  return Flush();
}

Result<void> AtomicFileWriter::Flush() {
  if (buffer_.size() < kPiece) return {};
  return WriteOut();
}

Result<void> AtomicFileWriter::WriteOut() {
  if (fd_ < 0) return WriteFailed(path_, EBADF);
  DOSTI_TRY(WriteAll(fd_, buffer_, path_));
  hash_ = Fnv(hash_, buffer_);
  written_ += buffer_.size();
  buffer_.clear();
  return {};
}

Result<void> AtomicFileWriter::Commit() {
  DOSTI_TRY(WriteOut());
  if (written_ == 0) hash_ = Fnv(0, {});
  // fsync before the rename, so the name never points at bytes the disk does not hold.
  if (::fsync(fd_) != 0) return WriteFailed(path_, errno);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp_.c_str());
    return WriteFailed(path_, err);
  }
  if (auto r = Publish(tmp_, path_, options_); !r) {
    ::unlink(tmp_.c_str());
    return r.error();
  }
  DOSTI_TRY(SyncDirectory(path_));
  return ReadBack(path_, written_, hash_);
}

Result<void> WriteFileAtomic(const std::string& path, std::string_view bytes,
                             const WriteOptions& options) {
  auto w = AtomicFileWriter::Create(path, options);
  if (!w) return w.error();
  (*w)->buffer().append(bytes);
  return (*w)->Commit();
}

// [SECTION] Reading and directories

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  // A directory or a file this user may not read is named as such (in the user's language),
  // not as the system's English reason, and never read as an empty file.
  auto failed = [&](int err) {
    if (err == EISDIR) return MakeError(ErrorCode::kIo, "file.is_directory", {{"path", path}});
    if (err == EACCES || err == EPERM) {
      return MakeError(ErrorCode::kIo, "file.not_readable", {{"path", path}});
    }
    return MakeError(ErrorCode::kIo, "file.read_failed", {{"path", path}, {"reason", Reason(err)}});
  };
  if (struct stat named; ::stat(path.c_str(), &named) == 0 && S_ISDIR(named.st_mode)) {
    return failed(EISDIR);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failed(errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return failed(err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return failed(EISDIR);
  }
  auto too_large = [&](uint64_t size) {
    return MakeError(ErrorCode::kTooLarge, "file.too_large",
                     {{"path", path},
                      {"size", std::to_string(size)},
                      {"max", std::to_string(max_bytes)}});
  };
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return too_large(static_cast<uint64_t>(st.st_size));
  }
  std::string out;
  if (S_ISREG(st.st_mode)) out.reserve(static_cast<std::size_t>(st.st_size));
  char piece[65536];
  for (;;) {
    ssize_t n = ::read(fd, piece, sizeof piece);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return failed(err);
    }
    if (n == 0) break;
    // A file that grows while it is read (or a pipe) is still held to the cap.
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return too_large(out.size() + static_cast<std::size_t>(n));
    }
    out.append(piece, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<void> MakeDirectories(const std::string& path) {
  auto failed = [&](int err) {
    return MakeError(ErrorCode::kIo, "file.mkdir_failed", {{"path", path}, {"reason", Reason(err)}});
  };
  if (path.empty()) return failed(ENOENT);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return failed(ENOTDIR);
  }
  // Each prefix ending before a slash, then the whole path.
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    std::string prefix = path.substr(0, i);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return failed(errno);
  }
  if (::stat(path.c_str(), &st) != 0) return failed(errno);
  if (!S_ISDIR(st.st_mode)) return failed(ENOTDIR);
  return {};
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out.append(name);
  return out;
}

}  // namespace dosti
