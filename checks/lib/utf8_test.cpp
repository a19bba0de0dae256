// Text from outside made fit for UTF-8 reports: invalid bytes escaped, cuts between characters.

#include "gradfuzz/detail/utf8.hpp"

#include <gtest/gtest.h>

namespace gradfuzz::detail {
namespace {

TEST(Utf8Escaped, KeepsWellFormedTextAsItIs) {
  EXPECT_EQ(utf8_escaped("plain ascii"), "plain ascii");
  EXPECT_EQ(utf8_escaped("café ∂J/∂W 𝛿"), "café ∂J/∂W 𝛿");
}

TEST(Utf8Escaped, WritesEveryByteThatIsNotUtf8AsHex) {
  EXPECT_EQ(utf8_escaped("caf\xe9"), "caf\\xe9");                       // latin-1
  EXPECT_EQ(utf8_escaped("\x80x"), "\\x80x");                           // lone continuation
  EXPECT_EQ(utf8_escaped("\xc3"), "\\xc3");                             // cut short
  EXPECT_EQ(utf8_escaped("\xe2\x88"), "\\xe2\\x88");                    // cut short, 3 bytes
  EXPECT_EQ(utf8_escaped("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(utf8_escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a surrogate
  EXPECT_EQ(utf8_escaped("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(utf8_escaped("\xff\xfe"), "\\xff\\xfe");
}

TEST(Utf8Cut, NeverEndsInsideACharacter) {
  const std::string text =
      "ab\xc3\xa9"
      "cd";  // "abécd": é is bytes 2 and 3
  EXPECT_EQ(utf8_cut(text, 10), text.size());
  EXPECT_EQ(utf8_cut(text, 2), 2u);
  EXPECT_EQ(utf8_cut(text, 3), 2u);  // would split é
  EXPECT_EQ(utf8_cut(text, 4), 4u);
  const std::string four = "a\xf0\x9d\x9b\xbf";  // a𝛿: 𝛿 is bytes 1..4
  for (std::size_t max = 1; max <= 4; ++max) EXPECT_EQ(utf8_cut(four, max), 1u) << max;
  EXPECT_EQ(utf8_cut("\x80\x80\x80\x80\x80", 4), 4u);  // not characters: cut where asked
}

TEST(Utf8Cut, ACutPrefixOfValidTextIsValid) {
  const std::string text = "é∂𝛿xé∂𝛿";
  for (std::size_t max = 0; max <= text.size(); ++max) {
    const std::string prefix = text.substr(0, utf8_cut(text, max));
    EXPECT_EQ(utf8_escaped(prefix), prefix) << max;
    EXPECT_LE(prefix.size(), max);
  }
}

}  // namespace
}  // namespace gradfuzz::detail
