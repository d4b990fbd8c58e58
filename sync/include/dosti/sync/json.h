// JSON of the sync layer's reports and views, so that the command line (`dosti --json`) and
// the booth's engine (wasm/) give scripts and pages the same objects. Conventions as in
// dosti/json.h. Plain functions over a caller's writer; thread-safe as the writer is.
#pragma once

#include <vector>

#include "dosti/json.h"
#include "dosti/sync/node.h"
#include "dosti/sync/round.h"

namespace dosti::sync {

// The keys of a ReceiveReport, written into the object being written: "applied", "known",
// "waiting", "stale", "rejected", "changes", "items" (only what needs attention: [{"what",
// "status", "reason", "key", "code"}]), "held" ([{"device", "seq", "reason", "key"}]),
// "alarms" ([{"code", "key", "message"}]), "awaiting_approval", "code" (null unless pending).
void WriteReceivedKeys(json::Writer& w, const ReceiveReport& r);

// {"id", "role", "office", "status", "expires" (YYYY-MM-DD or null), "self", "envelopes",
//  "code" (pending only), "cutoff" (revoked only)}
void WriteDevice(json::Writer& w, const DeviceView& d);
// [WriteDevice's object, ...]
void WriteDevices(json::Writer& w, const std::vector<DeviceView>& devices);

// {"exporter", "damaged", "damage" (text or null), <the received keys>}
void WriteBundleReport(json::Writer& w, const BundleReport& r);

// {"relay", "registered", "pushed", "push_rejected", "up_envelopes", "up_bytes",
//  "down_envelopes", "down_bytes", "refused": [{"key", "text", "args"}], <the received keys>}
void WriteSyncReport(json::Writer& w, const SyncReport& r);

}  // namespace dosti::sync
