// Compile-time evaluation of builtin calls and collection literals whose
// operands are constants (fold.h); the optimizer (optimize.cc) decides
// where the operands are constants and no `with` replaces the builtin.
#include "compile/fold.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/limits.h"
#include "builtins/registry.h"

namespace verdict::compile {
namespace {

// Builtins that are kPure in the table but must still run when a decision
// does. Output: trace and print are intercepted by engines. State of the
// evaluation: rego.metadata.* answers for the rule being evaluated. The
// host: time.* operands may name a time zone ("Local", or tzdata loaded
// from the system), which can differ where the program runs. Results that
// grow much faster than the operands, so that even computing them to find
// out their size is too much work for a compiler: every path of a graph,
// every address of a CIDR, templates that loop over their data.
constexpr std::string_view kNotFoldable[] = {
    "trace",
    "internal.print",
    "rego.metadata.chain",
    "rego.metadata.rule",
    "time.date",
    "time.clock",
    "time.weekday",
    "time.format",
    "time.add_date",
    "time.diff",
    "graph.reachable_paths",
    "net.cidr_expand",
    "strings.render_template",
};

size_t AddBytes(const Value& v, size_t total, size_t limit) {
  total += 16;
  switch (v.kind()) {
    case Kind::kString:
      if (!v.is_inline_string()) total += v.size();
      break;
    case Kind::kNumber:
      if (v.number_rep() == NumberRep::kBig) total += v.big_cell()->size;
      break;
    case Kind::kArray:
    case Kind::kSet:
      for (const Value& item : v.items()) {
        if (total > limit) break;
        total = AddBytes(item, total, limit);
      }
      break;
    case Kind::kObject:
      for (const ObjectEntry& e : v.entries()) {
        if (total > limit) break;
        total = AddBytes(e.value, AddBytes(e.key, total, limit), limit);
      }
      break;
    default:
      break;
  }
  return total;
}

// |b - a| for two int64s, without overflow.
uint64_t Distance(int64_t a, int64_t b) {
  return a <= b ? static_cast<uint64_t>(b) - static_cast<uint64_t>(a)
                : static_cast<uint64_t>(a) - static_cast<uint64_t>(b);
}

size_t StringSize(const Value& v) { return v.is_string() ? v.size() : 0; }

// Whether computing [name]([args]) could build a result far larger than
// kMaxFoldedConstantBytes before its size is known. Operands of the wrong
// type are not judged here: the builtin rejects them at once.
bool MayBeTooLarge(std::string_view name, std::span<const Value> args) {
  constexpr size_t kLimit = limits::kMaxFoldedConstantBytes;
  constexpr uint64_t kMaxElements = kLimit / 16;
  if (name == "numbers.range" || name == "numbers.range_step") {
    std::optional<int64_t> from = args[0].is_number() ? args[0].ToInt64() : std::nullopt;
    std::optional<int64_t> to = args[1].is_number() ? args[1].ToInt64() : std::nullopt;
    if (!from || !to) return false;
    uint64_t step = 1;
    if (name == "numbers.range_step") {
      std::optional<int64_t> s = args[2].is_number() ? args[2].ToInt64() : std::nullopt;
      if (!s || *s <= 0) return false;
      step = static_cast<uint64_t>(*s);
    }
    return Distance(*from, *to) / step >= kMaxElements;
  }
  if (name == "sprintf") {
    // A width or precision of five digits or more, or one taken from the
    // arguments (%*d), can pad a result to any size.
    if (!args[0].is_string()) return false;
    size_t digits = 0;
    for (char c : args[0].as_string()) {
      if (c == '*') return true;
      digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
      if (digits >= 5) return true;
    }
    return false;
  }
  if (name == "replace" || name == "regex.replace") {
    // Every position of the subject can receive the replacement.
    const size_t subject = StringSize(args[0]);
    const size_t replacement = StringSize(args[2]);
    return (subject + 1) * (replacement + 1) > kLimit;
  }
  if (name == "strings.replace_n") {
    size_t replacement = 0;
    if (args[0].is_object()) {
      for (const ObjectEntry& e : args[0].entries()) {
        replacement = std::max(replacement, StringSize(e.value));
      }
    }
    return (StringSize(args[1]) + 1) * (replacement + 1) > kLimit;
  }
  if (name == "yaml.unmarshal") {
    // Aliases (*name) can expand a small document exponentially.
    return args[0].is_string() && args[0].as_string().find('*') != std::string_view::npos;
  }
  return false;
}

}  // namespace

bool FoldableBuiltin(std::string_view name) {
  const builtins::BuiltinInfo* info = builtins::FindBuiltin(name);
  if (info == nullptr || info->fn == nullptr || info->custom != nullptr) return false;
  if ((info->flags & (builtins::kNondeterministic | builtins::kUnsupported)) != 0) return false;
  for (std::string_view no : kNotFoldable) {
    if (name == no) return false;
  }
  return true;
}

size_t ApproxConstantBytes(const Value& v, size_t limit) { return AddBytes(v, 0, limit); }

Value FoldBuiltinCall(std::string_view name, std::span<const Value> args, Arena* arena) {
  constexpr size_t kLimit = limits::kMaxFoldedConstantBytes;
  if (!FoldableBuiltin(name)) return Value();
  const builtins::BuiltinInfo* info = builtins::FindBuiltin(name);
  if (static_cast<size_t>(info->arity) != args.size()) return Value();
  // Operands bigger than a folded result are rare; skipping them bounds
  // the compiler's work on builtins that are quadratic in their operands.
  size_t operands = 0;
  for (const Value& a : args) {
    if (a.is_undefined()) return Value();
    operands += ApproxConstantBytes(a, kLimit);
    if (operands > kLimit) return Value();
  }
  if (MayBeTooLarge(name, args)) return Value();
  // Results that are thrown away (too large, or a failure after building
  // part of one) must not stay in the program's arena: compute in a
  // scratch arena and copy what is kept.
  Arena scratch;
  builtins::BuiltinContext ctx;
  ctx.arena = &scratch;
  // A builtin that reads the clock is not deterministic whatever the table
  // says: its result is thrown away.
  bool read_clock = false;
  ctx.clock = [&read_clock]() -> int64_t {
    read_clock = true;
    return 0;
  };
  absl::StatusOr<Value> result = info->Call(ctx, args);
  // An error or undefined stays a call: the decision reports it as before.
  if (!result.ok() || result->is_undefined() || read_clock) return Value();
  if (ApproxConstantBytes(*result, kLimit) > kLimit) return Value();
  return DeepCopy(*result, arena);
}

Value FoldCollection(vm::Op op, std::span<const Value> elems, Arena* arena) {
  constexpr size_t kLimit = limits::kMaxFoldedConstantBytes;
  size_t bytes = 16;
  for (const Value& e : elems) {
    if (e.is_undefined()) return Value();
    bytes += ApproxConstantBytes(e, kLimit);
    if (bytes > kLimit) return Value();
  }
  switch (op) {
    case vm::Op::kMakeArray: {
      ArrayBuilder b(arena);
      b.Reserve(elems.size());
      for (const Value& e : elems) b.Add(e);
      return b.Build();
    }
    case vm::Op::kMakeSet: {
      SetBuilder b(arena);
      b.Reserve(elems.size());
      for (const Value& e : elems) b.Add(e);
      return b.Build();
    }
    case vm::Op::kMakeObject: {
      if (elems.size() % 2 != 0) return Value();
      if (elems.empty()) return Value::EmptyObject();
      ObjectBuilder b(arena);
      b.Reserve(elems.size() / 2);
      for (size_t i = 0; i < elems.size(); i += 2) b.Add(elems[i], elems[i + 1]);
      bool conflict = false;
      Value obj = b.Build(&conflict);
      return conflict ? Value() : obj;
    }
    default:
      return Value();
  }
}

Value FoldIndex(const Value& coll, const Value& key) {
  switch (coll.kind()) {
    case Kind::kArray: {
      if (!key.is_int()) return Value();
      const int64_t i = key.as_int();
      if (i < 0 || static_cast<uint64_t>(i) >= coll.size()) return Value();
      return coll[static_cast<size_t>(i)];
    }
    case Kind::kObject:
      if (const Value* v = coll.Get(key)) return *v;
      return Value();
    case Kind::kSet:
      return coll.Contains(key) ? key : Value();
    default:
      return Value();
  }
}

std::optional<bool> FoldTest(vm::Op op, const Value& a, const Value& b, uint32_t imm) {
  switch (op) {
    case vm::Op::kTruthy:
      return a.is_defined() && !(a.is_bool() && !a.as_bool());
    case vm::Op::kEqual:
    case vm::Op::kEqualConst:
      return a == b;
    case vm::Op::kNotEqual:
      return !(a == b);
    case vm::Op::kLess:
      return Compare(a, b) < 0;
    case vm::Op::kLessEqual:
      return Compare(a, b) <= 0;
    case vm::Op::kGreater:
      return Compare(a, b) > 0;
    case vm::Op::kGreaterEqual:
      return Compare(a, b) >= 0;
    case vm::Op::kMember:
      return b.HasMember(a);
    case vm::Op::kIsArray:
      return a.is_array() && a.size() == imm;
    case vm::Op::kIsObject:
      return a.is_object();
    default:
      return std::nullopt;
  }
}

}  // namespace verdict::compile
