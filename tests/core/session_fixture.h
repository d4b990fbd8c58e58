// A fresh in-memory workspace with a fixed clock and seeded ids, for core tests.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "dosti/session.h"

namespace dosti::testing {

// The value of a result that must have succeeded (the test stops with its message otherwise).
template <typename T>
T Must(Result<T> r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  return std::move(*r);
}

inline void Must(Result<void> r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
}

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
    std::string id = EnterpriseWithoutContact(country, name, identifier);
    auto contact = session->AddContact({{"enterprise_id", id},
                                        {"full_name", std::string("Contact of ") + name},
                                        {"consent_contact", std::string("1")}});
    if (!contact) throw std::runtime_error(contact.error().message);
    return id;
  }
  // The same without its contact: everything selection needs but the primary contact.
  std::string EnterpriseWithoutContact(const std::string& country, const std::string& name,
                                       const std::string& identifier) {
    Fields f{{"country", country}, {"name", name}, {"sector", std::string("6201")},
             {"region", country == "CN" ? std::string("CN-BJ") : std::string("PK-IS")},
             {"city", country == "CN" ? std::string("Beijing") : std::string("Islamabad")}};
    IdentifierInput id{country == "CN" ? IdentifierType::kCnUscc : IdentifierType::kPkNtn,
                       identifier};
    auto saved = session->AddEnterprise(f, {id});
    if (!saved) throw std::runtime_error(saved.error().message);
    return saved->id;
  }
  // An enterprise with a country and a name only (and the identifiers given).
  std::string PlainEnterprise(const std::string& country, const std::string& name,
                              const std::vector<IdentifierInput>& ids = {}) {
    return Must(session->AddEnterprise({{"country", country}, {"name", name}}, ids)).id;
  }
};

}  // namespace dosti::testing
