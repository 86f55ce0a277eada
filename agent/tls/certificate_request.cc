#include "agent/tls/certificate_request.h"

#include <cstring>  // EVP_EC_gen expands to strstr
#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace gureum::agent {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};

std::string Drain(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

absl::StatusOr<CertificateRequest> CertificateRequest::Generate(const std::string& host_name) {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  if (!key) return absl::InternalError("cannot generate an EC P-256 key");
  std::unique_ptr<X509_REQ, ReqFree> request(X509_REQ_new());
  X509_REQ_set_version(request.get(), 0);
  X509_NAME* subject = X509_REQ_get_subject_name(request.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(host_name.c_str()), -1, -1, 0);
  X509_REQ_set_pubkey(request.get(), key.get());
  if (X509_REQ_sign(request.get(), key.get(), EVP_sha256()) <= 0) {
    return absl::InternalError("cannot sign the certificate request");
  }
  CertificateRequest result;
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  result.private_key_pem = Drain(key_bio.get());
  std::unique_ptr<BIO, BioFree> csr_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(csr_bio.get(), request.get());
  result.csr_pem = Drain(csr_bio.get());
  return result;
}

}  // namespace gureum::agent
