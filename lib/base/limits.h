// File: lib/base/limits.h
//
// Every hard limit of the engine, each with the reason that sets it. Limits
// protect the host process: bad input must become an error, never a stack
// overflow or an out-of-memory kill.
#ifndef VERDICT_BASE_LIMITS_H_
#define VERDICT_BASE_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace verdict::limits {

// JSON/YAML nesting accepted from callers. Conversions and comparisons of
// Values recurse, so depth is bounded by the thread stack (8 MiB default,
// a few hundred bytes per frame).
inline constexpr int kMaxJsonDepth = 1000;

// Decimal exponent accepted in number literals (1e400 is fine, 1e99999999999
// is not): exact decimal arithmetic expands exponents into digits.
inline constexpr int64_t kMaxNumberExponent = 100000;

// Digits of an exact integer result (about 3.3 bits each). Integer
// arithmetic beyond this falls back to 64-bit-mantissa floating point, so a
// policy cannot make one multiplication take seconds.
inline constexpr size_t kMaxExactDigits = 4096;

// YAML nodes converted per document: aliases can make a small document
// expand exponentially ("billion laughs").
inline constexpr size_t kMaxYamlNodes = size_t{1} << 24;

// Nesting of Rego syntax (parenthesised expressions, nested comprehensions,
// nested terms). The parser and compiler recurse over the AST.
inline constexpr int kMaxSyntaxDepth = 500;

// Largest policy source file accepted (bytes).
inline constexpr size_t kMaxSourceBytes = 64u << 20;

// Compiled regex and glob patterns kept per engine (each kind). Policies use
// a handful of constant patterns; the bound only stops patterns computed
// from input from growing memory without limit.
inline constexpr size_t kMaxCachedPatterns = 1000;

// Elements a builtin may build in one result (numbers.range, net.cidr_expand,
// strings of sprintf widths ...): a request cannot make the host allocate
// gigabytes.
inline constexpr size_t kMaxBuiltinResultElements = 10'000'000;

// Nested calls of one evaluation (rules calling rules, functions, `with`
// mocks). VM frames live on the heap, not the C++ stack, so this only stops
// runaway recursion (a mock that calls what it replaces) before it eats
// memory: Rego forbids recursion, and real rule chains are a few dozen deep.
inline constexpr uint32_t kMaxCallDepth = 10000;

}  // namespace verdict::limits

#endif  // VERDICT_BASE_LIMITS_H_
