#include "dosti/validation.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/result.h"
#include "dosti/text.h"

namespace dosti {
namespace {

// GB 32100-2015 "The coding rule of the unified social credit identifier for legal entities and
// other organizations": 31 symbols, the digits and the Latin capitals without I, O, S, V, Z
// (too easily read as 1, 0, 5, U, 2).
constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::size_t kMaxNameLength = 300;
constexpr std::size_t kMaxOtherIdentifierLength = 64;
constexpr std::size_t kMaxE164Digits = 15;
constexpr std::size_t kMinNationalDigits = 7;

int UsccValue(char32_t c) {
  if (c > 0x7F) return -1;
  const std::size_t pos = kUsccAlphabet.find(static_cast<char>(c));
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsAsciiDigit(c); });
}

// Arabic-Indic and the Extended Arabic-Indic digits of an Urdu keyboard count as digits too,
// like the full-width digits of a Chinese IME.
char32_t AsciiDigit(char32_t c) {
  if (c >= 0x0660 && c <= 0x0669) return '0' + (c - 0x0660);
  if (c >= 0x06F0 && c <= 0x06F9) return '0' + (c - 0x06F0);
  return c;
}

bool IsSpace(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x3000 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0xFEFF;
}

// ASCII hyphen-minus and its look-alikes: hyphens, dashes, the minus sign, small/full-width forms.
bool IsDash(char32_t c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63 ||
         c == 0xFF0D;
}

std::string Utf8(char32_t c) { return text::FromCodePoints(std::u32string_view(&c, 1)); }

std::string CodePointName(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}


// The field and the words used for each identifier type in messages.
std::string_view FieldOf(IdentifierType t) {
  switch (t) {
    case IdentifierType::kCnUscc:
      return "uscc";
    case IdentifierType::kCnLegacyRegno:
      return "legacy_regno";
    case IdentifierType::kPkSecp:
      return "secp";
    case IdentifierType::kPkNtn:
      return "ntn";
    case IdentifierType::kPkNtnCnic:
      return "ntn_cnic";
    case IdentifierType::kOther:
      return "identifier";
  }
  return "identifier";
}

// The identifier type's name in messages, as a nested message ("{label:msg}").
std::string LabelKey(IdentifierType t) { return "identifier.label." + std::string(FieldOf(t)); }

// "got 'X' at position 3" for the first non-digit, else "got N digits": the part of a
// digits-only format message that tells the user what to fix (arguments of "{got:msg}").
Args DescribeDigits(std::string_view value) {
  const std::u32string cps = text::ToCodePoints(value);
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (!IsAsciiDigit(cps[i])) {
      return {{"got", "identifier.got_character"},
              {"char", Utf8(cps[i])},
              {"position", std::to_string(i + 1)}};
    }
  }
  return {{"got", cps.size() == 1 ? "identifier.got_digit" : "identifier.got_digits"},
          {"count", std::to_string(cps.size())}};
}

Result<CheckedIdentifier> CheckUscc(std::string value) {
  const std::u32string cps = text::ToCodePoints(value);
  if (cps.size() != 18) {
    return MakeError(ErrorCode::kBadIdentifier, "identifier.uscc.length",
                     {{"count", std::to_string(cps.size())}}, "uscc");
  }
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (UsccValue(cps[i]) < 0) {
      return MakeError(ErrorCode::kBadIdentifier, "identifier.uscc.character",
                       {{"char", Utf8(cps[i])}, {"position", std::to_string(i + 1)}}, "uscc");
    }
    // Positions 3-8 are the GB/T 2260 administrative division code, always digits.
    if (i >= 2 && i < 8 && !IsAsciiDigit(cps[i])) {
      return MakeError(ErrorCode::kBadIdentifier, "identifier.uscc.region",
                       {{"char", Utf8(cps[i])}, {"position", std::to_string(i + 1)}}, "uscc");
    }
  }
  CheckedIdentifier id{IdentifierType::kCnUscc, value, IdentifierCheck::kValid, {}};
  const char expected = UsccCheckCharacter(std::string_view(value).substr(0, 17));
  if (expected != value[17]) {
    // Some genuine codes issued early on fail the check (DOMAIN.md), so this cannot refuse.
    id.check = IdentifierCheck::kChecksumWarning;
    id.warnings.push_back(MakeWarning(ErrorCode::kBadIdentifier, "uscc", "identifier.uscc.check",
                                      {{"found", std::string(1, value[17])},
                                       {"expected", std::string(1, expected)}}));
  }
  return id;
}

// `rule`: the key of the sentence that states the format.
Result<CheckedIdentifier> CheckDigits(IdentifierType type, std::string value, std::size_t length,
                                      std::string_view rule) {
  if (value.size() != length || !AllDigits(value)) {
    Args args{{"rule", std::string(rule)}};
    for (auto& a : DescribeDigits(value)) args.push_back(std::move(a));
    return MakeError(ErrorCode::kBadIdentifier, "identifier.bad_digits", std::move(args),
                     std::string(FieldOf(type)));
  }
  return CheckedIdentifier{type, std::move(value), IdentifierCheck::kFormatOnly, {}};
}

// E.164 country code length, from the ITU-T assignments: "1" and "7" are the only one-digit
// codes; these two-digit prefixes are whole codes; every other code has three digits.
std::size_t CountryCodeLength(std::string_view digits) {
  if (digits[0] == '1' || digits[0] == '7') return 1;
  static constexpr std::string_view kTwoDigit[] = {
      "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
      "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
      "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"};
  const std::string_view prefix = digits.substr(0, 2);
  const bool two_digit =
      std::find(std::begin(kTwoDigit), std::end(kTwoDigit), prefix) != std::end(kTwoDigit);
  return two_digit ? 2 : 3;
}

bool IsCnMobile(std::string_view e164) {  // ^\+861[3-9]\d{9}$
  return e164.size() == 14 && e164.substr(0, 4) == "+861" && e164[4] >= '3' && e164[4] <= '9' &&
         AllDigits(e164.substr(1));
}

bool IsPkMobile(std::string_view e164) {  // ^\+923\d{9}$
  return e164.size() == 13 && e164.substr(0, 4) == "+923" && AllDigits(e164.substr(1));
}

// [SECTION] Country codes typed without "+" or "00", and numbers without an area code.
// The numbering facts are those of libphonenumber's metadata for CN and PK (its
// resources/PhoneNumberMetadata.xml; read in the copy Debian ships as python3-phonenumbers
// 8.12.57, data/region_CN.py and region_PK.py), each quoted where it is used. `d` is always a
// string of ASCII digits.

std::string_view WithoutTrunkZero(std::string_view d) {
  return !d.empty() && d[0] == '0' ? d.substr(1) : d;
}

// National (significant) numbers of mobiles as DOMAIN.md has them: CN 1[3-9] and 9 digits,
// PK 3 and 9 digits (libphonenumber's PK mobile: 3(?:[0-24]\d|3[0-7]|55|64)\d{7}).
bool IsCnMobileNational(std::string_view n) {
  return n.size() == 11 && n[0] == '1' && n[1] >= '3' && n[1] <= '9';
}
bool IsPkMobileNational(std::string_view n) { return n.size() == 10 && n[0] == '3'; }

// Whether digits beginning with 86 can be a Chinese national number. CN generalDesc:
// national numbers have 7 to 12 digits, and the only pattern admitting a leading 86 is
// 86\d{6} ("8[0-57-9]" elsewhere leaves 86 out): eight digits, or fewer for a local number.
bool CanBeCnNationalFrom86(std::string_view d) { return d.size() <= 8; }

// Whether digits beginning with 92 can be a Pakistani national number: the fixed lines of the
// 92x areas (9(?:2[2-8]|...)[2-9]\d{5,6}: 9 or 10 digits) and the UAN of Kohat (9(?:...|22|...)
// 111\d{6}: 922111 and 6 digits). PK's generalDesc is wider (it admits 12 digits from 920 and
// 921, and libphonenumber keeps "92 0222 812476" as +92 920222812476), but no number type
// does; here the 0 after 92 is the trunk 0 it is.
bool CanBePkNationalFrom92(std::string_view d) {
  return d.size() <= 10 || (d.size() == 12 && d.rfind("922111", 0) == 0);
}

// True when the digits of a number written for an enterprise of `country` (CN or PK, upper
// case), without "+", "00" or a trunk 0, begin with a country code: "86 138 0013 8000" is
// +86 138 0013 8000, not +86 86138…. Two cases:
// - the country's own code where the digits cannot be a national number (libphonenumber's
//   rule when it parses a number for a region: the code goes when what remains is a number
//   and the whole is not, or when the whole is too long);
// - the other programme country's code before one of its mobiles (a Chinese enterprise's
//   man in Lahore): "92 300 1234567" has 12 digits beginning with 9, and Chinese numbers
//   beginning with 9 have at most 11 (CN generalDesc (?:[3-579]\d|8[0-57-9])\d{6,9});
//   "86 138 0013 8000" has 13, and Pakistani numbers at most 12. Neither can be national.
bool BeginsWithCountryCode(std::string_view country, std::string_view d) {
  const bool cn = country == "CN";
  if (d.rfind(cn ? "86" : "92", 0) == 0) {
    return cn ? !CanBeCnNationalFrom86(d) : !CanBePkNationalFrom92(d);
  }
  if (d.rfind(cn ? "92" : "86", 0) == 0) {
    const std::string_view rest = WithoutTrunkZero(d.substr(2));
    return cn ? IsPkMobileNational(rest) : IsCnMobileNational(rest);
  }
  return false;
}

// The warning for a landline written without its area code ("6512 3456" for 010 6512 3456),
// or "" when the number has one. Landlines are an area code and a subscriber number of 7 or
// 8 digits in China, 5 to 8 in Pakistan, so a national number of 8 digits or fewer lacks it
// (CN fixed lines have 9 to 11 digits beyond local-only numbers; PK fixed line
// possibleLengths 9 and 10, localOnly 5 to 8). Pakistan's toll-free 800\d{5} and premium
// 900\d{5} numbers have 8 digits and no area code by design.
std::string_view MissingAreaCodeKey(std::string_view international) {
  const std::string_view national = international.substr(2);
  if (national.size() > 8) return {};
  if (international.rfind("86", 0) == 0) return "phone.no_area_code_cn";
  if (international.rfind("92", 0) == 0 && national.rfind("800", 0) != 0 &&
      national.rfind("900", 0) != 0) {
    return "phone.no_area_code_pk";
  }
  return {};
}

bool IsWord(std::string_view word, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string IdentifierLabelKey(IdentifierType t) { return LabelKey(t); }

std::string_view IdentifierTypeCode(IdentifierType t) {
  switch (t) {
    case IdentifierType::kCnUscc:
      return "CN_USCC";
    case IdentifierType::kCnLegacyRegno:
      return "CN_LEGACY_REGNO";
    case IdentifierType::kPkSecp:
      return "PK_SECP";
    case IdentifierType::kPkNtn:
      return "PK_NTN";
    case IdentifierType::kPkNtnCnic:
      return "PK_NTN_CNIC";
    case IdentifierType::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::optional<IdentifierType> ParseIdentifierType(std::string_view code) {
  for (IdentifierType t :
       {IdentifierType::kCnUscc, IdentifierType::kCnLegacyRegno, IdentifierType::kPkSecp,
        IdentifierType::kPkNtn, IdentifierType::kPkNtnCnic, IdentifierType::kOther}) {
    if (IdentifierTypeCode(t) == code) return t;
  }
  return std::nullopt;
}

std::string_view IdentifierCheckCode(IdentifierCheck c) {
  switch (c) {
    case IdentifierCheck::kValid:
      return "valid";
    case IdentifierCheck::kChecksumWarning:
      return "checksum_warning";
    case IdentifierCheck::kFormatOnly:
      return "format_only";
  }
  return "format_only";
}

std::string NormaliseIdentifier(std::string_view raw) {
  std::u32string out;
  for (char32_t c : text::ToCodePoints(text::FoldWidth(raw))) {
    if (IsSpace(c) || IsDash(c)) continue;
    c = AsciiDigit(c);
    if (c >= 'a' && c <= 'z') c -= 'a' - 'A';
    out.push_back(c);
  }
  return text::FromCodePoints(out);
}

char UsccCheckCharacter(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  // GB 32100-2015, 5.3: weights W[i] = 3^i mod 31; check = (31 - sum mod 31) mod 31.
  int sum = 0;
  int weight = 1;
  for (char c : first17) {
    const int value = UsccValue(static_cast<unsigned char>(c));
    if (value < 0) return '\0';
    sum += value * weight;
    weight = weight * 3 % 31;
  }
  return kUsccAlphabet[(31 - sum % 31) % 31];
}

Result<CheckedIdentifier> CheckIdentifier(IdentifierType type, std::string_view raw) {
  if (!text::IsValidUtf8(raw)) {
    return MakeError(ErrorCode::kBadIdentifier, "identifier.not_utf8", {{"label", LabelKey(type)}},
                     std::string(FieldOf(type)));
  }
  std::string value = NormaliseIdentifier(raw);
  // The length tells the variants apart, so a booth entry filed under the sister type is
  // reclassified rather than refused.
  if ((type == IdentifierType::kCnUscc || type == IdentifierType::kCnLegacyRegno) &&
      AllDigits(value) && value.size() == 15) {
    type = IdentifierType::kCnLegacyRegno;
  } else if (type == IdentifierType::kCnLegacyRegno && value.size() == 18) {
    type = IdentifierType::kCnUscc;
  } else if (type == IdentifierType::kPkNtn || type == IdentifierType::kPkNtnCnic) {
    if (AllDigits(value) && value.size() == 13) type = IdentifierType::kPkNtnCnic;
    if (AllDigits(value) && value.size() == 8) type = IdentifierType::kPkNtn;
  } else if (type == IdentifierType::kPkSecp && value.rfind("CUIN", 0) == 0) {
    value.erase(0, 4);  // "CUIN-0012345": the dash is already gone
  }
  if (value.empty()) {
    return MakeError(ErrorCode::kBadIdentifier, "identifier.empty", {{"label", LabelKey(type)}},
                     std::string(FieldOf(type)));
  }

  switch (type) {
    case IdentifierType::kCnUscc:
      return CheckUscc(std::move(value));
    case IdentifierType::kCnLegacyRegno: {
      auto id = CheckDigits(type, std::move(value), 15, "identifier.rule.legacy_regno");
      if (id && id->value[0] == '0') {
        return MakeError(ErrorCode::kBadIdentifier, "identifier.legacy_zero", {}, "legacy_regno");
      }
      if (id) {
        id->warnings.push_back(
            MakeWarning(ErrorCode::kBadIdentifier, "legacy_regno", "identifier.legacy_warning"));
      }
      return id;
    }
    case IdentifierType::kPkNtn:
      return CheckDigits(type, std::move(value), 8, "identifier.rule.ntn");
    case IdentifierType::kPkNtnCnic:
      return CheckDigits(type, std::move(value), 13, "identifier.rule.ntn_cnic");
    case IdentifierType::kPkSecp:
      return CheckDigits(type, std::move(value), 7, "identifier.rule.secp");
    case IdentifierType::kOther: {
      for (char32_t c : text::ToCodePoints(value)) {
        if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
          return MakeError(ErrorCode::kBadIdentifier, "identifier.control",
                           {{"char", CodePointName(c)}}, "identifier");
        }
      }
      if (text::Length(value) > kMaxOtherIdentifierLength) {
        return MakeError(ErrorCode::kBadIdentifier, "identifier.too_long",
                         {{"max", std::to_string(kMaxOtherIdentifierLength)}}, "identifier");
      }
      return CheckedIdentifier{type, std::move(value), IdentifierCheck::kFormatOnly, {}};
    }
  }
  return MakeError(ErrorCode::kInternal, "identifier.unknown_type", {}, "identifier");
}

std::string DisplayIdentifier(IdentifierType type, std::string_view value) {
  if (type == IdentifierType::kPkNtn && value.size() == 8 && AllDigits(value)) {
    return std::string(value.substr(0, 7)) + "-" + std::string(value.substr(7));
  }
  if (type == IdentifierType::kPkNtnCnic && value.size() == 13 && AllDigits(value)) {
    return std::string(value.substr(0, 5)) + "-" + std::string(value.substr(5, 7)) + "-" +
           std::string(value.substr(12));
  }
  return std::string(value);
}

Result<CheckedPhone> NormalisePhone(std::string_view raw, std::string_view country,
                                    std::string_view field) {
  const std::string field_name(field);
  if (!text::IsValidUtf8(raw)) {
    return MakeError(ErrorCode::kBadPhone, "phone.not_utf8", {}, field_name);
  }
  std::string digits;
  bool plus = false;
  for (char32_t c : text::ToCodePoints(text::FoldWidth(raw))) {
    c = AsciiDigit(c);
    if (IsAsciiDigit(c)) {
      digits.push_back(static_cast<char>(c));
    } else if (c == '+') {
      if (plus || !digits.empty()) {
        return MakeError(ErrorCode::kBadPhone, "phone.plus", {}, field_name);
      }
      plus = true;
    } else if (!(IsSpace(c) || IsDash(c) || c == '(' || c == ')' || c == '.' || c == '/')) {
      return MakeError(ErrorCode::kBadPhone, "phone.character", {{"char", Utf8(c)}}, field_name);
    }
  }
  if (digits.empty()) {
    return MakeError(ErrorCode::kBadPhone, "phone.no_digits", {}, field_name);
  }

  std::string international;  // country code and national number, without the +
  if (plus) {
    international = digits;
  } else if (digits.rfind("00", 0) == 0) {
    international = digits.substr(2);
  } else {
    std::string upper(country);
    for (char& ch : upper) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
    if (upper != "CN" && upper != "PK") {
      return MakeError(ErrorCode::kBadPhone, "phone.no_country", {}, field_name);
    }
    if (digits[0] != '0' && BeginsWithCountryCode(upper, digits)) {
      international = digits;  // the country code without its "+"
    } else {
      international = (upper == "CN" ? "86" : "92") + std::string(WithoutTrunkZero(digits));
    }
  }
  // Business cards write "+86 (0)10 6512 3456": China and Pakistan numbers never start with
  // 0 after the country code, so that 0 is the trunk prefix and goes.
  if (international.rfind("860", 0) == 0 || international.rfind("920", 0) == 0) {
    international.erase(2, 1);
  }
  if (international.empty() || international[0] == '0') {
    return MakeError(ErrorCode::kBadPhone, "phone.bad_country_code", {}, field_name);
  }
  if (international.size() > kMaxE164Digits) {
    return MakeError(ErrorCode::kBadPhone, "phone.too_long",
                     {{"count", std::to_string(international.size())}}, field_name);
  }
  const std::size_t code_length = CountryCodeLength(international);
  const std::size_t national_digits =
      international.size() > code_length ? international.size() - code_length : 0;
  if (national_digits < kMinNationalDigits) {
    return MakeError(ErrorCode::kBadPhone, "phone.too_short",
                     {{"count", std::to_string(national_digits)}}, field_name);
  }

  CheckedPhone phone;
  phone.e164 = "+" + international;
  phone.plausible_mobile = IsCnMobile(phone.e164) || IsPkMobile(phone.e164);
  // Landlines are expected in office-phone fields: only mobile fields warn that a number is
  // no mobile, and the others that a landline lacks its area code.
  const bool mobile_field = field.find("mobile") != std::string_view::npos ||
                            field.find("whatsapp") != std::string_view::npos;
  std::string_view key;
  if (mobile_field && !phone.plausible_mobile) {
    key = international.rfind("86", 0) == 0   ? "phone.not_cn_mobile"
          : international.rfind("92", 0) == 0 ? "phone.not_pk_mobile"
                                              : "phone.not_mobile";
  } else if (!mobile_field && !phone.plausible_mobile) {
    key = MissingAreaCodeKey(international);
  }
  if (!key.empty()) {
    phone.warnings.push_back(
        MakeWarning(ErrorCode::kBadPhone, field_name, key, {{"number", phone.e164}}));
  }
  return phone;
}

Result<std::string> CheckName(std::string_view raw, std::string_view field) {
  const std::string field_name(field);
  if (!text::IsValidUtf8(raw)) {
    return MakeError(ErrorCode::kBadName, "name.not_utf8", {}, field_name);
  }
  std::string name = text::Clean(raw);
  if (name.empty()) return MakeError(ErrorCode::kBadName, "name.empty", {}, field_name);
  for (char32_t c : text::ToCodePoints(name)) {
    if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
      return MakeError(ErrorCode::kBadName, "name.control", {{"char", CodePointName(c)}},
                       field_name);
    }
    // Overrides and isolates reorder what follows them, so a name could display as another
    // firm's; marks (U+200E, U+200F, U+061C) stay allowed, Urdu text needs them.
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
      return MakeError(ErrorCode::kBadName, "name.bidi", {{"char", CodePointName(c)}}, field_name);
    }
  }
  if (const std::size_t length = text::Length(name); length > kMaxNameLength) {
    return MakeError(ErrorCode::kBadName, "name.too_long",
                     {{"length", std::to_string(length)}, {"max", std::to_string(kMaxNameLength)}},
                     field_name);
  }
  return name;
}

std::string NameKey(std::string_view name) {
  std::vector<std::string> words = text::SplitWords(text::Nfc(text::CaseFold(name)));
  for (std::string& word : words) {
    if (std::all_of(word.begin(), word.end(), [](char c) { return c >= 0; })) continue;  // ASCII
    std::u32string cps = text::ToCodePoints(word);
    // Tatweel only stretches Arabic-script letters; Arabic-Indic digits are digits.
    std::erase(cps, U'\u0640');
    for (char32_t& c : cps) c = AsciiDigit(c);
    word = text::FromCodePoints(cps);
  }
  std::erase(words, std::string());

  const auto join = [](const std::vector<std::string>& w) {
    std::string s;
    for (const std::string& part : w) s += part;
    return s;
  };
  const std::string unstripped = join(words);

  // Longest first, so 股份有限公司 goes whole rather than leaving 股份.
  static constexpr std::string_view kChineseSuffixes[] = {
      "股份有限公司", "有限责任公司", "有限公司", "股份公司", "分公司", "公司", "集团"};
  bool stripped = true;
  while (stripped && !words.empty()) {
    stripped = false;
    std::string& last = words.back();
    if (IsWord(last, {"limited", "ltd", "pvtltd"})) {
      // "(Private) Limited", "(Pvt.) Ltd", "SMC-Private Limited": qualifiers go with it.
      words.pop_back();
      while (!words.empty() && IsWord(words.back(), {"private", "pvt", "smc"})) words.pop_back();
      stripped = true;
    } else if (IsWord(last, {"smc", "pvt", "co", "company", "inc", "incorporated", "corp",
                             "corporation", "llc", "plc"})) {
      words.pop_back();
      stripped = true;
    } else {
      for (std::string_view suffix : kChineseSuffixes) {
        if (EndsWith(last, suffix)) {
          last.erase(last.size() - suffix.size());
          if (last.empty()) words.pop_back();
          stripped = true;
          break;
        }
      }
    }
  }
  // A name that is nothing but a legal form ("Limited", 有限公司) keeps it rather than
  // matching every other such name on an empty key.
  std::string key = join(words);
  return key.empty() ? unstripped : key;
}

namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// One label of a host name: letters, digits and inner hyphens, 1..63 bytes (RFC 1034 §3.5, with
// internationalised labels written in their own script, as people type them).
bool IsHostLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!IsAsciiAlnum(c) && c != '-' && static_cast<unsigned char>(c) < 0x80) return false;
  }
  return true;
}

bool IsIpv4(const std::vector<std::string_view>& labels) {
  if (labels.size() != 4) return false;
  for (std::string_view l : labels) {
    if (l.empty() || l.size() > 3) return false;
    int v = 0;
    for (char c : l) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
  }
  return true;
}

}  // namespace

Result<std::string> CheckWebsite(std::string_view raw) {
  const std::string value = text::Trim(raw);
  auto bad = [&]() {
    return MakeError(ErrorCode::kInvalid, "enterprise.bad_website", {{"value", value}}, "website");
  };
  if (!text::IsValidUtf8(value) || value.empty()) return bad();
  // The ideographic full stop and its half-width form separate labels as a dot does.
  std::u32string cps = text::ToCodePoints(text::FoldWidth(value));
  for (char32_t& c : cps) {
    if (c == 0x3002 || c == 0xFF61) c = '.';
    // No spaces or controls anywhere, nor the characters RFC 3986 §2 leaves out of URIs that
    // quote or delimit them in text ("<>\^`{|} and the double quote).
    if (c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x3000 ||
        std::u32string_view(U"\"<>\\^`{|}").find(c) != std::u32string_view::npos) {
      return bad();
    }
  }
  const std::string url = text::FromCodePoints(cps);
  std::string_view rest = url;
  if (size_t sep = rest.find("://"); sep != std::string_view::npos) {
    std::string given(rest.substr(0, sep));
    for (char& c : given) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (given != "http" && given != "https") return bad();
    rest.remove_prefix(sep + 3);
  }
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) return bad();
  std::string_view host = authority;
  if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      return bad();
    }
    host = authority.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // the root's dot
  std::vector<std::string_view> labels;
  for (size_t start = 0;;) {
    size_t dot = host.find('.', start);
    labels.push_back(host.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels.size() < 2 || host.size() > 253) return bad();
  if (!IsIpv4(labels)) {
    for (std::string_view l : labels) {
      if (!IsHostLabel(l)) return bad();
    }
    // A top-level domain is never all digits (RFC 3696 §2).
    if (labels.back().find_first_not_of("0123456789") == std::string_view::npos) return bad();
  }
  return url;
}

}  // namespace dosti
