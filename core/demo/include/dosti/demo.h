// Demo data for trying Dosti, for screenshots and for benchmarks: a realistic, deterministic
// programme. A library of its own (dosti_demo), so that the booth's wasm core does not carry
// it; the CLI, the tests and the benchmarks link it.
// Threading: as the Session's (one thread at a time); Session::Interrupt stops it.
#pragma once

#include <cstdint>

#include "dosti/session.h"

namespace dosti {

// Seeds `enterprises` demo enterprises (2..100,000; half CN, half PK) with contacts, twelve
// months of services, enrollments, matches and events: realistic and deterministic (the same
// seed and date give the same records) and written through the facade, in one transaction.
// Returns the number of records written. Errors: kNotInitialised, kInvalid (the count; or
// "demo.workspace_has_records" when the workspace already holds enterprises or events and
// `force` is false: demo data would mix with real records and sync to the other devices),
// kCancelled (Session::Interrupt; nothing is written). Progress: "enterprises" every 10, then
// "matchmaking".
Result<int64_t> SeedDemo(Session& session, int enterprises, uint64_t seed,
                         const Progress& progress = {}, bool force = false);

}  // namespace dosti
