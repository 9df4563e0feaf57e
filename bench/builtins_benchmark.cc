// Micro-benchmarks of builtin functions, family by family, called the way
// the VM calls them: through the registry entry, with a BuiltinContext
// whose arena is reset after every call (as each evaluation resets its
// own) and the pattern cache an evaluation context owns.
//
//   BM_Builtin/<family>/<case>            one call per iteration
//   BM_Builtin/regex/match (no cache)     the same pattern compiled per call,
//                                         which the cache exists to avoid
//
//   BM_Builtin/encoding/json.match_schema (no cache)
//                                         the schema compiled per call
//
// Counter "compiled": patterns and JSON schemas in the cache after the run;
// 1 for a cached case shows that its pattern compiled once for all
// iterations.
//
// JSON in and out of a decision, over the workloads' inputs
// (../shared/workloads/<workload>/inputs.jsonl), one input per iteration
// in turn:
//
//   BM_JsonParse/<workload>   JsonParser::Parse into an arena reset after
//                             each input, as Engine::Evaluate parses input
//   BM_JsonWrite/<workload>   AppendJson of a parsed input into a reused
//                             string, as a result is written
//
//   build/bin/verdict_builtins_bench [--benchmark_filter=regex]
//
// Results are recorded in docs/PERFORMANCE.md ("Builtin micro-benchmarks").
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "builtins/patterns.h"
#include "builtins/registry.h"
#include "verdict/value.h"
#include "value/number.h"
#include "value/number_internal.h"

namespace {

using verdict::Arena;
using verdict::Value;
namespace builtins = verdict::builtins;

struct Case {
  std::string family;
  std::string label;
  std::string builtin;
  std::vector<std::string> args;  // JSON
  bool cache = true;              // give the call a PatternCache
};

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A JSON string literal.
std::string Quote(const std::string& s) { return verdict::ToJson(Value::String(s)); }

std::string IntArray(int n, int from = 0) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + std::to_string(from + i);
  return out + "]";
}

// abac's bearer token (base64 of a small JSON object of claims).
constexpr char kToken[] =
    "eyJhbXIiOlsicHdkIl0sImV4cCI6IjIwMjUtMDMtMTBUMDM6NTc6MDBaIiwiaWF0IjoiMjAyNS0wMy0xMFQwMzo0NDowMFoi"
    "LCJzdWIiOiJ1MDA1NjAiLCJ0aWQiOiJ0MzYifQ==";

std::vector<Case> Cases() {
  std::string kb = Repeat("The quick brown fox jumps over the lazy dog. ", 23);  // ~1 KiB
  std::string object20 = "{";
  for (int i = 0; i < 20; ++i) {
    object20 += (i ? "," : "") + Quote("key" + std::to_string(i)) + ":" +
                (i % 2 ? std::to_string(i) : Quote("value" + std::to_string(i)));
  }
  object20 += "}";
  std::string nested = R"({"user":{"name":"alice","roles":["admin","dev"],"tags":{"a":1,"b":2}},"env":"prod","n":3})";
  std::string email = R"("^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$")";
  std::string schema = R"({"type":"object","required":["user","env"],"properties":{"user":{"type":"object","required":["name"],"properties":{"name":{"type":"string","minLength":1},"roles":{"type":"array","items":{"enum":["admin","dev","ops"]}}}},"env":{"enum":["prod","dev"]},"n":{"type":"integer","minimum":0}}})";
  return {
      // strings
      {"strings", "concat", "concat", {R"(",")", R"(["a","b","c","d","e","f"])"}},
      {"strings", "split", "split", {R"("a,b,c,d,e,f,g,h")", R"(",")"}},
      {"strings", "replace", "replace", {Quote(kb), R"("fox")", R"("cat")"}},
      {"strings", "lower", "lower", {R"("Hello World, This Is A Mixed Case String!")"}},
      {"strings", "startswith", "startswith", {R"("/api/v1/users/42")", R"("/api/v1/")"}},
      {"strings", "trim_space", "trim_space", {R"("   padded value   ")"}},
      {"strings", "sprintf", "sprintf", {R"x("%s has %d items (%.2f%%)")x", R"(["cart", 3, 12.5])"}},
      // The shapes the shared workloads use (abac, deploy).
      {"strings", "sprintf %s:%s", "sprintf", {R"("%s:%s")", R"(["table","export"])"}},
      {"strings", "sprintf msg %s %s", "sprintf",
       {R"("user %s is %s")", R"(["u00560","suspended"])"}},
      {"strings", "sprintf %02d:%02d", "sprintf", {R"("%02d:%02d")", R"([9, 5])"}},
      {"strings", "count 71 bytes", "count", {Quote("sha256:" + Repeat("a1b2c3d4", 8))}},
      {"strings", "split ref", "split",
       {R"("registry.corp.example/team-risk/report-consumer:5.10.36")", R"("/")"}},
      {"strings", "format_int", "format_int", {"255", "16"}},
      {"strings", "render_template", "strings.render_template",
       {R"("{{range $i, $r := .roles}}{{if $i}}, {{end}}{{$r}}{{end}} for {{.name}}")",
        R"({"name":"alice","roles":["admin","dev","ops"]})"}},
      // regex
      {"regex", "match", "regex.match", {email, R"("alice.smith@example.com")"}},
      {"regex", "match (no cache)", "regex.match", {email, R"("alice.smith@example.com")"}, false},
      {"regex", "find_n", "regex.find_n", {R"("[0-9]+")", R"("a1 b22 c333 d4444")", "-1"}},
      {"regex", "replace", "regex.replace", {R"("a1 b22 c333 d4444")", R"("[0-9]+")", R"("#")"}},
      {"regex", "split", "regex.split", {R"("[,;]\\s*")", R"("a, b;c,  d; e")"}},
      // glob
      {"glob", "match", "glob.match", {R"("*.example.com")", R"(["."])", R"("api.example.com")"}},
      {"glob", "match (no cache)", "glob.match",
       {R"("*.example.com")", R"(["."])", R"("api.example.com")"}, false},
      {"glob", "match **", "glob.match", {R"("/api/**/users/*")", R"(["/"])", R"("/api/v1/admin/users/42")"}},
      // abac's permission patterns and deploy's registry patterns.
      {"glob", "match prefix:*", "glob.match", {R"("billing:*")", R"([":"])", R"("table:export")"}},
      {"glob", "match *:suffix", "glob.match", {R"("*:read")", R"([":"])", R"("table:read")"}},
      {"glob", "match a/*/*", "glob.match",
       {R"("registry.corp.example/*/*")", R"(["/"])",
        R"("registry.corp.example/team-risk/report-consumer")"}},
      // numbers
      {"numbers", "plus", "plus", {"40", "2"}},
      {"numbers", "plus (big)", "plus", {"1180591620717411303424", "1"}},
      {"numbers", "div (float)", "div", {"1", "3"}},
      {"numbers", "round", "round", {"2.5"}},
      {"numbers", "range 100", "numbers.range", {"1", "100"}},
      {"numbers", "bits.and", "bits.and", {"12345", "255"}},
      {"numbers", "to_number", "to_number", {R"("3.14159")"}},
      {"numbers", "units.parse_bytes", "units.parse_bytes", {R"("256Mi")"}},
      // budget's burn-rate arithmetic.
      {"numbers", "div (ratio)", "div", {"166288", "92771126"}},
      {"numbers", "minus (1-0.999)", "minus", {"1", "0.999"}},
      {"numbers", "mul (float)", "mul", {"0.0017924", "100"}},
      // membership (`x in xs`) as the workloads use it
      {"comparison", "member_2 array 4", "internal.member_2",
       {R"("export")", R"(["read","write","update","export"])"}},
      {"comparison", "member_2 set 2", "internal.member_2",
       {R"("update")", R"(SET:["delete","update"])"}},
      {"comparison", "member_2 array miss", "internal.member_2",
       {R"("customer_id")", R"(["address","id","ip_address","ssn","email","phone"])"}},
      {"aggregates", "sort 5 strings", "sort",
       {R"(["viewer","auditor","admin","owner","editor"])"}},
      {"aggregates", "sort 5 sorted", "sort", {R"(["admin","auditor","editor","owner","viewer"])"}},
      // encoding
      {"encoding", "base64.encode 1KiB", "base64.encode", {Quote(kb)}},
      {"encoding", "hex.encode 1KiB", "hex.encode", {Quote(kb)}},
      {"encoding", "urlquery.encode", "urlquery.encode", {R"("a b&c=d/e?f")"}},
      {"encoding", "json.marshal", "json.marshal", {object20}},
      {"encoding", "json.unmarshal", "json.unmarshal", {Quote(object20)}},
      // abac's bearer token: base64.decode, then json.unmarshal.
      {"encoding", "base64.decode token", "base64.decode", {Quote(kToken)}},
      {"encoding", "json.unmarshal claims", "json.unmarshal",
       {Quote(R"({"amr":["pwd"],"exp":"2025-03-10T03:57:00Z",)"
              R"("iat":"2025-03-10T03:44:00Z","sub":"u00560","tid":"t36"})")}},
      {"encoding", "yaml.marshal", "yaml.marshal", {nested}},
      {"encoding", "json.match_schema", "json.match_schema", {nested, schema}},
      {"encoding", "json.match_schema (no cache)", "json.match_schema", {nested, schema}, false},
      {"encoding", "json.match_schema (schema text)", "json.match_schema", {nested, Quote(schema)}},
      {"encoding", "json.verify_schema", "json.verify_schema", {schema}},
      {"encoding", "json.verify_schema (no cache)", "json.verify_schema", {schema}, false},
      // time
      {"time", "parse_rfc3339_ns", "time.parse_rfc3339_ns", {R"("2024-05-01T10:30:00.123Z")"}},
      {"time", "parse_duration_ns", "time.parse_duration_ns", {R"("1h30m15.5s")"}},
      {"time", "date", "time.date", {"1714559400000000000"}},
      {"time", "format", "time.format", {"1714559400000000000"}},
      {"time", "add_date", "time.add_date", {"1714559400000000000", "1", "2", "3"}},
      // objects
      {"objects", "object.get path", "object.get", {nested, R"(["user","tags","b"])", "0"}},
      {"objects", "object.union", "object.union", {object20, R"({"key1":"x","extra":true})"}},
      {"objects", "object.remove", "object.remove", {object20, R"(["key1","key2","key3"])"}},
      {"objects", "json.filter", "json.filter", {nested, R"(["user/name","env"])"}},
      {"objects", "json.patch", "json.patch",
       {nested, R"([{"op":"add","path":"/user/age","value":30},{"op":"remove","path":"/n"}])"}},
      {"objects", "walk", "walk", {nested}},
      // sets (arrays given here become sets below)
      {"sets", "intersection 2x100", "intersection", {"SETS"}},
      {"sets", "union 2x100", "union", {"SETS"}},
      {"sets", "and 100", "and", {"SET:" + IntArray(100), "SET:" + IntArray(100, 50)}},
      {"sets", "minus 100", "minus", {"SET:" + IntArray(100), "SET:" + IntArray(100, 50)}},
      {"sets", "or 10", "or", {"SET:" + IntArray(10), "SET:" + IntArray(10, 5)}},
      // crypto hashes
      {"crypto", "sha256 1KiB", "crypto.sha256", {Quote(kb)}},
      {"crypto", "md5 1KiB", "crypto.md5", {Quote(kb)}},
      {"crypto", "hmac.sha256 1KiB", "crypto.hmac.sha256", {Quote(kb), R"("secret")"}},
  };
}

Value SetOf(const Value& array) {
  verdict::SetBuilder b;
  for (const Value& v : array.items()) b.Add(v);
  return b.Build();
}

// Arguments as Values: "SET:[...]" is a set, "SETS" a set of two sets.
std::vector<Value> Arguments(const Case& c) {
  std::vector<Value> args;
  for (const std::string& a : c.args) {
    if (a == "SETS") {
      verdict::SetBuilder b;
      b.Add(SetOf(*verdict::ParseJson(IntArray(100))));
      b.Add(SetOf(*verdict::ParseJson(IntArray(100, 50))));
      args.push_back(b.Build());
    } else if (a.rfind("SET:", 0) == 0) {
      args.push_back(SetOf(*verdict::ParseJson(a.substr(4))));
    } else {
      absl::StatusOr<Value> v = verdict::ParseJson(a);
      if (!v.ok()) {
        std::fprintf(stderr, "bad benchmark argument for %s: %s\n", c.builtin.c_str(), a.c_str());
        std::abort();
      }
      args.push_back(*v);
    }
  }
  return args;
}

void RunCase(benchmark::State& state, const Case& c) {
  const builtins::BuiltinInfo* info = builtins::FindBuiltin(c.builtin);
  if (info == nullptr || info->fn == nullptr) {
    state.SkipWithError("no such builtin");
    return;
  }
  std::vector<Value> args = Arguments(c);
  builtins::PatternCache cache;
  Arena arena;
  builtins::BuiltinContext ctx;
  ctx.arena = &arena;
  ctx.patterns = c.cache ? &cache : nullptr;
  // Check once that the call succeeds: a benchmark of an error is useless.
  absl::StatusOr<Value> first = info->fn(ctx, args);
  if (!first.ok() || first->is_undefined()) {
    state.SkipWithError(first.ok() ? "undefined result" : std::string(first.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<Value> r = info->fn(ctx, args);
    benchmark::DoNotOptimize(r);
    arena.Reset();
  }
  state.counters["compiled"] = static_cast<double>(cache.size());
}

// The lines of a workload's inputs.jsonl; empty when it is not there.
std::vector<std::string> WorkloadInputs(const std::string& workload) {
  std::ifstream in(std::string(VERDICT_SHARED_DIR) + "/workloads/" + workload + "/inputs.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

void JsonParse(benchmark::State& state, const std::vector<std::string>& inputs) {
  verdict::JsonParser parser;
  Arena arena;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<Value> v = parser.Parse(inputs[i], &arena);
    benchmark::DoNotOptimize(v);
    bytes += static_cast<int64_t>(inputs[i].size());
    if (++i == inputs.size()) i = 0;
    arena.Reset();
  }
  state.SetBytesProcessed(bytes);
}

void JsonWrite(benchmark::State& state, const std::vector<std::string>& inputs) {
  Arena arena;
  std::vector<Value> values;
  for (const std::string& line : inputs) {
    absl::StatusOr<Value> v = verdict::ParseJson(line, &arena);
    if (!v.ok()) {
      state.SkipWithError("an input does not parse");
      return;
    }
    values.push_back(*v);
  }
  std::string out;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    verdict::AppendJson(&out, values[i]);
    benchmark::DoNotOptimize(out.data());
    bytes += static_cast<int64_t>(out.size());
    if (++i == values.size()) i = 0;
  }
  state.SetBytesProcessed(bytes);
}

// Number conversions behind every inexact arithmetic result, fast route
// vs the reference it must match bit for bit (value/number_internal.h),
// over 1,024 results shaped like budget's, one conversion per iteration:
//   BM_Number/FromLongDouble/ratio    errors / total: 20-21 digit bigs
//   BM_Number/FromLongDouble/short    sums of cents (14.9 + 4): doubles
//   BM_Number/FromLongDouble/mixed    +, -, *, / of 2-4 place decimals
//   BM_Number/ToLongDouble/big20      a ratio read back (arithmetic keeps
//                                     its long double in the cell: a load;
//                                     the reference parses its text)
//   BM_Number/ToLongDouble/big20 parsed  the same digits parsed from text
//                                     (no cached long double: the exact
//                                     scaled division)
//   BM_Number/ToLongDouble/double N   doubles (N = 1024 distinct, or 8
//                                     recurring), against parsing the
//                                     shortest decimal's text
std::vector<long double> NumberInputs(const std::string& shape) {
  namespace vv = verdict::value;
  std::mt19937_64 rng(1);
  std::vector<long double> out;
  auto decimal = [&](int64_t units, int places) {
    return vv::ToLongDouble(
        *vv::ParseNumber(std::to_string(units) + "e-" + std::to_string(places), nullptr));
  };
  while (out.size() < 1024) {
    if (shape == "ratio") {
      out.push_back(static_cast<long double>(rng() % 2000000 + 1) /
                    static_cast<long double>(rng() % 400000000 + 1000000));
    } else if (shape == "short") {
      out.push_back(decimal(static_cast<int64_t>(rng() % 100000), 2) +
                    decimal(static_cast<int64_t>(rng() % 10000), 1));
    } else {
      long double x =
          decimal(static_cast<int64_t>(rng() % 100000000), static_cast<int>(rng() % 3) + 2);
      long double y =
          decimal(static_cast<int64_t>(rng() % 1000000 + 1), static_cast<int>(rng() % 3) + 2);
      switch (out.size() % 4) {
        case 0:
          out.push_back(x + y);
          break;
        case 1:
          out.push_back(x - y);
          break;
        case 2:
          out.push_back(x * y);
          break;
        default:
          out.push_back(x / y);
          break;
      }
    }
  }
  return out;
}

void FromLongDoubleBench(benchmark::State& state, const std::vector<long double>& inputs,
                         bool reference) {
  namespace ni = verdict::value::number_internal;
  Arena arena;
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<Value> v = reference ? ni::FromLongDoubleReference(inputs[i], &arena)
                                        : ni::FromLongDouble(inputs[i], &arena);
    benchmark::DoNotOptimize(v);
    if (++i == inputs.size()) {
      i = 0;
      arena.Reset();
    }
  }
}

void ToLongDoubleBench(benchmark::State& state, bool reference, bool parsed) {
  namespace ni = verdict::value::number_internal;
  Arena arena;
  std::vector<Value> bigs;
  for (long double x : NumberInputs("ratio")) {
    Value v = *ni::FromLongDouble(x, &arena);
    if (parsed) v = *verdict::value::ParseNumber(verdict::value::NumberToString(v), &arena);
    if (v.number_rep() == verdict::NumberRep::kBig && v.big_cell()->size > 19) bigs.push_back(v);
  }
  size_t i = 0;
  for (auto _ : state) {
    long double x;
    if (reference) {  // the former route: the digits as text, parsed
      const auto* c = bigs[i].big_cell();
      char text[64];
      std::memcpy(text, c->digits(), c->size);
      char* end = text + c->size;
      *end++ = 'e';
      end = std::to_chars(end, text + sizeof text, c->exponent).ptr;
      std::from_chars(text, end, x);
    } else {
      x = verdict::value::ToLongDouble(bigs[i]);
    }
    benchmark::DoNotOptimize(x);
    if (++i == bigs.size()) i = 0;
  }
}

// ToLongDouble of doubles shaped like workload decimals (2-4 places, as
// the "mixed" shape's operands): [distinct] cycles over 1,024 of them, else
// over 8 that recur (data constants such as an SLO objective). The
// reference parses the shortest decimal's text.
void ToLongDoubleOfDoubleBench(benchmark::State& state, bool distinct, bool reference) {
  namespace vv = verdict::value;
  std::mt19937_64 rng(3);
  std::vector<Value> doubles;
  while (doubles.size() < (distinct ? 1024u : 8u)) {
    Value v = *vv::ParseNumber(std::to_string(rng() % 100000000) + "e-" +
                                   std::to_string(rng() % 3 + 2),
                               nullptr);
    if (v.number_rep() == verdict::NumberRep::kDouble) doubles.push_back(v);
  }
  size_t i = 0;
  for (auto _ : state) {
    long double x = reference ? verdict::value::number_internal::LongDoubleFromDecimalReference(
                                    vv::ToDecimal(doubles[i]))
                              : vv::ToLongDouble(doubles[i]);
    benchmark::DoNotOptimize(x);
    if (++i == doubles.size()) i = 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (const Case& c : Cases()) {
    benchmark::RegisterBenchmark(("BM_Builtin/" + c.family + "/" + c.label).c_str(),
                                 [c](benchmark::State& state) { RunCase(state, c); });
  }
  for (const char* name : {"abac", "deploy", "budget"}) {
    std::string workload = name;
    std::vector<std::string> inputs = WorkloadInputs(workload);
    if (inputs.empty()) continue;
    benchmark::RegisterBenchmark(("BM_JsonParse/" + workload).c_str(),
                                 [inputs](benchmark::State& state) { JsonParse(state, inputs); });
    benchmark::RegisterBenchmark(("BM_JsonWrite/" + workload).c_str(),
                                 [inputs](benchmark::State& state) { JsonWrite(state, inputs); });
  }
  for (const char* shape : {"ratio", "short", "mixed"}) {
    std::vector<long double> inputs = NumberInputs(shape);
    for (bool reference : {false, true}) {
      benchmark::RegisterBenchmark(
          (std::string("BM_Number/FromLongDouble/") + shape + (reference ? " (reference)" : ""))
              .c_str(),
          [inputs, reference](benchmark::State& state) {
            FromLongDoubleBench(state, inputs, reference);
          });
    }
  }
  for (bool reference : {false, true}) {
    benchmark::RegisterBenchmark(
        (std::string("BM_Number/ToLongDouble/big20") + (reference ? " (reference)" : "")).c_str(),
        [reference](benchmark::State& state) { ToLongDoubleBench(state, reference, false); });
  }
  benchmark::RegisterBenchmark(
      "BM_Number/ToLongDouble/big20 parsed",
      [](benchmark::State& state) { ToLongDoubleBench(state, false, true); });
  for (bool distinct : {true, false}) {
    for (bool reference : {false, true}) {
      benchmark::RegisterBenchmark(
          (std::string("BM_Number/ToLongDouble/double ") + (distinct ? "1024" : "8") +
           (reference ? " (reference)" : ""))
              .c_str(),
          [distinct, reference](benchmark::State& state) {
            ToLongDoubleOfDoubleBench(state, distinct, reference);
          });
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
