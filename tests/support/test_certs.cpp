#include "support/test_certs.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace mqchat::test {
namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  std::string out = BioText(bio);
  BIO_free(bio);
  return out;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::string out = BioText(bio);
  BIO_free(bio);
  return out;
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("EC key generation failed");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) throw std::runtime_error("bad certificate extension: " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// An unsigned certificate for `key` named `common_name`, valid from an hour ago for a day.
X509* NewCertificate(EVP_PKEY* key, const std::string& common_name, long serial) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("mqchat tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  return cert;
}

}  // namespace

struct TestCertificateAuthority::Impl {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string cert_pem;
  mutable long next_serial = 2;
  ~Impl() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

TestCertificateAuthority::TestCertificateAuthority(const std::string& common_name)
    : impl_(std::make_unique<Impl>()) {
  impl_->key = NewKey();
  impl_->cert = NewCertificate(impl_->key, common_name, 1);
  X509_set_issuer_name(impl_->cert, X509_get_subject_name(impl_->cert));
  AddExtension(impl_->cert, impl_->cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(impl_->cert, impl_->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(impl_->cert, impl_->cert, NID_subject_key_identifier, "hash");
  if (X509_sign(impl_->cert, impl_->key, EVP_sha256()) == 0) {
    throw std::runtime_error("signing the test CA failed");
  }
  impl_->cert_pem = CertPem(impl_->cert);
}

TestCertificateAuthority::~TestCertificateAuthority() = default;

const std::string& TestCertificateAuthority::cert_pem() const { return impl_->cert_pem; }

PemCertificate TestCertificateAuthority::IssueServer(const std::string& common_name,
                                                     const std::string& subject_alt_names) const {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCertificate(key, common_name, impl_->next_serial++);
  X509_set_issuer_name(cert, X509_get_subject_name(impl_->cert));
  AddExtension(cert, impl_->cert, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, impl_->cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  AddExtension(cert, impl_->cert, NID_ext_key_usage, "serverAuth");
  AddExtension(cert, impl_->cert, NID_subject_alt_name, subject_alt_names);
  AddExtension(cert, impl_->cert, NID_authority_key_identifier, "keyid:always");
  if (X509_sign(cert, impl_->key, EVP_sha256()) == 0) {
    X509_free(cert);
    EVP_PKEY_free(key);
    throw std::runtime_error("signing a test certificate failed");
  }
  PemCertificate out{CertPem(cert), KeyPem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace mqchat::test
