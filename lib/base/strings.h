// File: lib/base/strings.h
//
// Debian's abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0 (and the
// same for optional and variant), so absl::string_view is a distinct type
// that does not convert from std::string_view. verdict's own APIs use
// std::string_view; Absl() bridges at calls into abseil:
//   absl::StrCat("unknown key ", Absl(name));
#ifndef VERDICT_BASE_STRINGS_H_
#define VERDICT_BASE_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace verdict {

inline absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline std::string_view Std(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace verdict

#endif  // VERDICT_BASE_STRINGS_H_
