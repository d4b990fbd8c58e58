// The base64url codec (dosti/base64.h), against RFC 4648 §10's vectors (in the URL alphabet).
#include <catch2/catch.hpp>

#include <string>

#include "dosti/base64.h"

namespace dosti {
namespace {

TEST_CASE("base64url encodes RFC 4648's test vectors without padding", "[core][base64]") {
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlEncode("fo") == "Zm8");
  CHECK(Base64UrlEncode("foo") == "Zm9v");
  CHECK(Base64UrlEncode("foob") == "Zm9vYg");
  CHECK(Base64UrlEncode("fooba") == "Zm9vYmE");
  CHECK(Base64UrlEncode("foobar") == "Zm9vYmFy");
  // The two characters where base64url differs from base64 ('+' and '/').
  CHECK(Base64UrlEncode(std::string("\xfb\xff", 2)) == "-_8");
}

TEST_CASE("base64url decodes what it encodes with every byte value", "[core][base64]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    std::string bytes = all.substr(0, n);
    CHECK(Base64UrlDecode(Base64UrlEncode(bytes)) == bytes);
  }
  CHECK(Base64UrlDecode("Zm9vYmFy") == std::string("foobar"));
}

TEST_CASE("base64url refuses padding and other alphabets and stray bits and impossible lengths",
          "[core][base64]") {
  CHECK_FALSE(Base64UrlDecode("Zg=="));     // padding
  CHECK_FALSE(Base64UrlDecode("+/8"));      // base64, not base64url
  CHECK_FALSE(Base64UrlDecode("Zm9v Yg"));  // white space is the caller's to remove
  CHECK_FALSE(Base64UrlDecode("Zh"));       // "f" is "Zg": the unused bits must be zero
  CHECK_FALSE(Base64UrlDecode("Zm9vY"));    // 5 characters cannot end a byte string
}

}  // namespace
}  // namespace dosti
