// Tests for recording and replaying non-deterministic builtins
// (EvalOptions::record_nondeterministic / replay / clock, recorded by
// lib/vm/interp.cc's CallNondeterministic): each call gives one value per
// evaluation, is recorded once with its arguments, and a replay reproduces
// the recorded decision exactly.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"

namespace verdict {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

// A compiled engine over [policy] (package p), or a failed test.
std::unique_ptr<Engine> Compile(std::string_view policy) {
  auto engine = std::make_unique<Engine>();
  absl::Status s = engine->AddModule("p.rego", policy);
  if (s.ok()) s = engine->Compile();
  EXPECT_TRUE(s.ok()) << s;
  return engine;
}

Decision Eval(const Engine& engine, std::string_view query, const EvalOptions& options) {
  absl::StatusOr<Decision> d = engine.Evaluate(query, Value(), options);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *std::move(d) : Decision();
}

std::string Json(const Value& v) { return v.is_defined() ? ToJson(v) : "undefined"; }

TEST(NondeterministicTest, TimeNowNsRecordedAndReplayed) {
  auto engine = Compile(R"(package p
now := time.now_ns()
same if time.now_ns() == now
out := {"now": now, "same": same}
)");
  int calls = 0;
  EvalOptions options;
  options.record_nondeterministic = true;
  options.clock = [&calls] {
    ++calls;
    return int64_t{1'700'000'000'000'000'000};
  };
  Decision first = Eval(*engine, "data.p.out", options);
  EXPECT_EQ(Json(first.result), R"({"now":1700000000000000000,"same":true})");
  EXPECT_EQ(calls, 1);  // read once per evaluation
  ASSERT_THAT(first.nondeterministic, SizeIs(1));
  EXPECT_EQ(first.nondeterministic[0].builtin, "time.now_ns");
  EXPECT_EQ(Json(first.nondeterministic[0].args), "[]");
  EXPECT_EQ(Json(first.nondeterministic[0].result), "1700000000000000000");

  // A later clock does not matter when replaying: the recorded time wins,
  // and the clock is never read.
  EvalOptions replay;
  replay.replay = &first.nondeterministic;
  replay.record_nondeterministic = true;
  replay.clock = [&calls] {
    ++calls;
    return int64_t{5};
  };
  Decision again = Eval(*engine, "data.p.out", replay);
  EXPECT_EQ(Json(again.result), Json(first.result));
  EXPECT_EQ(calls, 1);
  // Recording a replay records the replayed values.
  ASSERT_THAT(again.nondeterministic, SizeIs(1));
  EXPECT_EQ(Json(again.nondeterministic[0].result), "1700000000000000000");

  // Without a replay the new clock is read.
  replay.replay = nullptr;
  EXPECT_EQ(Json(Eval(*engine, "data.p.now", replay).result), "5");
}

TEST(NondeterministicTest, SystemClockWithoutInjection) {
  auto engine = Compile("package p\nnow := time.now_ns()\n");
  const int64_t before = absl::ToUnixNanos(absl::Now());
  Decision d = Eval(*engine, "data.p.now", EvalOptions());
  const int64_t after = absl::ToUnixNanos(absl::Now());
  ASSERT_TRUE(d.result.is_number());
  std::optional<int64_t> now = d.result.ToInt64();
  ASSERT_TRUE(now.has_value());
  EXPECT_GE(*now, before);
  EXPECT_LE(*now, after);
  EXPECT_THAT(d.nondeterministic, IsEmpty());  // not asked to record
}

TEST(NondeterministicTest, RandIntnSameWithinEvaluation) {
  auto engine = Compile(R"(package p
a := rand.intn("k", 1000000000000)
b := rand.intn("k", 1000000000000)
c := rand.intn("other", 1000000000000)
out := [a, b, c, rand.intn("k", 1000000000000)]
)");
  EvalOptions options;
  options.record_nondeterministic = true;
  Decision d = Eval(*engine, "data.p.out", options);
  ASSERT_TRUE(d.result.is_array());
  ASSERT_EQ(d.result.size(), 4u);
  EXPECT_EQ(d.result[0], d.result[1]);
  EXPECT_EQ(d.result[0], d.result[3]);
  // One entry per distinct call, in the order first made.
  ASSERT_THAT(d.nondeterministic, SizeIs(2));
  for (const NondeterministicCall& call : d.nondeterministic) {
    EXPECT_EQ(call.builtin, "rand.intn");
    const std::string key = Json(call.args);
    if (key == R"(["k",1000000000000])") {
      EXPECT_EQ(call.result, d.result[0]);
    } else {
      EXPECT_EQ(key, R"(["other",1000000000000])");
      EXPECT_EQ(call.result, d.result[2]);
    }
  }

  // Each evaluation draws afresh (two equal draws out of 10^12 would be a
  // bug in seeding, not luck).
  Decision next = Eval(*engine, "data.p.out", options);
  EXPECT_NE(next.result[0], d.result[0]);
}

TEST(NondeterministicTest, UuidReplayReproducesDecision) {
  auto engine = Compile(R"(package p
request_id := uuid.rfc4122("request")
decision := {"id": request_id, "trace": uuid.rfc4122("trace"), "allow": count(request_id) == 36}
)");
  EvalOptions options;
  options.record_nondeterministic = true;
  Decision logged = Eval(*engine, "data.p.decision", options);
  ASSERT_TRUE(logged.defined);
  ASSERT_THAT(logged.nondeterministic, SizeIs(2));

  Decision fresh = Eval(*engine, "data.p.decision", EvalOptions());
  EXPECT_NE(Json(fresh.result), Json(logged.result));  // new UUIDs

  EvalOptions replay;
  replay.replay = &logged.nondeterministic;
  Decision replayed = Eval(*engine, "data.p.decision", replay);
  EXPECT_EQ(Json(replayed.result), Json(logged.result));

  // EvaluateJson replays too.
  absl::StatusOr<PreparedQuery> q = engine->Prepare("data.p.decision");
  ASSERT_THAT(q.status(), testing::IsOk());
  std::string out;
  ASSERT_THAT(q->EvaluateJson("", &out, nullptr, replay), testing::IsOk());
  EXPECT_EQ(out, Json(logged.result));
}

TEST(NondeterministicTest, ReplayMatchesNameAndArguments) {
  auto engine = Compile(R"(package p
x := rand.intn("k", 10)
y := rand.intn("k", 11)
)");
  std::vector<NondeterministicCall> log;
  ArrayBuilder args;
  args.Add(Value::String("k"));
  args.Add(Value::Int(10));
  log.push_back({"rand.intn", args.Build(), Value::Int(7)});
  EvalOptions replay;
  replay.replay = &log;
  replay.record_nondeterministic = true;
  EXPECT_EQ(Json(Eval(*engine, "data.p.x", replay).result), "7");
  // Other arguments: the builtin runs (and the new call is recorded).
  Decision y = Eval(*engine, "data.p.y", replay);
  ASSERT_THAT(y.nondeterministic, SizeIs(1));
  EXPECT_EQ(Json(y.nondeterministic[0].args), R"(["k",11])");
  EXPECT_EQ(y.nondeterministic[0].result, y.result);
  // A recorded undefined result replays as undefined.
  log[0].result = Value();
  EXPECT_FALSE(Eval(*engine, "data.p.x", replay).defined);
}

TEST(NondeterministicTest, DeterministicBuiltinsAreNotRecorded) {
  auto engine = Compile(R"(package p
out := [count([1, 2]), sprintf("%d", [3]), time.parse_rfc3339_ns("2020-01-01T00:00:00Z"),
        upper("a"), crypto.sha256("x")]
mocked := t if t := time.now_ns() with time.now_ns as 12
)");
  EvalOptions options;
  options.record_nondeterministic = true;
  Decision d = Eval(*engine, "data.p.out", options);
  EXPECT_TRUE(d.defined);
  EXPECT_THAT(d.nondeterministic, IsEmpty());
  // A `with` replacement is part of the policy, not a clock reading.
  Decision mocked = Eval(*engine, "data.p.mocked", options);
  EXPECT_EQ(Json(mocked.result), "12");
  EXPECT_THAT(mocked.nondeterministic, IsEmpty());
}

TEST(NondeterministicTest, CustomNondeterministicBuiltin) {
  std::atomic<int> calls{0};
  Engine engine;
  CustomBuiltin b;
  b.name = "acme.counter";
  b.args = {BuiltinType::kString};
  b.result = BuiltinType::kNumber;
  b.deterministic = false;
  b.fn = [&calls](std::span<const Value>) -> absl::StatusOr<Value> {
    return Value::Int(++calls);
  };
  ASSERT_THAT(engine.RegisterBuiltin(std::move(b)), testing::IsOk());
  ASSERT_THAT(engine.AddModule("p.rego", "package p\nn := acme.counter(\"x\")\n"), testing::IsOk());
  ASSERT_THAT(engine.Compile(), testing::IsOk());
  EvalOptions options;
  options.record_nondeterministic = true;
  Decision d = Eval(engine, "data.p.n", options);
  ASSERT_THAT(d.nondeterministic, SizeIs(1));
  EXPECT_EQ(d.nondeterministic[0].builtin, "acme.counter");
  EvalOptions replay;
  replay.replay = &d.nondeterministic;
  const int before = calls.load();
  EXPECT_EQ(Json(Eval(engine, "data.p.n", replay).result), Json(d.result));
  EXPECT_EQ(calls.load(), before);  // answered from the log
}

}  // namespace
}  // namespace verdict
