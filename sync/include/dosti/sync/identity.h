// This device's identity, over a key-store seam: making its keys, wrapping them with a
// passphrase, loading them, and the new-device paths of creating and joining a workspace. The
// command line and the desktop app keep the keys in a file beside the database; the browser
// keeps them in its own storage (a KeyStore of the wasm layer). Nothing above sync/ handles a
// private key.
// Threading and lifetimes: as Node (node.h); a KeyStore is used from one thread at a time and
// need not outlive the calls below.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dosti/platform.h"
#include "dosti/result.h"
#include "dosti/session.h"
#include "dosti/sync/node.h"
#include "dosti/vfs.h"

namespace dosti::sync {

// Where a device's key bytes (the key file layout of sync/README.md, "Key file") are kept.
class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The stored bytes, or nullopt when there are none.
  virtual Result<std::optional<Bytes>> Load() = 0;
  // Stores new bytes durably; kAlreadyInitialised when some are there: keys are never
  // overwritten.
  virtual Result<void> Create(std::string_view bytes) = 0;
  // Removes what Create stored, when the new-device path that made it failed afterwards.
  virtual Result<void> Remove() = 0;
  // Where the keys are, for messages ("/home/officer/dosti.db.key").
  virtual std::string Where() const = 0;
};

// A file beside the database: "<db>.key", mode 0600 (readable by this OS user only), written
// atomically and never overwritten.
std::unique_ptr<KeyStore> KeyFileBeside(const std::string& db_path);
// Keys kept in memory only (tests, ":memory:" databases).
std::unique_ptr<KeyStore> KeysInMemory();
// The browser's: file `name` ("dosti.db.key") in the FilePool that holds the database
// (dosti/vfs.h), written once and flushed before Create returns. The pool outlives the store.
std::unique_ptr<KeyStore> KeyFileInPool(FilePool& pool, std::string name);

// An invite as a link: `relay_url` + "/#invite=" + the invite file in unpadded base64url
// (dosti/base64.h). The invite rides in the URL's fragment, which a browser never sends to the
// server, so it stays out of the relay's logs.
std::string InviteLink(std::string_view relay_url, std::string_view invite_file);
// The invite file in what a person pastes or opens: such a link (any text whose fragment
// holds "invite=..."), or the base64url text alone; spaces and line breaks are ignored.
// kDamaged ("sync.invite_not_text") when it is neither; whether the bytes are a valid invite is
// JoinWorkspace's to judge.
Result<Bytes> InviteFromText(std::string_view text);

struct DeviceSetup {
  KeyStore* keys = nullptr;       // required
  std::string key_passphrase;     // empty: the keys are protected by the store alone
  Clock* clock = nullptr;         // nullptr: the system clock
};

// A new workspace on an empty database: fresh keys, stored first, then Node::Create. When that
// fails, the stored keys are removed again (and nothing else was written).
Result<std::unique_ptr<Node>> CreateWorkspace(Session& session, const DeviceSetup& setup,
                                              std::string_view office,
                                              std::string_view workspace_name);
// A new device of a workspace from an invite file: fresh keys, stored first, then Node::Join
// (the device is pending until an admin approves it). Undone as above when it fails.
Result<std::unique_ptr<Node>> JoinWorkspace(Session& session, const DeviceSetup& setup,
                                            std::string_view invite_file,
                                            std::string_view invite_passphrase);
// This device's node on its database: kNotInitialised (no keys), kWrongPassphrase, kDamaged.
Result<std::unique_ptr<Node>> OpenDevice(Session& session, const DeviceSetup& setup);

}  // namespace dosti::sync
