#include "common/tls/network_address.h"

#include <catch2/catch.hpp>

#include "common/tls/client_endpoint.h"

namespace gureum {

TEST_CASE("only loopback hosts count as loopback") {
  // This test verifies the rule that decides where plaintext is allowed.
  for (const char* host : {"127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "localhost",
                           "LocalHost", "::ffff:127.0.0.1"}) {
    INFO(host);
    CHECK(IsLoopbackHost(host));
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "192.168.122.1",
                           "localhost.example.com", "example.com", "", "::ffff:10.0.0.1"}) {
    INFO(host);
    CHECK_FALSE(IsLoopbackHost(host));
  }
}

TEST_CASE("listen addresses split into host and port, IPv6 in brackets") {
  // This test verifies SplitHostPort on the forms --listen takes.
  auto v4 = SplitHostPort("127.0.0.1:7070");
  REQUIRE(v4.ok());
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == "7070");
  auto v6 = SplitHostPort("[::1]:0");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(IsLoopbackAddress("[::1]:0"));
  CHECK(IsLoopbackAddress("localhost:1"));
  CHECK_FALSE(IsLoopbackAddress("0.0.0.0:0"));
  CHECK_FALSE(IsLoopbackAddress("[::]:7070"));
  CHECK_FALSE(SplitHostPort("127.0.0.1").ok());
  CHECK_FALSE(SplitHostPort("::1:7070").ok());
  CHECK_FALSE(SplitHostPort("host:http").ok());
}

TEST_CASE("client endpoints choose TLS or loopback plaintext by scheme and CA bundle") {
  // This test verifies the endpoint rules the CLI, gateway and agent share.
  auto bare_loopback = ClientEndpoint::Resolve("127.0.0.1:7070", "", "--ca-bundle");
  REQUIRE(bare_loopback.ok());
  CHECK_FALSE(bare_loopback->tls());
  CHECK(bare_loopback->target() == "127.0.0.1:7070");

  auto https = ClientEndpoint::Resolve("https://controller.example:7070/", "", "--ca-bundle");
  REQUIRE(https.ok());
  CHECK(https->tls());
  CHECK(https->target() == "controller.example:7070");

  auto http_remote = ClientEndpoint::Resolve("http://10.0.0.5:7070", "", "--ca-bundle");
  REQUIRE_FALSE(http_remote.ok());
  CHECK(std::string(http_remote.status().message()).find("loopback") != std::string::npos);

  auto bare_remote = ClientEndpoint::Resolve("10.0.0.5:7070", "", "--ca-bundle");
  REQUIRE_FALSE(bare_remote.ok());
  CHECK(std::string(bare_remote.status().message()).find("--ca-bundle") != std::string::npos);

  CHECK(ClientEndpoint::Resolve("http://localhost:7070", "", "--ca-bundle").ok());
  CHECK_FALSE(ClientEndpoint::Resolve("ftp://localhost:7070", "", "--ca-bundle").ok());
  // A bare endpoint with a CA bundle is TLS (the file must be readable PEM).
  auto missing_bundle = ClientEndpoint::Resolve("10.0.0.5:7070", "/nonexistent.pem", "--ca-bundle");
  REQUIRE_FALSE(missing_bundle.ok());
  CHECK(std::string(missing_bundle.status().message()).find("/nonexistent.pem") !=
        std::string::npos);
}

}  // namespace gureum
