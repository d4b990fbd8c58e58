// JSON of the sync layer's reports and views (dosti/sync/json.h).
#include "dosti/sync/json.h"

#include "dosti/date.h"

namespace dosti::sync {
namespace {

void WriteMessage(json::Writer& w, const Message& m) {
  w.BeginObject().Key("key").String(m.key).Key("text").String(m.text).Key("args").BeginObject();
  for (const auto& [name, value] : m.args) w.Key(name).String(value);
  w.EndObject().EndObject();
}

}  // namespace

void WriteReceivedKeys(json::Writer& w, const ReceiveReport& r) {
  w.Key("applied").Int(r.applied).Key("known").Int(r.known).Key("waiting").Int(r.waiting);
  w.Key("stale").Int(r.stale).Key("rejected").Int(r.rejected).Key("changes").Int(r.changes);
  w.Key("items").BeginArray();
  for (const auto& item : r.items) {
    static const char* names[] = {"applied", "known", "waiting", "stale", "rejected"};
    if (item.status == Received::Status::kApplied || item.status == Received::Status::kKnown) {
      continue;  // counted above; only what needs attention is listed
    }
    w.BeginObject().Key("what").String(item.what.text);
    w.Key("status").String(names[static_cast<int>(item.status)]);
    w.Key("reason").String(item.reason.text).Key("key").String(item.reason.key);
    w.Key("code").Int(static_cast<int64_t>(item.code)).EndObject();
  }
  w.EndArray();
  w.Key("held").BeginArray();
  for (const HeldCommit& h : r.held) {
    w.BeginObject().Key("device").String(h.device).Key("seq").Int(h.seq);
    w.Key("reason").String(h.reason.text).Key("key").String(h.reason.key).EndObject();
  }
  w.EndArray();
  w.Key("alarms").BeginArray();
  for (const auto& a : r.alarms) {
    w.BeginObject().Key("code").Int(static_cast<int64_t>(a.code));
    w.Key("key").String(a.message.key).Key("message").String(a.message.text).EndObject();
  }
  w.EndArray();
  w.Key("awaiting_approval").Bool(r.awaiting_approval);
  w.Key("code").StringOrNull(r.code);
}

void WriteDevice(json::Writer& w, const DeviceView& d) {
  w.BeginObject().Key("id").String(d.id).Key("role").String(d.role);
  w.Key("office").String(d.office).Key("status").String(d.status);
  w.Key("expires").StringOrNull(d.expires_ms ? FormatDate(DateAt(d.expires_ms, 0)) : "");
  w.Key("self").Bool(d.self);
  w.Key("envelopes").Int(static_cast<int64_t>(d.applied));
  if (d.status == "pending") w.Key("code").String(d.code);
  if (d.status == "revoked") w.Key("cutoff").Int(static_cast<int64_t>(d.cutoff));
  w.EndObject();
}

void WriteDevices(json::Writer& w, const std::vector<DeviceView>& devices) {
  w.BeginArray();
  for (const auto& d : devices) WriteDevice(w, d);
  w.EndArray();
}

void WriteBundleReport(json::Writer& w, const BundleReport& r) {
  w.BeginObject().Key("exporter").String(r.exporter);
  w.Key("damaged").Bool(r.damaged).Key("damage").StringOrNull(r.damage.text);
  WriteReceivedKeys(w, r.received);
  w.EndObject();
}

void WriteSyncReport(json::Writer& w, const SyncReport& r) {
  const SyncProgress& p = r.totals;
  w.BeginObject().Key("relay").String(r.relay).Key("registered").Bool(r.registered);
  w.Key("pushed").Int(r.pushed);
  w.Key("push_rejected").Int(static_cast<int64_t>(r.push_refused.size()));
  w.Key("up_envelopes").Int(static_cast<int64_t>(p.envelopes_up));
  w.Key("up_bytes").Int(static_cast<int64_t>(p.bytes_up));
  w.Key("down_envelopes").Int(static_cast<int64_t>(p.envelopes_down));
  w.Key("down_bytes").Int(static_cast<int64_t>(p.bytes_down));
  w.Key("refused").BeginArray();
  for (const Message& m : r.push_refused) WriteMessage(w, m);
  for (const Message& m : r.control_refused) WriteMessage(w, m);
  w.EndArray();
  WriteReceivedKeys(w, r.received);
  w.EndObject();
}

}  // namespace dosti::sync
