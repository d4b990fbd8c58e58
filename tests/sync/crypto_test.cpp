// The libsodium wrappers of sync/ (crypto.h): published known answers, the failure of every
// check that protects data, and the caps on key derivation parameters read from files.
#include <sodium.h>

#include <catch2/catch.hpp>

#include "sync/sync_fixture.h"

using namespace dosti::sync;
using dosti::ErrorCode;
using dosti::sync::testing::Filled;
using dosti::sync::testing::RequireCrypto;

namespace {

Bytes Hex(std::string_view hex) {
  auto b = FromHex(hex);
  REQUIRE(b);
  return *b;
}

Bytes Counting(std::size_t n, uint8_t from) {
  Bytes b(n, '\0');
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<char>(from + i);
  return b;
}

}  // namespace

TEST_CASE("Hex: every byte value round-trips, upper case reads, anything else is refused",
          "[sync][crypto]") {
  Bytes all(256, '\0');
  for (int i = 0; i < 256; ++i) all[i] = static_cast<char>(i);
  std::string hex = ToHex(all);
  CHECK(hex.size() == 512);
  CHECK(hex.substr(0, 8) == "00010203");
  CHECK(hex.substr(504) == "fcfdfeff");
  CHECK(*FromHex(hex) == all);
  CHECK(*FromHex("DEADbeef") == Bytes("\xde\xad\xbe\xef"));
  CHECK(FromHex("")->empty());
  CHECK(ToHex("").empty());
  CHECK(!FromHex("abc"));    // odd length
  CHECK(!FromHex("0g"));     // not a digit
  CHECK(!FromHex(" 0"));
  CHECK(!FromHex("0x00"));
  CHECK(!FromHex("@0"));     // the characters next to the digit ranges
  CHECK(!FromHex("0G"));
  CHECK(!FromHex("`0"));
  CHECK(!FromHex(std::string("0\0", 2)));
}

TEST_CASE("BLAKE2b, Ed25519 and X25519 give the published known answers", "[sync][crypto]") {
  RequireCrypto();
  // BLAKE2b-512("abc"), RFC 7693 appendix A; domain and parts are plainly concatenated.
  const char* abc512 =
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923";
  CHECK(ToHex(Hash("", {"abc"}, 64)) == abc512);
  CHECK(ToHex(Hash("a", {"b", "c"}, 64)) == abc512);
  CHECK(Hash("DH-x", {"abc"}).size() == 32);
  CHECK(Hash("DH-x", {"abc"}, 16) != Hash("DH-y", {"abc"}, 16));
  CHECK(KeyedHash(Filled(32, 1), "d", {"m"}) != KeyedHash(Filled(32, 2), "d", {"m"}));
  CHECK(KeyedHash(Filled(32, 1), "d", {"m"}) != Hash("d", {"m"}));

  // RFC 8032 §7.1, test 1: the empty message.
  SigningKeys k =
      SigningKeys::FromSeed(Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  CHECK(ToHex(k.pk) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(k.sk.size() == 64);
  Bytes sig = Sign(k.sk, "");
  CHECK(ToHex(sig) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  CHECK(Verify(k.pk, "", sig));

  // RFC 8032 §7.1, test 3: two bytes.
  SigningKeys k3 =
      SigningKeys::FromSeed(Hex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"));
  CHECK(ToHex(k3.pk) == "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025");
  CHECK(ToHex(Sign(k3.sk, Hex("af82"))) ==
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");

  // RFC 7748 §6.1: Alice's and Bob's key pairs.
  BoxKeys alice =
      BoxKeys::FromSecret(Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  CHECK(ToHex(alice.pk) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  BoxKeys bob =
      BoxKeys::FromSecret(Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  CHECK(ToHex(bob.pk) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
}

TEST_CASE("Base-point multiples agree with libsodium's variable-base multiplications",
          "[sync][crypto]") {
  // The wasm builds multiply the base points without libsodium's precomputed table
  // (cmake/sodium-base-wasm.c): there every key pair, signature and sealed box goes through
  // that code, and the X25519 ladder and Ed25519 verification below do not. Natively this
  // compares libsodium's table with the same ladder.
  RequireCrypto();
  const unsigned char ed_base[32] = {0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};
  const unsigned char x_base[32] = {9};
  auto u = [](const Bytes& b) { return reinterpret_cast<const unsigned char*>(b.data()); };
  for (int i = 0; i < 100; ++i) {
    Bytes seed = i == 0 ? Filled(32, 0x00) : i == 1 ? Filled(32, 0xFF) : RandomBytes(32);
    // Ed25519: the public key is clamp(SHA-512(seed)[0..32)) B (RFC 8032 §5.1.5).
    SigningKeys k = SigningKeys::FromSeed(seed);
    unsigned char h[64], pk[32];
    crypto_hash_sha512(h, u(seed), 32);
    REQUIRE(crypto_scalarmult_ed25519(pk, h, ed_base) == 0);
    REQUIRE(k.pk == Bytes(reinterpret_cast<char*>(pk), 32));
    Bytes message = RandomBytes(static_cast<std::size_t>(i) * 7);
    REQUIRE(Verify(k.pk, message, Sign(k.sk, message)));
    // X25519: the base point's multiple is the ladder's.
    BoxKeys x = BoxKeys::FromSecret(seed);
    unsigned char x_pk[32];
    REQUIRE(crypto_scalarmult(x_pk, u(seed), x_base) == 0);
    REQUIRE(x.pk == Bytes(reinterpret_cast<char*>(x_pk), 32));
    REQUIRE(OpenSealed(x, SealTo(x.pk, message)) == message);
  }
}

TEST_CASE("Ed25519: a changed message, signature or key does not verify", "[sync][crypto]") {
  RequireCrypto();
  SigningKeys a = SigningKeys::FromSeed(Filled(32, 7));
  SigningKeys b = SigningKeys::Generate();
  CHECK(a.pk != b.pk);
  Bytes sig = Sign(a.sk, "roster v2");
  CHECK(Verify(a.pk, "roster v2", sig));
  CHECK(!Verify(a.pk, "roster v3", sig));
  CHECK(!Verify(b.pk, "roster v2", sig));
  for (std::size_t i = 0; i < sig.size(); ++i) {
    Bytes bad = sig;
    bad[i] ^= 0x01;
    CHECK(!Verify(a.pk, "roster v2", bad));
  }
  CHECK(!Verify(a.pk, "roster v2", sig.substr(0, 63)));
  CHECK(!Verify(a.pk.substr(0, 31), "roster v2", sig));
  CHECK(!Verify("", "roster v2", sig));
  // The signature over the same message by the same key is deterministic.
  CHECK(Sign(a.sk, "roster v2") == sig);
}

TEST_CASE("Sealed boxes open only with the recipient's key", "[sync][crypto]") {
  RequireCrypto();
  BoxKeys to = BoxKeys::FromSecret(Filled(32, 0x81));
  BoxKeys other = BoxKeys::FromSecret(Filled(32, 0x82));
  Bytes sealed = SealTo(to.pk, "epoch secret");
  CHECK(sealed.size() == 12 + kSealOverhead);
  CHECK(SealTo(to.pk, "epoch secret") != sealed);  // a fresh ephemeral key each time
  auto opened = OpenSealed(to, sealed);
  REQUIRE(opened);
  CHECK(*opened == "epoch secret");
  CHECK(!OpenSealed(other, sealed));
  // A key pair whose public half does not match its secret does not open it either.
  CHECK(!OpenSealed(BoxKeys{to.pk, other.sk}, sealed));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes bad = sealed;
    bad[i] ^= 0x40;
    CHECK(!OpenSealed(to, bad));
  }
  CHECK(!OpenSealed(to, sealed.substr(0, sealed.size() - 1)));
  CHECK(!OpenSealed(to, sealed.substr(0, kSealOverhead - 1)));
  CHECK(!OpenSealed(to, ""));
  CHECK(OpenSealed(to, SealTo(to.pk, "")) == Bytes());
}

TEST_CASE("XChaCha20-Poly1305: the draft's test vector, and any altered input fails",
          "[sync][crypto]") {
  RequireCrypto();
  // draft-irtf-cfrg-xchacha-03, appendix A.3.1.
  Bytes key = Counting(32, 0x80);
  Bytes nonce = Counting(24, 0x40);
  Bytes ad = Hex("50515253c0c1c2c3c4c5c6c7");
  Bytes plain =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  Bytes sealed = Encrypt(key, nonce, ad, plain);
  CHECK(ToHex(sealed) ==
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
        "c0875924c1c7987947deafd8780acf49");
  auto opened = Decrypt(key, nonce, ad, sealed);
  REQUIRE(opened);
  CHECK(*opened == plain);

  Bytes ad2 = ad;
  ad2[0] ^= 1;
  CHECK(!Decrypt(key, nonce, ad2, sealed));
  CHECK(!Decrypt(key, nonce, ad.substr(1), sealed));
  CHECK(!Decrypt(key, nonce, ad + "x", sealed));
  CHECK(!Decrypt(key, nonce, "", sealed));
  Bytes nonce2 = nonce;
  nonce2[23] ^= 0x80;
  CHECK(!Decrypt(key, nonce2, ad, sealed));
  Bytes key2 = key;
  key2[5] ^= 0x10;
  CHECK(!Decrypt(key2, nonce, ad, sealed));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes bad = sealed;
    bad[i] ^= 0x04;
    CHECK(!Decrypt(key, nonce, ad, bad));
  }
  CHECK(!Decrypt(key, nonce, ad, sealed.substr(0, sealed.size() - 1)));
  CHECK(!Decrypt(key, nonce, ad, sealed.substr(0, kTagBytes - 1)));
  CHECK(!Decrypt(key, nonce, ad, ""));
  // Keys and nonces of the wrong size are refused, not read past.
  CHECK(!Decrypt(key.substr(0, 31), nonce, ad, sealed));
  CHECK(!Decrypt(key, nonce.substr(0, 12), ad, sealed));

  // The buffer variants agree with the allocating ones.
  Bytes out(plain.size() + kTagBytes, '\0');
  EncryptInto(reinterpret_cast<uint8_t*>(out.data()), key, nonce, ad, plain);
  CHECK(out == sealed);
  Bytes back(plain.size(), '\0');
  CHECK(DecryptInto(reinterpret_cast<uint8_t*>(back.data()), key, nonce, ad, sealed));
  CHECK(back == plain);
  CHECK(!DecryptInto(reinterpret_cast<uint8_t*>(back.data()), key, nonce, ad2, sealed));
}

TEST_CASE("Sub-keys: one per id and context, the same in every build", "[sync][crypto]") {
  RequireCrypto();
  Bytes master = Counting(32, 0);
  Bytes k1 = DeriveKey(master, 1, "DHenvlp1");
  CHECK(k1.size() == 32);
  CHECK(DeriveKey(master, 1, "DHenvlp1") == k1);
  CHECK(DeriveKey(master, 2, "DHenvlp1") != k1);
  CHECK(DeriveKey(master, 1, "DHenvlp2") != k1);
  CHECK(DeriveKey(Counting(32, 1), 1, "DHenvlp1") != k1);
  CHECK(EnvelopeKey(master) == k1);
  CHECK(PreviousEpochKey(master) == DeriveKey(master, 3, "DHprevep"));
  CHECK(PreviousEpochKey(master) != EnvelopeKey(master));
  // Recorded from the native build; the wasm build must derive the same keys.
  CHECK(ToHex(k1) == "5bedaadca30f55cbd5651b9dec04b037db7b30e43077be155cc9bf1c1d342556");
  CHECK(ToHex(PreviousEpochKey(master)) == "7a4d76cafc9b7d768f6adc17135ac6bddc6a1f639e1289c7a5db2b1c57e09093");
}

TEST_CASE("SameBytes and RandomBytes", "[sync][crypto]") {
  RequireCrypto();
  CHECK(SameBytes("", ""));
  CHECK(SameBytes("abc", "abc"));
  CHECK(!SameBytes("abc", "abd"));
  CHECK(!SameBytes("abc", "ab"));
  CHECK(!SameBytes(std::string("a\0c", 3), std::string("a\0d", 3)));
  Bytes r1 = RandomBytes(32), r2 = RandomBytes(32);
  CHECK(r1.size() == 32);
  CHECK(r1 != r2);
  CHECK(RandomBytes(0).empty());
}

TEST_CASE("PasswordKey refuses parameters beyond the caps before running Argon2",
          "[sync][crypto]") {
  RequireCrypto();
  Bytes salt = Filled(kSaltBytes, 0x5a);
  auto code = [](const dosti::Result<Bytes>& r) {
    return r ? ErrorCode::kOk : r.error().code;
  };
  // Had Argon2 run, these would give a key (ops 5) or run out of memory (kInternal), not
  // kDamaged; 512 MiB and 4 GiB would not even fit in the wasm build's memory.
  CHECK(code(PasswordKey("pw", salt, kMaxPwOps + 1, 8)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt, 5, kPwMemKiB)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt, 1, 512 * 1024)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt, 1, kMaxPwMemKiB + 1)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt, 1, 0xffffffffu)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt, 0xffffffffu, 8)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt, 0, 8)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt, 1, 7)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt.substr(1), 1, 8)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", salt + "x", 1, 8)) == ErrorCode::kDamaged);
  CHECK(code(PasswordKey("pw", "", 1, 8)) == ErrorCode::kDamaged);
  auto refused = PasswordKey("pw", salt, 5, 512 * 1024);
  REQUIRE(!refused);
  CHECK_THAT(refused.error().message, Catch::Contains("out of bounds"));
}

TEST_CASE("PasswordKey: Argon2id with the smallest and the default parameters", "[sync][crypto]") {
  RequireCrypto();
  Bytes salt = Filled(kSaltBytes, 0x5a);
  auto low = PasswordKey("correct horse", salt, 1, 8);
  REQUIRE(low);
  CHECK(low->size() == kKeyBytes);
  // Recorded from the native build; the wasm build must derive the same key.
  CHECK(ToHex(*low) == "f97d83ba91fc33f64a3617a7ef15c72d99b704e0c67d7a5a3b1463e86ff796bf");
  CHECK(*PasswordKey("correct horse", salt, 1, 8) == *low);
  CHECK(*PasswordKey("correct horsf", salt, 1, 8) != *low);
  CHECK(*PasswordKey("correct horse", Filled(kSaltBytes, 0x5b), 1, 8) != *low);
  CHECK(*PasswordKey("correct horse", salt, 2, 8) != *low);
  CHECK(*PasswordKey("correct horse", salt, 1, 16) != *low);
  // The caps themselves are allowed (the largest memory is not run here: 256 MiB).
  auto top_ops = PasswordKey("correct horse", salt, kMaxPwOps, 8);
  CHECK(top_ops);
  // The parameters invites and key files use, which the booth's wasm build must manage too.
  auto def = PasswordKey("correct horse", salt, kPwOps, kPwMemKiB);
  REQUIRE(def);
  CHECK(ToHex(*def) == "9651256913671d107599474b7c19c4587d63aa8d8c8a0b50ba3db64773addb83");
}
