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
  std::string key;      // its catalog key (dosti/catalog.h), what a UI translates
  Args args;            // the message's named arguments
};

enum class IdentifierType { kCnUscc, kCnLegacyRegno, kPkSecp, kPkNtn, kPkNtnCnic, kOther };
enum class IdentifierCheck { kValid, kChecksumWarning, kFormatOnly };

// "CN_USCC", "CN_LEGACY_REGNO", "PK_SECP", "PK_NTN", "PK_NTN_CNIC", "OTHER" and back.
std::string_view IdentifierTypeCode(IdentifierType t);
std::optional<IdentifierType> ParseIdentifierType(std::string_view code);
// The catalog key of the type's name ("identifier.label.uscc", ... "identifier.label.identifier"
// for kOther), which messages nest and front ends show as a label.
std::string IdentifierLabelKey(IdentifierType t);
// "valid", "checksum_warning", "format_only".
std::string_view IdentifierCheckCode(IdentifierCheck c);

struct CheckedIdentifier {
  IdentifierType type = IdentifierType::kOther;
  std::string value;  // normalised: ASCII, no spaces or dashes, upper case, CUIN- stripped
  IdentifierCheck check = IdentifierCheck::kFormatOnly;
  std::vector<Issue> warnings;
};

// Full-width to ASCII, spaces and dashes (also en/em dashes and the minus sign) stripped, upper
// case; Arabic-Indic digits typed on an Urdu keyboard become ASCII digits.
std::string NormaliseIdentifier(std::string_view raw);

// The USCC check character for the first 17 characters (GB 32100-2015), or '\0' unless `first17`
// is exactly 17 characters of the 31-symbol alphabet.
char UsccCheckCharacter(std::string_view first17);

// Normalises and checks `raw` as an identifier of type `type`.
// Errors (kBadIdentifier, field "uscc", "legacy_regno", "secp", "ntn", "ntn_cnic" or
// "identifier"): invalid UTF-8, empty after normalising, or a format mismatch.
// Warnings (kBadIdentifier, severity kWarning): a wrong USCC check character (check state
// kChecksumWarning), a legacy 15-digit number ("... ask for the 18-character USCC.").
// The length decides between sister types, so the returned `type` may differ from the one
// asked for: a 13-digit kPkNtn becomes kPkNtnCnic and an 8-digit kPkNtnCnic becomes kPkNtn;
// 15 digits given as kCnUscc become kCnLegacyRegno and 18 characters given as kCnLegacyRegno
// become kCnUscc. USCC → kValid or kChecksumWarning; every other type → kFormatOnly.
// kOther accepts any normalised value of 1..64 characters without control characters.
Result<CheckedIdentifier> CheckIdentifier(IdentifierType type, std::string_view raw);

// How an identifier is written for people: NTN "1234567-8", CNIC-form "12345-1234567-1",
// everything else as stored.
std::string DisplayIdentifier(IdentifierType type, std::string_view value);

struct CheckedPhone {
  std::string e164;  // "+8613800138000"
  bool plausible_mobile = false;
  std::vector<Issue> warnings;  // "not a plausible CN mobile number" etc.
};

// Phone number to E.164 (DOMAIN.md "Phones"). Spaces, dashes, dots, slashes and brackets are
// dropped; full-width and Arabic-Indic digits count as digits. "+..." and "00..." keep their own
// country code whatever `country` says; a national number takes `country` ("CN" → +86,
// "PK" → +92, either case) after dropping one trunk 0. A trunk 0 written after +86 or +92
// ("+86 (0)10 ...") is dropped too. A country code typed without "+" or "00" is recognised
// where the digits cannot be a national number of `country` (libphonenumber's metadata, cited
// in validation.cpp): "86 138 0013 8000" and "86 10 6512 3456" for CN, "92 300 1234567" for
// PK, and the other programme country's code before one of its mobiles ("92 300 1234567"
// for CN).
// Error kBadPhone naming `field`: invalid UTF-8, letters or other symbols, a + not at the
// start, no digits, a national number while `country` is neither CN nor PK, a country code
// starting with 0, more than 15 digits in all, or fewer than 7 after the country code.
// plausible_mobile: matches ^\+861[3-9]\d{9}$ or ^\+923\d{9}$. When it does not and `field`
// names a mobile (contains "mobile" or "whatsapp"), one kBadPhone warning says so. Office and
// other phone fields expect landlines: they warn only when a Chinese or Pakistani landline
// has no area code (8 national digits or fewer, "6512 3456"), keys phone.no_area_code_cn|pk.
Result<CheckedPhone> NormalisePhone(std::string_view raw, std::string_view country,
                                    std::string_view field = "mobile");

// Cleans (trim + NFC) and checks a name: non-empty, at most 300 code points, valid UTF-8, no
// control characters, no bidi override/isolate characters (U+202A..202E, U+2066..2069).
// Error kBadName naming `field`.
Result<std::string> CheckName(std::string_view raw, std::string_view field = "name");

// An enterprise's website (DOMAIN.md: enterprise.website): a web address a browser opens and a
// spreadsheet shows as text. Optionally "http://" or "https://" (any case), then a host name
// of two or more dot-separated labels of letters (any script: 华为.中国), digits and inner
// hyphens, or an IPv4 address, an optional port, then a path, query or fragment without
// spaces: "https://www.huawei.com", "huawei.com/cn", "www.systemsltd.com:8080/en?x=1".
// Returned trimmed, full-width characters and the ideographic full stop 。 typed with a Chinese
// IME made ASCII; otherwise as given.
// Error kInvalid "enterprise.bad_website" (field "website"): spaces, quotes or angle brackets,
// another scheme (javascript:, file:, mailto:), a user name before the host (http://a@b),
// a host without a dot, formula text such as =HYPERLINK(...).
Result<std::string> CheckWebsite(std::string_view raw);

// The matching key of an enterprise name for "same normalised name": case folded, width folded,
// NFC, punctuation, symbols and spaces removed, legal suffixes stripped repeatedly from the end
// (有限公司, 股份有限公司, 有限责任公司, 股份公司, 分公司, 公司, 集团; whole words Limited, Ltd
// with any Private/Pvt/SMC before them, SMC, Pvt, Co, Company, Inc, Incorporated, Corp,
// Corporation, LLC, PLC). "华为技术有限公司" → "华为技术"; "Systems (Pvt.) Ltd" → "systems".
// A name that is nothing but suffixes keeps them all ("Pvt Ltd" → "pvtltd"); the key is empty
// only when the name has no letters or digits, and an empty key should match nothing.
std::string NameKey(std::string_view name);

}  // namespace dosti
