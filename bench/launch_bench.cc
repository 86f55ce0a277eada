#include "bench/launch_bench.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "bench/agent_log_timeline.h"
#include "bench/baseline_launcher.h"
#include "bench/bench_cluster.h"
#include "bench/bench_network.h"
#include "bench/cli_runner.h"
#include "bench/domain_event_recorder.h"
#include "bench/gureum_launcher.h"
#include "bench/latency_recorder.h"
#include "bench/marker_watch.h"
#include "bench/server_process.h"

namespace gureum::bench {
namespace {

using Steady = std::chrono::steady_clock;
constexpr char kMarker[] = "GUREUM-READY";

void PrintLatency(const std::string& what, const LatencyRecorder& latency) {
  std::cout << "  " << std::left << std::setw(44) << what << " p50 " << std::right << std::setw(7)
            << latency.PercentileMs(50) << " ms, p95 " << std::setw(7) << latency.PercentileMs(95)
            << " ms, max " << std::setw(7) << latency.PercentileMs(100)
            << " ms (n=" << latency.count() << ")\n";
}

void Record(LatencyRecorder& recorder, double ms) {
  recorder.Record(
      std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double, std::milli>(ms)));
}

bool WaitHostUp(ComputeClient& client, Steady::time_point deadline) {
  while (Steady::now() < deadline) {
    v1::DescribeHostsRequest request;
    v1::DescribeHostsResponse response;
    if (client.Stub(0).DescribeHosts(client.Context().get(), request, &response).ok()) {
      for (const v1::Host& host : response.hosts()) {
        if (host.state() == "up") return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

absl::StatusOr<std::string> ImportTinyImage(ComputeClient& client, const std::string& images_dir,
                                            const std::string& work_dir) {
  // A direct-boot image still needs a disk; the guest never reads it.
  const std::string disk = work_dir + "/tiny-empty.raw";
  std::filesystem::resize_file(disk, 0);  // created by the caller
  std::filesystem::resize_file(disk, 1 << 20);
  v1::ImportImageRequest request;
  request.set_name("tiny-direct");
  request.set_source_path(disk);
  request.set_kernel_path(images_dir + "/tiny-vmlinuz");
  request.set_ramdisk_path(images_dir + "/tiny-initrd.img");
  // no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
  // check can fail and panic the guest ("IO-APIC + timer doesn't work!"), as
  // it does for cloud images on busy hypervisors.
  request.set_kernel_args("console=ttyS0 no_timer_check");
  v1::Image image;
  grpc::Status status = client.Stub(0).ImportImage(client.Context().get(), request, &image);
  if (!status.ok()) return absl::UnavailableError("ImportImage: " + status.error_message());
  return image.image_id();
}

absl::StatusOr<std::string> InactiveXml(virConnectPtr conn, const std::string& domain_name) {
  virDomainPtr domain = virDomainLookupByName(conn, domain_name.c_str());
  if (domain == nullptr) return absl::NotFoundError("no domain " + domain_name);
  char* xml = virDomainGetXMLDesc(domain, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree(domain);
  if (xml == nullptr) return absl::InternalError("virDomainGetXMLDesc failed");
  std::string text = xml;
  free(xml);
  return text;
}

struct BareBoot {
  double to_marker_ms = -1;
  double create_call_ms = -1;       // how long virDomainCreateXML took to return
  double to_started_event_ms = -1;  // from just before the call to the STARTED event
};

// Creates `domains` at once (one thread each, each timed from just before
// its own virDomainCreateXML) and times each to the marker.
absl::StatusOr<std::vector<BareBoot>> BootBaseline(const BaselineLauncher& launcher,
                                                   const std::vector<BaselineDomain>& domains,
                                                   MarkerWatch& watch,
                                                   const DomainEventRecorder& events,
                                                   Steady::time_point deadline) {
  std::vector<Steady::time_point> starts(domains.size());
  std::vector<int64_t> wall_starts(domains.size());
  std::vector<double> call_ms(domains.size());
  std::vector<absl::Status> created(domains.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < domains.size(); ++i) {
    threads.emplace_back([&, i] {
      wall_starts[i] = WallMillis();
      starts[i] = Steady::now();
      created[i] = launcher.Create(domains[i]);
      call_ms[i] = std::chrono::duration<double, std::milli>(Steady::now() - starts[i]).count();
    });
  }
  std::vector<std::string> logs;
  for (const BaselineDomain& d : domains) logs.push_back(d.console_log);
  std::map<std::string, Steady::time_point> seen =
      watch.WaitAll([&] { return logs; }, logs.size(), deadline);
  for (std::thread& t : threads) t.join();
  std::vector<BareBoot> boots;
  for (size_t i = 0; i < domains.size(); ++i) {
    if (!created[i].ok()) return created[i];
    auto it = seen.find(domains[i].console_log);
    if (it == seen.end()) {
      return absl::DeadlineExceededError(domains[i].name + " did not print the marker in time");
    }
    BareBoot boot;
    boot.to_marker_ms = std::chrono::duration<double, std::milli>(it->second - starts[i]).count();
    boot.create_call_ms = call_ms[i];
    if (std::optional<int64_t> started = events.RunningAtMs(domains[i].name)) {
      boot.to_started_event_ms = static_cast<double>(*started - wall_starts[i]);
    }
    boots.push_back(boot);
  }
  return boots;
}

}  // namespace

int LaunchBench::Run() {
  const LaunchBenchOptions& o = options_;
  auto deadline = [&] { return Steady::now() + std::chrono::seconds(o.timeout_s); };
  auto fail = [](const std::string& what, const absl::Status& s) {
    std::cerr << "launch: " << what << ": " << s << "\n";
    return 1;
  };

  DomainEventRecorder events;
  if (absl::Status s = events.Start(o.libvirt_uri); !s.ok()) return fail("libvirt events", s);
  BenchNetwork network(events.connection(), "gureum-bench-launch", o.subnet,
                       // Beside the work dir, which the cluster empties.
                       o.dhcp_hosts_dir ? o.work_dir + ".dhcp-hosts" : "");
  if (absl::Status s = network.Create(); !s.ok()) return fail("network", s);

  std::vector<std::string> controller_args{"--network", network.name()};
  controller_args.insert(controller_args.end(), o.controller_args.begin(), o.controller_args.end());
  BenchClusterOptions cluster_options;
  cluster_options.controller_binary = o.controller_binary;
  cluster_options.controller_args = controller_args;
  cluster_options.work_dir = o.work_dir;
  cluster_options.api_key = o.api_key;
  cluster_options.network_cidr = network.Cidr();
  cluster_options.hosts = 0;
  cluster_options.client_channels = 1;
  BenchCluster cluster(cluster_options);
  if (absl::Status s = cluster.Start(); !s.ok()) return fail("controller", s);
  const std::string agent_dir = o.work_dir + "/agent";
  std::vector<std::string> agent_args{
      "--controller", cluster.address(), "--plaintext", "--host-name", "bench-launch",
      "--driver",     "libvirt",         "--virt-type", "qemu",        "--network",
      network.name(), "--data-dir",      agent_dir,     "--vcpus",     "64"};
  agent_args.insert(agent_args.end(), o.agent_args.begin(), o.agent_args.end());
  auto agent = ServerProcess::Spawn(o.agent_binary, o.work_dir, "agent", agent_args);
  if (!agent.ok()) return fail("agent", agent.status());
  ComputeClient& client = cluster.client();
  if (!WaitHostUp(client, Steady::now() + std::chrono::seconds(60))) {
    return fail("agent",
                absl::DeadlineExceededError("host not up; see " + o.work_dir + "/agent.log"));
  }
  std::ofstream(o.work_dir + "/tiny-empty.raw").close();
  absl::StatusOr<std::string> image = ImportTinyImage(client, o.images_dir, o.work_dir);
  if (!image.ok()) return fail("image", image.status());
  std::this_thread::sleep_for(std::chrono::seconds(o.idle_settle_s));
  const double idle_rss = (*agent)->RssMib();
  std::cout << "agent (libvirt, qemu TCG) idle: VmRSS " << idle_rss << " MiB after "
            << o.idle_settle_s << " s\n";

  CliRunner cli(o.cli_binary, cluster.address(), cluster.api_key(), o.work_dir);
  MarkerWatch watch(kMarker, std::chrono::milliseconds(o.poll_ms));
  GureumLauncher gureum(cli, client, events.connection(), watch, *image, o.instance_type,
                        agent_dir + "/instances");
  int exit_code = 0;
  std::vector<BaselineDomain> baseline_made;
  [&] {
    // Warm-up: the agent fetches the image into its cache; the instance's
    // domain XML becomes the baseline's template.
    auto warm = gureum.Launch(1, deadline());
    if (!warm.ok()) return void(exit_code = fail("warm-up launch", warm.status()));
    std::cout << "warm-up instance (image fetched into the agent's cache): "
              << (*warm)[0].ms_to_marker << " ms to " << kMarker << "\n";
    const std::string warm_id = (*warm)[0].instance_id;
    auto xml = InactiveXml(events.connection(), "gureum-" + warm_id);
    if (!xml.ok()) return void(exit_code = fail("template XML", xml.status()));
    auto launcher =
        BaselineLauncher::FromTemplate(events.connection(), *xml, o.work_dir + "/baseline");
    if (!launcher.ok()) return void(exit_code = fail("baseline template", launcher.status()));
    if (absl::Status s = gureum.Terminate({warm_id}, deadline()); !s.ok()) {
      return void(exit_code = fail("terminate", s));
    }

    // --- sequential, alternating ---
    LatencyRecorder bare, ours, overhead, bare_call, bare_started;
    std::vector<std::string> measured_ids;
    auto one_baseline = [&](int i) -> absl::Status {
      auto d = launcher->Prepare("bench-bare-" + std::to_string(i),
                                 o.subnet + "." + std::to_string(201 + i % 20));
      if (!d.ok()) return d.status();
      baseline_made.push_back(*d);
      auto boots = BootBaseline(*launcher, {*d}, watch, events, deadline());
      launcher->Remove(*d);
      if (!boots.ok()) return boots.status();
      const BareBoot& boot = (*boots)[0];
      Record(bare, boot.to_marker_ms);
      Record(bare_call, boot.create_call_ms);
      if (boot.to_started_event_ms >= 0) Record(bare_started, boot.to_started_event_ms);
      std::cout << "  #" << i << " bare libvirt " << boot.to_marker_ms << " ms\n";
      return absl::OkStatus();
    };
    auto one_gureum = [&](int i) -> absl::Status {
      auto launched = gureum.Launch(1, deadline());
      if (!launched.ok()) return launched.status();
      const GureumLaunch& l = (*launched)[0];
      Record(ours, l.ms_to_marker);
      measured_ids.push_back(l.instance_id);
      std::cout << "  #" << i << " gureum " << l.instance_id << " " << l.ms_to_marker << " ms\n";
      return gureum.Terminate({l.instance_id}, deadline());
    };
    if (o.launches > 0) {
      std::cout << "\nsequential launches, alternating (" << o.launches << " of each):\n";
      for (int i = 0; i < o.launches; ++i) {
        // Alternate which goes first, so drift on the machine hits both alike.
        absl::Status a = i % 2 == 0 ? one_baseline(i) : one_gureum(i);
        if (!a.ok()) return void(exit_code = fail("launch", a));
        absl::Status b = i % 2 == 0 ? one_gureum(i) : one_baseline(i);
        if (!b.ok()) return void(exit_code = fail("launch", b));
      }
      std::cout << "\ntime to " << kMarker << " (sequential):\n";
      PrintLatency("(a) bare libvirt virDomainCreateXML", bare);
      PrintLatency("(b) gureum run-instances --wait", ours);
      std::cout << "  ratio p50(b)/p50(a): " << std::setprecision(3)
                << ours.PercentileMs(50) / bare.PercentileMs(50) << std::setprecision(6) << "\n";

      // --- Gureum's own overhead ---
      // Up to the moment the guest's vCPUs first run: libvirt's STARTED, or
      // the RESUMED of a domain the agent started paused.
      AgentLogTimeline timeline(o.work_dir + "/agent.log");
      LatencyRecorder to_preparing, preparing_to_defined, preparing_to_prepared,
          prepared_to_defined, defined_to_running, started_to_running;
      for (const std::string& id : measured_ids) {
        auto times = gureum.Times(id);
        std::optional<int64_t> running = events.RunningAtMs("gureum-" + id);
        if (!times.ok() || !running) continue;
        Record(overhead, static_cast<double>(*running - times->launch_time_ms));
        const AgentLaunchSteps steps = timeline.Steps(id);
        if (steps.preparing_ms >= 0) {
          Record(to_preparing, static_cast<double>(steps.preparing_ms - times->launch_time_ms));
        }
        if (steps.preparing_ms >= 0 && steps.defined_ms >= 0) {
          Record(preparing_to_defined, static_cast<double>(steps.defined_ms - steps.preparing_ms));
        }
        if (steps.preparing_ms >= 0 && steps.prepared_ms >= 0 && steps.defined_ms >= 0) {
          Record(preparing_to_prepared,
                 static_cast<double>(steps.prepared_ms - steps.preparing_ms));
          Record(prepared_to_defined, static_cast<double>(steps.defined_ms - steps.prepared_ms));
        }
        if (steps.defined_ms >= 0) {
          Record(defined_to_running, static_cast<double>(*running - steps.defined_ms));
        }
        if (times->running_event_ms >= 0) {
          Record(started_to_running, static_cast<double>(times->running_event_ms - *running));
        }
      }
      std::cout << "\ngureum overhead, launch_time -> guest running (libvirt STARTED, or RESUMED "
                   "after a paused start):\n";
      PrintLatency("accepted -> guest running", overhead);
      std::cout << " breakdown:\n";
      PrintLatency("accepted -> agent starts preparing", to_preparing);
      PrintLatency("preparing -> defined (image,disk,seed,XML)", preparing_to_defined);
      if (preparing_to_prepared.count() > 0) {
        PrintLatency("  of which Prepare (agent logs 'prepared')", preparing_to_prepared);
        PrintLatency("  of which prepared -> defined", prepared_to_defined);
      }
      PrintLatency("defined -> guest running (start + DHCP reservation)", defined_to_running);
      PrintLatency("(after) guest running -> controller running", started_to_running);
      std::cout << " bare libvirt, for comparison:\n";
      PrintLatency("virDomainCreateXML call returns", bare_call);
      PrintLatency("just before the call -> STARTED event", bare_started);
      if (overhead.count() > 0 && bare_started.count() > 0) {
        // What Gureum adds to what a bare libvirt start costs in the same run.
        std::cout << "  gureum's own share, p50(accepted -> guest running) - p50(bare call -> "
                     "STARTED): "
                  << overhead.PercentileMs(50) - bare_started.PercentileMs(50) << " ms\n";
      }
    }

    // --- concurrent ---
    if (o.concurrent > 0) {
      std::vector<BaselineDomain> batch;
      for (int i = 0; i < o.concurrent; ++i) {
        auto d = launcher->Prepare("bench-bare-c" + std::to_string(i),
                                   o.subnet + "." + std::to_string(221 + i % 30));
        if (!d.ok()) return void(exit_code = fail("baseline prepare", d.status()));
        batch.push_back(*d);
        baseline_made.push_back(*d);
      }
      auto boots = BootBaseline(*launcher, batch, watch, events, deadline());
      for (const BaselineDomain& d : batch) launcher->Remove(d);
      if (!boots.ok()) return void(exit_code = fail("concurrent baseline", boots.status()));
      LatencyRecorder bare_c, ours_c;
      for (const BareBoot& boot : *boots) Record(bare_c, boot.to_marker_ms);
      auto launched = gureum.Launch(o.concurrent, deadline());
      if (!launched.ok()) return void(exit_code = fail("concurrent gureum", launched.status()));
      std::vector<std::string> ids;
      for (const GureumLaunch& l : *launched) {
        Record(ours_c, l.ms_to_marker);
        ids.push_back(l.instance_id);
      }
      if (absl::Status s = gureum.Terminate(ids, deadline()); !s.ok()) {
        return void(exit_code = fail("terminate", s));
      }
      std::cout << "\n"
                << o.concurrent << " concurrent launches, time to " << kMarker
                << " per instance:\n";
      PrintLatency(std::to_string(o.concurrent) + " x virDomainCreateXML (threads)", bare_c);
      PrintLatency("gureum run-instances --count " + std::to_string(o.concurrent) + " --wait",
                   ours_c);
      std::cout << "  ratio p50(b)/p50(a): " << std::setprecision(3)
                << ours_c.PercentileMs(50) / bare_c.PercentileMs(50) << std::setprecision(6)
                << "\n";
    }

    // --- agent memory with guests ---
    if (o.rss_guests > 0) {
      auto launched = gureum.Launch(o.rss_guests, deadline());
      if (!launched.ok()) return void(exit_code = fail("rss guests", launched.status()));
      LatencyRecorder boot;
      std::vector<std::string> ids;
      for (const GureumLaunch& l : *launched) {
        Record(boot, l.ms_to_marker);
        ids.push_back(l.instance_id);
      }
      const double busy_rss = (*agent)->RssMib();
      std::cout << "\nagent VmRSS: idle " << idle_rss << " MiB, with " << o.rss_guests
                << " running guests " << busy_rss << " MiB\n";
      PrintLatency("run-instances --count " + std::to_string(o.rss_guests) + " to marker", boot);
      if (absl::Status s = gureum.Terminate(ids, deadline()); !s.ok()) {
        return void(exit_code = fail("terminate", s));
      }
    }
  }();

  // --- cleanup, whatever happened above ---
  for (const BaselineDomain& d : baseline_made) {
    if (virDomainPtr dom = virDomainLookupByName(events.connection(), d.name.c_str())) {
      virDomainDestroy(dom);
      virDomainFree(dom);
    }
  }
  if (absl::Status s = gureum.TerminateAll(deadline()); !s.ok()) {
    exit_code = fail("cleanup: terminate", s);
  }
  agent->reset();
  if (!o.keep_work_dir) {
    std::error_code ec;
    std::filesystem::remove_all(o.work_dir + "/agent", ec);
    std::filesystem::remove_all(o.work_dir + "/baseline", ec);
  }
  return exit_code;
}

}  // namespace gureum::bench
