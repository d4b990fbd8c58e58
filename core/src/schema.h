// The versioned schema and its migrations (PRAGMA user_version). Version N is reached by
// running migrations 1..N in order, each in its own transaction; a database written by a newer
// Dosti (user_version above kSchemaVersion) is refused rather than guessed at.
#pragma once

#include <string_view>
#include <vector>

#include "db.h"
#include "dosti/result.h"

namespace dosti {

inline constexpr int kSchemaVersion = 6;

// Migrates `db` up to `target` (default: the current version). Tests pass an older target to
// build a database of an earlier schema.
Result<void> Migrate(Db& db, int target = kSchemaVersion);
Result<int> SchemaVersion(Db& db);

// The replicated tables, in dependency order (parents first). Every one has the columns
// id, created_at, updated_at, origin_device, archived.
const std::vector<std::string_view>& ReplicatedTables();

}  // namespace dosti
