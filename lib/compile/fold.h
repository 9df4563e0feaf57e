// File: lib/compile/fold.h
//
// Compile-time evaluation for the optimizer's constant folding
// (optimize.cc): a builtin call whose arguments are all constants, or a
// collection literal whose elements are, computed once by the compiler
// and stored as a constant, so `3600 * 1000000000` or
// `numbers.range(0, 100)` costs a LoadConst per decision instead of a
// call (or a 101-element array).
//
// What may be folded: builtins whose result depends only on their
// arguments (FoldableBuiltin: not kNondeterministic, no output, no time
// zone or other host state), results no larger than
// limits::kMaxFoldedConstantBytes, and only calls that succeed: a call
// that fails or is undefined stays in the program, so a decision still
// gets the same error (strict mode) or undefined. Whether a `with`
// replaces the builtin somewhere is the optimizer's question (it sees the
// WithBuiltin/WithValue instructions).
//
// The other folds are exact copies of what an instruction computes:
// indexing a constant (FoldIndex) and tests of constants (FoldTest), so a
// condition on constants becomes nothing or a jump.
//
// Entry points: FoldBuiltinCall(), FoldCollection(), FoldIndex(),
// FoldTest(), used by optimize.cc.
// Tested by tests/compile/fold_test.cc.
#ifndef VERDICT_COMPILE_FOLD_H_
#define VERDICT_COMPILE_FOLD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "verdict/value.h"
#include "vm/opcode.h"

namespace verdict::compile {

// Whether calls of builtin [name] may be evaluated by the compiler: a
// builtin of the table (not a custom one) that is deterministic and reads
// nothing but its arguments.
bool FoldableBuiltin(std::string_view name);

// The approximate size of [v] in bytes (16 per value plus the bytes of
// strings and big-number digits), counted only until it exceeds [limit]
// (the result is then some number above [limit]).
size_t ApproxConstantBytes(const Value& v, size_t limit);

// FoldBuiltinCall()
//
// Builtin [name] applied to [args], computed now with results allocated
// in [arena] (the program's). Undefined when the call must stay in the
// program: the builtin is not foldable, it fails or is undefined for these
// arguments, its result would be larger than kMaxFoldedConstantBytes, or
// computing it could take that much memory before the size is known
// (numbers.range over a billion numbers is not even tried).
Value FoldBuiltinCall(std::string_view name, std::span<const Value> args, Arena* arena);

// FoldCollection()
//
// The value MakeArray, MakeSet or MakeObject ([op]) builds from [elems]
// (MakeObject: key, value, key, value ...). Undefined when the
// instruction must stay: an object key repeated with another value (its
// failure edge) or a result larger than kMaxFoldedConstantBytes.
Value FoldCollection(vm::Op op, std::span<const Value> elems, Arena* arena);

// FoldIndex()
//
// coll[key] as Index and IndexConst compute it (opcodes.def *4): arrays
// by integral number, objects by key, sets by element. Undefined when
// missing (the instruction's failure edge).
Value FoldIndex(const Value& coll, const Value& key);

// FoldTest()
//
// Whether the test [op] (Truthy, Equal, NotEqual, Less, LessEqual,
// Greater, GreaterEqual, EqualConst, Member, IsArray, IsObject) passes on
// constant operands [a] and [b] ([imm]: IsArray's length), as the
// interpreter decides it; nullopt for any other op.
std::optional<bool> FoldTest(vm::Op op, const Value& a, const Value& b, uint32_t imm);

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_FOLD_H_
