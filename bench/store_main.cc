// bench/store: SQLite transactions per second (docs/benchmarks.md).
#include <CLI/CLI.hpp>

#include "bench/store_bench.h"

int main(int argc, char** argv) {
  gureum::bench::StoreBenchOptions o;
  CLI::App app{"gureum SQLite benchmark"};
  app.add_option("--hosts", o.hosts, "registered hosts")->capture_default_str();
  app.add_option("--seconds", o.seconds, "seconds per measurement")->capture_default_str();
  app.add_option("--work-dir", o.work_dir)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return gureum::bench::StoreBench(o).Run();
}
