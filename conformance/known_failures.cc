// File: conformance/known_failures.cc
//
// Parsing, matching and writing of the known-failures list. See
// known_failures.h for the format.
#include "conformance/known_failures.h"

#include <map>
#include <utility>

#include "absl/status/status.h"
#include "base/files.h"
#include "verdict/value.h"

namespace verdict::conformance {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Position of the first blank followed by '#', or npos.
size_t FindReasonMark(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '#' && IsBlank(s[i - 1])) return i;
  }
  return std::string_view::npos;
}

// The reason after a '#' at [mark] (none when [mark] is npos).
std::string ReasonAt(std::string_view s, size_t mark) {
  if (mark == std::string_view::npos) return "";
  return std::string(Trim(s.substr(mark + 1)));
}

// End (one past the closing quote) of the JSON string starting at s[0].
size_t QuotedEnd(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

absl::StatusOr<KnownFailures> KnownFailures::Parse(std::string_view text) {
  KnownFailures list;
  int line_number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;

    KnownFailure kf;
    kf.line = line_number;
    if (line.front() == '"') {
      size_t end = QuotedEnd(line);
      absl::StatusOr<Value> entry =
          end == std::string_view::npos ? absl::InvalidArgumentError("unterminated")
                                        : ParseJson(line.substr(0, end));
      if (!entry.ok() || !entry->is_string()) {
        return absl::InvalidArgumentError(
            "known failures line " + std::to_string(line_number) +
            ": malformed quoted entry");
      }
      kf.entry = std::string(entry->as_string());
      std::string_view rest = Trim(line.substr(end));
      if (!rest.empty() && rest.front() != '#') {
        return absl::InvalidArgumentError(
            "known failures line " + std::to_string(line_number) +
            ": text after a quoted entry must be a '# reason'");
      }
      kf.reason = rest.empty() ? "" : std::string(Trim(rest.substr(1)));
    } else {
      size_t mark = FindReasonMark(line);
      kf.entry = std::string(Trim(line.substr(0, mark)));
      kf.reason = ReasonAt(line, mark);
    }
    if (kf.entry.empty()) continue;
    for (const KnownFailure& other : list.entries_) {
      if (other.entry == kf.entry) {
        return absl::InvalidArgumentError(
            "known failures line " + std::to_string(line_number) + ": \"" +
            kf.entry + "\" repeats line " + std::to_string(other.line));
      }
    }
    int index = static_cast<int>(list.entries_.size());
    if (kf.is_folder()) {
      list.folders_.push_back(index);
    } else {
      list.by_note_.emplace(kf.entry, index);
    }
    list.entries_.push_back(std::move(kf));
  }
  return list;
}

absl::StatusOr<KnownFailures> KnownFailures::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return absl::NotFoundError("cannot read known failures " + path);
  return Parse(*text);
}

int KnownFailures::Find(const TestCase& tc) const {
  auto it = by_note_.find(tc.note);
  if (it != by_note_.end()) return it->second;
  for (int index : folders_) {
    const std::string& prefix = entries_[index].entry;
    if (tc.note.compare(0, prefix.size(), prefix) == 0) return index;
    std::string file_dir = tc.folder + "/";
    if (file_dir.compare(0, prefix.size(), prefix) == 0) return index;
  }
  return -1;
}

std::string FormatEntry(std::string_view entry) {
  bool quote = entry.empty() || entry.front() == '#' || entry.front() == '"' ||
               IsBlank(entry.front()) || IsBlank(entry.back()) ||
               FindReasonMark(entry) != std::string_view::npos;
  for (char c : entry) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') quote = true;
  }
  if (!quote) return std::string(entry);
  return ToJson(Value::String(entry));
}

std::string FormatKnownFailures(const std::vector<TestCase>& cases,
                                const std::vector<bool>& failed,
                                const KnownFailures& previous) {
  // Folders whose cases all fail become one entry.
  std::map<std::string, std::pair<size_t, size_t>> per_folder;  // failed, total
  for (size_t i = 0; i < cases.size(); ++i) {
    auto& counts = per_folder[cases[i].folder];
    counts.second++;
    if (failed[i]) counts.first++;
  }
  // entry -> reason; std::map keeps the file sorted and drops repeats.
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!failed[i]) continue;
    const TestCase& tc = cases[i];
    int known = previous.Find(tc);
    std::string reason =
        known >= 0 && !previous.entries()[known].reason.empty()
            ? previous.entries()[known].reason
            : "TODO";
    const auto& counts = per_folder[tc.folder];
    if (!tc.folder.empty() && counts.first == counts.second) {
      std::string entry = tc.folder + "/";
      // A folder keeps the reason of an existing entry for the folder itself.
      auto it = out.find(entry);
      if (it == out.end()) out.emplace(entry, reason);
    } else {
      out.emplace(tc.note, reason);
    }
  }
  std::string text =
      "# Conformance cases verdict is known to fail, with the reason.\n"
      "# One entry per line: a case note, or a folder/ prefix covering every\n"
      "# case in that folder.  Format and ratchet rules: docs/conformance.md.\n";
  for (const auto& [entry, reason] : out) {
    text += FormatEntry(entry);
    text += "  # ";
    text += reason;
    text += '\n';
  }
  return text;
}

}  // namespace verdict::conformance
