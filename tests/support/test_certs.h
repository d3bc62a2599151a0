// A throw-away certificate authority for TLS tests (issue 19): a self-signed CA and the server
// certificates it issues, in PEM, made with OpenSSL's API (EC P-256, valid for a day), so a
// test can serve TLS on loopback and clients can verify it against the CA alone. Test thread.
#pragma once

#include <memory>
#include <string>

namespace mqchat::test {

struct PemCertificate {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8, unencrypted
};

class TestCertificateAuthority {
 public:
  explicit TestCertificateAuthority(const std::string& common_name);
  ~TestCertificateAuthority();
  TestCertificateAuthority(const TestCertificateAuthority&) = delete;
  TestCertificateAuthority& operator=(const TestCertificateAuthority&) = delete;

  const std::string& cert_pem() const;
  // A server certificate (serverAuth) signed by this CA, for `subject_alt_names` in OpenSSL's
  // config form, e.g. "IP:127.0.0.1,DNS:localhost".
  PemCertificate IssueServer(const std::string& common_name,
                             const std::string& subject_alt_names) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqchat::test
