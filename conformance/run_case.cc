// File: conformance/run_case.cc
//
// RunCase(): evaluate one case with a fresh Engine and compare. See
// run_case.h for the rules.
#include "conformance/run_case.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/error_code.h"
#include "base/strings.h"
#include "builtins/go_time.h"
#include "verdict/engine.h"
#include "verdict/value.h"

namespace verdict::conformance {
namespace {

constexpr std::string_view kGeneratedVarPrefix = "__localq";

std::string FirstLine(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

std::string CodeName(const absl::Status& status) {
  return std::string(ErrorCodeName(GetErrorCode(status)));
}

// "code: first line of the message", for FAIL lines.
std::string DescribeError(const absl::Status& status) {
  return "error " + CodeName(status) + ": " + FirstLine(Std(status.message()));
}

// What OPA's ast.JSON would make of [v]: sets become sorted arrays and
// non-string object keys become strings holding their JSON text. Our
// canonical JSON writer does exactly that, so a round trip through it is
// the conversion.
Value ToJsonValue(const Value& v) {
  absl::StatusOr<Value> round_trip = ParseJson(ToJson(v));
  return round_trip.ok() ? *std::move(round_trip) : v;
}

Value SortedArray(const Value& array) {
  std::vector<Value> items(array.items().begin(), array.items().end());
  std::stable_sort(items.begin(), items.end(),
                   [](const Value& a, const Value& b) { return Compare(a, b) < 0; });
  ArrayBuilder b;
  b.Reserve(items.size());
  for (Value& item : items) b.Add(std::move(item));
  return b.Build();
}

// A result set as a set of binding objects, values converted to JSON.
// [sort_bindings] applies only to our results, as in OPA's runner.
absl::StatusOr<Value> BindingSet(const Value& results, bool sort_bindings,
                                 bool ignore_generated_vars) {
  if (!results.is_array()) {
    return absl::InternalError("query results are not an array: " + ToJson(results));
  }
  SetBuilder set;
  set.Reserve(results.size());
  for (const Value& binding : results.items()) {
    if (!binding.is_object()) {
      return absl::InternalError("a query result is not a binding object: " +
                                 ToJson(binding));
    }
    ObjectBuilder object;
    object.Reserve(binding.size());
    for (const ObjectEntry& e : binding.entries()) {
      if (ignore_generated_vars && e.key.is_string() &&
          e.key.as_string().substr(0, kGeneratedVarPrefix.size()) ==
              kGeneratedVarPrefix) {
        continue;
      }
      Value value = ToJsonValue(e.value);
      if (sort_bindings && value.is_array()) value = SortedArray(value);
      object.Add(e.key, std::move(value));
    }
    set.Add(object.Build());
  }
  return set.Build();
}

// Evaluates an input_term by binding it to a variable in an empty engine.
absl::StatusOr<Value> EvalInputTerm(const std::string& term) {
  Engine engine;
  if (absl::Status s = engine.Compile(); !s.ok()) return s;
  absl::StatusOr<Decision> d = engine.Evaluate("x := " + term, Value());
  if (!d.ok()) return d.status();
  if (!d->defined || !d->result.is_array() || d->result.size() != 1 ||
      d->result[0].Get("x") == nullptr) {
    return absl::InternalError("input_term is undefined");
  }
  return *d->result[0].Get("x");
}

// OPA's test harness builtin test.sleep(duration): sleeps, returns null.
CustomBuiltin TestSleep() {
  CustomBuiltin sleep;
  sleep.name = "test.sleep";
  sleep.args = {BuiltinType::kString};
  sleep.result = BuiltinType::kNull;
  sleep.deterministic = false;
  sleep.fn = [](std::span<const Value> args) -> absl::StatusOr<Value> {
    absl::StatusOr<int64_t> ns = builtins::ParseGoDuration(args[0].as_string());
    if (!ns.ok()) return ns.status();
    std::this_thread::sleep_for(std::chrono::nanoseconds(*ns));
    return Value::Null();
  };
  return sleep;
}

// Builds the engine and evaluates; the status is the case's error, if any.
absl::StatusOr<Value> Execute(const TestCase& tc, const Value& input,
                              const RunOptions& options) {
  Engine engine;
  if (absl::Status s = engine.RegisterBuiltin(TestSleep()); !s.ok()) return s;
  for (size_t i = 0; i < tc.modules.size(); ++i) {
    std::string name = "test-" + std::to_string(i) + ".rego";
    if (absl::Status s = engine.AddModule(name, tc.modules[i]); !s.ok()) return s;
  }
  if (tc.data.is_defined()) {
    if (absl::Status s = engine.SetData(tc.data); !s.ok()) return s;
  }
  if (absl::Status s = engine.Compile(); !s.ok()) return s;
  absl::StatusOr<PreparedQuery> query = engine.Prepare(tc.query);
  if (!query.ok()) return query.status();
  EvalOptions eval_options;
  eval_options.strict_builtin_errors = tc.strict_error;
  eval_options.max_instructions = options.max_instructions;
  absl::StatusOr<Decision> decision = query->Evaluate(input, eval_options);
  if (!decision.ok()) return decision.status();
  // An undefined query body has no solutions.
  if (!decision->defined || decision->result.is_undefined()) return Value::EmptyArray();
  return std::move(decision->result);
}

// OPA renders errors as "file:row: code: message"; ours carry
// "file:row:col: [code: ]message". Returns the OPA rendering of the first
// line, or nothing when it has no location.
std::optional<std::string> OpaRendering(std::string_view message,
                                        std::string_view code) {
  std::string line = FirstLine(message);
  // file:row:col: — find the first ":<digits>:<digits>: ".
  for (size_t i = line.find(':'); i != std::string::npos; i = line.find(':', i + 1)) {
    size_t j = i + 1;
    while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) ++j;
    if (j == i + 1 || j >= line.size() || line[j] != ':') continue;
    size_t k = j + 1;
    while (k < line.size() && std::isdigit(static_cast<unsigned char>(line[k]))) ++k;
    if (k == j + 1 || line.compare(k, 2, ": ") != 0) continue;
    std::string rest = line.substr(k + 2);
    std::string prefix = std::string(code) + ": ";
    if (rest.compare(0, prefix.size(), prefix) != 0) rest = prefix + rest;
    return line.substr(0, j) + ": " + rest;
  }
  return std::nullopt;
}

bool ErrorTextMatches(const absl::Status& status, const std::string& want) {
  std::string_view message = Std(status.message());
  std::string code = CodeName(status);
  if (message.find(want) != std::string_view::npos) return true;
  if ((code + ": " + std::string(message)).find(want) != std::string::npos) return true;
  std::optional<std::string> opa = OpaRendering(message, code);
  return opa && opa->find(want) != std::string::npos;
}

// "error eval_type_error \"text\"" and/or the wanted result set.
std::string DescribeWant(const TestCase& tc, const Value& want_set) {
  std::string out;
  if (tc.want_error_code || tc.want_error) {
    out = "error";
    if (tc.want_error_code) out += " " + *tc.want_error_code;
    if (tc.want_error) out += " " + ToJson(Value::String(*tc.want_error));
  }
  if (tc.want_result) {
    if (!out.empty()) out += " and result ";
    out += ToJson(want_set);
  }
  return out;
}

}  // namespace

CaseOutcome RunCase(const TestCase& tc, const RunOptions& options) {
  CaseOutcome out;
  if (tc.load_error) {
    out.message = "cannot load cases: " + *tc.load_error;
    return out;
  }
  if (!tc.want_result && !tc.want_error_code && !tc.want_error) {
    out.message = "the case has none of want_result, want_error_code, want_error";
    return out;
  }
  Value input = tc.input;
  if (tc.input_term) {
    absl::StatusOr<Value> term = EvalInputTerm(*tc.input_term);
    if (!term.ok()) {
      out.message = "cannot evaluate input_term " + *tc.input_term + ": " +
                    DescribeError(term.status());
      out.detail = std::string(term.status().message());
      return out;
    }
    input = *std::move(term);
  }

  Value want_set = Value::EmptySet();
  if (tc.want_result) {
    absl::StatusOr<Value> want = BindingSet(*tc.want_result, false,
                                            tc.ignore_generated_vars);
    if (!want.ok()) {
      out.message = "bad want_result: " + std::string(want.status().message());
      return out;
    }
    want_set = *std::move(want);
  }

  absl::StatusOr<Value> results = Execute(tc, input, options);
  std::optional<absl::Status> error;
  Value got_set = Value::EmptySet();  // on error the result set is empty
  if (!results.ok()) {
    error = results.status();
    out.detail = std::string(error->message());
  } else {
    absl::StatusOr<Value> got =
        BindingSet(*results, tc.sort_bindings, tc.ignore_generated_vars);
    if (!got.ok()) {
      out.message = std::string(got.status().message());
      return out;
    }
    got_set = *std::move(got);
  }

  bool ok = true;
  if (tc.want_error_code || tc.want_error) {
    if (!error) {
      ok = false;
    } else {
      if (tc.want_error_code && CodeName(*error) != *tc.want_error_code) ok = false;
      if (tc.want_error && !ErrorTextMatches(*error, *tc.want_error)) ok = false;
    }
  } else if (error) {
    ok = false;  // nobody expected an error
  }
  if (tc.want_result && !(want_set == got_set)) ok = false;

  out.passed = ok;
  if (!ok) {
    out.message = "wanted " + DescribeWant(tc, want_set) + ", got " +
                  (error ? DescribeError(*error) : ToJson(got_set));
  }
  return out;
}

}  // namespace verdict::conformance
