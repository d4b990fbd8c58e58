// Errors as values: every fallible public function returns Result<T>.
// Error codes are stable: they cross into JavaScript, logs and translations; never renumber one.
// Thread-safety: plain value types, no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace dosti {

// Stable numeric codes. Group by hundreds; append, never reuse or renumber.
enum class ErrorCode : int32_t {
  kOk = 0,
  // 1xx: the caller asked for something that does not exist or is not allowed now.
  kNotFound = 100,
  kAmbiguous = 101,        // an id prefix matched several records
  kNotInitialised = 102,   // the database has no workspace yet (or no records from a peer)
  kAlreadyInitialised = 103,
  kReadOnlyField = 104,
  kUnknownField = 105,
  kTransition = 106,       // a stage change the pipeline does not allow
  // 2xx: validation errors (the write is refused, nothing changes).
  kInvalid = 200,          // generic: a value out of its domain
  kRequired = 201,         // a mandatory value is missing
  kBadIdentifier = 202,    // an identifier does not match its format
  kBadPhone = 203,
  kBadName = 204,          // empty, too long, control or bidi override characters
  kBadDate = 205,
  kSelectionIncomplete = 206,  // selection needs legal name, identifier, sector, region, city, contact
  kSameCountry = 207,          // a matchmaking pair must join a CN and a PK enterprise
  kBadCsv = 208,
  // 3xx: storage and environment.
  kStorage = 300,          // SQLite reported an error
  kIo = 301,               // a file could not be read or written
  kSchemaTooNew = 302,     // the database was written by a newer Dosti
  kInUse = 303,            // the database is open elsewhere (a booth's other browser tab)
  kInternal = 399,
  // 4xx: sync (sync/README.md): input from other devices, the relay or a file is refused.
  kUnauthentic = 400,      // a signature, MAC or hash does not match: tampered or forged
  kDamaged = 401,          // malformed or truncated bytes (wrong magic, lengths, version)
  kWrongWorkspace = 402,   // it belongs to another workspace
  kUnknownDevice = 403,    // the author or signer is not in the roster
  kRevoked = 404,          // revoked (past its cut-off) or expired
  kWrongPassphrase = 405,
  kExpired = 406,          // an invite past its expiry
  kAlreadyUsed = 407,      // an invite that a device has already used
  kEquivocation = 408,     // one author, one sequence number, two contents
  kTooLarge = 409,         // over a size limit
  kNotPermitted = 410,     // the role of this device does not allow it (e.g. only admins revoke)
  kNetwork = 411,          // the relay could not be reached or answered with an error
  // 5xx: the caller's own decisions.
  kCancelled = 500,        // stopped on request (Session::Interrupt, dosti/cancel.h); rolled back
};

// Named arguments of a message, in order: {"date", "2026-12-07"}. Templates refer to them by
// name ("{date}"), or by position ("{0}") where a sentence's words are reordered.
using Args = std::vector<std::pair<std::string, std::string>>;

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string key;      // the catalog key of the message (core/catalog): what a UI translates
  Args args;            // the message's named arguments
  std::string message;  // the English sentence (the catalog's "en" text with the arguments),
                        // followed by each detail's message on a line of its own
  std::string field;    // the field at fault, when there is one (e.g. "uscc")
  std::vector<Error> details;  // the errors behind this one, e.g. one per line of a refused
                               // import (already included in `message`)
};

// An error whose message is the catalog entry `key` (dosti/catalog.h) with `args`. Keys are
// dotted lowercase words ("invite.expired"); a key missing from the catalog is a bug caught by
// tests/catalog_test.sh and shows as the key itself.
Error MakeError(ErrorCode code, std::string_view key, Args args = {}, std::string field = {});
// `error` with `details` attached (their messages appended to its own, one per line).
Error WithDetails(Error error, std::vector<Error> details);

// A [[nodiscard]] result: either a T or an Error.
template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using tl::expected<T, Error>::expected;
  Result(Error e) : tl::expected<T, Error>(tl::unexpected<Error>(std::move(e))) {}  // NOLINT
};

template <>
class [[nodiscard]] Result<void> : public tl::expected<void, Error> {
 public:
  using tl::expected<void, Error>::expected;
  Result() = default;
  Result(Error e) : tl::expected<void, Error>(tl::unexpected<Error>(std::move(e))) {}  // NOLINT
};

// Propagate an error from an expression returning Result<...>.
#define DOSTI_TRY(expr)                                   \
  do {                                                    \
    auto dosti_try_result_ = (expr);                      \
    if (!dosti_try_result_) return dosti_try_result_.error(); \
  } while (0)

}  // namespace dosti
