#include "auth/jwt.h"

#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "auth/base64url.h"

namespace mqchat::auth {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1700000000;
const std::string kSecret = "an-hs256-test-secret-of-at-least-32-bytes";

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

struct PemPair {
  std::string public_pem;
  std::string private_pem;
};

PemPair ToPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> pub(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> priv(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PUBKEY(pub.get(), key), 1);
  EXPECT_EQ(PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  return {BioToString(pub.get()), BioToString(priv.get())};
}

PemPair MakeRsaPem(unsigned bits) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(bits));
  EXPECT_NE(key, nullptr);
  return ToPem(key.get());
}

// Builds a token from raw JSON text, signed by HMAC-SHA256 with `secret` independently of
// SignHs256, so that tests can produce headers SignHs256 would never write.
std::string RawHs256(const std::string& header, const std::string& payload,
                     const std::string& secret) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  return input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_len));
}

json BaseClaims() {
  return json{{"sub", "alice"},         {"iss", "https://issuer.test"}, {"aud", "mqchat"},
              {"exp", kNow + 3600},     {"nbf", kNow - 10},             {"iat", kNow - 10},
              {"jti", "token-1"}};
}

// Flips one character in the middle of the given segment (0, 1 or 2) of a token.
std::string FlipChar(std::string token, int segment) {
  size_t begin = 0;
  for (int i = 0; i < segment; ++i) begin = token.find('.', begin) + 1;
  size_t end = token.find('.', begin);
  if (end == std::string::npos) end = token.size();
  size_t pos = begin + (end - begin) / 2;
  token[pos] = token[pos] == 'A' ? 'B' : 'A';
  return token;
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { rsa_ = new PemPair(MakeRsaPem(2048)); }
  static void TearDownTestSuite() {
    delete rsa_;
    rsa_ = nullptr;
  }

  static JwtPolicy Policy() { return JwtPolicy{"https://issuer.test", "mqchat", 30}; }

  static JwtVerifier MakeVerifier(JwtKeys keys, JwtPolicy policy = Policy()) {
    Result<JwtVerifier> v = JwtVerifier::Create(std::move(keys), std::move(policy));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return std::move(v).value();
  }
  static JwtVerifier HsVerifier(JwtPolicy policy = Policy()) {
    return MakeVerifier(JwtKeys{kSecret, ""}, std::move(policy));
  }
  static JwtVerifier RsVerifier(JwtPolicy policy = Policy()) {
    return MakeVerifier(JwtKeys{"", rsa_->public_pem}, std::move(policy));
  }
  static JwtVerifier BothVerifier() { return MakeVerifier(JwtKeys{kSecret, rsa_->public_pem}); }

  static std::string Hs(const json& claims) {
    Result<std::string> token = SignHs256(claims, kSecret);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? *token : "";
  }
  static std::string Rs(const json& claims) {
    Result<std::string> token = SignRs256(claims, rsa_->private_pem);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? *token : "";
  }

  // Asserts that `token` is rejected as unauthenticated with exactly `reason`.
  static void ExpectRejected(const JwtVerifier& v, const std::string& token,
                             const std::string& reason, int64_t now = kNow) {
    Result<JwtClaims> r = v.Verify(token, now);
    ASSERT_FALSE(r.ok()) << "accepted: " << token;
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << r.status().ToString();
    EXPECT_EQ(r.status().message(), reason) << token;
  }

  static PemPair* rsa_;
};

PemPair* JwtTest::rsa_ = nullptr;

TEST_F(JwtTest, ValidHs256TokenYieldsClaims) {
  JwtVerifier v = HsVerifier();
  EXPECT_TRUE(v.enabled());
  EXPECT_TRUE(v.hs256_enabled());
  EXPECT_FALSE(v.rs256_enabled());
  Result<JwtClaims> claims = v.Verify(Hs(BaseClaims()), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->subject, "alice");
  EXPECT_EQ(claims->issuer, "https://issuer.test");
  EXPECT_EQ(claims->audience, std::vector<std::string>{"mqchat"});
  EXPECT_EQ(claims->exp, kNow + 3600);
  EXPECT_EQ(claims->nbf, kNow - 10);
  EXPECT_EQ(claims->iat, kNow - 10);
  EXPECT_EQ(claims->jti, "token-1");
}

TEST_F(JwtTest, ValidRs256TokenYieldsClaims) {
  std::string token = Rs(BaseClaims());
  EXPECT_TRUE(LooksLikeJwt(token));
  for (const JwtVerifier& v : {RsVerifier(), BothVerifier()}) {
    Result<JwtClaims> claims = v.Verify(token, kNow);
    ASSERT_TRUE(claims.ok()) << claims.status().ToString();
    EXPECT_EQ(claims->subject, "alice");
  }
}

TEST_F(JwtTest, MinimalTokenWithUncheckedPolicy) {
  JwtVerifier v = HsVerifier(JwtPolicy{"", "", 0});
  Result<JwtClaims> claims = v.Verify(Hs(json{{"sub", "bob"}, {"exp", kNow + 1}}), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->subject, "bob");
  EXPECT_TRUE(claims->issuer.empty());
  EXPECT_TRUE(claims->audience.empty());
  EXPECT_EQ(claims->nbf, 0);
}

TEST_F(JwtTest, ExpiryHonoursLeeway) {
  JwtVerifier v = HsVerifier();
  json claims = BaseClaims();
  claims["exp"] = kNow - 29;
  EXPECT_TRUE(v.Verify(Hs(claims), kNow).ok());
  claims["exp"] = kNow - 30;
  ExpectRejected(v, Hs(claims), "token expired");
  claims["exp"] = kNow - 100000;
  ExpectRejected(v, Hs(claims), "token expired");

  JwtVerifier strict = HsVerifier(JwtPolicy{"https://issuer.test", "mqchat", 0});
  claims["exp"] = kNow;
  ExpectRejected(strict, Hs(claims), "token expired");
  claims["exp"] = kNow + 1;
  EXPECT_TRUE(strict.Verify(Hs(claims), kNow).ok());
}

TEST_F(JwtTest, NotBeforeInTheFutureIsRejected) {
  JwtVerifier v = HsVerifier();
  json claims = BaseClaims();
  claims["nbf"] = kNow + 30;
  EXPECT_TRUE(v.Verify(Hs(claims), kNow).ok());
  claims["nbf"] = kNow + 31;
  ExpectRejected(v, Hs(claims), "token not yet valid");
  claims["nbf"] = "yesterday";
  ExpectRejected(v, Hs(claims), "bad nbf");
}

TEST_F(JwtTest, IssuerMustMatchPolicy) {
  JwtVerifier v = HsVerifier();
  json claims = BaseClaims();
  claims["iss"] = "https://evil.test";
  ExpectRejected(v, Hs(claims), "wrong issuer");
  claims["iss"] = "https://issuer.test/";
  ExpectRejected(v, Hs(claims), "wrong issuer");
  claims.erase("iss");
  ExpectRejected(v, Hs(claims), "wrong issuer");
  claims["iss"] = 7;
  ExpectRejected(v, Hs(claims), "bad iss");
}

TEST_F(JwtTest, AudienceMayBeStringOrArray) {
  JwtVerifier v = HsVerifier();
  json claims = BaseClaims();
  claims["aud"] = json::array({"other", "mqchat"});
  Result<JwtClaims> ok = v.Verify(Hs(claims), kNow);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->audience, (std::vector<std::string>{"other", "mqchat"}));

  claims["aud"] = json::array({"other", "mqchat2"});
  ExpectRejected(v, Hs(claims), "wrong audience");
  claims["aud"] = json::array();
  ExpectRejected(v, Hs(claims), "wrong audience");
  claims["aud"] = "MQCHAT";
  ExpectRejected(v, Hs(claims), "wrong audience");
  claims.erase("aud");
  ExpectRejected(v, Hs(claims), "wrong audience");
  claims["aud"] = json::array({"mqchat", 5});
  ExpectRejected(v, Hs(claims), "bad aud");
  claims["aud"] = json::object({{"mqchat", true}});
  ExpectRejected(v, Hs(claims), "bad aud");
}

TEST_F(JwtTest, TamperedTokensFailSignature) {
  JwtVerifier hs = HsVerifier();
  std::string token = Hs(BaseClaims());
  ExpectRejected(hs, FlipChar(token, 2), "bad signature");

  // Swap in a different payload but keep the original signature.
  json evil = BaseClaims();
  evil["sub"] = "admin";
  std::string forged = Hs(evil);
  forged = forged.substr(0, forged.rfind('.')) + token.substr(token.rfind('.'));
  ExpectRejected(hs, forged, "bad signature");

  // Truncated and extended signatures.
  ExpectRejected(hs, token.substr(0, token.size() - 4), "bad signature");
  ExpectRejected(hs, token + "AAAA", "bad signature");

  // Signed with another secret.
  ExpectRejected(hs, *SignHs256(BaseClaims(), kSecret + "x"), "bad signature");

  JwtVerifier rs = RsVerifier();
  std::string rs_token = Rs(BaseClaims());
  ExpectRejected(rs, FlipChar(rs_token, 2), "bad signature");
  ExpectRejected(rs, FlipChar(rs_token, 1), "bad signature");
}

TEST_F(JwtTest, AlgNoneIsRejected) {
  JwtVerifier v = BothVerifier();
  const std::string payload = Base64UrlEncode(BaseClaims().dump());
  for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string header = Base64UrlEncode(json{{"alg", alg}, {"typ", "JWT"}}.dump());
    ExpectRejected(v, header + "." + payload + ".", "alg none not allowed");
    // With a signature made by the real HS256 secret, still not accepted.
    std::string signed_none = RawHs256(json{{"alg", alg}}.dump(), BaseClaims().dump(), kSecret);
    ExpectRejected(v, signed_none, "alg none not allowed");
  }
}

TEST_F(JwtTest, Hs256SignedWithPublicKeyIsRejectedWhenOnlyRsaConfigured) {
  // Classic algorithm confusion: the attacker knows the public key and uses it as HMAC secret.
  Result<std::string> forged = SignHs256(BaseClaims(), rsa_->public_pem);
  ASSERT_TRUE(forged.ok());
  ExpectRejected(RsVerifier(), *forged, "alg HS256 not enabled");
}

TEST_F(JwtTest, Hs256SignedWithPublicKeyIsRejectedWhenBothConfigured) {
  Result<std::string> forged = SignHs256(BaseClaims(), rsa_->public_pem);
  ASSERT_TRUE(forged.ok());
  ExpectRejected(BothVerifier(), *forged, "bad signature");
  // And the genuine secret still works on the same verifier.
  EXPECT_TRUE(BothVerifier().Verify(Hs(BaseClaims()), kNow).ok());
}

TEST_F(JwtTest, SecretEqualToPublicKeyIsRefused) {
  Result<JwtVerifier> v = JwtVerifier::Create(JwtKeys{rsa_->public_pem, rsa_->public_pem}, Policy());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
}

TEST_F(JwtTest, AlgWithoutConfiguredKeyIsRejected) {
  ExpectRejected(HsVerifier(), Rs(BaseClaims()), "alg RS256 not enabled");
  ExpectRejected(RsVerifier(), Hs(BaseClaims()), "alg HS256 not enabled");
}

TEST_F(JwtTest, UnsupportedOrMissingAlgIsRejected) {
  JwtVerifier v = BothVerifier();
  const std::string payload = BaseClaims().dump();
  for (const char* alg : {"HS512", "RS512", "ES256", "PS256", "hs256", "HS256 ", ""}) {
    ExpectRejected(v, RawHs256(json{{"alg", alg}}.dump(), payload, kSecret), "unsupported alg");
  }
  ExpectRejected(v, RawHs256(R"({"typ":"JWT"})", payload, kSecret), "missing alg");
  ExpectRejected(v, RawHs256(R"({"alg":null})", payload, kSecret), "bad alg");
  ExpectRejected(v, RawHs256(R"({"alg":["HS256"]})", payload, kSecret), "bad alg");
  ExpectRejected(v, RawHs256(R"({"alg":"HS256","crit":["exp"]})", payload, kSecret),
                 "crit header not supported");
}

TEST_F(JwtTest, WrongSegmentCountIsRejected) {
  JwtVerifier v = HsVerifier();
  std::string token = Hs(BaseClaims());
  std::string two = token.substr(0, token.rfind('.'));
  ExpectRejected(v, two, "token must have 3 segments");
  ExpectRejected(v, token + ".", "token must have 3 segments");
  ExpectRejected(v, token + "." + token.substr(token.rfind('.') + 1), "token must have 3 segments");
  ExpectRejected(v, "abc", "token must have 3 segments");
  ExpectRejected(v, "....", "token must have 3 segments");
  ExpectRejected(v, "", "empty token");
  ExpectRejected(v, "..", "header is not a JSON object");
}

TEST_F(JwtTest, OversizedTokenIsRejectedBeforeDecoding) {
  JwtVerifier v = HsVerifier();
  json claims = BaseClaims();
  claims["pad"] = std::string(7000, 'x');
  std::string big = Hs(claims);
  ASSERT_GT(big.size(), kMaxJwtLength);
  ExpectRejected(v, big, "token too large");

  claims["pad"] = std::string(5000, 'x');
  std::string fits = Hs(claims);
  ASSERT_LE(fits.size(), kMaxJwtLength);
  EXPECT_TRUE(v.Verify(fits, kNow).ok());
}

TEST_F(JwtTest, NonJsonOrNonObjectSegmentsAreRejected) {
  JwtVerifier v = HsVerifier();
  const std::string payload = BaseClaims().dump();
  ExpectRejected(v, RawHs256("not json", payload, kSecret), "header is not a JSON object");
  ExpectRejected(v, RawHs256(R"(["HS256"])", payload, kSecret), "header is not a JSON object");
  ExpectRejected(v, RawHs256("null", payload, kSecret), "header is not a JSON object");
  ExpectRejected(v, RawHs256(R"({"alg":"HS256"} trailing)", payload, kSecret),
                 "header is not a JSON object");
  ExpectRejected(v, RawHs256(R"({"alg":"HS256",})", payload, kSecret),
                 "header is not a JSON object");
  const std::string header = R"({"alg":"HS256"})";
  ExpectRejected(v, RawHs256(header, "{not json", kSecret), "payload is not a JSON object");
  ExpectRejected(v, RawHs256(header, R"("alice")", kSecret), "payload is not a JSON object");
  ExpectRejected(v, RawHs256(header, "", kSecret), "payload is not a JSON object");
  ExpectRejected(v, RawHs256(header, "{\"sub\":\"\xff\"}", kSecret),
                 "payload is not a JSON object");
}

TEST_F(JwtTest, DuplicateKeysAreRejected) {
  JwtVerifier v = HsVerifier();
  const std::string payload = BaseClaims().dump();
  ExpectRejected(v, RawHs256(R"({"alg":"HS256","alg":"none"})", payload, kSecret),
                 "duplicate key in header");
  std::string dup_payload = payload;
  dup_payload.insert(1, R"("sub":"admin",)");
  ExpectRejected(v, RawHs256(R"({"alg":"HS256"})", dup_payload, kSecret),
                 "duplicate key in payload");
  // Same key in different objects is fine.
  json nested = BaseClaims();
  nested["ctx"] = json{{"sub", "x"}, {"inner", json{{"sub", "y"}}}};
  EXPECT_TRUE(v.Verify(RawHs256(R"({"alg":"HS256"})", nested.dump(), kSecret), kNow).ok());
}

TEST_F(JwtTest, InvalidBase64UrlIsRejected) {
  JwtVerifier v = HsVerifier();
  std::string token = Hs(BaseClaims());
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.rfind('.');
  ExpectRejected(v, token.substr(0, dot1) + "=" + token.substr(dot1), "bad header encoding");
  ExpectRejected(v, "eyJ!" + token.substr(3), "bad header encoding");
  std::string bad_payload = token;
  bad_payload[dot1 + 1] = '+';
  ExpectRejected(v, bad_payload, "bad signature");  // signature covers the raw text
  ExpectRejected(v, token + "=", "bad signature encoding");
  std::string bad_sig = token;
  bad_sig[dot2 + 3] = '/';
  ExpectRejected(v, bad_sig, "bad signature encoding");
  ExpectRejected(v, token.substr(0, dot2 + 1), "missing signature");

  // A correctly signed token whose payload segment is not base64url.
  std::string input = token.substr(0, dot1) + ".e30=";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  ExpectRejected(v, input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_len)),
                 "bad payload encoding");
}

TEST_F(JwtTest, SubjectIsRequired) {
  JwtVerifier v = HsVerifier();
  json claims = BaseClaims();
  claims.erase("sub");
  ExpectRejected(v, Hs(claims), "missing sub");
  claims["sub"] = "";
  ExpectRejected(v, Hs(claims), "bad sub");
  claims["sub"] = 42;
  ExpectRejected(v, Hs(claims), "bad sub");
  claims["sub"] = nullptr;
  ExpectRejected(v, Hs(claims), "bad sub");
  claims["sub"] = std::string("al\0ice", 6);
  ExpectRejected(v, Hs(claims), "bad sub");
  claims["sub"] = "al\nice";
  ExpectRejected(v, Hs(claims), "bad sub");
  claims["sub"] = std::string(257, 'a');
  ExpectRejected(v, Hs(claims), "bad sub");
  claims["sub"] = "\xc3\xa9lodie";
  EXPECT_TRUE(v.Verify(Hs(claims), kNow).ok());
}

TEST_F(JwtTest, ExpIsRequiredAndNumeric) {
  JwtVerifier v = HsVerifier();
  json claims = BaseClaims();
  claims.erase("exp");
  ExpectRejected(v, Hs(claims), "missing exp");
  claims["exp"] = std::to_string(kNow + 3600);
  ExpectRejected(v, Hs(claims), "bad exp");
  claims["exp"] = true;
  ExpectRejected(v, Hs(claims), "bad exp");
  claims["exp"] = nullptr;
  ExpectRejected(v, Hs(claims), "bad exp");
  claims["exp"] = -1;
  ExpectRejected(v, Hs(claims), "bad exp");
  claims["exp"] = 1e300;
  ExpectRejected(v, Hs(claims), "bad exp");
  claims["exp"] = 18446744073709551615ull;
  ExpectRejected(v, Hs(claims), "bad exp");
  claims["exp"] = static_cast<double>(kNow) + 100.5;
  Result<JwtClaims> ok = v.Verify(Hs(claims), kNow);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->exp, kNow + 100);
  claims["iat"] = "now";
  ExpectRejected(v, Hs(claims), "bad iat");
  claims["iat"] = kNow;
  claims["jti"] = 12;
  ExpectRejected(v, Hs(claims), "bad jti");
}

TEST_F(JwtTest, DisabledVerifierRejectsEverything) {
  Result<JwtVerifier> v = JwtVerifier::Create(JwtKeys{}, Policy());
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->enabled());
  ExpectRejected(*v, Hs(BaseClaims()), "jwt auth not configured");
}

TEST_F(JwtTest, CreateRejectsBadConfiguration) {
  auto code_of = [](JwtKeys keys, JwtPolicy policy = Policy()) {
    return JwtVerifier::Create(std::move(keys), std::move(policy)).status().code();
  };
  EXPECT_EQ(code_of(JwtKeys{"short", ""}), Code::kInvalidArgument);
  EXPECT_EQ(code_of(JwtKeys{"", "not a pem"}), Code::kInvalidArgument);
  EXPECT_EQ(code_of(JwtKeys{"", rsa_->private_pem}), Code::kInvalidArgument);
  EXPECT_EQ(code_of(JwtKeys{"", rsa_->public_pem.substr(0, 100)}), Code::kInvalidArgument);
  EXPECT_EQ(code_of(JwtKeys{"", MakeRsaPem(1024).public_pem}), Code::kInvalidArgument);
  std::unique_ptr<EVP_PKEY, PkeyFree> ec(EVP_EC_gen("P-256"));
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(code_of(JwtKeys{"", ToPem(ec.get()).public_pem}), Code::kInvalidArgument);
  EXPECT_EQ(code_of(JwtKeys{kSecret, ""}, JwtPolicy{"", "", -1}), Code::kInvalidArgument);
  EXPECT_EQ(code_of(JwtKeys{kSecret, ""}, JwtPolicy{"", "", 3601}), Code::kInvalidArgument);
}

TEST_F(JwtTest, CopiesAndMovesShareTheKey) {
  std::string token = Rs(BaseClaims());
  std::unique_ptr<JwtVerifier> original = std::make_unique<JwtVerifier>(BothVerifier());
  JwtVerifier copy = *original;
  JwtVerifier moved = std::move(*original);
  original.reset();
  EXPECT_TRUE(copy.Verify(token, kNow).ok());
  EXPECT_TRUE(moved.Verify(token, kNow).ok());
  EXPECT_TRUE(copy.Verify(Hs(BaseClaims()), kNow).ok());
}

TEST_F(JwtTest, SignRejectsBadInput) {
  EXPECT_EQ(SignHs256(json::array({1}), kSecret).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignHs256(json("x"), kSecret).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignHs256(BaseClaims(), "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignHs256(json{{"sub", "\xff\xfe"}}, kSecret).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(SignRs256(BaseClaims(), rsa_->public_pem).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignRs256(BaseClaims(), "garbage").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SignRs256(json::array(), rsa_->private_pem).status().code(), Code::kInvalidArgument);
}

TEST(LooksLikeJwtTest, ChecksShapeOnly) {
  EXPECT_TRUE(LooksLikeJwt("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
  EXPECT_TRUE(LooksLikeJwt("eyJ.."));
  EXPECT_FALSE(LooksLikeJwt("eyJhbGciOiJIUzI1NiJ9.e30"));
  EXPECT_FALSE(LooksLikeJwt("eyJ.a.b.c"));
  EXPECT_FALSE(LooksLikeJwt("hunter2"));
  EXPECT_FALSE(LooksLikeJwt("xeyJ.a.b"));
  EXPECT_FALSE(LooksLikeJwt(""));
  EXPECT_FALSE(LooksLikeJwt("ey"));
}

}  // namespace
}  // namespace mqchat::auth
