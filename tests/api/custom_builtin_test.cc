// Tests for Engine::RegisterBuiltin (lib/api/custom_builtins.cc): custom
// builtins are called like OPA's own, with operand checks, OPA-style
// errors, and lifetimes that survive the Engine.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::IsOk;
using ::verdict::testing::StatusIs;

CustomBuiltin Tier() {
  CustomBuiltin b;
  b.name = "acme.tier";
  b.args = {BuiltinType::kString};
  b.result = BuiltinType::kString;
  b.fn = [](std::span<const Value> args) -> absl::StatusOr<Value> {
    std::string_view user = args[0].as_string();
    if (user == "mallory") return absl::InvalidArgumentError("user is blocked");
    if (user == "nobody") return Value();  // undefined
    return Value::String(user == "alice" ? "gold" : "basic");
  };
  return b;
}

// Evaluates [query] over [policy] with [custom] registered; the result as
// JSON, "undefined", or "error: <code>: <message>".
std::string Eval(std::vector<CustomBuiltin> custom, std::string_view policy,
                 std::string_view query, std::string_view input = "{}", bool strict = false) {
  Engine engine;
  for (CustomBuiltin& b : custom) {
    absl::Status s = engine.RegisterBuiltin(std::move(b));
    if (!s.ok()) return "register error: " + std::string(s.message());
  }
  absl::Status s = engine.AddModule("p.rego", policy);
  if (s.ok()) s = engine.Compile();
  absl::StatusOr<PreparedQuery> q = s.ok() ? engine.Prepare(query) : absl::StatusOr<PreparedQuery>(s);
  if (!q.ok()) {
    return "error: " + std::string(ErrorCodeName(GetErrorCode(q.status()))) + ": " +
           std::string(q.status().message());
  }
  EvalOptions options;
  options.strict_builtin_errors = strict;
  std::string out;
  bool defined = false;
  s = q->EvaluateJson(input, &out, &defined, options);
  if (!s.ok()) {
    return "error: " + std::string(ErrorCodeName(GetErrorCode(s))) + ": " +
           std::string(s.message());
  }
  return defined ? out : "undefined";
}

constexpr std::string_view kPolicy = R"(package p
tier := acme.tier(input.user)
gold if acme.tier(input.user) == "gold"
)";

TEST(CustomBuiltinTest, CalledFromRules) {
  EXPECT_EQ(Eval({Tier()}, kPolicy, "data.p.tier", R"({"user":"alice"})"), R"("gold")");
  EXPECT_EQ(Eval({Tier()}, kPolicy, "data.p.gold", R"({"user":"alice"})"), "true");
  EXPECT_EQ(Eval({Tier()}, kPolicy, "data.p.gold", R"({"user":"bob"})"), "undefined");
  // An undefined result makes the call undefined.
  EXPECT_EQ(Eval({Tier()}, kPolicy, "data.p.tier", R"({"user":"nobody"})"), "undefined");
  // In queries too, and with an output operand.
  EXPECT_EQ(Eval({Tier()}, kPolicy, R"(acme.tier("alice", t))"), R"([{"t":"gold"}])");
}

TEST(CustomBuiltinTest, ErrorsAreBuiltinErrors) {
  // Undefined unless strict, then eval_builtin_error named after the builtin.
  EXPECT_EQ(Eval({Tier()}, kPolicy, "data.p.tier", R"({"user":"mallory"})"), "undefined");
  EXPECT_THAT(Eval({Tier()}, kPolicy, "data.p.tier", R"({"user":"mallory"})", true),
              HasSubstr("error: eval_builtin_error: "));
  EXPECT_THAT(Eval({Tier()}, kPolicy, "data.p.tier", R"({"user":"mallory"})", true),
              HasSubstr("acme.tier: user is blocked"));
  // Operand types are checked before the function runs.
  EXPECT_THAT(Eval({Tier()}, kPolicy, "data.p.tier", R"({"user":7})", true),
              HasSubstr("eval_type_error: "));
  EXPECT_THAT(Eval({Tier()}, kPolicy, "data.p.tier", R"({"user":7})", true),
              HasSubstr("acme.tier: operand 1 must be string but got number"));
  // Arity is checked at compile time.
  EXPECT_THAT(Eval({Tier()}, "package p\nx := acme.tier(1, 2, 3)\n", "data.p.x"),
              HasSubstr("acme.tier: arity mismatch"));
  // Without registration the name is unknown.
  EXPECT_THAT(Eval({}, kPolicy, "data.p.tier"), HasSubstr("undefined function acme.tier"));
}

TEST(CustomBuiltinTest, RegistrationIsChecked) {
  Engine engine;
  CustomBuiltin b = Tier();
  b.name = "count";
  EXPECT_THAT(engine.RegisterBuiltin(b),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("builtin count already exists")));
  for (std::string bad : {"", "acme..tier", ".x", "x.", "9lives", "a-b"}) {
    b.name = bad;
    EXPECT_THAT(engine.RegisterBuiltin(b), StatusIs(ErrorCode::kInvalidArgument)) << bad;
  }
  ASSERT_THAT(engine.RegisterBuiltin(Tier()), IsOk());
  EXPECT_THAT(engine.RegisterBuiltin(Tier()),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("already exists")));
  b = Tier();
  b.name = "acme.many";
  b.args.assign(7, BuiltinType::kAny);
  EXPECT_THAT(engine.RegisterBuiltin(b), StatusIs(ErrorCode::kInvalidArgument));
  b = Tier();
  b.name = "acme.none";
  b.fn = nullptr;
  EXPECT_THAT(engine.RegisterBuiltin(b), StatusIs(ErrorCode::kInvalidArgument));
}

TEST(CustomBuiltinTest, ZeroArgumentsAndAnyTypes) {
  CustomBuiltin version;
  version.name = "app.version";
  version.fn = [](std::span<const Value>) -> absl::StatusOr<Value> {
    return Value::String("1.2.3");
  };
  CustomBuiltin size;
  size.name = "app.size";
  size.args = {BuiltinType::kAny};
  size.result = BuiltinType::kNumber;
  size.fn = [](std::span<const Value> args) -> absl::StatusOr<Value> {
    return Value::Int(args[0].is_collection() ? static_cast<int64_t>(args[0].size()) : -1);
  };
  EXPECT_EQ(Eval({version, size}, "package p\nv := app.version()\nn := app.size({1, 2})\n",
                 "data.p"),
            R"({"n":2,"v":"1.2.3"})");
}

TEST(CustomBuiltinTest, CanBeMockedWithWith) {
  EXPECT_EQ(Eval({Tier()}, kPolicy, R"(data.p.tier = x with acme.tier as "mocked")",
                 R"({"user":"alice"})"),
            R"([{"x":"mocked"}])");
}

TEST(CustomBuiltinTest, PreparedQueryOutlivesEngine) {
  std::atomic<int> calls{0};
  std::optional<PreparedQuery> query;
  {
    Engine engine;
    CustomBuiltin b = Tier();
    b.fn = [&calls](std::span<const Value> args) -> absl::StatusOr<Value> {
      calls.fetch_add(1);
      return Value::String(args[0].as_string());
    };
    ASSERT_THAT(engine.RegisterBuiltin(std::move(b)), IsOk());
    ASSERT_THAT(engine.AddModule("p.rego", kPolicy), IsOk());
    ASSERT_THAT(engine.Compile(), IsOk());
    absl::StatusOr<PreparedQuery> q = engine.Prepare("data.p.tier");
    ASSERT_THAT(q.status(), IsOk());
    query = *q;
  }
  std::string out;
  ASSERT_THAT(query->EvaluateJson(R"({"user":"zed"})", &out), IsOk());
  EXPECT_EQ(out, R"("zed")");
  EXPECT_EQ(calls.load(), 1);
}

TEST(CustomBuiltinTest, ConcurrentCalls) {
  std::atomic<int> calls{0};
  Engine engine;
  CustomBuiltin b;
  b.name = "app.double";
  b.args = {BuiltinType::kNumber};
  b.fn = [&calls](std::span<const Value> args) -> absl::StatusOr<Value> {
    calls.fetch_add(1, std::memory_order_relaxed);
    return Value::Int(*args[0].ToInt64() * 2);
  };
  ASSERT_THAT(engine.RegisterBuiltin(std::move(b)), IsOk());
  ASSERT_THAT(engine.AddModule("p.rego", "package p\nd := app.double(input.n)\n"), IsOk());
  ASSERT_THAT(engine.Compile(), IsOk());
  absl::StatusOr<PreparedQuery> q = engine.Prepare("data.p.d");
  ASSERT_THAT(q.status(), IsOk());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string out;
      for (int i = 0; i < 250; ++i) {
        int n = t * 1000 + i;
        if (!q->EvaluateJson("{\"n\":" + std::to_string(n) + "}", &out).ok() ||
            out != std::to_string(2 * n)) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(calls.load(), 1000);
}

}  // namespace
}  // namespace verdict
