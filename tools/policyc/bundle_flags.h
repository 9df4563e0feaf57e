// File: tools/policyc/bundle_flags.h
//
// What the bundle subcommands (build.cc, sign.cc, inspect.cc, and eval.cc's
// -b) share: a small flag scanner with `--flag value` / `--flag=value`,
// the verification flags (--verification-key ...), key arguments that are
// either a file or the key itself, and error printing.
//
// Tested through the subcommands by tests/bundle/policyc_bundle_test.cc.
#ifndef VERDICT_TOOLS_POLICYC_BUNDLE_FLAGS_H_
#define VERDICT_TOOLS_POLICYC_BUNDLE_FLAGS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "commands.h"
#include "verdict/bundle.h"

namespace verdict::policyc {

// FlagScanner: walks [args]; Next() yields each argument, Value() the
// value of the current flag (its "=value" part or the next argument).
class FlagScanner {
 public:
  explicit FlagScanner(Args args) : args_(args) {}

  // The next flag name ("--output", "-o") or positional argument; false at
  // the end.
  bool Next(std::string* arg);
  // The current flag's value; nullopt when it has none (a usage error).
  std::optional<std::string> Value();
  // The same into [*out]; false when the flag has no value.
  bool Value(std::string* out);

 private:
  Args args_;
  size_t i_ = 0;
  std::optional<std::string> inline_value_;
};

// The verification flags of `eval -b` and `inspect`.
struct VerificationFlags {
  std::optional<std::string> key;     // --verification-key: PEM file or HMAC secret
  std::string key_id = "default";     // --verification-key-id
  std::string algorithm = "RS256";    // --verification-alg
  std::string scope;                  // --scope
  std::vector<std::string> exclude;   // --exclude-files (repeatable)
  bool skip = false;                  // --skip-verify

  // Handles [arg] when it is one of these flags: 1 handled, 0 not one of
  // them, -1 usage error (message in [*error]).
  int Parse(const std::string& arg, FlagScanner& scanner, std::string* error);

  // The read options these flags ask for. A key file that cannot be read
  // is an io_error.
  absl::StatusOr<BundleReadOptions> ToReadOptions() const;
};

// Help text for the flags above.
extern const char kVerificationFlagsUsage[];

// ReadKey()
//
// A key argument: the contents of the file it names, or, when no such file
// exists and [literal_ok] (HMAC secrets), the argument itself.
absl::StatusOr<std::string> ReadKey(const std::string& arg, bool literal_ok);

// IsHmac(): HS256/384/512.
bool IsHmac(std::string_view algorithm);

// LoadSigningMaterial()
//
// For build and sign: reads the key named by [key_arg] into [*signing]
// (HMAC secrets may be given literally) and, when [claims_file] is set,
// the extra JWT claims (a JSON object). An io_error or a claims file that
// is not an object is an invalid_argument error (exit 2).
absl::Status LoadSigningMaterial(const std::string& key_arg,
                                 const std::optional<std::string>& claims_file,
                                 BundleSigningOptions* signing);

// ReadFileBytes()
//
// The whole file; io_error when it cannot be read.
absl::StatusOr<std::string> ReadFileBytes(const std::string& path);

// WriteFileBytes()
//
// Writes [bytes] to [path] through a temporary file renamed into place, so
// a reader never sees half a bundle.
absl::Status WriteFileBytes(const std::string& path, std::string_view bytes);

// PrintStatus()
//
// "policyc [command]: code: message" on stderr.
void PrintStatus(std::string_view command, const absl::Status& status);

// ExitCodeFor()
//
// kExitUsage for io_error and invalid_argument (unreadable input, bad
// flags), kExitProblems otherwise.
int ExitCodeFor(const absl::Status& status);

}  // namespace verdict::policyc

#endif  // VERDICT_TOOLS_POLICYC_BUNDLE_FLAGS_H_
