// InitLibssh2WithoutCrypto: keeps libvirt's global initialisation from
// loading OpenSSL's engines, which the agent never uses but which cost an
// idle agent ~1.4 MiB of resident memory.
//
// virInitialize() calls curl_global_init() (for libvirt's ESX and Hyper-V
// drivers), and libcurl calls libssh2_init(0), which on OpenSSL 3 runs
// ENGINE_load_builtin_engines() + ENGINE_register_all_complete(). libssh2
// initialises its crypto only on the first libssh2_init() of the process:
// calling libssh2_init(LIBSSH2_INIT_NO_CRYPTO) before virInitialize() makes
// that first call ours. OpenSSL 3 initialises itself on first use, so
// libssh2 (libvirt's qemu+libssh2:// transport) still works; it just uses
// OpenSSL's providers, not the legacy engines.
//
// The symbol is looked up at run time in what the process has already
// loaded (libvirt -> libcurl -> libssh2 on Debian), so a libvirt built
// without them is unaffected and the build needs no libssh2 headers. Call
// before the first libvirt call; idempotent. Thread-safe.
#pragma once

namespace gureum::agent {

void InitLibssh2WithoutCrypto();

}  // namespace gureum::agent
