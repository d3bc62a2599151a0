#include "auth/password_hash.h"

#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "auth/base64url.h"

namespace mqchat::auth {
namespace {

// Builds an encoded hash independently of HashPassword, so tests can use cheap iteration counts
// (VerifyPassword accepts any count; only HashPassword enforces the minimum).
std::string MakeEncoded(const std::string& password, const std::string& salt, int iterations) {
  std::string key(32, '\0');
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                              reinterpret_cast<const unsigned char*>(salt.data()),
                              static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                              reinterpret_cast<unsigned char*>(key.data())),
            1);
  return "$pbkdf2-sha256$i=" + std::to_string(iterations) + "$" + Base64UrlEncode(salt) + "$" +
         Base64UrlEncode(key);
}

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

const std::string kSalt = "0123456789abcdef";

TEST(PasswordHashTest, RoundTripWithDefaultCostAndRandomSalt) {
  Result<std::string> first = HashPassword("correct horse battery staple");
  Result<std::string> second = HashPassword("correct horse battery staple");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(*first, *second) << "salt must be random";

  // "$pbkdf2-sha256$i=210000$" + 22 chars of salt + "$" + 43 chars of hash.
  EXPECT_EQ(first->rfind("$pbkdf2-sha256$i=210000$", 0), 0u) << *first;
  EXPECT_EQ(first->size(), std::string("$pbkdf2-sha256$i=210000$").size() + 22 + 1 + 43);

  Result<bool> good = VerifyPassword("correct horse battery staple", *first);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_TRUE(*good);
  Result<bool> bad = VerifyPassword("correct horse battery stapl", *second);
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_FALSE(*bad);
  EXPECT_FALSE(NeedsRehash(*first));
}

TEST(PasswordHashTest, MatchesKnownPbkdf2Sha256Vector) {
  // PBKDF2-HMAC-SHA256, P="passwordPASSWORDpassword", S="saltSALTsaltSALTsaltSALTsaltSALTsalt",
  // c=4096: the first 32 bytes of the published 40-byte vector.
  const std::string salt = "saltSALTsaltSALTsaltSALTsaltSALTsalt";
  const std::string key =
      FromHex("348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1");
  const std::string encoded =
      "$pbkdf2-sha256$i=4096$" + Base64UrlEncode(salt) + "$" + Base64UrlEncode(key);
  Result<bool> ok = VerifyPassword("passwordPASSWORDpassword", encoded);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(*ok);
}

TEST(PasswordHashTest, VerifiesOldCheaperHashes) {
  const std::string encoded = MakeEncoded("hunter2", kSalt, 1000);
  Result<bool> ok = VerifyPassword("hunter2", encoded);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(*ok);
  EXPECT_TRUE(NeedsRehash(encoded));
  EXPECT_FALSE(NeedsRehash(encoded, 1000));
  EXPECT_TRUE(NeedsRehash(encoded, 1001));
}

TEST(PasswordHashTest, WrongPasswordIsFalseNotError) {
  const std::string encoded = MakeEncoded("hunter2", kSalt, 1000);
  for (const char* wrong : {"hunter3", "Hunter2", "hunter2 ", "hunter", "x"}) {
    Result<bool> r = VerifyPassword(wrong, encoded);
    ASSERT_TRUE(r.ok()) << wrong;
    EXPECT_FALSE(*r) << wrong;
  }
  Result<bool> empty = VerifyPassword("", encoded);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
}

TEST(PasswordHashTest, PasswordIsBinarySafe) {
  const std::string password("ab\0cd\xff", 6);
  const std::string encoded = MakeEncoded(password, kSalt, 10);
  EXPECT_TRUE(*VerifyPassword(password, encoded));
  EXPECT_FALSE(*VerifyPassword("ab", encoded));
}

TEST(PasswordHashTest, TamperedSaltHashOrIterationsFail) {
  const std::string other_salt = "0123456789abcdeF";
  const std::string good = MakeEncoded("hunter2", kSalt, 1000);
  const std::string real_key = good.substr(good.rfind('$') + 1);

  // Same key, different salt.
  std::string salt_swapped = "$pbkdf2-sha256$i=1000$" + Base64UrlEncode(other_salt) + "$" + real_key;
  // Same salt and key, different iteration count.
  std::string iter_swapped = good;
  iter_swapped.replace(iter_swapped.find("i=1000"), 6, "i=1001");
  // Flip one bit of the key.
  std::string key = *Base64UrlDecode(real_key);
  key[5] = static_cast<char>(key[5] ^ 0x01);
  std::string key_flipped = good.substr(0, good.rfind('$') + 1) + Base64UrlEncode(key);

  for (const std::string& tampered : {salt_swapped, iter_swapped, key_flipped}) {
    Result<bool> r = VerifyPassword("hunter2", tampered);
    ASSERT_TRUE(r.ok()) << tampered << " " << r.status().ToString();
    EXPECT_FALSE(*r) << tampered;
  }
}

TEST(PasswordHashTest, MalformedStringsAreErrors) {
  const std::string good = MakeEncoded("hunter2", kSalt, 1000);
  const std::string salt = Base64UrlEncode(kSalt);
  const std::string key = good.substr(good.rfind('$') + 1);
  const std::string long_salt = Base64UrlEncode(std::string(65, 's'));
  const std::string short_salt = Base64UrlEncode(std::string(7, 's'));
  const std::string short_key = Base64UrlEncode(std::string(31, 'k'));
  const std::string long_key = Base64UrlEncode(std::string(33, 'k'));

  const std::string malformed[] = {
      "",
      "$",
      "$pbkdf2-sha256$",
      "$pbkdf2-sha256$i=1000",
      "$pbkdf2-sha256$i=1000$" + salt,
      "$pbkdf2-sha256$i=1000$" + salt + "$",
      "$pbkdf2-sha256$i=1000$$" + key,
      "$pbkdf2-sha256$i=1000$" + salt + "$" + key + "$",
      "$pbkdf2-sha256$i=1000$" + salt + "$" + key + "$extra",
      "pbkdf2-sha256$i=1000$" + salt + "$" + key,
      "$pbkdf2-sha512$i=1000$" + salt + "$" + key,
      "$PBKDF2-SHA256$i=1000$" + salt + "$" + key,
      "$2b$12$abcdefghijklmnopqrstuuVYVtk9Y1n3Ck0vvK3mO9DaBY0mK8iK.",
      "$pbkdf2-sha256$1000$" + salt + "$" + key,
      "$pbkdf2-sha256$n=1000$" + salt + "$" + key,
      "$pbkdf2-sha256$i=$" + salt + "$" + key,
      "$pbkdf2-sha256$i=0$" + salt + "$" + key,
      "$pbkdf2-sha256$i=-1$" + salt + "$" + key,
      "$pbkdf2-sha256$i=+1000$" + salt + "$" + key,
      "$pbkdf2-sha256$i=01000$" + salt + "$" + key,
      "$pbkdf2-sha256$i=1e3$" + salt + "$" + key,
      "$pbkdf2-sha256$i=abc$" + salt + "$" + key,
      "$pbkdf2-sha256$i= 1000$" + salt + "$" + key,
      "$pbkdf2-sha256$i=10000001$" + salt + "$" + key,
      "$pbkdf2-sha256$i=2147483648$" + salt + "$" + key,
      "$pbkdf2-sha256$i=99999999999999999999999$" + salt + "$" + key,
      "$pbkdf2-sha256$i=1000$" + salt + "==$" + key,
      "$pbkdf2-sha256$i=1000$" + salt + "$" + key + "=",
      "$pbkdf2-sha256$i=1000$MDEyMzQ1Njc4OWFiY2RlZg==$" + key,  // standard base64 padding
      "$pbkdf2-sha256$i=1000$" + salt + "$" + key.substr(0, 42) + "+",
      "$pbkdf2-sha256$i=1000$" + salt + "$" + key.substr(0, 42) + "/",
      "$pbkdf2-sha256$i=1000$" + salt + "$" + key.substr(0, 42) + "!",
      "$pbkdf2-sha256$i=1000$" + short_salt + "$" + key,
      "$pbkdf2-sha256$i=1000$" + long_salt + "$" + key,
      "$pbkdf2-sha256$i=1000$" + salt + "$" + short_key,
      "$pbkdf2-sha256$i=1000$" + salt + "$" + long_key,
      "$pbkdf2-sha256$i=1000$" + salt + "$" + key + std::string(300, 'A'),
      std::string("$pbkdf2-sha256$i=1000\0$", 23) + salt + "$" + key,
  };
  for (const std::string& bad : malformed) {
    Result<bool> r = VerifyPassword("hunter2", bad);
    ASSERT_FALSE(r.ok()) << "accepted: " << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
    EXPECT_TRUE(NeedsRehash(bad)) << bad;
  }
}

TEST(PasswordHashTest, AcceptsTheMaximumIterationCountWithoutRunningIt) {
  // 10,000,000 is the cap and must parse (we don't verify: that would take seconds).
  const std::string good = MakeEncoded("hunter2", kSalt, 1);
  std::string at_cap = good;
  at_cap.replace(at_cap.find("i=1$"), 4, "i=10000000$");
  EXPECT_FALSE(NeedsRehash(at_cap));
}

TEST(PasswordHashTest, HashPasswordRejectsBadArguments) {
  EXPECT_EQ(HashPassword("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", kMinPbkdf2Iterations - 1).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", 1).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", -5).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(HashPassword("pw", kMaxPbkdf2Iterations + 1).status().code(),
            Code::kInvalidArgument);
}

TEST(PasswordHashTest, NeedsRehashForShortSalt) {
  // NeedsRehash only parses, so a made-up key is fine here.
  const std::string key = Base64UrlEncode(std::string(32, 'k'));
  EXPECT_TRUE(NeedsRehash("$pbkdf2-sha256$i=210000$" + Base64UrlEncode("12345678") + "$" + key));
  EXPECT_FALSE(NeedsRehash("$pbkdf2-sha256$i=210000$" + Base64UrlEncode(kSalt) + "$" + key));
}

}  // namespace
}  // namespace mqchat::auth
