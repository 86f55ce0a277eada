#include "agent/hypervisor/libvirt/libssh2_without_crypto.h"

#include <dlfcn.h>

#include <mutex>

namespace gureum::agent {
namespace {

// LIBSSH2_INIT_NO_CRYPTO of <libssh2.h> (ABI-stable since libssh2 1.2.5).
constexpr int kLibssh2InitNoCrypto = 0x0001;

}  // namespace

void InitLibssh2WithoutCrypto() {
  static std::once_flag once;
  std::call_once(once, [] {
    using Libssh2Init = int (*)(int);
    auto init = reinterpret_cast<Libssh2Init>(dlsym(RTLD_DEFAULT, "libssh2_init"));
    if (init != nullptr) init(kLibssh2InitNoCrypto);
  });
}

}  // namespace gureum::agent
