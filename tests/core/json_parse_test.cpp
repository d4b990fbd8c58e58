// The bounded JSON reader (dosti/json_parse.h): valid documents, every malformed class with its
// key and offset, each limit (a depth bomb among them), numbers that do not fit, escapes and
// surrogate pairs, the duplicate-key policy. Runs natively and as wasm.
#include "dosti/json_parse.h"

#include <catch2/catch.hpp>
#include <string>

#include "dosti/catalog.h"

using dosti::ErrorCode;
using dosti::json::Element;
using dosti::json::Limits;
using dosti::json::Parse;

namespace {

Element Ok(std::string_view text, const Limits& limits = {}) {
  auto r = Parse(text, limits);
  INFO(std::string(text.substr(0, 200)));
  INFO((r ? std::string("ok") : r.error().message));
  REQUIRE(r);
  return std::move(*r);
}

// The error of a text that must be refused: its key (and, when given, the offset).
dosti::Error Refused(std::string_view text, const Limits& limits = {}) {
  auto r = Parse(text, limits);
  INFO(std::string(text.substr(0, 200)));
  REQUIRE_FALSE(r);
  CHECK(dosti::HasKey(r.error().key));  // every error has its catalog entry
  CHECK_FALSE(r.error().message.empty());
  return r.error();
}

std::string Arg(const dosti::Error& e, const std::string& name) {
  for (const auto& [k, v] : e.args) {
    if (k == name) return v;
  }
  return "?";
}

}  // namespace

TEST_CASE("JSON: every kind of value reads back with its type and content", "[core][json]") {
  Element doc = Ok(R"( {"s": "text", "i": -42, "u": 18446744073709551615, "d": 1.5e3,
                       "t": true, "f": false, "n": null, "a": [1, [], {}, "x"], "o": {"k": {}}} )");
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 9);
  CHECK(doc.keys() == std::vector<std::string>{"s", "i", "u", "d", "t", "f", "n", "a", "o"});
  CHECK(doc.Find("s")->is_string());
  CHECK(doc.Find("s")->text() == "text");
  CHECK(doc.Find("i")->Int64() == -42);
  CHECK_FALSE(doc.Find("i")->Uint64());
  CHECK(doc.Find("u")->Uint64() == 18446744073709551615u);
  CHECK_FALSE(doc.Find("u")->Int64());
  CHECK(doc.Find("d")->Double() == 1500.0);
  CHECK_FALSE(doc.Find("d")->Int64());  // written with an exponent: not an integer
  CHECK(doc.Find("d")->text() == "1.5e3");
  CHECK(doc.Find("t")->boolean());
  CHECK(doc.Find("f")->is_bool());
  CHECK_FALSE(doc.Find("f")->boolean());
  CHECK(doc.Find("n")->is_null());
  const Element& a = *doc.Find("a");
  REQUIRE(a.is_array());
  REQUIRE(a.size() == 4);
  CHECK(a.items()[0].Int64() == 1);
  CHECK(a.items()[1].is_array());
  CHECK(a.items()[1].size() == 0);
  CHECK(a.items()[2].is_object());
  CHECK(a.items()[3].text() == "x");
  CHECK(doc.Find("o")->Find("k")->is_object());
  CHECK(doc.Find("missing") == nullptr);
  CHECK(a.Find("0") == nullptr);  // Find on an array finds nothing

  // Any value may stand at the top, with white space around it.
  CHECK(Ok("0").Int64() == 0);
  CHECK(Ok(" \t\r\n\"x\"\n").text() == "x");
  CHECK(Ok("null").is_null());
  CHECK(Ok("[]").is_array());
  CHECK(Ok("-0").Int64() == 0);
  CHECK_FALSE(Ok("-0").Uint64());
  CHECK(Ok("-9223372036854775808").Int64() == INT64_MIN);
  CHECK_FALSE(Ok("-9223372036854775809").Int64());
  CHECK(Ok("9223372036854775807").Int64() == INT64_MAX);
  CHECK_FALSE(Ok("9223372036854775808").Int64());
  CHECK(Ok("0.25").Double() == 0.25);
  CHECK(Ok("-1E-2").Double() == -0.01);
}

TEST_CASE("JSON: huge numbers are valid and say they do not fit", "[core][json]") {
  Element big = Ok("18446744073709551616");  // 2^64
  CHECK(big.is_number());
  CHECK_FALSE(big.Uint64());
  CHECK_FALSE(big.Int64());
  CHECK(big.Double() == 18446744073709551616.0);
  Element huge = Ok(std::string(5000, '9'));
  CHECK_FALSE(huge.Uint64());
  CHECK_FALSE(huge.Double());  // beyond a double's range
  CHECK_FALSE(Ok("1e999").Double());
  CHECK(Ok("1e-999").Double() == 0.0);  // underflow rounds to zero
  CHECK(Ok("1.0").Double() == 1.0);
  CHECK_FALSE(Ok("1.0").Int64());
  // A number's text counts against the string limit.
  Limits small;
  small.max_string_bytes = 100;
  auto e = Refused(std::string(101, '1'), small);
  CHECK(e.key == "json.too_long");
  CHECK(e.code == ErrorCode::kTooLarge);
  CHECK(Ok(std::string(100, '1'), small).is_number());
}

TEST_CASE("JSON: escapes and surrogate pairs decode to UTF-8, invalid text is refused",
          "[core][json]") {
  CHECK(Ok(R"("\"\\\/\b\f\n\r\t")").text() == "\"\\/\b\f\n\r\t");
  CHECK(Ok(R"("\u0041\u00e9\u4e2d")").text() == "A\xc3\xa9\xe4\xb8\xad");  // A é 中
  CHECK(Ok(R"("\uD83D\uDE00")").text() == "\xf0\x9f\x98\x80");             // 😀 from a pair
  CHECK(Ok(R"("\ud83d\ude00")").text() == "\xf0\x9f\x98\x80");             // lower-case hex
  CHECK(Ok(R"("a\u0000b")").text() == std::string("a\0b", 3));             // NUL is allowed
  // Raw UTF-8 passes through: Chinese, Urdu, a 4-byte emoji.
  CHECK(Ok("\"北京 اسلام آباد \xf0\x9f\x98\x80\"").text() == "北京 اسلام آباد \xf0\x9f\x98\x80");

  const char* bad[] = {
      R"("\uD83D")",        // a high surrogate alone
      R"("\uD83Dx")",       // ... followed by something else
      R"("\uD83D\u0041")",  // ... followed by a non-surrogate escape
      R"("\uDE00")",        // a low surrogate alone
      R"("\u12")",          // short hex
      R"("\u12G4")",        // not hex
      R"("\x41")",          // unknown escape
      R"("\'")",            // not a JSON escape
      "\"a\tb\"",           // a raw control character
      "\"a\nb\"",
      "\"\xc3\"",              // truncated UTF-8
      "\"\xc0\xaf\"",          // overlong "/"
      "\"\xe0\x80\xaf\"",      // overlong, 3 bytes
      "\"\xed\xa0\x80\"",      // an encoded surrogate (CESU)
      "\"\xf4\x90\x80\x80\"",  // past U+10FFFF
      "\"\xff\"",              // never valid
      "\"\x80\"",              // a stray continuation byte
  };
  for (const char* text : bad) {
    auto e = Refused(text);
    CHECK(e.key == "json.bad_string");
    CHECK(e.code == ErrorCode::kDamaged);
  }
  CHECK(Refused(R"("abc)").key == "json.end");
  CHECK(Refused(R"("abc\)").key == "json.end");
}

TEST_CASE("JSON: every malformed class is refused with its key and where it stopped",
          "[core][json]") {
  struct Case {
    std::string text;
    const char* key;
    std::size_t offset;
  };
  const Case cases[] = {
      {"", "json.empty", 0},
      {" \n\t ", "json.empty", 4},
      {"[1,]", "json.expected_value", 3},  // a trailing comma
      {"[,1]", "json.expected_value", 1},
      {"{\"a\":1,}", "json.expected_key", 7},
      {"{a:1}", "json.expected_key", 1},  // unquoted name
      {"{'a':1}", "json.expected_key", 1},
      {"{\"a\" 1}", "json.expected_colon", 5},
      {"[1 2]", "json.expected_separator", 3},
      {"{\"a\":1 \"b\":2}", "json.expected_separator", 7},
      {"[1}", "json.expected_separator", 2},  // mismatched brackets
      {"{\"a\":1]", "json.expected_separator", 6},
      {"[1", "json.end", 2},
      {"{\"a\":", "json.end", 5},
      {"{\"a\"", "json.end", 4},
      {"{", "json.end", 1},
      {"1 2", "json.trailing", 2},
      {"{} x", "json.trailing", 3},
      {"[]]", "json.trailing", 2},
      {"tru", "json.expected_value", 0},
      {"nul", "json.expected_value", 0},
      {"True", "json.expected_value", 0},
      {"NaN", "json.expected_value", 0},
      {"Infinity", "json.expected_value", 0},
      {"+1", "json.expected_value", 0},
      {"/* c */ 1", "json.expected_value", 0},
      {"\xef\xbb\xbf{}", "json.expected_value", 0},  // a byte-order mark
      {"-", "json.bad_number", 1},
      {"-a", "json.bad_number", 1},
      {"1.", "json.bad_number", 2},
      {"1.e5", "json.bad_number", 2},
      {".5", "json.expected_value", 0},
      {"1e", "json.bad_number", 2},
      {"1e+", "json.bad_number", 3},
      {"01", "json.trailing", 1},  // a leading zero stands alone
      {"[01]", "json.expected_separator", 2},
      {"0x10", "json.trailing", 1},
  };
  for (const Case& c : cases) {
    auto e = Refused(c.text);
    INFO(c.text);
    CHECK(e.key == c.key);
    CHECK(e.code == ErrorCode::kDamaged);
    CHECK(Arg(e, "offset") == std::to_string(c.offset));
  }
}

TEST_CASE("JSON: duplicate keys are refused, in small and large objects alike", "[core][json]") {
  auto e = Refused(R"({"a": 1, "b": 2, "a": 3})");
  CHECK(e.key == "json.duplicate_key");
  CHECK(Arg(e, "offset") == "0");
  // Nested: the offset is the object's own.
  CHECK(Arg(Refused(R"({"x": {"k": 1, "k": 1}})"), "offset") == "6");
  // Escapes decode before the comparison: "\u0061" is "a".
  CHECK(Refused(R"({"a": 1, "\u0061": 2})").key == "json.duplicate_key");
  // The same name in different objects is fine.
  CHECK(Ok(R"({"a": {"a": 1}, "b": {"a": 2}})").size() == 2);
  // 4,096 distinct names (a relay frontier), then the same with one repeated at the end.
  std::string many = "{";
  for (int i = 0; i < 4096; ++i)
    many += (i ? ",\"" : "\"") + std::to_string(i) + "\":" + std::to_string(i);
  CHECK(Ok(many + "}").size() == 4096);
  CHECK(Refused(many + ",\"17\":0}").key == "json.duplicate_key");
}

TEST_CASE("JSON: a depth bomb stops at the depth limit without recursing", "[core][json]") {
  // A megabyte of "[" (what an attacker sends) and of "{\"a\":": refused at the limit, early.
  std::string arrays(1u << 20, '[');
  auto e = Refused(arrays);
  CHECK(e.key == "json.too_deep");
  CHECK(e.code == ErrorCode::kTooLarge);
  CHECK(Arg(e, "offset") == "32");
  CHECK(Arg(e, "limit") == "32");
  std::string objects;
  while (objects.size() < (1u << 20) - 8) objects += "{\"a\":";
  CHECK(Refused(objects).key == "json.too_deep");

  // Exactly at the limit is fine; one more is not.
  Limits l;
  l.max_depth = 3;
  CHECK(Ok("[[[1]]]", l).items()[0].items()[0].items()[0].Int64() == 1);
  CHECK(Refused("[[[[1]]]]", l).key == "json.too_deep");
  CHECK(Ok("{\"a\":{\"b\":{\"c\":[]}}}", Limits{}).is_object());
  CHECK(Refused("{\"a\":{\"b\":{\"c\":[]}}}", l).key == "json.too_deep");
  // Depth 1 (what the relay's sign-in routes allow): a flat object only.
  l.max_depth = 1;
  CHECK(Ok("{\"device\":\"ab\",\"n\":1}", l).size() == 2);
  CHECK(Refused("{\"device\":[]}", l).key == "json.too_deep");
  // Deep but legal documents destroy without trouble (recursion only as deep as the limit).
  l.max_depth = 2000;
  std::string deep = std::string(2000, '[') + std::string(2000, ']');
  CHECK(Ok(deep, l).is_array());
}

TEST_CASE("JSON: size, string and element limits are checked before the memory is spent",
          "[core][json]") {
  Limits l;
  l.max_bytes = 64;
  auto e = Refused(std::string(65, ' '), l);
  CHECK(e.key == "json.too_large");
  CHECK(Arg(e, "size") == "65");
  CHECK(Arg(e, "limit") == "64");
  CHECK(Ok(std::string(60, ' ') + "[1]", l).is_array());

  l = Limits{};
  l.max_string_bytes = 8;
  CHECK(Ok("\"12345678\"", l).text() == "12345678");
  CHECK(Refused("\"123456789\"", l).key == "json.too_long");
  CHECK(Refused("{\"123456789\": 1}", l).key == "json.too_long");         // keys too
  CHECK(Refused("\"\\u4e2d\\u4e2d\\u4e2d\"", l).key == "json.too_long");  // decoded: 9 bytes
  CHECK(Refused("\"北京北京\"", l).key == "json.too_long");               // raw UTF-8: 12 bytes

  l = Limits{};
  l.max_elements = 5;
  CHECK(Ok("[1,2,3,4]", l).size() == 4);  // the array and 4 numbers: 5 values
  auto many = Refused("[1,2,3,4,5]", l);
  CHECK(many.key == "json.too_many_values");
  CHECK(Arg(many, "offset") == "9");
  CHECK(Ok("{\"a\":1,\"b\":2,\"c\":[]}", l).size() == 3);  // keys do not count
  // The default limits take a 100,000-element array and refuse one more.
  std::string big = "[0";
  for (int i = 1; i < 99999; ++i) big += ",0";
  CHECK(Ok(big + "]").size() == 99999);
  CHECK(Refused(big + ",0]").key == "json.too_many_values");
}
