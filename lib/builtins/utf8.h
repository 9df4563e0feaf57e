// File: lib/builtins/utf8.h
//
// UTF-8 helpers with Go's rules, which OPA's string builtins inherit: an
// invalid byte is one rune (U+FFFD), so len([]rune(s)) counts it once.
//
//   size_t i = 0;
//   char32_t r = DecodeUtf8("é", &i);   // r == 0xE9, i == 2
//
// Tested by tests/builtins/strings_test.cc.
#ifndef VERDICT_BUILTINS_UTF8_H_
#define VERDICT_BUILTINS_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace verdict::builtins {

// DecodeUtf8(): the code point starting at [s[*pos]], advancing *pos; an
// invalid byte decodes as U+FFFD and advances one byte (as Go does).
// ASCII is decoded inline; other bytes go to DecodeUtf8Multi().
char32_t DecodeUtf8Multi(std::string_view s, size_t* pos);
inline char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  const auto c = static_cast<unsigned char>(s[*pos]);
  if (c < 0x80) {
    ++*pos;
    return c;
  }
  return DecodeUtf8Multi(s, pos);
}

// AppendUtf8(): appends the UTF-8 encoding of [r] (U+FFFD when invalid).
void AppendUtf8(std::string* out, char32_t r);

// CountRunes(): Go's utf8.RuneCountInString.
size_t CountRunes(std::string_view s);

}  // namespace verdict::builtins

#endif  // VERDICT_BUILTINS_UTF8_H_
