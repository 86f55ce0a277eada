#include "controller/security/agent_certificate_authority.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace gureum::controller {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Bio MemoryBio(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Adds one extension given in OpenSSL's configuration syntax.
bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtFree> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool ValidHostName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

struct AgentCertificateAuthority::Keys {
  Cert certificate;
  std::unique_ptr<EVP_PKEY, KeyFree> key;
};

AgentCertificateAuthority::AgentCertificateAuthority(std::string ca_certificate_pem,
                                                     std::unique_ptr<Keys> keys, int validity_days)
    : ca_certificate_pem_(std::move(ca_certificate_pem)),
      keys_(std::move(keys)),
      validity_days_(validity_days) {}

AgentCertificateAuthority::~AgentCertificateAuthority() = default;

absl::StatusOr<std::unique_ptr<AgentCertificateAuthority>> AgentCertificateAuthority::Load(
    const std::string& ca_certificate_pem, const std::string& ca_key_pem, int validity_days) {
  if (validity_days <= 0) return absl::InvalidArgumentError("--agent-cert-days must be positive");
  auto keys = std::make_unique<Keys>();
  Bio cert_bio = MemoryBio(ca_certificate_pem);
  keys->certificate.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!keys->certificate) return absl::InvalidArgumentError("--client-ca is not a PEM certificate");
  Bio key_bio = MemoryBio(ca_key_pem);
  keys->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!keys->key) return absl::InvalidArgumentError("--agent-ca-key is not a PEM private key");
  if (X509_check_private_key(keys->certificate.get(), keys->key.get()) != 1) {
    return absl::InvalidArgumentError(
        "--agent-ca-key is not the key of the --client-ca certificate");
  }
  return std::unique_ptr<AgentCertificateAuthority>(
      new AgentCertificateAuthority(ca_certificate_pem, std::move(keys), validity_days));
}

absl::StatusOr<std::string> AgentCertificateAuthority::Sign(
    const std::string& csr_pem, const std::string& host_name,
    std::chrono::system_clock::time_point now) const {
  if (!ValidHostName(host_name)) {
    return absl::InvalidArgumentError("host name '" + host_name + "' cannot name a certificate");
  }
  Bio csr_bio = MemoryBio(csr_pem);
  std::unique_ptr<X509_REQ, ReqFree> request(
      PEM_read_bio_X509_REQ(csr_bio.get(), nullptr, nullptr, nullptr));
  if (!request) return absl::InvalidArgumentError("csr_pem is not a PEM certificate request");
  EVP_PKEY* public_key = X509_REQ_get0_pubkey(request.get());
  if (public_key == nullptr || X509_REQ_verify(request.get(), public_key) != 1) {
    return absl::InvalidArgumentError("the certificate request's signature does not verify");
  }

  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return absl::InternalError("RAND_bytes failed");
  serial[0] &= 0x7f;  // positive
  BIGNUM* serial_bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(serial_bn, X509_get_serialNumber(cert.get()));
  BN_free(serial_bn);

  X509_NAME* subject = X509_NAME_new();
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(host_name.c_str()), -1, -1, 0);
  X509_set_subject_name(cert.get(), subject);
  X509_NAME_free(subject);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(keys_->certificate.get()));

  const time_t start = std::chrono::system_clock::to_time_t(now) - 60;  // clock skew
  const time_t end =
      std::chrono::system_clock::to_time_t(now) + static_cast<time_t>(validity_days_) * 24 * 3600;
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), start);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), end);
  X509_set_pubkey(cert.get(), public_key);

  X509* issuer = keys_->certificate.get();
  if (!AddExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature") ||
      !AddExtension(cert.get(), issuer, NID_ext_key_usage, "clientAuth") ||
      !AddExtension(cert.get(), issuer, NID_subject_alt_name, "DNS:" + host_name) ||
      !AddExtension(cert.get(), issuer, NID_subject_key_identifier, "hash") ||
      // OpenSSL cannot name an issuer key that has no identifier of its own.
      (X509_get_ext_by_NID(issuer, NID_subject_key_identifier, -1) >= 0 &&
       !AddExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid"))) {
    char why[256] = {};
    ERR_error_string_n(ERR_get_error(), why, sizeof(why));
    return absl::InternalError(std::string("cannot add the certificate's extensions: ") + why);
  }
  if (X509_sign(cert.get(), keys_->key.get(), EVP_sha256()) <= 0) {
    return absl::InternalError("signing the agent certificate failed");
  }
  Bio out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), cert.get());
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace gureum::controller
