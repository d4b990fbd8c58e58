// A fresh in-memory workspace with a fixed clock and seeded ids, for core tests.
#pragma once

#include <memory>
#include <string>

#include "dosti/session.h"

namespace dosti::testing {

inline int64_t MsAt(Date d, int hour_utc = 4) {
  return DaysFromCivil(d) * 86'400'000 + int64_t{hour_utc} * 3'600'000;
}

// Follow-up filters spelled out (a brace list that leaves fields out warns under -Wextra).
inline FollowUpFilter OverdueOnly() {
  FollowUpFilter f;
  f.overdue_only = true;
  return f;
}
inline FollowUpFilter IncludingDone() {
  FollowUpFilter f;
  f.include_done = true;
  return f;
}

struct Workspace {
  ManualClock clock{MsAt({2024, 6, 15})};
  SeededRandom random{42};
  std::unique_ptr<Session> session;

  explicit Workspace(std::string office = "beijing", std::string path = ":memory:") {
    auto s = Session::Open(path, {&clock, &random});
    if (!s) throw std::runtime_error(s.error().message);
    session = std::move(*s);
    auto init = session->Init(office, "Test workspace");
    if (!init) throw std::runtime_error(init.error().message);
  }
  Session* operator->() { return session.get(); }

  // An enterprise with everything selection needs: identifier, sector, region, city and a
  // primary contact who consented.
  std::string CompleteEnterprise(const std::string& country, const std::string& name,
                                 const std::string& identifier) {
    Fields f{{"country", country}, {"name", name}, {"sector", std::string("6201")},
             {"region", country == "CN" ? std::string("CN-BJ") : std::string("PK-IS")},
             {"city", country == "CN" ? std::string("Beijing") : std::string("Islamabad")}};
    IdentifierInput id{country == "CN" ? IdentifierType::kCnUscc : IdentifierType::kPkNtn,
                       identifier};
    auto saved = session->AddEnterprise(f, {id});
    if (!saved) throw std::runtime_error(saved.error().message);
    auto contact = session->AddContact({{"enterprise_id", saved->id},
                                        {"full_name", std::string("Contact of ") + name},
                                        {"consent_contact", std::string("1")}});
    if (!contact) throw std::runtime_error(contact.error().message);
    return saved->id;
  }
};

}  // namespace dosti::testing
