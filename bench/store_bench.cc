#include "bench/store_bench.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "controller/core/core_context.h"
#include "controller/core/host_directory.h"
#include "controller/core/instance_launcher.h"

namespace gureum::bench {
namespace {

using Clock = std::chrono::steady_clock;

class NoNotifier final : public controller::HostNotifier {
 public:
  void HostChanged(const std::string&) override {}
};

// One-row insert transactions per second on a fresh WAL database.
double RawInsertRate(const std::string& path, const char* synchronous, int seconds) {
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL;", nullptr, nullptr, nullptr);
  sqlite3_exec(db, (std::string("PRAGMA synchronous=") + synchronous + ";").c_str(), nullptr,
               nullptr, nullptr);
  sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES ('some row of about fifty bytes of text....')",
                     -1, &insert, nullptr);
  int64_t done = 0;
  auto start = Clock::now();
  auto stop_at = start + std::chrono::seconds(seconds);
  while (Clock::now() < stop_at) {
    sqlite3_exec(db, "BEGIN IMMEDIATE;", nullptr, nullptr, nullptr);
    sqlite3_step(insert);
    sqlite3_reset(insert);
    sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr);
    ++done;
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return static_cast<double>(done) / elapsed;
}

}  // namespace

int StoreBench::Run() {
  std::filesystem::remove_all(options_.work_dir);
  std::filesystem::create_directories(options_.work_dir);
  std::cout << "store: one-row insert transactions (WAL)\n";
  for (const char* sync : {"FULL", "NORMAL"}) {
    std::cout << "  synchronous=" << sync << ": "
              << RawInsertRate(options_.work_dir + "/raw.db", sync, options_.seconds) << " tx/s\n";
  }

  auto store = controller::Store::Open(options_.work_dir + "/gureum.db");
  if (!store.ok()) {
    std::cerr << "store: " << store.status() << "\n";
    return 1;
  }
  SystemClock clock;
  IdGenerator ids;
  NoNotifier notifier;
  controller::EventBus events;
  controller::CoreContext core{**store, clock, ids, notifier, events};
  controller::HostImageIndex image_index;
  controller::HostRecordCache host_records;
  auto ips = controller::IpAllocator::Create({"default", "10.0.0.0/12", 8});
  auto scheduler = controller::Scheduler::Default();
  controller::QuotaPolicy quotas(controller::ResourceAmounts{-1, -1, -1, -1});
  controller::InstanceLauncher launcher(core, *scheduler, *ips, quotas, image_index, host_records);
  controller::HostDirectory hosts(core, image_index, host_records);
  for (int h = 0; h < options_.hosts; ++h) {
    agent::v1::Register reg;
    reg.set_host_name("store-" + std::to_string(h));
    reg.set_vcpus(1 << 20);  // roomy enough for any run length on a fast disk
    reg.set_memory_mib(int64_t{1} << 32);
    reg.set_disk_gib(int64_t{1} << 28);
    reg.set_hypervisor_type("fake");
    reg.set_virt_type("fake");
    reg.set_availability_zone("zone-a");
    if (auto s = hosts.Register(reg); !s.ok()) {
      std::cerr << "store: " << s.status() << "\n";
      return 1;
    }
  }
  controller::ImageRecord image;
  image.image_id = ids.Next("ami");
  image.project_id = "default";
  image.name = "bench";
  image.state = "available";
  image.disk_format = "raw";
  image.size_bytes = 1 << 20;
  image.virtual_size_bytes = 1 << 20;
  image.sha256 = std::string(64, 'a');
  image.created_at = clock.NowMillis();
  (void)(*store)->Write([&](controller::Repositories& repos) {
    repos.images.Insert(image);
    return absl::OkStatus();
  });

  controller::RequestContext ctx;
  ctx.request_id = "bench";
  ctx.actor = "bench";
  ctx.project_id = "default";
  std::cout << "store: the launch transaction (InstanceLauncher::Run, " << options_.hosts
            << " hosts, no gRPC)\n";
  for (int count : {1, 10, 100}) {
    v1::RunInstancesRequest request;
    request.set_image_id(image.image_id);
    request.set_instance_type("g1.nano");
    request.set_min_count(count);
    request.set_max_count(count);
    int64_t transactions = 0;
    auto start = Clock::now();
    auto stop_at = start + std::chrono::seconds(options_.seconds);
    while (Clock::now() < stop_at) {
      auto result = launcher.Run(ctx, request);
      if (!result.ok()) {
        std::cerr << "store: " << result.status() << "\n";
        return 1;
      }
      ++transactions;
    }
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::cout << "  " << count << " instance(s) per transaction: " << transactions / elapsed
              << " tx/s, " << static_cast<double>(transactions * count) / elapsed
              << " instances/s\n";
  }
  return 0;
}

}  // namespace gureum::bench
