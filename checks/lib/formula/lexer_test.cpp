// The formula lexer: tokens with byte offsets, typographic characters read as what they mean.

#include "gradfuzz/formula/lexer.hpp"

#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace gradfuzz::formula {
namespace {

std::vector<TokenKind> kinds(std::string_view text) {
  std::vector<TokenKind> out;
  for (const Token& t : lex(text)) out.push_back(t.kind);
  return out;
}

TEST(FormulaLexer, SeedFormulaAsLearnersTypeIt) {
  // ’ is three bytes of UTF-8: the offsets after it must still point at the right bytes.
  const std::string text = "dz[1] = W[2]T dz[2] * g[1]\xE2\x80\x99 (z[1])";
  const std::vector<Token> tokens = lex(text);
  using K = TokenKind;
  const std::vector<K> expected = {
      K::name,   K::lbracket, K::number,   K::rbracket, K::assign,   K::name,   K::lbracket,
      K::number, K::rbracket, K::name,     K::name,     K::lbracket, K::number, K::rbracket,
      K::star,   K::name,     K::lbracket, K::number,   K::rbracket, K::prime,  K::lparen,
      K::name,   K::lbracket, K::number,   K::rbracket, K::rparen,   K::end};
  ASSERT_EQ(kinds(text), expected);
  for (const Token& t : tokens) {
    if (t.kind != K::end && t.kind != K::prime) {
      EXPECT_EQ(text.substr(t.span.offset, t.span.length), t.text) << t.text;
    }
  }
  EXPECT_EQ(tokens[19].span.length, 3u);  // ’
  EXPECT_EQ(tokens[20].span.offset, text.find('(', 30));
}

TEST(FormulaLexer, NumbersAsPythonWritesThem) {
  const std::vector<Token> t = lex("1./m + .5 + 2 + 1e-3 + 2.5E+2");
  EXPECT_DOUBLE_EQ(t[0].number, 1.0);
  EXPECT_EQ(t[0].text, "1.");
  EXPECT_EQ(t[1].kind, TokenKind::slash);
  EXPECT_DOUBLE_EQ(t[4].number, 0.5);
  EXPECT_DOUBLE_EQ(t[6].number, 2);
  EXPECT_DOUBLE_EQ(t[8].number, 1e-3);
  EXPECT_DOUBLE_EQ(t[10].number, 250);
}

TEST(FormulaLexer, OperatorsLongestFirst) {
  using K = TokenKind;
  EXPECT_EQ(kinds("a ** 2 * b"),
            (std::vector<K>{K::name, K::power, K::number, K::star, K::name, K::end}));
  EXPECT_EQ(
      kinds("a>=b<=c==d!=e<f>g"),
      (std::vector<K>{K::name, K::greater_equal, K::name, K::less_equal, K::name, K::equal, K::name,
                      K::not_equal, K::name, K::less, K::name, K::greater, K::name, K::end}));
}

TEST(FormulaLexer, TypographicCharacters) {
  using K = TokenKind;
  // A1², Wᵀ, a − b, a ⊙ b, a · b, λ, σ, and a no-break space.
  const std::vector<Token> t =
      lex("A1\xC2\xB2 W\xE1\xB5\x80 a \xE2\x88\x92 b \xE2\x8A\x99 c \xC2\xB7 d\xC2\xA0\xCE\xBB "
          "\xCF\x83");
  EXPECT_EQ(t[1].kind, K::squared);
  EXPECT_EQ(t[3].kind, K::transposed);
  EXPECT_EQ(t[5].kind, K::minus);
  EXPECT_EQ(t[7].kind, K::star);
  EXPECT_EQ(t[9].kind, K::at);
  EXPECT_EQ(t[11].text, "lambda");
  EXPECT_EQ(t[12].text, "sigma");
}

TEST(FormulaLexer, CommentEndsTheFormula) {
  const std::vector<Token> t = lex("dZ2 = A2 - Y  # the output delta");
  EXPECT_EQ(t.size(), 6u);
  EXPECT_EQ(t.back().kind, TokenKind::end);
  EXPECT_EQ(t.back().span.offset, std::string("dZ2 = A2 - Y  ").size());
}

TEST(FormulaLexer, UnexpectedCharacterPointsAtIt) {
  try {
    lex("dz[1] = W[2] $ dz[2]");
    FAIL() << "no error";
  } catch (const FormulaError& e) {
    EXPECT_EQ(e.where().offset, 13u);
    EXPECT_EQ(e.column(), 14u);
    EXPECT_MENTIONS(e.reason(), "unexpected character '$'");
  }
  // A byte that is not UTF-8 is shown by its value.
  EXPECT_MENTIONS(checks::message_of<FormulaError>([] { lex("a \xFF b"); }), "\\xFF");
  // A number too large for a double is refused, not read as infinity.
  EXPECT_MENTIONS(checks::message_of<FormulaError>([] { lex("dz1 = 1e999 * dz1"); }), "too large");
}

TEST(FormulaLexer, CaretColumnsCountCharactersNotBytes) {
  // ’ takes three bytes but one column: the caret under '(' must be one column after it.
  const std::string text = "g\xE2\x80\x99(z)";
  const std::string lines = caret_lines(text, {4, 1});
  EXPECT_EQ(lines, "  g\xE2\x80\x99(z)\n    ^\n");
  EXPECT_EQ(display_width(text, 4), 2u);
}

}  // namespace
}  // namespace gradfuzz::formula
