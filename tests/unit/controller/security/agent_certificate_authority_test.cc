#include "controller/security/agent_certificate_authority.h"

#include <cstring>  // EVP_EC_gen expands to strstr
#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

#include "agent/tls/certificate_request.h"

namespace gureum::controller {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Free>;

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

Cert Parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Cert cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

// A self-signed CA made in memory (no files, no openssl CLI).
struct TestCa {
  std::string cert_pem;
  std::string key_pem;
  TestCa() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("test CA"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 30);
    X509_set_pubkey(cert, key);
    X509_sign(cert, key, EVP_sha256());
    cert_pem = ToPem(cert);
    key_pem = KeyPem(key);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

std::string ExtensionText(X509* cert, int nid) {
  int index = X509_get_ext_by_NID(cert, nid, -1);
  if (index < 0) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  X509V3_EXT_print(bio, X509_get_ext(cert, index), 0, 0);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<size_t>(size));
  BIO_free(bio);
  return text;
}

}  // namespace

TEST_CASE("the agent CA signs a request as the host it joins, for client auth only") {
  // This test verifies CN, SAN, EKU, CA:FALSE, SHA-256, validity and the signature of an
  // issued agent certificate, whatever subject the request asked for.
  TestCa ca;
  auto authority = AgentCertificateAuthority::Load(ca.cert_pem, ca.key_pem, 365);
  REQUIRE(authority.ok());
  auto request = agent::CertificateRequest::Generate("someone-else");
  REQUIRE(request.ok());
  const auto now = std::chrono::system_clock::from_time_t(1'800'000'000);
  auto issued = (*authority)->Sign(request->csr_pem, "host-7", now);
  REQUIRE(issued.ok());
  Cert cert = Parse(*issued);
  REQUIRE(cert);

  char cn[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn));
  CHECK(std::string(cn) == "host-7");
  CHECK(ExtensionText(cert.get(), NID_subject_alt_name) == "DNS:host-7");
  CHECK(ExtensionText(cert.get(), NID_ext_key_usage) == "TLS Web Client Authentication");
  CHECK(ExtensionText(cert.get(), NID_basic_constraints) == "CA:FALSE");
  CHECK(X509_get_signature_nid(cert.get()) == NID_ecdsa_with_SHA256);

  int days = 0;
  int seconds = 0;
  ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()), X509_get0_notAfter(cert.get()));
  CHECK(days == 365);  // plus the minute of allowed clock skew
  CHECK(seconds == 60);

  Cert ca_cert = Parse(ca.cert_pem);
  CHECK(X509_verify(cert.get(), X509_get0_pubkey(ca_cert.get())) == 1);
  CHECK((*authority)->ca_certificate_pem() == ca.cert_pem);
}

TEST_CASE("the agent CA refuses bad requests, host names and a key that is not the CA's") {
  // This test verifies the refusals of Load and Sign.
  TestCa ca;
  TestCa other;
  CHECK_FALSE(AgentCertificateAuthority::Load(ca.cert_pem, other.key_pem, 365).ok());
  CHECK_FALSE(AgentCertificateAuthority::Load(ca.cert_pem, ca.key_pem, 0).ok());
  auto authority = AgentCertificateAuthority::Load(ca.cert_pem, ca.key_pem, 30);
  REQUIRE(authority.ok());
  auto request = agent::CertificateRequest::Generate("host-1");
  REQUIRE(request.ok());
  const auto now = std::chrono::system_clock::now();
  CHECK_FALSE((*authority)->Sign("not a csr", "host-1", now).ok());
  CHECK_FALSE((*authority)->Sign(request->csr_pem, "host 1/../x", now).ok());
  CHECK_FALSE((*authority)->Sign(request->csr_pem, "", now).ok());
  std::string tampered = request->csr_pem;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  CHECK_FALSE((*authority)->Sign(tampered, "host-1", now).ok());
}

}  // namespace gureum::controller
