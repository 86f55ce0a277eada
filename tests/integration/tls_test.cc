// Transport security end to end: a controller serving TLS with a client CA
// and the agent CA's key, agents identified by client certificates (mTLS),
// join tokens, node restriction, and the CLI over https. Certificates come
// from deploy/gen-certs.sh (the openssl CLI) in the cluster's temp directory.
#include <sys/stat.h>

#include <stdexcept>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <catch2/catch.hpp>

#include "gureum/agent/v1/agent.grpc.pb.h"
#include "tests/integration/compute_api.h"
#include "tests/integration/fake_hosts.h"

namespace gureum::testing {
namespace {

namespace av1 = gureum::agent::v1;

// A TestCluster whose controller serves TLS: --tls-cert/--tls-key, --client-ca
// and --agent-ca-key from gen-certs.sh, the CLI with --ca-bundle.
struct TlsCluster {
  TestCluster cluster;
  std::string certs;

  TlsCluster() : certs(cluster.dir() + "/certs") {
    RunResult made = Run({std::string(GUREUM_SOURCE_DIR) + "/deploy/gen-certs.sh", certs, "--agent",
                          "host-1", "--agent", "host-2"});
    if (made.exit_code != 0) throw std::runtime_error("gen-certs.sh: " + made.err);
    cluster.set_plaintext(false);
    cluster.AddControllerArgs({"--tls-cert", Cert("controller.crt"), "--tls-key",
                               Cert("controller.key"), "--client-ca", Cert("ca.crt"),
                               "--agent-ca-key", Cert("ca.key")});
    cluster.AddCliArgs({"--ca-bundle", Cert("ca.crt")});
    cluster.StartController();
  }

  std::string Cert(const std::string& name) const { return certs + "/" + name; }

  // Server-verified TLS, with the named agent's client certificate if any.
  std::shared_ptr<grpc::ChannelCredentials> Credentials(const std::string& agent = "") const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(Cert("ca.crt"));
    if (!agent.empty()) {
      options.pem_cert_chain = ReadFile(Cert("agents/" + agent + ".crt"));
      options.pem_private_key = ReadFile(Cert("agents/" + agent + ".key"));
    }
    return grpc::SslCredentials(options);
  }

  std::unique_ptr<av1::AgentController::Stub> AgentStub(const std::string& agent = "") const {
    return av1::AgentController::NewStub(
        grpc::CreateChannel(cluster.endpoint(), Credentials(agent)));
  }

  AgentSpec TlsAgent(const std::string& host, const std::string& zone) const {
    AgentSpec spec = FakeHost(host);
    spec.zone = zone;
    spec.extra_args = {"--ca-cert", Cert("ca.crt"),
                       "--cert",    Cert("agents/" + host + ".crt"),
                       "--key",     Cert("agents/" + host + ".key")};
    return spec;
  }

  grpc::Status Join(const std::string& host, const std::string& token) const {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    av1::JoinRequest request;
    request.set_host_name(host);
    request.set_token(token);
    request.set_csr_pem(ReadFile(Cert("agents/host-1.csr.pem")));
    av1::JoinResponse response;
    return AgentStub()->Join(&context, request, &response);
  }
};

// Opens a Connect stream, registers as `host_name`, sends `then` (if any) and
// returns how the controller ended the stream.
grpc::Status ConnectAs(av1::AgentController::Stub& stub, const std::string& host_name,
                       const av1::AgentMessage* then = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = stub.Connect(&context);
  av1::AgentMessage hello;
  hello.mutable_register_()->set_host_name(host_name);
  hello.mutable_register_()->set_vcpus(8);
  hello.mutable_register_()->set_memory_mib(16384);
  hello.mutable_register_()->set_disk_gib(200);
  hello.mutable_register_()->set_hypervisor_type("fake");
  hello.mutable_register_()->set_availability_zone("zone-a");
  stream->Write(hello);
  av1::ControllerMessage reply;
  bool welcomed = false;
  if (then != nullptr) {
    while (!welcomed && stream->Read(&reply)) welcomed = reply.has_welcome();
    if (welcomed) stream->Write(*then);
  }
  stream->WritesDone();
  while (stream->Read(&reply)) {
  }
  return stream->Finish();
}

}  // namespace

TEST_CASE("the controller refuses plaintext off loopback and a start without a transport choice",
          "[integration]") {
  // This test verifies the exit code 2 and the messages that name the flag and the rule.
  TestCluster scratch;
  RunResult off_loopback = Run({BinPath("gureum-controller"), "--listen", "0.0.0.0:0",
                                "--plaintext", "--data-dir", scratch.dir() + "/c1"});
  CHECK(off_loopback.exit_code == 2);
  CHECK(off_loopback.err.find("--plaintext") != std::string::npos);
  CHECK(off_loopback.err.find("loopback") != std::string::npos);

  RunResult no_choice = Run({BinPath("gureum-controller"), "--listen", "127.0.0.1:0", "--data-dir",
                             scratch.dir() + "/c2"});
  CHECK(no_choice.exit_code == 2);
  CHECK(no_choice.err.find("--tls-cert") != std::string::npos);
  CHECK(no_choice.err.find("--plaintext") != std::string::npos);

  RunResult agent_off_loopback =
      Run({BinPath("gureum-agent"), "--controller", "10.1.2.3:7070", "--plaintext", "--data-dir",
           scratch.dir() + "/a1", "--driver", "fake"});
  CHECK(agent_off_loopback.exit_code == 2);
  CHECK(agent_off_loopback.err.find("loopback") != std::string::npos);

  RunResult cli_off_loopback =
      Run({BinPath("gureum"), "--endpoint", "10.1.2.3:7070", "describe-hosts"},
          std::chrono::seconds(30), {{"HOME", scratch.dir()}});
  CHECK(cli_off_loopback.exit_code == 2);
  CHECK(cli_off_loopback.err.find("TLS") != std::string::npos);
}

TEST_CASE("over TLS the CLI verifies the controller and a new host joins once with its token",
          "[integration]") {
  // This test verifies https and CA-bundle endpoints, a plaintext client failing against the TLS
  // port, join tokens refused (wrong host, expired, garbage, reused) with nothing written, and an
  // agent that joins with a token, writes its key 0600 and comes up over mTLS.
  TlsCluster tls;
  TestCluster& cluster = tls.cluster;
  REQUIRE(cluster.Cli({"describe-hosts"}).exit_code == 0);
  RunResult https = Run({BinPath("gureum"), "--endpoint", "https://" + cluster.endpoint(),
                         "--ca-bundle", tls.Cert("ca.crt"), "describe-hosts"},
                        std::chrono::seconds(30),
                        {{"HOME", cluster.dir()}, {"GUREUM_API_KEY", cluster.admin_key()}});
  CHECK(https.exit_code == 0);
  RunResult plaintext =
      Run({BinPath("gureum"), "--endpoint", cluster.endpoint(), "--timeout", "5", "describe-hosts"},
          std::chrono::seconds(30), {{"HOME", cluster.dir()}});
  CHECK(plaintext.exit_code == 1);

  // A request the refusals below carry (its key is not used).
  RunResult csr = Run({"/usr/bin/openssl", "req", "-new", "-key", tls.Cert("agents/host-1.key"),
                       "-subj", "/CN=host-1", "-out", tls.Cert("agents/host-1.csr.pem")});
  REQUIRE(csr.exit_code == 0);

  auto token = cluster.CliJson({"create-join-token", "--host-name", "host-1"});
  const std::string secret = token["token"];
  CHECK(secret.rfind("gjt-" + token["tokenId"].get<std::string>() + ".", 0) == 0);
  auto short_lived =
      cluster.CliJson({"create-join-token", "--host-name", "host-1", "--ttl-seconds", "1"});
  const std::string unused_sql = "SELECT COUNT(*) FROM join_tokens WHERE used_at IS NULL";
  CHECK(cluster.QueryInt(unused_sql) == 2);
  CHECK(cluster.CountRows("join_tokens") == 2);
  // Only a salted hash is stored.
  CHECK(cluster.QueryInt("SELECT COUNT(*) FROM join_tokens WHERE hash LIKE '%" +
                         secret.substr(secret.find('.') + 1) + "%'") == 0);

  const int64_t hosts_before = cluster.CountRows("hosts");
  const int64_t events_before = cluster.CountRows("events");
  CHECK(tls.Join("host-9", secret).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(tls.Join("host-1", "gjt-nope.nope").error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(tls.Join("host-1", secret + "x").error_code() == grpc::StatusCode::UNAUTHENTICATED);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(tls.Join("host-1", short_lived["token"]).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(cluster.QueryInt(unused_sql) == 2);
  CHECK(cluster.CountRows("hosts") == hosts_before);
  CHECK(cluster.CountRows("events") == events_before);

  AgentSpec joining = FakeHost("host-1");
  joining.extra_args = {"--ca-cert", tls.Cert("ca.crt"), "--join-token", secret};
  int agent = cluster.AddAgent(joining);
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string key_file = cluster.AgentDir(agent) + "/tls/agent.key";
  struct stat key_stat {};
  REQUIRE(stat(key_file.c_str(), &key_stat) == 0);
  CHECK((key_stat.st_mode & 0777) == 0600);
  CHECK(cluster.QueryInt(unused_sql) == 1);

  // Used once: refused now, and the joined agent restarts on its certificate alone.
  CHECK(tls.Join("host-1", secret).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  cluster.StopAgent(agent);
  cluster.StartAgent(agent);
  CHECK(Eventually(
      [&] {
        return cluster.agent(agent)->Stderr().find("--join-token ignored") != std::string::npos;
      },
      std::chrono::seconds(10)));
  CHECK(cluster.WaitForHostsUp(1));
}

TEST_CASE("an agent certificate names its host, and a host reads and reports only its own",
          "[integration]") {
  // This test verifies mTLS identity (no certificate: UNAUTHENTICATED; another host's name:
  // PERMISSION_DENIED) and node restriction: host-1's certificate reporting host-2's instance
  // ends the stream with PERMISSION_DENIED and changes nothing; FetchBlob of a blob no
  // instance on the host uses is PERMISSION_DENIED, and allowed for the host that uses it.
  TlsCluster tls;
  TestCluster& cluster = tls.cluster;
  cluster.AddAgent(tls.TlsAgent("host-2", "zone-b"));
  REQUIRE(cluster.WaitForHostsUp(1));
  const std::string image = cluster.ImportImage("tiny");
  auto run = cluster.CliJson({"run-instances", "--image-id", image, "--instance-type", "g1.nano",
                              "--availability-zone", "zone-b"});
  const std::string instance = run["instances"][0]["instanceId"];
  REQUIRE(cluster.WaitForState({instance}, "running"));

  auto anonymous = tls.AgentStub();
  CHECK(ConnectAs(*anonymous, "host-1").error_code() == grpc::StatusCode::UNAUTHENTICATED);

  auto host1 = tls.AgentStub("host-1");
  grpc::Status impostor = ConnectAs(*host1, "host-2");
  CHECK(impostor.error_code() == grpc::StatusCode::PERMISSION_DENIED);

  const int64_t events_before = cluster.CountRows("events");
  av1::AgentMessage report;
  auto* observed = report.mutable_report()->add_instances();
  observed->set_instance_id(instance);
  observed->set_state(av1::OBSERVED_FAILED);
  observed->set_reason_message("forged");
  grpc::Status forged = ConnectAs(*host1, "host-1", &report);
  CHECK(forged.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(forged.error_message().find(instance) != std::string::npos);
  auto described = cluster.CliJson({"describe-instances", "--instance-ids", instance});
  CHECK(described["instances"][0]["state"]["name"] == "running");
  // host-1's own (re)registration events aside, nothing about the instance was recorded.
  CHECK(cluster.QueryInt("SELECT COUNT(*) FROM events WHERE seq > " +
                         std::to_string(events_before) + " AND resource_id = '" + instance + "'") ==
        0);

  const std::string blob =
      cluster.CliJson({"describe-images", "--image-ids", image})["images"][0]["sha256"];
  auto fetch = [&](av1::AgentController::Stub& stub) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    av1::FetchBlobRequest request;
    request.set_sha256(blob);
    auto reader = stub.FetchBlob(&context, request);
    av1::BlobChunk chunk;
    int64_t received = 0;
    while (reader->Read(&chunk)) received += static_cast<int64_t>(chunk.data().size());
    grpc::Status status = reader->Finish();
    return std::make_pair(status, received);
  };
  auto [refused, nothing] = fetch(*host1);
  CHECK(refused.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(nothing == 0);
  auto host2 = tls.AgentStub("host-2");
  auto [allowed, everything] = fetch(*host2);
  CHECK(allowed.ok());
  CHECK(everything == (1 << 20));

  // The public API on the same port needs no client certificate.
  ComputeApi api(cluster.endpoint(), cluster.admin_key(), tls.Credentials());
  v1::DescribeHostsResponse hosts;
  CHECK(api.Call(&v1::Compute::Stub::DescribeHosts, v1::DescribeHostsRequest(), &hosts).code == "");
}

}  // namespace gureum::testing
