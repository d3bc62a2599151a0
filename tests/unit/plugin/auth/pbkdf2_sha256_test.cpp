#include "auth/pbkdf2_sha256.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace mqchat::auth {
namespace {

std::string Hex(const std::vector<unsigned char>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::vector<unsigned char> Ours(std::string_view password, std::string_view salt, int iterations,
                                size_t out_len) {
  std::vector<unsigned char> out(out_len);
  EXPECT_TRUE(Pbkdf2HmacSha256(password, salt, iterations, out.data(), out.size()));
  return out;
}

std::vector<unsigned char> OpenSsl(const std::string& password, const std::string& salt,
                                   int iterations, size_t out_len) {
  std::vector<unsigned char> out(out_len);
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                              reinterpret_cast<const unsigned char*>(salt.data()),
                              static_cast<int>(salt.size()), iterations, EVP_sha256(),
                              static_cast<int>(out.size()), out.data()),
            1);
  return out;
}

// Bytes that are not all alike and not all printable, so padding and key handling show.
std::string Bytes(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 37 + seed * 11 + 1) & 0xff);
  return s;
}

TEST(Pbkdf2Sha256Test, MatchesRfc7914Vectors) {
  // RFC 7914 section 11, PBKDF2-HMAC-SHA256 with dkLen 64 (two output blocks).
  EXPECT_EQ(Hex(Ours("passwd", "salt", 1, 64)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_EQ(Hex(Ours("Password", "NaCl", 80000, 64)),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(Pbkdf2Sha256Test, MatchesThePublishedSha256Vectors) {
  EXPECT_EQ(Hex(Ours("password", "salt", 1, 32)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_EQ(Hex(Ours("password", "salt", 2, 32)),
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  EXPECT_EQ(Hex(Ours("password", "salt", 4096, 32)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  EXPECT_EQ(Hex(Ours("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096,
                     40)),
            "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
}

TEST(Pbkdf2Sha256Test, ByteIdenticalToOpenSslAcrossLengthsAndCounts) {
  // Passwords around the 64-byte HMAC block (longer ones are hashed first), salts around where
  // salt || INT(i) crosses a SHA-256 block, outputs around the 32-byte PBKDF2 block.
  int cases = 0;
  for (size_t password_len : {0, 1, 31, 32, 63, 64, 65, 200}) {
    for (size_t salt_len : {0, 8, 16, 51, 52, 55, 56, 60, 64, 100}) {
      for (int iterations : {1, 2, 3, 100}) {
        for (size_t out_len : {1, 31, 32, 33, 64, 65}) {
          const std::string password = Bytes(password_len, 1);
          const std::string salt = Bytes(salt_len, 2);
          ASSERT_EQ(Hex(Ours(password, salt, iterations, out_len)),
                    Hex(OpenSsl(password, salt, iterations, out_len)))
              << "password " << password_len << " salt " << salt_len << " iterations "
              << iterations << " out " << out_len;
          ++cases;
        }
      }
    }
  }
  EXPECT_EQ(cases, 8 * 10 * 4 * 6);
}

TEST(Pbkdf2Sha256Test, TheDefaultCostMatchesOpenSsl) {
  const std::string password = "correct horse battery staple", salt = Bytes(16, 3);
  EXPECT_EQ(Hex(Ours(password, salt, 210000, 32)), Hex(OpenSsl(password, salt, 210000, 32)));
}

TEST(Pbkdf2Sha256Test, RefusesBadArgumentsWithoutWriting) {
  unsigned char out[4] = {7, 7, 7, 7};
  EXPECT_FALSE(Pbkdf2HmacSha256("pw", "salt", 0, out, sizeof out));
  EXPECT_FALSE(Pbkdf2HmacSha256("pw", "salt", -1, out, sizeof out));
  EXPECT_FALSE(Pbkdf2HmacSha256("pw", "salt", 1, out, 0));
  std::vector<unsigned char> big(kMaxPbkdf2OutputBytes + 1);
  EXPECT_FALSE(Pbkdf2HmacSha256("pw", "salt", 1, big.data(), big.size()));
  EXPECT_EQ(out[0], 7);
  EXPECT_EQ(out[3], 7);
}

}  // namespace
}  // namespace mqchat::auth
