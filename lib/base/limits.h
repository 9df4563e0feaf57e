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

// Nesting of GraphQL documents (selection sets, lists, objects, argument
// lists) accepted by graphql.*: the parser recurses a few frames per level,
// and validation recurses along selection sets and through fragment spreads.
inline constexpr int kMaxGraphQLDepth = 500;

// Largest policy source file accepted (bytes).
inline constexpr size_t kMaxSourceBytes = 64u << 20;

// Compiled regex and glob patterns kept per engine (each kind). Policies use
// a handful of constant patterns; the bound only stops patterns computed
// from input from growing memory without limit.
inline constexpr size_t kMaxCachedPatterns = 1000;

// Compiled JSON schemas kept per evaluation context (PatternCache, keyed by
// the schema operand). Policies validate against a few constant schemas; a
// compiled schema holds a node per subschema (a few hundred bytes each), so
// the bound is lower than for patterns and only stops schemas computed from
// input from growing memory without limit.
inline constexpr size_t kMaxCachedSchemas = 100;

// Results of function calls with arguments remembered per evaluation (the
// call memo in lib/vm/interp.cc). Decisions call a handful of functions a
// few times each; the bound keeps a loop calling f(x) over a huge input
// from growing the table (48 bytes a slot, twice this many slots at most).
inline constexpr size_t kMaxCallMemoEntries = 4096;

// Nesting of JSON Schema subschemas (json.match_schema): while compiling,
// and while validating, where a $ref that does not consume the document
// ({"$ref": "#"}) would otherwise recurse until the stack overflows. Both
// walks recurse a few frames per level, like the JSON depth above.
inline constexpr int kMaxSchemaDepth = 1000;

// Nesting of Go text/template actions and of template data walked by
// strings.render_template (the parser and executor recurse).
inline constexpr int kMaxTemplateDepth = 1000;

// Elements a builtin may build in one result (numbers.range, net.cidr_expand,
// strings of sprintf widths ...): a request cannot make the host allocate
// gigabytes.
inline constexpr size_t kMaxBuiltinResultElements = 10'000'000;

// Size (approximate bytes: 16 per value plus string and digit bytes) of a
// constant the compiler computes by folding a builtin call or a collection
// literal (lib/compile/fold.cc). A folded constant is stored in the program
// (and written out in full by Serialize, shared parts included), so
// numbers.range(0, 100) folds (101 values, under 2 KiB) but
// numbers.range(0, 1e9) stays a call evaluated when a decision reaches it.
inline constexpr size_t kMaxFoldedConstantBytes = 64u << 10;

// Nested calls of one evaluation (rules calling rules, functions, `with`
// mocks). VM frames live on the heap, not the C++ stack, so this only stops
// runaway recursion (a mock that calls what it replaces) before it eats
// memory: Rego forbids recursion, and real rule chains are a few dozen deep.
inline constexpr uint32_t kMaxCallDepth = 10000;

// --- Bundles (lib/bundle). A bundle arrives from the network; each limit
// stops a hostile archive from exhausting the host before any check runs.
// BundleReadOptions (include/verdict/bundle.h) can lower or raise them.

// One file's size (bytes) after decompression: OPA's default
// bundles[_].size_limit_bytes, so that bundles OPA accepts load here too.
inline constexpr uint64_t kMaxBundleFileBytes = uint64_t{1} << 30;

// All files of one bundle together (bytes) after decompression: the whole
// bundle is held in memory while it is checked and compiled.
inline constexpr uint64_t kMaxBundleTotalBytes = uint64_t{2} << 30;

// Uncompressed bytes per compressed byte (gzip bombs). Deflate itself
// cannot exceed about 1032:1; real policy data (JSON, Rego) compresses 5-30x,
// so 200x only catches archives made of padding. Checked once a bundle has
// expanded past kBundleRatioFloorBytes, so tiny bundles of repetitive
// test data never trip it.
inline constexpr uint64_t kMaxBundleCompressionRatio = 200;
inline constexpr uint64_t kBundleRatioFloorBytes = uint64_t{16} << 20;

// Entries (files, directories) in one archive or directory tree: each one
// costs a header parse and a map slot even when it is empty.
inline constexpr size_t kMaxBundleEntries = 100000;

// Bytes of one entry's path: longer names only come from crafted archives.
inline constexpr size_t kMaxBundlePathBytes = 4096;

}  // namespace verdict::limits

#endif  // VERDICT_BASE_LIMITS_H_
