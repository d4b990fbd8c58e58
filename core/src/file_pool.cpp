// FilePool: SQLite's files and small whole files in a fixed set of storage slots (dosti/vfs.h,
// which documents the slot layout and the crash rules), and SlotFilesIn, slots as plain files.
// SQLite's VFS contract: sqlite.org/c3ref/vfs.html and c3ref/io_methods.html.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "db.h"
#include "dosti/bytes.h"
#include "dosti/vfs.h"
#include "sha256.h"

namespace dosti {
namespace {

constexpr char kMagic[] = "DHSLOT01";
constexpr int64_t kChecksumAt = kSlotHeaderBytes - 8;

std::string Checksum(const char* header) {
  Sha256 h;
  h.Update(header, static_cast<size_t>(kChecksumAt));
  auto digest = h.Final();
  return std::string(reinterpret_cast<const char*>(digest.data()), 8);
}

std::string MakeHeader(std::string_view name) {
  std::string h;
  ByteWriter w(h);
  w.Raw(std::string_view(kMagic, 8)).U32(static_cast<uint32_t>(name.size())).Raw(name);
  h.resize(static_cast<size_t>(kChecksumAt), '\0');
  h += Checksum(h.data());
  return h;
}

// The name a slot's header gives, or "" for a free slot (no header, or one that does not check).
std::string NameIn(const std::string& h) {
  if (static_cast<int64_t>(h.size()) != kSlotHeaderBytes || h.compare(0, 8, kMagic) != 0) return {};
  if (h.compare(static_cast<size_t>(kChecksumAt), 8, Checksum(h.data())) != 0) return {};
  ByteReader r(std::string_view(h).substr(8, 4));
  uint32_t n = r.U32();
  if (!r.ok() || n == 0 || n > kMaxPoolName) return {};
  return h.substr(12, n);
}

}  // namespace

// [SECTION] The pool

struct FilePool::State {
  SlotStorage& slots;
  std::string vfs_name;
  sqlite3_vfs vfs{};
  sqlite3_vfs* base = nullptr;     // the platform's VFS: randomness, sleep, time
  std::vector<std::string> names;  // by slot; "" for a free one

  State(SlotStorage& s, std::string name) : slots(s), vfs_name(std::move(name)) {}

  int Find(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  int Free() const { return Find(""); }

  // Gives `name` a free slot whose data is `bytes`: the data first (flushed), then the name, so
  // that a crash leaves no name over stale or partial bytes. -1: no slot is free; -2: I/O.
  int Claim(std::string_view name, std::string_view bytes = {}) {
    int slot = Free();
    if (slot < 0) return -1;
    std::string header = MakeHeader(name);
    bool ok = slots.Truncate(slot, 0) &&
              (bytes.empty() || slots.Write(slot, bytes.data(), static_cast<int64_t>(bytes.size()),
                                            kSlotHeaderBytes)) &&
              slots.Flush(slot) && slots.Write(slot, header.data(), kSlotHeaderBytes, 0) &&
              slots.Flush(slot);
    if (!ok) return -2;
    names[slot] = std::string(name);
    return slot;
  }

  // Frees a slot: its size goes to nothing, header included, in one step.
  bool Release(int slot) {
    names[slot].clear();
    return slots.Truncate(slot, 0) && slots.Flush(slot);
  }
};

namespace {

// [SECTION] SQLite's file methods

struct PoolFile {
  sqlite3_file base;  // first: SQLite sees a PoolFile as a sqlite3_file
  FilePool::State* pool;
  int slot;             // -1: a temporary file in memory
  std::string* memory;  // the temporary file's bytes (owned)
  int flags;
};

PoolFile& Of(sqlite3_file* f) { return *reinterpret_cast<PoolFile*>(f); }

int Close(sqlite3_file* f) {
  PoolFile& p = Of(f);
  delete p.memory;
  p.memory = nullptr;
  if (p.slot >= 0 && (p.flags & SQLITE_OPEN_DELETEONCLOSE) && !p.pool->Release(p.slot)) {
    return SQLITE_IOERR_CLOSE;
  }
  return SQLITE_OK;
}

int Read(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
  PoolFile& p = Of(f);
  char* to = static_cast<char*>(out);
  int64_t got;
  if (p.memory) {
    int64_t size = static_cast<int64_t>(p.memory->size());
    got = offset >= size ? 0 : std::min<int64_t>(n, size - offset);
    if (got > 0) std::memcpy(to, p.memory->data() + offset, static_cast<size_t>(got));
  } else {
    got = p.pool->slots.Read(p.slot, to, n, kSlotHeaderBytes + offset);
    if (got < 0) return SQLITE_IOERR_READ;
  }
  if (got < n) {
    // SQLite requires the rest zeroed on a short read.
    std::memset(to + got, 0, static_cast<size_t>(n - got));
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

int Write(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
  PoolFile& p = Of(f);
  if (p.memory) {
    size_t end = static_cast<size_t>(offset) + static_cast<size_t>(n);
    if (p.memory->size() < end) p.memory->resize(end, '\0');
    std::memcpy(p.memory->data() + offset, data, static_cast<size_t>(n));
    return SQLITE_OK;
  }
  return p.pool->slots.Write(p.slot, static_cast<const char*>(data), n, kSlotHeaderBytes + offset)
             ? SQLITE_OK
             : SQLITE_IOERR_WRITE;
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  PoolFile& p = Of(f);
  if (p.memory) {
    p.memory->resize(static_cast<size_t>(size));
    return SQLITE_OK;
  }
  return p.pool->slots.Truncate(p.slot, kSlotHeaderBytes + size) ? SQLITE_OK
                                                                 : SQLITE_IOERR_TRUNCATE;
}

int Sync(sqlite3_file* f, int) {
  PoolFile& p = Of(f);
  if (p.memory) return SQLITE_OK;
  return p.pool->slots.Flush(p.slot) ? SQLITE_OK : SQLITE_IOERR_FSYNC;
}

int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  PoolFile& p = Of(f);
  if (p.memory) {
    *size = static_cast<sqlite3_int64>(p.memory->size());
    return SQLITE_OK;
  }
  int64_t s = p.pool->slots.Size(p.slot);
  if (s < 0) return SQLITE_IOERR_FSTAT;
  *size = std::max<int64_t>(0, s - kSlotHeaderBytes);
  return SQLITE_OK;
}

// One connection owns the pool (vfs.h): there is nobody to lock against.
int Lock(sqlite3_file*, int) { return SQLITE_OK; }
int CheckReservedLock(sqlite3_file*, int* out) {
  *out = 0;
  return SQLITE_OK;
}
int FileControl(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int SectorSize(sqlite3_file*) { return 4096; }
// As the unix VFS assumes of a local file system: a write of one sector leaves the others
// as they were, even across a power loss.
int DeviceCharacteristics(sqlite3_file*) {
  return SQLITE_IOCAP_UNDELETABLE_WHEN_OPEN | SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

const sqlite3_io_methods kMethods = {1, Close, Read, Write, Truncate, Sync, FileSize, Lock, Lock,
                                     CheckReservedLock, FileControl, SectorSize,
                                     DeviceCharacteristics,
                                     // iVersion 1: no shared memory, no mmap.
                                     nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

// [SECTION] SQLite's VFS methods

FilePool::State& PoolOf(sqlite3_vfs* vfs) { return *static_cast<FilePool::State*>(vfs->pAppData); }

constexpr int kSlotFiles =
    SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL | SQLITE_OPEN_SUPER_JOURNAL;

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  FilePool::State& s = PoolOf(vfs);
  PoolFile& p = Of(f);
  p.pool = &s;
  p.slot = -1;
  p.memory = nullptr;
  p.flags = flags;
  if (name && *name && (flags & kSlotFiles)) {
    p.slot = s.Find(name);
    if (p.slot < 0) {
      if (!(flags & SQLITE_OPEN_CREATE)) return SQLITE_CANTOPEN;
      p.slot = s.Claim(name);
      if (p.slot == -1) return SQLITE_FULL;
      if (p.slot < 0) return SQLITE_CANTOPEN;
    }
  } else {
    p.memory = new std::string();
  }
  p.base.pMethods = &kMethods;
  if (out_flags) *out_flags = flags;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* vfs, const char* name, int) {
  FilePool::State& s = PoolOf(vfs);
  int slot = s.Find(name);
  if (slot < 0) return SQLITE_OK;
  return s.Release(slot) ? SQLITE_OK : SQLITE_IOERR_DELETE;
}

int Access(sqlite3_vfs* vfs, const char* name, int, int* out) {
  *out = PoolOf(vfs).Find(name) >= 0 ? 1 : 0;
  return SQLITE_OK;
}

int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  size_t len = std::strlen(name);
  if (len >= static_cast<size_t>(n) || len > kMaxPoolName) return SQLITE_CANTOPEN;
  std::memcpy(out, name, len + 1);
  return SQLITE_OK;
}

int Randomness(sqlite3_vfs* vfs, int n, char* out) {
  sqlite3_vfs* b = PoolOf(vfs).base;
  return b->xRandomness(b, n, out);
}
int Sleep(sqlite3_vfs* vfs, int us) {
  sqlite3_vfs* b = PoolOf(vfs).base;
  return b->xSleep(b, us);
}
int CurrentTime(sqlite3_vfs* vfs, double* out) {
  sqlite3_vfs* b = PoolOf(vfs).base;
  return b->xCurrentTime(b, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  sqlite3_vfs* b = PoolOf(vfs).base;
  if (b->iVersion >= 2 && b->xCurrentTimeInt64) return b->xCurrentTimeInt64(b, out);
  double days = 0;
  int rc = b->xCurrentTime(b, &days);
  *out = static_cast<sqlite3_int64>(days * 86400000.0);
  return rc;
}
int GetLastError(sqlite3_vfs*, int, char*) { return 0; }

}  // namespace

FilePool::FilePool(std::unique_ptr<State> state) : s_(std::move(state)) {}

FilePool::~FilePool() { sqlite3_vfs_unregister(&s_->vfs); }

Result<std::unique_ptr<FilePool>> FilePool::Open(SlotStorage& slots, std::string vfs_name) {
  Db::InitialiseSqlite();
  if (sqlite3_vfs_find(vfs_name.c_str())) {
    return MakeError(ErrorCode::kAlreadyInitialised, "storage.vfs_taken", {{"name", vfs_name}});
  }
  auto s = std::make_unique<State>(slots, std::move(vfs_name));
  s->base = sqlite3_vfs_find(nullptr);
  if (!s->base) return MakeError(ErrorCode::kInternal, "storage.no_platform_vfs");
  s->names.resize(static_cast<size_t>(slots.Count()));
  std::string header(kSlotHeaderBytes, '\0');
  for (int i = 0; i < slots.Count(); ++i) {
    int64_t got = slots.Read(i, header.data(), kSlotHeaderBytes, 0);
    if (got < 0)
      return MakeError(ErrorCode::kIo, "storage.read_failed", {{"slot", std::to_string(i)}});
    if (got < kSlotHeaderBytes) continue;  // empty or torn: free
    std::string name = NameIn(header);
    // Two slots naming one file cannot come from this code; the first one wins.
    if (!name.empty() && s->Find(name) < 0) s->names[static_cast<size_t>(i)] = std::move(name);
  }
  sqlite3_vfs& v = s->vfs;
  v.iVersion = 2;
  v.szOsFile = sizeof(PoolFile);
  v.mxPathname = static_cast<int>(kMaxPoolName);
  v.zName = s->vfs_name.c_str();
  v.pAppData = s.get();
  v.xOpen = dosti::Open;
  v.xDelete = Delete;
  v.xAccess = Access;
  v.xFullPathname = FullPathname;
  v.xRandomness = Randomness;
  v.xSleep = Sleep;
  v.xCurrentTime = CurrentTime;
  v.xGetLastError = GetLastError;
  v.xCurrentTimeInt64 = CurrentTimeInt64;
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) {
    return MakeError(ErrorCode::kInternal, "storage.vfs_taken", {{"name", s->vfs_name}});
  }
  return std::unique_ptr<FilePool>(new FilePool(std::move(s)));
}

const std::string& FilePool::vfs() const { return s_->vfs_name; }

Result<std::optional<std::string>> FilePool::ReadFile(std::string_view name) {
  int slot = s_->Find(name);
  if (slot < 0) return std::optional<std::string>();
  int64_t size = s_->slots.Size(slot);
  if (size < kSlotHeaderBytes) {
    return MakeError(ErrorCode::kIo, "storage.read_failed", {{"slot", std::to_string(slot)}});
  }
  std::string bytes(static_cast<size_t>(size - kSlotHeaderBytes), '\0');
  int64_t got =
      s_->slots.Read(slot, bytes.data(), static_cast<int64_t>(bytes.size()), kSlotHeaderBytes);
  if (got != static_cast<int64_t>(bytes.size())) {
    return MakeError(ErrorCode::kIo, "storage.read_failed", {{"slot", std::to_string(slot)}});
  }
  return std::optional<std::string>(std::move(bytes));
}

Result<void> FilePool::CreateFile(std::string_view name, std::string_view bytes) {
  if (name.empty() || name.size() > kMaxPoolName) {
    return MakeError(ErrorCode::kInvalid, "storage.bad_name", {{"name", std::string(name)}});
  }
  if (s_->Find(name) >= 0) {
    return MakeError(ErrorCode::kAlreadyInitialised, "storage.file_exists",
                     {{"name", std::string(name)}});
  }
  int slot = s_->Claim(name, bytes);
  if (slot == -1) {
    return MakeError(ErrorCode::kTooLarge, "storage.full",
                     {{"name", std::string(name)}, {"slots", std::to_string(s_->slots.Count())}});
  }
  if (slot < 0) {
    return MakeError(ErrorCode::kIo, "storage.write_failed", {{"name", std::string(name)}});
  }
  return {};
}

Result<void> FilePool::RemoveFile(std::string_view name) {
  int slot = s_->Find(name);
  if (slot >= 0 && !s_->Release(slot)) {
    return MakeError(ErrorCode::kIo, "storage.write_failed", {{"name", std::string(name)}});
  }
  return {};
}

std::vector<std::string> FilePool::Files() const {
  std::vector<std::string> out;
  for (const std::string& n : s_->names) {
    if (!n.empty()) out.push_back(n);
  }
  return out;
}

int FilePool::FreeSlots() const {
  int n = 0;
  for (const std::string& name : s_->names) n += name.empty() ? 1 : 0;
  return n;
}

// [SECTION] Slots as plain files

namespace {

class SlotFiles final : public SlotStorage {
 public:
  explicit SlotFiles(std::vector<int> fds) : fds_(std::move(fds)) {}
  ~SlotFiles() override {
    for (int fd : fds_) ::close(fd);
  }
  int Count() const override { return static_cast<int>(fds_.size()); }
  int64_t Read(int slot, char* out, int64_t n, int64_t offset) override {
    int64_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fds_[slot], out + done, static_cast<size_t>(n - done), offset + done);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return -1;
      if (r == 0) break;
      done += r;
    }
    return done;
  }
  bool Write(int slot, const char* data, int64_t n, int64_t offset) override {
    int64_t done = 0;
    while (done < n) {
      ssize_t w = ::pwrite(fds_[slot], data + done, static_cast<size_t>(n - done), offset + done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      done += w;
    }
    return true;
  }
  bool Truncate(int slot, int64_t size) override { return ::ftruncate(fds_[slot], size) == 0; }
  int64_t Size(int slot) override {
    struct stat st;
    return ::fstat(fds_[slot], &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
  }
  bool Flush(int slot) override { return ::fsync(fds_[slot]) == 0; }

 private:
  std::vector<int> fds_;
};

}  // namespace

Result<std::unique_ptr<SlotStorage>> SlotFilesIn(const std::string& dir, int count) {
  std::vector<int> fds;
  auto fail = [&](const std::string& path) -> Error {
    std::string reason = std::strerror(errno);
    for (int fd : fds) ::close(fd);
    return MakeError(ErrorCode::kIo, "file.write_failed", {{"path", path}, {"reason", reason}});
  };
  for (int i = 0; i < count; ++i) {
    std::string path = dir + "/slot-" + std::to_string(i);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(path);
    fds.push_back(fd);
  }
  return std::unique_ptr<SlotStorage>(new SlotFiles(std::move(fds)));
}

}  // namespace dosti
