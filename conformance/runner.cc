// File: conformance/runner.cc
//
// conformance_runner: runs OPA's YAML conformance cases against verdict.
//
//   conformance_runner CASES_DIR [--known-failures FILE] [--report FILE]
//       [--case NOTE_SUBSTRING] [--write-known-failures FILE]
//       [--strict-known] [--no-fork] [--timeout SECONDS]
//       [--max-instructions N] [-v]
//
// Prints one `FAIL <note> (<file>): wanted <...>, got <...>` line per
// unexpected failure, `NEWLY PASSING <entry>` for known failures that now
// pass, and ends with exactly `N passed, N failed, N skipped`. Exit status:
// 0 when nothing unexpected failed, 1 otherwise, 2 on usage errors.
//
// Cases run in a forked worker process (one fresh Engine per case), so a
// crash or a hang in the engine fails that case (after --timeout) instead
// of the whole run; the next case gets a new worker. --no-fork runs in
// process, for debuggers.
//
// The pieces: case_loader.h (YAML -> TestCase), run_case.h (one case,
// OPA's comparison rules), known_failures.h (the ratchet list). Rules and
// workflow: docs/conformance.md. Registered with CTest as
// conformance_opa_v1 (conformance/CMakeLists.txt).
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/case_loader.h"
#include "conformance/known_failures.h"
#include "conformance/run_case.h"
#include "verdict/value.h"

namespace verdict::conformance {
namespace {

constexpr char kUsage[] =
    "usage: conformance_runner CASES_DIR [options]\n"
    "\n"
    "Runs OPA's YAML conformance cases (*.yaml, *.yml under CASES_DIR).\n"
    "\n"
    "  --known-failures FILE        cases expected to fail (the ratchet list)\n"
    "  --report FILE                write a JSON report (per case: note, file,\n"
    "                               status, error)\n"
    "  --case SUBSTRING             run only cases whose note contains it\n"
    "  --write-known-failures FILE  write every failing case to FILE (folders\n"
    "                               failing entirely as one folder/ entry)\n"
    "  --strict-known               fail the run if a known failure passes or a\n"
    "                               list entry matches no case\n"
    "  --no-fork                    run cases in this process (for debuggers)\n"
    "  --timeout SECONDS            per-case limit in the worker (default 30)\n"
    "  --max-instructions N         instruction budget per evaluation\n"
    "  -v, --verbose                print passing and known-failing cases too,\n"
    "                               with full error texts\n"
    "  -h, --help                   this text\n";

struct Flags {
  std::string cases_dir;
  std::string known_failures;
  std::string report;
  std::string write_known_failures;
  std::string case_filter;
  bool strict_known = false;
  bool fork = true;
  bool verbose = false;
  int timeout_seconds = 30;
  RunOptions run;
};

// Returns true when the run should go ahead; otherwise [*exit_code] is the
// status to exit with (0 after --help, 2 on a usage error).
bool ParseFlags(int argc, char** argv, Flags* flags, int* exit_code) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    auto value = [&](std::string* out) {
      if (inline_value) {
        *out = *inline_value;
        return true;
      }
      if (i + 1 >= argc) {
        std::cerr << "conformance_runner: " << arg << " needs a value\n";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    auto number = [&](uint64_t* out) {
      std::string text;
      if (!value(&text)) return false;
      char* end = nullptr;
      errno = 0;
      unsigned long long n = std::strtoull(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno != 0 || text[0] == '-') {
        std::cerr << "conformance_runner: " << arg << " needs a number\n";
        return false;
      }
      *out = n;
      return true;
    };
    *exit_code = 2;
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      *exit_code = 0;
      return false;
    } else if (arg == "--known-failures") {
      if (!value(&flags->known_failures)) return false;
    } else if (arg == "--report") {
      if (!value(&flags->report)) return false;
    } else if (arg == "--write-known-failures") {
      if (!value(&flags->write_known_failures)) return false;
    } else if (arg == "--case") {
      if (!value(&flags->case_filter)) return false;
    } else if (arg == "--strict-known") {
      flags->strict_known = true;
    } else if (arg == "--no-fork") {
      flags->fork = false;
    } else if (arg == "-v" || arg == "--verbose") {
      flags->verbose = true;
    } else if (arg == "--timeout") {
      uint64_t n = 0;
      if (!number(&n)) return false;
      if (n == 0 || n > 86400) {
        std::cerr << "conformance_runner: --timeout must be 1..86400\n";
        return false;
      }
      flags->timeout_seconds = static_cast<int>(n);
    } else if (arg == "--max-instructions") {
      if (!number(&flags->run.max_instructions)) return false;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::cerr << "conformance_runner: unknown option " << arg << "\n" << kUsage;
      return false;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1) {
    std::cerr << kUsage;
    return false;
  }
  if (!flags->write_known_failures.empty() && !flags->case_filter.empty()) {
    std::cerr << "conformance_runner: --write-known-failures needs the whole "
                 "suite; drop --case\n";
    return false;
  }
  flags->cases_dir = positional[0];
  return true;
}

// --- running cases in a worker process ------------------------------------
//
// A forked worker runs the cases the parent names (by index) one after
// another and sends back each outcome; forking once per case costs more
// than the cases themselves. When the worker crashes or exceeds the
// timeout, that case fails and the next case gets a fresh worker.
//
// Parent -> worker: a uint32 case index. Worker -> parent: a uint64 length,
// then 'P' or 'F', the message length in decimal, '\n', the message and the
// detail.

std::string Serialize(const CaseOutcome& o) {
  std::string out(1, o.passed ? 'P' : 'F');
  out += std::to_string(o.message.size());
  out += '\n';
  out += o.message;
  out += o.detail;
  return out;
}

bool Deserialize(std::string_view data, CaseOutcome* o) {
  if (data.size() < 2 || (data[0] != 'P' && data[0] != 'F')) return false;
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) return false;
  size_t length = 0;
  for (size_t i = 1; i < nl; ++i) {
    if (data[i] < '0' || data[i] > '9') return false;
    length = length * 10 + static_cast<size_t>(data[i] - '0');
  }
  if (nl + 1 + length > data.size()) return false;
  o->passed = data[0] == 'P';
  o->message = std::string(data.substr(nl + 1, length));
  o->detail = std::string(data.substr(nl + 1 + length));
  return true;
}

bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly [size] bytes; false on EOF or error.
bool ReadAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Why reading from the worker stopped.
enum class ReadResult { kOk, kEof, kTimeout };

// Reads exactly [size] bytes before [deadline].
ReadResult ReadUntil(int fd, char* data, size_t size,
                     std::chrono::steady_clock::time_point deadline) {
  while (size > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ReadResult::kTimeout;
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ReadResult::kEof;
    if (ready == 0) return ReadResult::kTimeout;
    ssize_t n = read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ReadResult::kEof;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return ReadResult::kOk;
}

class Worker {
 public:
  Worker(const std::vector<TestCase>& cases, const Flags& flags)
      : cases_(cases), flags_(flags) {}
  ~Worker() { Stop(); }
  Worker(const Worker&) = delete;  // owns a process
  Worker& operator=(const Worker&) = delete;

  CaseOutcome Run(uint32_t index) {
    CaseOutcome out;
    if (pid_ <= 0 && !Start(&out.message)) return out;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::seconds(flags_.timeout_seconds);
    uint64_t size = 0;
    ReadResult r = ReadResult::kEof;
    std::string data;
    if (WriteAll(to_worker_, &index, sizeof index)) {
      r = ReadUntil(from_worker_, reinterpret_cast<char*>(&size), sizeof size, deadline);
      if (r == ReadResult::kOk) {
        if (size > (uint64_t{1} << 32)) {
          r = ReadResult::kEof;
        } else {
          data.resize(size);
          r = ReadUntil(from_worker_, data.data(), data.size(), deadline);
        }
      }
    }
    if (r == ReadResult::kOk && Deserialize(data, &out)) return out;
    out = CaseOutcome();
    if (r == ReadResult::kTimeout) {
      kill(pid_, SIGKILL);
      out.message = "timed out after " + std::to_string(flags_.timeout_seconds) + "s";
    }
    int status = Reap();
    if (r != ReadResult::kTimeout) {
      if (WIFSIGNALED(status)) {
        out.message = "crashed: signal " + std::to_string(WTERMSIG(status)) + " (" +
                      strsignal(WTERMSIG(status)) + ")";
      } else {
        out.message = "the worker process exited with status " +
                      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                      " without a result";
      }
    }
    return out;
  }

 private:
  bool Start(std::string* error) {
    int down[2], up[2];
    if (pipe(down) != 0) {
      *error = std::string("pipe failed: ") + std::strerror(errno);
      return false;
    }
    if (pipe(up) != 0) {
      *error = std::string("pipe failed: ") + std::strerror(errno);
      close(down[0]);
      close(down[1]);
      return false;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
      *error = std::string("fork failed: ") + std::strerror(errno);
      for (int fd : {down[0], down[1], up[0], up[1]}) close(fd);
      return false;
    }
    if (pid == 0) {
      close(down[1]);
      close(up[0]);
      Serve(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    pid_ = pid;
    to_worker_ = down[1];
    from_worker_ = up[0];
    return true;
  }

  // The worker's loop; never returns.
  [[noreturn]] void Serve(int in, int out) {
    uint32_t index = 0;
    while (ReadAll(in, &index, sizeof index)) {
      if (index >= cases_.size()) break;
      std::string reply = Serialize(RunCase(cases_[index], flags_.run));
      uint64_t size = reply.size();
      if (!WriteAll(out, &size, sizeof size) || !WriteAll(out, reply.data(), reply.size())) {
        break;
      }
    }
    _exit(0);  // skip destructors and atexit handlers: the parent owns them
  }

  // Closes the pipes and waits for the worker; returns its wait status.
  int Reap() {
    int status = 0;
    if (to_worker_ >= 0) close(to_worker_);
    if (from_worker_ >= 0) close(from_worker_);
    to_worker_ = from_worker_ = -1;
    if (pid_ > 0) {
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    pid_ = -1;
    return status;
  }

  void Stop() {
    if (pid_ > 0) Reap();  // closing its input makes the worker exit
  }

  const std::vector<TestCase>& cases_;
  const Flags& flags_;
  pid_t pid_ = -1;
  int to_worker_ = -1;
  int from_worker_ = -1;
};

// --no-fork: name the case on a crash, so it can be found.
char g_current_case[1024];

void OnCrash(int sig) {
  const char prefix[] = "\nconformance_runner: crashed while running ";
  [[maybe_unused]] ssize_t n = write(2, prefix, sizeof prefix - 1);
  n = write(2, g_current_case, strnlen(g_current_case, sizeof g_current_case));
  n = write(2, "\n", 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

// --- the run --------------------------------------------------------------

struct Result {
  std::string file;
  std::string note;
  CaseOutcome outcome;
  int known = -1;  // index into the known-failures list
};

// One line of output, with newlines in the message flattened.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

Value JsonString(std::string_view s) { return Value::String(s); }

bool WriteReport(const std::string& path, const std::vector<Result>& results,
                 const KnownFailures& known, size_t passed, size_t failed,
                 size_t skipped) {
  ArrayBuilder cases;
  cases.Reserve(results.size());
  for (const Result& r : results) {
    ObjectBuilder c;
    c.Add(JsonString("note"), JsonString(r.note));
    c.Add(JsonString("file"), JsonString(r.file));
    const char* status = r.outcome.passed ? "passed"
                         : r.known >= 0   ? "skipped"
                                          : "failed";
    c.Add(JsonString("status"), JsonString(status));
    if (!r.outcome.passed) {
      c.Add(JsonString("error"), JsonString(r.outcome.message));
      if (!r.outcome.detail.empty()) {
        c.Add(JsonString("detail"), JsonString(r.outcome.detail));
      }
    }
    if (r.known >= 0) {
      c.Add(JsonString("known_failure"),
            JsonString(known.entries()[r.known].reason));
    }
    cases.Add(c.Build());
  }
  ObjectBuilder report;
  report.Add(JsonString("passed"), Value::Int(static_cast<int64_t>(passed)));
  report.Add(JsonString("failed"), Value::Int(static_cast<int64_t>(failed)));
  report.Add(JsonString("skipped"), Value::Int(static_cast<int64_t>(skipped)));
  report.Add(JsonString("cases"), cases.Build());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ToPrettyJson(report.Build()) << "\n";
  return static_cast<bool>(out);
}

int Run(const Flags& flags) {
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<LoadedCases> loaded = LoadCaseFiles(flags.cases_dir);
  if (!loaded.ok()) {
    std::cerr << "conformance_runner: " << loaded.status().message() << "\n";
    return 2;
  }
  KnownFailures known;
  if (!flags.known_failures.empty()) {
    absl::StatusOr<KnownFailures> list = KnownFailures::Load(flags.known_failures);
    if (!list.ok()) {
      std::cerr << "conformance_runner: " << list.status().message() << "\n";
      return 2;
    }
    known = *std::move(list);
    for (const KnownFailure& kf : known.entries()) {
      if (kf.reason.empty()) {
        std::cerr << "conformance_runner: " << flags.known_failures << ":"
                  << kf.line << ": entry without a reason: " << kf.entry << "\n";
      }
    }
  }
  signal(SIGPIPE, SIG_IGN);  // a dead worker shows up as a failed write
  if (!flags.fork) {
    signal(SIGSEGV, OnCrash);
    signal(SIGABRT, OnCrash);
    signal(SIGBUS, OnCrash);
    signal(SIGFPE, OnCrash);
  }

  std::vector<Result> results;
  size_t passed = 0, failed = 0, skipped = 0;
  // Per known-failure entry: cases it covers, and how many of them passed.
  std::vector<size_t> covered(known.entries().size()), covered_passed(covered.size());
  std::vector<bool> failed_flags(loaded->cases.size(), false);
  Worker worker(loaded->cases, flags);
  for (size_t i = 0; i < loaded->cases.size(); ++i) {
    const TestCase& tc = loaded->cases[i];
    if (!flags.case_filter.empty() &&
        tc.note.find(flags.case_filter) == std::string::npos) {
      continue;
    }
    Result r;
    r.file = tc.file;
    r.note = tc.note;
    if (flags.fork) {
      r.outcome = worker.Run(static_cast<uint32_t>(i));
    } else {
      std::snprintf(g_current_case, sizeof g_current_case, "%s (%s)", tc.note.c_str(),
                    tc.file.c_str());
      r.outcome = RunCase(tc, flags.run);
    }
    r.known = known.Find(tc);
    failed_flags[i] = !r.outcome.passed;
    if (r.known >= 0) {
      ++covered[r.known];
      if (r.outcome.passed) ++covered_passed[r.known];
    }
    std::string where = tc.note + " (" + tc.file + ")";
    if (r.outcome.passed) {
      ++passed;
      if (flags.verbose) std::cout << "PASS " << where << "\n";
    } else if (r.known >= 0) {
      ++skipped;
      if (flags.verbose) {
        std::cout << "KNOWN FAIL " << where << " ["
                  << known.entries()[r.known].reason
                  << "]: " << OneLine(r.outcome.message) << "\n";
      }
    } else {
      ++failed;
      std::cout << "FAIL " << where << ": " << OneLine(r.outcome.message) << "\n";
    }
    if (flags.verbose && !r.outcome.passed && !r.outcome.detail.empty()) {
      std::cout << "  error text:\n" << r.outcome.detail << "\n";
    }
    std::cout.flush();
    results.push_back(std::move(r));
  }

  // The ratchet: known failures that pass now, and entries matching nothing.
  bool ratchet_broken = false;
  size_t unused = 0;
  for (size_t k = 0; k < known.entries().size(); ++k) {
    const KnownFailure& kf = known.entries()[k];
    if (covered[k] > 0 && covered_passed[k] == covered[k]) {
      std::cout << "NEWLY PASSING " << FormatEntry(kf.entry) << "\n";
      ratchet_broken = true;
    } else if (covered_passed[k] > 0 && kf.is_folder()) {
      // An entry for a shared note stays while any of its cases fails.
      for (const Result& r : results) {
        if (r.known == static_cast<int>(k) && r.outcome.passed) {
          std::cout << "NEWLY PASSING " << FormatEntry(r.note) << " (covered by "
                    << FormatEntry(kf.entry) << ")\n";
        }
      }
      ratchet_broken = true;
    } else if (covered[k] == 0 && flags.case_filter.empty()) {
      // Stale, or the run covers only part of the suite.
      if (flags.strict_known || flags.verbose) {
        std::cerr << "conformance_runner: " << flags.known_failures << ":" << kf.line
                  << ": entry matches no case: " << kf.entry << "\n";
      }
      ++unused;
      if (flags.strict_known) ratchet_broken = true;
    }
  }
  if (unused > 0 && !flags.strict_known && !flags.verbose) {
    std::cerr << "conformance_runner: " << unused
              << " known-failure entries match no case here (-v lists them)\n";
  }

  if (!flags.report.empty() &&
      !WriteReport(flags.report, results, known, passed, failed, skipped)) {
    std::cerr << "conformance_runner: cannot write " << flags.report << "\n";
    return 2;
  }
  if (!flags.write_known_failures.empty()) {
    std::ofstream out(flags.write_known_failures, std::ios::binary | std::ios::trunc);
    out << FormatKnownFailures(loaded->cases, failed_flags, known);
    if (!out) {
      std::cerr << "conformance_runner: cannot write " << flags.write_known_failures
                << "\n";
      return 2;
    }
  }

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                       .count();
  std::fprintf(stderr, "conformance_runner: %zu cases from %zu files in %.1fs\n",
               results.size(), loaded->files, seconds);
  std::cout << passed << " passed, " << failed << " failed, " << skipped
            << " skipped" << std::endl;
  if (failed > 0) return 1;
  if (flags.strict_known && ratchet_broken) return 1;
  return 0;
}

}  // namespace
}  // namespace verdict::conformance

int main(int argc, char** argv) {
  verdict::conformance::Flags flags;
  int exit_code = 2;
  if (!verdict::conformance::ParseFlags(argc, argv, &flags, &exit_code)) {
    return exit_code;
  }
  return verdict::conformance::Run(flags);
}
