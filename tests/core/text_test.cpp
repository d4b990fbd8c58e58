#include "dosti/text.h"

#include <string>

#include <catch2/catch.hpp>

namespace text = dosti::text;

TEST_CASE("Well-formed UTF-8 is accepted and every ill-formed kind is rejected", "[core][text]") {
  CHECK(text::IsValidUtf8(""));
  CHECK(text::IsValidUtf8("Dosti 华为 دوستی 😀"));
  CHECK(text::IsValidUtf8("\xF4\x8F\xBF\xBF"));        // U+10FFFF, the last code point
  CHECK_FALSE(text::IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(text::IsValidUtf8("\xE0\x80\xAF"));      // overlong, three bytes
  CHECK_FALSE(text::IsValidUtf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  CHECK_FALSE(text::IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(text::IsValidUtf8("\xE5\x8D"));          // truncated 华
  CHECK_FALSE(text::IsValidUtf8("\x80"));              // a lone continuation byte
  CHECK_FALSE(text::IsValidUtf8("\xFF"));
  CHECK_FALSE(text::IsValidUtf8(std::string("a\xE5\x8D") + "b"));
}

TEST_CASE("Code point conversion replaces each ill-formed sequence with U+FFFD", "[core][text]") {
  CHECK(text::ToCodePoints("a华😀") == U"a华😀");
  CHECK(text::ToCodePoints(std::string("a\xE5\x8D") + "b") == U"a\uFFFDb");
  CHECK(text::ToCodePoints("\xC0\xAF") == U"\uFFFD\uFFFD");
  CHECK(text::FromCodePoints(U"a华😀") == "a华😀");
  CHECK(text::FromCodePoints(std::u32string(1, char32_t{0xD800})) == "\uFFFD");
}

TEST_CASE("Trimming removes Unicode white space at both ends only", "[core][text]") {
  CHECK(text::Trim("  华为  ") == "华为");
  CHECK(text::Trim("\t\r\n Systems Ltd \n") == "Systems Ltd");
  CHECK(text::Trim("\u3000华为技术\u3000") == "华为技术");  // ideographic space (IME)
  CHECK(text::Trim("\u00A0\uFEFF\u200BAli\u2003") == "Ali");
  CHECK(text::Trim("a  b") == "a  b");
  CHECK(text::Trim(" \u3000 ").empty());
  CHECK(text::Trim("").empty());
}

TEST_CASE("Trimming keeps ill-formed bytes at either end as they are", "[core][text]") {
  // Each end is scanned only as far as its blanks go; bytes that are no code point are not
  // blank, and a blank before or after them stays inside.
  CHECK(text::Trim(std::string(" a\xE5\x8D ")) == "a\xE5\x8D");
  CHECK(text::Trim(std::string("\xE5\x8D\u3000")) == "\xE5\x8D");
  CHECK(text::Trim(std::string("\x80\x80\x80\x80 ")) == "\x80\x80\x80\x80");
  CHECK(text::Trim(std::string(" \xFF\u3000x\xE3\x80")) == "\xFF\u3000x\xE3\x80");
  CHECK(text::Trim(std::string("\u3000\xE3\x80\x80\x80")) == "\x80");
  CHECK(text::Trim(std::string("\xE5\u3000")) == "\xE5");
  CHECK(text::Trim("华\u3000为\u2003") == "华\u3000为");
}

TEST_CASE("NFC composes a letter and a combining accent", "[core][text][nfc]") {
  CHECK(text::Nfc("e\u0301") == "\u00E9");
  CHECK(text::Nfc("Cafe\u0301") == "Caf\u00E9");
  CHECK(text::Nfc("\u00E9") == "\u00E9");
  CHECK(text::Nfc("A\u030A") == "\u00C5");
}

TEST_CASE("NFC composes Hangul jamo into syllables algorithmically", "[core][text][nfc]") {
  CHECK(text::Nfc("\u1112\u1161\u11AB") == "\uD55C");                          // 한 from L V T
  CHECK(text::Nfc("\u1100\u1161") == "\uAC00");                                // 가 from L V
  CHECK(text::Nfc("\uAC00\u11A8") == "\uAC01");                                // LV syllable + T
  CHECK(text::Nfc("\u1112\u1161\u11AB\u1100\u1173\u11AF") == "\uD55C\uAE00");  // 한글
}

TEST_CASE("NFC composes Arabic alef and madda as Urdu keyboards type them", "[core][text][nfc]") {
  CHECK(text::Nfc("\u0627\u0653") == "\u0622");
  CHECK(text::Nfc("\u0627\u0654") == "\u0623");  // alef + hamza above
  CHECK(text::Nfc("\u06D2\u0654") == "\u06D3");  // Urdu yeh barree + hamza above
}

TEST_CASE("NFC leaves text that is already NFC unchanged", "[core][text][nfc]") {
  for (const char* s : {"华为技术有限公司", "中关村一带一路产业促进会", "پاکستان کا سفارت خانہ",
                        "آصف", "Systems (Pvt.) Ltd", "Zürich", "", "😀👍🏽"}) {
    CHECK(text::Nfc(s) == s);
  }
}

TEST_CASE("NFC applies singleton decompositions and composition exclusions", "[core][text][nfc]") {
  CHECK(text::Nfc("\u212B") == "\u00C5");        // ANGSTROM SIGN is a singleton → Å
  CHECK(text::Nfc("\u2126") == "\u03A9");        // OHM SIGN → Greek capital omega
  CHECK(text::Nfc("\uF900") == "\u8C48");        // a CJK compatibility ideograph
  CHECK(text::Nfc("\u0958") == "\u0915\u093C");  // DEVANAGARI QA is excluded from composition
  CHECK(text::Nfc("\u0344") == "\u0308\u0301");  // a non-starter decomposition
}

TEST_CASE("NFC reorders combining marks by canonical combining class", "[core][text][nfc]") {
  // Dot below (class 220) and circumflex (230) in either order give the same ệ.
  CHECK(text::Nfc("e\u0302\u0323") == "\u1EC7");
  CHECK(text::Nfc("e\u0323\u0302") == "\u1EC7");
  // Two marks of the same class keep their order; only the first one composes.
  CHECK(text::Nfc("a\u0301\u0300") == "\u00E1\u0300");
  CHECK(text::Nfc("a\u0300\u0301") == "\u00E0\u0301");
  // A starter between them blocks composition with the earlier base.
  CHECK(text::Nfc("e\u0301b\u0301") == "\u00E9b\u0301");
  // Arabic harakat: fatha (class 30) sorts before shadda (class 33).
  CHECK(text::Nfc("\u0628\u0651\u064E") == "\u0628\u064E\u0651");
}

TEST_CASE("NFC turns ill-formed bytes into U+FFFD instead of passing them on",
          "[core][text][nfc]") {
  CHECK(text::Nfc(std::string("a\xFF") + "e\u0301") == "a\uFFFD\u00E9");
  CHECK(text::Nfc(std::string("华为\xE5\x8D")) == "华为\uFFFD");
}

TEST_CASE("NFC of Chinese text with marks or compatibility forms is not taken as it is",
          "[core][text][nfc]") {
  // Chinese and ASCII alone are their own NFC; anything else among them is normalised.
  CHECK(text::Nfc("华为e\u0301") == "华为\u00E9");
  CHECK(text::Nfc("华\uF900为") == "华\u8C48为");
  CHECK(text::Nfc("\u4E00\u0323\u0302") == "\u4E00\u0323\u0302");
  CHECK(text::Nfc("\u3400\u4DBF\u9FFF abc") == "\u3400\u4DBF\u9FFF abc");
}

TEST_CASE("Cleaning trims and normalises in one step", "[core][text]") {
  CHECK(text::Clean("  Cafe\u0301 \u3000") == "Caf\u00E9");
  CHECK(text::Clean("\u212B") == "\u00C5");
}

TEST_CASE("Width folding turns IME full-width forms into ASCII", "[core][text]") {
  CHECK(text::FoldWidth("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L");
  CHECK(text::FoldWidth("Ｓｙｓｔｅｍｓ\u3000Ｌｔｄ．") == "Systems Ltd.");
  CHECK(text::FoldWidth("（中国）") == "(中国)");
  CHECK(text::FoldWidth("华为") == "华为");
  CHECK(text::FoldWidth("\uFF5F") == "\uFF5F");  // outside U+FF01..FF5E: unchanged
}

TEST_CASE("Case folding lowers cased scripts and leaves Chinese and Urdu alone", "[core][text]") {
  CHECK(text::CaseFold("SYSTEMS Ltd") == "systems ltd");
  CHECK(text::CaseFold("ＨＵＡＷＥＩ") == "huawei");
  CHECK(text::CaseFold("ÄÖÜ ÉCOLE") == "äöü école");
  CHECK(text::CaseFold("ŁÓDŹ") == "łódź");
  CHECK(text::CaseFold("ΑΘΗΝΑ") == "αθηνα");
  CHECK(text::CaseFold("МОСКВА") == "москва");
  CHECK(text::CaseFold("华为技术") == "华为技术");
  CHECK(text::CaseFold("پاکستان") == "پاکستان");
  CHECK(text::CaseFold(std::string("A\xFF")) == std::string("a\xFF"));
}

TEST_CASE("Words split at spaces, punctuation and symbols", "[core][text]") {
  using Words = std::vector<std::string>;
  CHECK(text::SplitWords("Systems (Pvt.) Ltd.") == Words{"Systems", "Pvt", "Ltd"});
  CHECK(text::SplitWords("华为技术有限公司") == Words{"华为技术有限公司"});
  CHECK(text::SplitWords("华为技术（深圳）有限公司") == Words{"华为技术", "深圳", "有限公司"});
  CHECK(text::SplitWords("AT&T, Inc.") == Words{"AT", "T", "Inc"});
  CHECK(text::SplitWords("جاز، لمیٹڈ") == Words{"جاز", "لمیٹڈ"});
  CHECK(text::SplitWords("می\u200Cشود \u200Fعلی") == Words{"میشود", "علی"});  // ZWNJ, RLM
  CHECK(text::SplitWords("  ...  ").empty());
}

TEST_CASE("Length counts code points, not bytes", "[core][text]") {
  CHECK(text::Length("") == 0);
  CHECK(text::Length("abc") == 3);
  CHECK(text::Length("华为") == 2);
  CHECK(text::Length("پاکستان") == 7);
  CHECK(text::Length("😀") == 1);
}

TEST_CASE("Display width counts wide CJK as two columns and marks as none", "[core][text]") {
  CHECK(text::DisplayWidth("abc") == 3);
  CHECK(text::DisplayWidth("华为") == 4);
  CHECK(text::DisplayWidth("华为 Ltd") == 8);
  CHECK(text::DisplayWidth("한글") == 4);
  CHECK(text::DisplayWidth("ＡＢ") == 4);          // full-width forms
  CHECK(text::DisplayWidth("e\u0301") == 1);       // combining acute
  CHECK(text::DisplayWidth("\u1100\u1161") == 2);  // conjoining jamo: one syllable's width
  CHECK(text::DisplayWidth("a\u200Bb") == 2);      // zero width space
  CHECK(text::DisplayWidth("a\tb\x7f~") == 3);     // controls take no column
  CHECK(text::DisplayWidth(std::string("a\xE5\x8D")) == 2);  // one U+FFFD for the bad bytes
  CHECK(text::DisplayWidth("بِسْمِ") == 3);           // harakat take no column
  CHECK(text::DisplayWidth("😀") == 2);
  CHECK(text::DisplayWidth("\U00030000") == 2);  // CJK Extension G
}
