#pragma once
// Tokens of the formula language, each with its byte offset in the formula.
//
// Both notations share one alphabet: names (W, dz, np, keepdims, ...), numbers (1, 1., .5,
// 1e-3), brackets and braces for layer superscripts, and the operators + - * / @ ** ^ and the
// comparisons. Typographic characters that learners paste from the course are read as what
// they mean: ’ ‘ ′ are the derivative mark ', ² squares, ᵀ transposes, − is a minus, ⊙ and ∘ are
// the elementwise product, · the matrix product, λ is lambda and σ the sigmoid. A `#` starts a
// comment that runs to the end of the text.

#include <string>
#include <string_view>
#include <vector>

#include "gradfuzz/formula/error.hpp"

namespace gradfuzz::formula {

enum class TokenKind {
  name,           ///< letters, digits, _ (not starting with a digit); λ and σ spelled out
  number,         ///< 2, 1., .5, 1e-3
  lbracket,       ///< [
  rbracket,       ///< ]
  lparen,         ///< (
  rparen,         ///< )
  lbrace,         ///< {
  rbrace,         ///< }
  comma,          ///< ,
  dot,            ///< . (np.dot, X.T)
  assign,         ///< =
  plus,           ///< +
  minus,          ///< - or −
  star,           ///< * (elementwise), also ⊙ and ∘
  slash,          ///< /
  at,             ///< @ (matrix product), also ·
  power,          ///< **
  caret,          ///< ^ (superscript: ^T, ^2, ^{[l]})
  prime,          ///< ' ’ ‘ ′ (derivative)
  squared,        ///< ²
  transposed,     ///< ᵀ
  less,           ///< <
  greater,        ///< >
  less_equal,     ///< <=
  greater_equal,  ///< >=
  equal,          ///< ==
  not_equal,      ///< !=
  end             ///< end of the formula (or the start of a # comment)
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;   ///< as written, except λ -> "lambda" and σ -> "sigma"
  Span span;          ///< where in the formula, in bytes
  double number = 0;  ///< the value of a number token
};

/// How a token kind is called in messages ("')'", "a name", "the end of the formula").
std::string describe(TokenKind kind);

/// Splits `formula` into tokens, the last one of kind `end`. Throws FormulaError at the first
/// character that cannot start a token (with what it is, e.g. "unexpected character '$'").
std::vector<Token> lex(std::string_view formula);

}  // namespace gradfuzz::formula
