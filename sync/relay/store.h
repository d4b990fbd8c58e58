// The relay's own SQLite store (DIR/relay.db): workspaces, their control messages, the changes
// envelopes per (workspace, author, seq), equivocation evidence and per-device usage. It keeps
// ciphertext and public metadata only. WAL with synchronous=FULL: once Commit() returns, the
// batches survive kill -9 and power loss. Threading: every method may be called from any
// thread. Writes go through one connection, one at a time; reads through a pool of read
// connections, which see committed data only (WAL snapshots), so reads never wait for a
// commit's fsync.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

struct sqlite3;

namespace dosti::relay {

using Bytes = std::string;

class Store {
 public:
  // Opens (creating when missing) DIR/relay.db; DIR must exist. The relay id is made on first
  // open (16 random bytes from `random16`) and kept in the database. kStorage on failure; kIo
  // when another process holds DIR/relay.lock (one relay per data directory).
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const Bytes& random16);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Bytes& relay_id() const { return relay_id_; }

  // [SECTION] Workspaces and control messages.
  // Every registered workspace id.
  Result<std::vector<Bytes>> Workspaces();
  // The control messages of `ws` in index order (index 1: the genesis).
  Result<std::vector<Bytes>> Control(const Bytes& ws);
  // Registers `ws` with its genesis as control index 1; false when it was already registered.
  Result<bool> AddWorkspace(const Bytes& ws, std::string_view genesis, int64_t now_ms);
  // Appends control messages after the last index, in one transaction.
  Result<void> AppendControl(const Bytes& ws, const std::vector<Bytes>& messages, int64_t now_ms);
  // Control messages with index > after, in index order, at most `max_bytes` in all (at least
  // one when there is one); `next` gets the index of the last one returned (after when none).
  Result<std::vector<Bytes>> ControlAfter(const Bytes& ws, uint64_t after, std::size_t max_bytes,
                                          uint64_t* next, bool* more);

  // [SECTION] Changes envelopes.
  struct Head {
    uint64_t seq = 0;
    Bytes id;  // 32: the envelope id of that seq
  };
  // The highest stored seq per author of `ws`.
  Result<std::map<Bytes, Head>> Heads(const Bytes& ws);
  // Stored bytes per uploading device of `ws` (envelopes and evidence).
  Result<std::map<Bytes, uint64_t>> Usage(const Bytes& ws);
  // The id stored for (author, seq), or nullopt.
  Result<std::optional<Bytes>> IdAt(const Bytes& ws, const Bytes& author, uint64_t seq);
  // The ids of the evidence kept for (author, seq).
  Result<std::vector<Bytes>> EvidenceIdsAt(const Bytes& ws, const Bytes& author, uint64_t seq);

  struct NewEnvelope {
    Bytes author;
    uint64_t seq = 0;
    Bytes id;
    uint32_t epoch = 0;
    std::string_view bytes;
  };
  struct Evidence {
    Bytes author;
    uint64_t seq = 0;
    Bytes id;
    std::string_view bytes;
    std::string reason;
  };
  // One push's judged batch.
  struct Batch {
    Bytes ws, uploader;
    std::vector<NewEnvelope> add;
    std::vector<Evidence> evidence;
  };
  // Stores push batches (new envelopes and equivocation evidence) in one durable transaction
  // (group commit: one fsync for all of them) and adds their bytes to each uploader's usage.
  // An evidence row already kept is not added again. All or nothing.
  Result<void> Commit(const std::vector<const Batch*>& batches, int64_t now_ms);
  // Envelopes of `author` with seq > after, in seq order, while their sum stays ≤ budget
  // (the first one always, when `first` is true). `*stopped` is set when rows remained.
  Result<void> ReadAfter(const Bytes& ws, const Bytes& author, uint64_t after, std::size_t budget,
                         bool first, std::vector<Bytes>* out, std::size_t* used, bool* stopped);
  // Evidence rows of `ws` (for tests and operators): (author, seq, id, reason).
  struct EvidenceRow {
    Bytes author;
    uint64_t seq = 0;
    Bytes id;
    std::string reason;
  };
  Result<std::vector<EvidenceRow>> EvidenceOf(const Bytes& ws);

 private:
  Store() = default;
  Result<void> Exec(const char* sql);
  // A read connection from the pool (opened when none is idle), returned by the guard.
  class Reader;

  std::string path_;
  std::mutex write_mu_;  // db_ is the write connection
  sqlite3* db_ = nullptr;
  std::mutex read_mu_;
  std::vector<sqlite3*> readers_;  // idle read connections
  int lock_fd_ = -1;  // flock'd DIR/relay.lock
  Bytes relay_id_;
};

}  // namespace dosti::relay
