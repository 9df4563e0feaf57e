// Decision latency over the shared workloads (../shared/workloads/*):
// load policy and data once, prepare the workload's query, then evaluate
// its 1,000 inputs round-robin.
//
//   BM_Decision/<workload>/json      input JSON text -> result JSON text
//                                    (PreparedQuery::EvaluateJson, the hot path)
//   BM_Decision/<workload>/preparsed input already a Value -> Decision
//
// Counters: ns per decision (the benchmark's time), and allocs/decision,
// heap allocations counted by the replaced global operator new below.
//
//   build/bin/verdict_bench [--benchmark_filter=abac]
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "verdict/engine.h"

namespace {

std::atomic<uint64_t> g_allocations{0};

}  // namespace

// Counting allocator: every heap allocation in the process goes through here.
void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

struct Workload {
  std::string name;
  std::unique_ptr<verdict::Engine> engine;
  std::unique_ptr<verdict::PreparedQuery> query;
  std::vector<std::string> inputs;
  std::vector<verdict::Value> parsed;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Workload* Load(const std::string& name) {
  static std::mutex mu;  // threaded runs load from every thread
  std::lock_guard<std::mutex> lock(mu);
  static std::vector<std::unique_ptr<Workload>> cache;
  for (auto& w : cache) {
    if (w->name == name) return w.get();
  }
  std::string dir = std::string(VERDICT_SHARED_DIR) + "/workloads/" + name;
  auto w = std::make_unique<Workload>();
  w->name = name;
  w->engine = std::make_unique<verdict::Engine>();
  if (!w->engine->LoadPath(dir).ok() || !w->engine->Compile().ok()) return nullptr;
  std::string query = Slurp(dir + "/query.txt");
  while (!query.empty() && (query.back() == '\n' || query.back() == ' ')) query.pop_back();
  absl::StatusOr<verdict::PreparedQuery> prepared = w->engine->Prepare(query);
  if (!prepared.ok()) return nullptr;
  w->query = std::make_unique<verdict::PreparedQuery>(*prepared);
  std::ifstream in(dir + "/inputs.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    w->inputs.push_back(line);
    absl::StatusOr<verdict::Value> v = verdict::ParseJson(line);
    w->parsed.push_back(v.ok() ? *v : verdict::Value());
  }
  cache.push_back(std::move(w));
  return cache.back().get();
}

void BM_DecisionJson(benchmark::State& state, const std::string& name) {
  Workload* w = Load(name);
  if (w == nullptr || w->inputs.empty()) {
    state.SkipWithError("workload not found or does not compile");
    return;
  }
  std::string out;
  size_t i = 0;
  // Warm up the thread's context so steady state is measured.
  for (const std::string& input : w->inputs) (void)w->query->EvaluateJson(input, &out);
  uint64_t allocs_before = g_allocations.load();
  for (auto _ : state) {
    absl::Status s = w->query->EvaluateJson(w->inputs[i], &out);
    benchmark::DoNotOptimize(s);
    if (++i == w->inputs.size()) i = 0;
  }
  // The allocation count is process-wide: thread 0 reports it per decision
  // of all threads (counters of the threads are summed).
  if (state.thread_index() == 0) {
    state.counters["allocs/decision"] = benchmark::Counter(
        static_cast<double>(g_allocations.load() - allocs_before) /
        static_cast<double>(state.iterations() * state.threads()));
  }
}

void BM_DecisionPreparsed(benchmark::State& state, const std::string& name) {
  Workload* w = Load(name);
  if (w == nullptr || w->parsed.empty()) {
    state.SkipWithError("workload not found or does not compile");
    return;
  }
  size_t i = 0;
  uint64_t allocs_before = g_allocations.load();
  for (auto _ : state) {
    absl::StatusOr<verdict::Decision> d = w->query->Evaluate(w->parsed[i]);
    benchmark::DoNotOptimize(d);
    if (++i == w->parsed.size()) i = 0;
  }
  state.counters["allocs/decision"] = benchmark::Counter(
      static_cast<double>(g_allocations.load() - allocs_before) /
      static_cast<double>(state.iterations()));
}

const bool kRegistered = [] {
  for (const char* name : {"abac", "deploy", "budget"}) {
    benchmark::RegisterBenchmark((std::string("BM_Decision/") + name + "/json").c_str(),
                                 BM_DecisionJson, std::string(name));
    benchmark::RegisterBenchmark((std::string("BM_Decision/") + name + "/preparsed").c_str(),
                                 BM_DecisionPreparsed, std::string(name));
    // Two threads sharing one PreparedQuery: per-thread time should stay
    // close to the single-threaded run (no locks or shared writes on the
    // hot path); the machine has two cores.
    benchmark::RegisterBenchmark((std::string("BM_Decision/") + name + "/json").c_str(),
                                 BM_DecisionJson, std::string(name))
        ->Threads(2)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
