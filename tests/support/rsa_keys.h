// A fresh 2048-bit RSA key pair in PEM, for tests that sign RS256 tokens (or run mqchat-api)
// and brokers that verify them. Generated once per test binary. Any thread.
#pragma once

#include <string>

namespace mqchat::test {

struct RsaKeyPair {
  std::string private_pem;  // PKCS#8
  std::string public_pem;   // SubjectPublicKeyInfo
};

const RsaKeyPair& TestRsaKeys();

}  // namespace mqchat::test
