#include "quarantine.h"

#include "dosti/replica.h"
#include "dosti/sync/wire.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kQuarantine = "quar";

}  // namespace

Result<void> Quarantine::Keep(const Envelope& env, const Message& reason) {
  Writer w;
  w.Sized(reason.key).Sized(reason.text).U32(static_cast<uint32_t>(reason.args.size()));
  for (const auto& [name, value] : reason.args) w.Sized(name).Sized(value);
  w.Raw(env.bytes);
  return replica_.LocalPut(kQuarantine, env.Id(), w.bytes());
}

Result<std::vector<Quarantine::Entry>> Quarantine::List() {
  auto all = replica_.LocalList(kQuarantine);
  if (!all) return all.error();
  std::vector<Entry> out;
  for (const auto& [id, value] : *all) {
    Reader r(value);
    Message m;
    m.key = std::string(r.Sized(value.size()));
    m.text = std::string(r.Sized(value.size()));
    uint32_t n = r.U32();
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      std::string name(r.Sized(value.size()));
      m.args.emplace_back(std::move(name), std::string(r.Sized(value.size())));
    }
    out.push_back({ToHex(id), std::move(m)});
  }
  return out;
}

}  // namespace dosti::sync
