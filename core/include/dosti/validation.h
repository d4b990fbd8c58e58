// The validation rules of DOMAIN.md: identifiers (USCC check character, legacy numbers, NTN,
// SECP), phone numbers to E.164, names. Errors refuse a write; warnings are saved and listed.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

namespace dosti {

enum class Severity { kError, kWarning };

// One finding about one field. Warnings travel back to the user with a successful save.
struct Issue {
  Severity severity = Severity::kWarning;
  ErrorCode code = ErrorCode::kInvalid;
  std::string field;    // e.g. "uscc", "mobile", "name"
  std::string message;  // English, one sentence, says what to do
};

enum class IdentifierType { kCnUscc, kCnLegacyRegno, kPkSecp, kPkNtn, kPkNtnCnic, kOther };
enum class IdentifierCheck { kValid, kChecksumWarning, kFormatOnly };

// "CN_USCC", "CN_LEGACY_REGNO", "PK_SECP", "PK_NTN", "PK_NTN_CNIC", "OTHER" and back.
std::string_view IdentifierTypeCode(IdentifierType t);
std::optional<IdentifierType> ParseIdentifierType(std::string_view code);
// "valid", "checksum_warning", "format_only".
std::string_view IdentifierCheckCode(IdentifierCheck c);

struct CheckedIdentifier {
  IdentifierType type = IdentifierType::kOther;
  std::string value;  // normalised: ASCII, no spaces or dashes, upper case, CUIN- stripped
  IdentifierCheck check = IdentifierCheck::kFormatOnly;
  std::vector<Issue> warnings;
};

// Full-width to ASCII, spaces and dashes stripped, upper case.
std::string NormaliseIdentifier(std::string_view raw);

// The USCC check character for the first 17 characters (GB 32100-2015), or '\0' if any of them
// is outside the 31-symbol alphabet.
char UsccCheckCharacter(std::string_view first17);

// Normalises and checks `raw` as an identifier of type `type`.
// Errors (kBadIdentifier): format mismatch. Warnings: wrong USCC check character, a legacy
// 15-digit number ("ask for the 18-character USCC"). A 13-digit value given as kPkNtn is
// reclassified as kPkNtnCnic.
Result<CheckedIdentifier> CheckIdentifier(IdentifierType type, std::string_view raw);

// How an identifier is written for people: NTN "1234567-8", CNIC-form "12345-1234567-1",
// everything else as stored.
std::string DisplayIdentifier(IdentifierType type, std::string_view value);

struct CheckedPhone {
  std::string e164;           // "+8613800138000"
  bool plausible_mobile = false;
  std::vector<Issue> warnings;  // "not a plausible CN mobile number" etc.
};

// Phone number to E.164 (DOMAIN.md "Phones"). `country` ("CN" or "PK") decides the prefix of a
// national number. Error kBadPhone when no plausible number remains (letters, too few or too
// many digits).
Result<CheckedPhone> NormalisePhone(std::string_view raw, std::string_view country,
                                    std::string_view field = "mobile");

// Cleans (trim + NFC) and checks a name: non-empty, at most 300 code points, valid UTF-8, no
// control characters, no bidi override/isolate characters (U+202A..202E, U+2066..2069).
// Error kBadName naming `field`.
Result<std::string> CheckName(std::string_view raw, std::string_view field = "name");

// The matching key of an enterprise name for "same normalised name": case folded, width folded,
// punctuation and spaces removed, legal suffixes stripped (有限公司, 股份有限公司, 有限责任公司,
// 集团, (Private) Limited, (Pvt.) Ltd, Pvt Ltd, Limited, Ltd, SMC, Co., Inc ...).
std::string NameKey(std::string_view name);

}  // namespace dosti
