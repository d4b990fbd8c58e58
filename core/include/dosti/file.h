// The files Dosti writes and reads outside its database: CSV exports, bundles, invites, key
// files, receipts. One atomic writer for all of them and one bounded reader, over POSIX calls
// only (open, write, fsync, rename, link), so the wasm build carries no <filesystem> or
// <fstream>. Thread-safe: no shared state; two writers of one path race like two renames.
//
// What a successful write guarantees:
//   - a reader of `path` sees the old file or the whole new one, never a part (the bytes go to
//     a temporary file beside the target, which is renamed, or linked, over it);
//   - the bytes and the new name were on the disk when the call returned (the temporary file
//     is fsynced before the rename and the directory after it), as far as the operating system
//     tells the truth about fsync (emscripten's NODERAWFS makes fsync a no-op);
//   - the file read back equals what was written (removable media can acknowledge writes they
//     did not keep: SQLite, "How To Corrupt An SQLite Database File" §3.1, §4.2);
//   - its mode is 0600 with `private_file`, otherwise 0644 less the process umask; a file it
//     replaces does not lend its mode.
// A failed write leaves the target as it was and removes its temporary file, except when the
// read-back fails: the new file is then in place but not trustworthy, and the error says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dosti/result.h"

namespace dosti {

struct WriteOptions {
  // Mode 0600 (readable by this OS user only): key files, invites, bundles.
  bool private_file = false;
  // Never replace an existing file (key files): the temporary file is hard-linked to the
  // target, which fails when the target exists. Where hard links do not exist (FAT on USB
  // sticks, emscripten), the name is claimed with O_CREAT|O_EXCL and the file renamed over
  // its own claim; a crash in between leaves an empty file at `path`.
  bool no_overwrite = false;
};

// Writes `bytes` to `path` atomically (see above). Errors: kIo (the message names the path and
// the system's reason; key "file.write_failed" or "file.read_back_differs"), or kIo with key
// "file.exists" when `no_overwrite` finds a file there.
Result<void> WriteFileAtomic(const std::string& path, std::string_view bytes,
                             const WriteOptions& options = {});

// The same for a file written in pieces (a CSV export): Append as often as needed, then Commit.
// Destroying it without a successful Commit removes the temporary file and leaves `path` as it
// was. Not copyable; used by one thread at a time.
class AtomicFileWriter {
 public:
  // Creates the temporary file beside `path`. kIo when the directory is not writable.
  static Result<std::unique_ptr<AtomicFileWriter>> Create(const std::string& path,
                                                          const WriteOptions& options = {});
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Buffers `bytes`, writing them out in 1 MiB pieces.
  Result<void> Append(std::string_view bytes);
  // The buffer itself, for callers that format into it; call Flush() now and then.
  std::string& buffer() { return buffer_; }
  // Writes the buffer out once it holds 1 MiB or more.
  Result<void> Flush();
  // Writes what is buffered, fsyncs, renames (or links), fsyncs the directory, reads back.
  Result<void> Commit();
  const std::string& path() const { return path_; }

 private:
  AtomicFileWriter() = default;
  Result<void> WriteOut();
  std::string path_, tmp_;
  WriteOptions options_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t written_ = 0;
  uint64_t hash_ = 0;  // of every byte written, to compare the read-back with
};

// Files Dosti reads are bounded: a size past the cap is refused before anything is read.
inline constexpr std::size_t kMaxReadBytes = std::size_t{1} << 30;  // 1 GiB

// The whole file at `path`. Errors: kIo with key "file.is_directory" (a directory),
// "file.not_readable" (no permission), "file.read_failed" (missing, or another reason);
// kTooLarge (over `max_bytes`; key "file.too_large").
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = kMaxReadBytes);

// Creates the directory `path` and any missing parents (mode 0755 less the umask); an existing
// directory is fine. kIo when it cannot, or when `path` exists and is not a directory.
Result<void> MakeDirectories(const std::string& path);

// `dir` + "/" + `name` (no doubled slash).
std::string JoinPath(std::string_view dir, std::string_view name);

}  // namespace dosti
