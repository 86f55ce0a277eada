#include "controller/store/read_connection_pool.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "controller/store/store.h"
#include "tests/unit/controller/controller_test_support.h"

namespace gureum::controller {

using testing::TempDir;

TEST_CASE("the pool opens connections on demand and no more than its size") {
  // This test verifies that connections are opened only when every open one
  // is lent, that a returned connection is lent again, and that an Acquire
  // beyond the size waits until a lease ends.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  ReadConnectionPool pool(dir / "gureum.db", 2);
  CHECK(pool.open_connections() == 0);
  {
    auto a = pool.Acquire();
    CHECK(pool.open_connections() == 1);
  }
  auto a = pool.Acquire();
  CHECK(pool.open_connections() == 1);  // the returned one again
  std::atomic<bool> got{false};
  std::thread third;
  {
    auto b = pool.Acquire();
    CHECK(pool.open_connections() == 2);
    CHECK(&a.db() != &b.db());
    third = std::thread([&] {
      auto c = pool.Acquire();
      got = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(got.load());  // both are lent: it waits for one
  }
  third.join();
  CHECK(got.load());
  CHECK(pool.open_connections() == 2);
}

TEST_CASE("OpenAll opens every connection up front and lends them without opening more") {
  // This test verifies that after OpenAll the pool holds `size` connections
  // and that leases use them.
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  ReadConnectionPool pool(dir / "gureum.db", 3);
  pool.OpenAll();
  CHECK(pool.open_connections() == 3);
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    auto c = pool.Acquire();
    CHECK(a.repos().hosts.List().empty());
  }
  CHECK(pool.open_connections() == 3);
}

TEST_CASE("a pooled connection reads the store's rows and refuses to write") {
  // This test verifies that a pool connection sees what the writer
  // committed and that it is read-only (PRAGMA query_only).
  TempDir dir;
  auto store = testing::OpenStoreOrDie(dir / "gureum.db");
  REQUIRE(store
              ->Write([](Repositories& repos) {
                repos.hosts.Upsert(testing::MakeHost("h-00000001", "host-a"));
                return absl::OkStatus();
              })
              .ok());
  ReadConnectionPool pool(dir / "gureum.db", 1);
  auto lease = pool.Acquire();
  CHECK(lease.repos().hosts.List().size() == 1);
  CHECK_THROWS_AS(lease.repos().hosts.Upsert(testing::MakeHost("h-00000002", "host-b")),
                  StoreError);
}

}  // namespace gureum::controller
