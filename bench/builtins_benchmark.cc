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
//   build/bin/verdict_builtins_bench [--benchmark_filter=regex]
//
// Results are recorded in docs/PERFORMANCE.md ("Builtin micro-benchmarks").
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "builtins/patterns.h"
#include "builtins/registry.h"
#include "verdict/value.h"

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
      // numbers
      {"numbers", "plus", "plus", {"40", "2"}},
      {"numbers", "plus (big)", "plus", {"1180591620717411303424", "1"}},
      {"numbers", "div (float)", "div", {"1", "3"}},
      {"numbers", "round", "round", {"2.5"}},
      {"numbers", "range 100", "numbers.range", {"1", "100"}},
      {"numbers", "bits.and", "bits.and", {"12345", "255"}},
      {"numbers", "to_number", "to_number", {R"("3.14159")"}},
      // encoding
      {"encoding", "base64.encode 1KiB", "base64.encode", {Quote(kb)}},
      {"encoding", "hex.encode 1KiB", "hex.encode", {Quote(kb)}},
      {"encoding", "urlquery.encode", "urlquery.encode", {R"("a b&c=d/e?f")"}},
      {"encoding", "json.marshal", "json.marshal", {object20}},
      {"encoding", "json.unmarshal", "json.unmarshal", {Quote(object20)}},
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

}  // namespace

int main(int argc, char** argv) {
  for (const Case& c : Cases()) {
    benchmark::RegisterBenchmark(("BM_Builtin/" + c.family + "/" + c.label).c_str(),
                                 [c](benchmark::State& state) { RunCase(state, c); });
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
