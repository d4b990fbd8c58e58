// Storage for SQLite where the platform offers no file system SQLite can use as it is: the
// browser's origin-private file system (OPFS), whose synchronous access handles can only be
// opened asynchronously, so a fixed number of them are opened up front and SQLite's files are
// mapped onto them by name (the shape of SQLite's `opfs-sahpool` VFS and wa-sqlite's
// AccessHandlePoolVFS; the code and the slot layout below are Dosti's own).
//
//   SlotStorage   a fixed set of numbered slots, each a flat array of bytes with synchronous
//                 I/O: one OPFS file and its access handle in the browser (wasm/), a plain file
//                 natively and in emscripten's IndexedDB-backed file system (SlotFilesIn).
//   FilePool      the named files kept in those slots: an SQLite VFS (a Session opens its
//                 database through it with SessionOptions::vfs) and whole small files beside the
//                 database (the device's key file: sync::KeyFileInPool).
//
// Slot layout: a 4096-byte header, then the file's bytes. The header holds the magic
// "DHSLOT01", u32 LE name length (1..kMaxPoolName), the name (UTF-8), and at bytes 4088..4095
// the first 8 bytes of SHA-256 over bytes 0..4087; a slot whose header does not check is free.
// A new name is written into a free slot's header only after its data was cut to nothing, and
// a file is removed by clearing its header first, so a header torn by a crash frees its slot
// and never names stale bytes.
//
// What SQLite gets: the main database, its rollback journal and its WAL live in slots; temporary
// files (sorts, statement journals, temp databases) live in memory. No locks and no shared
// memory: one connection owns the pool (a Session opened through it runs in exclusive locking
// mode, db.cpp), which is what the browser guarantees with one owning tab (Web Locks). xSync
// is the slot's Flush (the access handle's flush()).
//
// Threading: a FilePool and its SlotStorage are used from one thread (the browser's Web Worker).
// Lifetimes: the SlotStorage outlives the FilePool; every Session opened through the pool's VFS
// is closed before the pool is destroyed (which unregisters the VFS).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

namespace dosti {

inline constexpr int64_t kSlotHeaderBytes = 4096;
inline constexpr std::size_t kMaxPoolName = 512;

// A fixed set of storage slots. Each call returns its outcome (I/O failures are not
// exceptional here: they become SQLite's I/O errors or the pool's kIo).
class SlotStorage {
 public:
  virtual ~SlotStorage() = default;
  virtual int Count() const = 0;
  // Reads up to `n` bytes at `offset` into `out`; returns how many were read (fewer at the
  // end of the slot), or -1 on failure.
  virtual int64_t Read(int slot, char* out, int64_t n, int64_t offset) = 0;
  // Writes `n` bytes at `offset` (growing the slot as needed); false on failure.
  virtual bool Write(int slot, const char* data, int64_t n, int64_t offset) = 0;
  virtual bool Truncate(int slot, int64_t size) = 0;
  // The slot's size in bytes, or -1 on failure.
  virtual int64_t Size(int slot) = 0;
  // Makes every write before it durable (fsync; an access handle's flush()); false on failure.
  virtual bool Flush(int slot) = 0;
};

// `count` plain files `dir/slot-N` (created when missing, mode 0600), through POSIX calls.
// kIo when the directory cannot be used.
Result<std::unique_ptr<SlotStorage>> SlotFilesIn(const std::string& dir, int count);

class FilePool {
 public:
  // Reads every slot's header and registers the SQLite VFS `vfs_name` over them (not as the
  // default VFS). kIo when a header cannot be read; kAlreadyInitialised when a VFS of that name
  // is registered already.
  static Result<std::unique_ptr<FilePool>> Open(SlotStorage& slots, std::string vfs_name);
  ~FilePool();
  FilePool(const FilePool&) = delete;
  FilePool& operator=(const FilePool&) = delete;

  // The VFS name to open a database with (SessionOptions::vfs).
  const std::string& vfs() const;

  // [SECTION] Whole files beside the database (small ones: a key file)
  // The bytes of file `name`, or nullopt when the pool has no such file. kIo on a read failure.
  Result<std::optional<std::string>> ReadFile(std::string_view name);
  // Creates file `name` with `bytes`, flushed before the name is written and after: a crash
  // leaves either no file or the whole one. kAlreadyInitialised when the file exists (never
  // overwritten); kTooLarge when no slot is free; kIo on a write failure.
  Result<void> CreateFile(std::string_view name, std::string_view bytes);
  // Removes file `name` (nothing when there is none). kIo on a write failure.
  Result<void> RemoveFile(std::string_view name);

  // The names of the files kept, in slot order, and how many slots are free.
  std::vector<std::string> Files() const;
  int FreeSlots() const;

  struct State;

 private:
  explicit FilePool(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace dosti
