#include "gradfuzz/formula/lexer.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace gradfuzz::formula {
namespace {

struct Spelling {
  std::string_view bytes;
  TokenKind kind;
  std::string_view text;  // what the token's text becomes
};

// Longest first where one spelling starts another.
constexpr std::array kSymbols = {
    Spelling{"**", TokenKind::power, "**"}, Spelling{"<=", TokenKind::less_equal, "<="},
    Spelling{">=", TokenKind::greater_equal, ">="}, Spelling{"==", TokenKind::equal, "=="},
    Spelling{"!=", TokenKind::not_equal, "!="}, Spelling{"[", TokenKind::lbracket, "["},
    Spelling{"]", TokenKind::rbracket, "]"}, Spelling{"(", TokenKind::lparen, "("},
    Spelling{")", TokenKind::rparen, ")"}, Spelling{"{", TokenKind::lbrace, "{"},
    Spelling{"}", TokenKind::rbrace, "}"}, Spelling{",", TokenKind::comma, ","},
    Spelling{".", TokenKind::dot, "."}, Spelling{"=", TokenKind::assign, "="},
    Spelling{"+", TokenKind::plus, "+"}, Spelling{"-", TokenKind::minus, "-"},
    Spelling{"*", TokenKind::star, "*"}, Spelling{"/", TokenKind::slash, "/"},
    Spelling{"@", TokenKind::at, "@"}, Spelling{"^", TokenKind::caret, "^"},
    Spelling{"'", TokenKind::prime, "'"}, Spelling{"<", TokenKind::less, "<"},
    Spelling{">", TokenKind::greater, ">"},
    // Typographic characters, as UTF-8.
    Spelling{"\xE2\x80\x99", TokenKind::prime, "'"},       // ’
    Spelling{"\xE2\x80\x98", TokenKind::prime, "'"},       // ‘
    Spelling{"\xE2\x80\xB2", TokenKind::prime, "'"},       // ′
    Spelling{"\xC2\xB2", TokenKind::squared, "\xC2\xB2"},  // ²
    Spelling{"\xE1\xB5\x80", TokenKind::transposed, "T"},  // ᵀ
    Spelling{"\xE2\x88\x92", TokenKind::minus, "-"},       // −
    Spelling{"\xE2\x8A\x99", TokenKind::star, "*"},        // ⊙
    Spelling{"\xE2\x88\x98", TokenKind::star, "*"},        // ∘
    Spelling{"\xC2\xB7", TokenKind::at, "@"},              // ·
    Spelling{"\xCE\xBB", TokenKind::name, "lambda"},       // λ
    Spelling{"\xCF\x83", TokenKind::name, "sigma"},        // σ
};

bool is_name_start(char ch) {
  return std::isalpha(static_cast<unsigned char>(ch)) || ch == '_';
}
bool is_name_char(char ch) {
  return is_name_start(ch) || std::isdigit(static_cast<unsigned char>(ch));
}
bool is_digit(std::string_view s, std::size_t i) {
  return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
}

// A character as a message can show it: printable ASCII as itself, a whole UTF-8 sequence as
// itself, anything else as \xNN.
std::string shown(std::string_view s, std::size_t i, std::size_t& length) {
  const auto byte = static_cast<unsigned char>(s[i]);
  length = 1;
  if (byte >= 0x20 && byte < 0x7f) return "'" + std::string(1, s[i]) + "'";
  std::size_t n = byte >= 0xF0 && byte < 0xF8 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
  if (n > 0 && i + n <= s.size()) {
    bool valid = true;
    for (std::size_t k = 1; k < n; ++k)
      valid = valid && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (valid) {
      length = n;
      return "'" + std::string(s.substr(i, n)) + "'";
    }
  }
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02X", byte);
  return buffer;
}

}  // namespace

std::string describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::name:
      return "a name";
    case TokenKind::number:
      return "a number";
    case TokenKind::lbracket:
      return "'['";
    case TokenKind::rbracket:
      return "']'";
    case TokenKind::lparen:
      return "'('";
    case TokenKind::rparen:
      return "')'";
    case TokenKind::lbrace:
      return "'{'";
    case TokenKind::rbrace:
      return "'}'";
    case TokenKind::comma:
      return "','";
    case TokenKind::dot:
      return "'.'";
    case TokenKind::assign:
      return "'='";
    case TokenKind::plus:
      return "'+'";
    case TokenKind::minus:
      return "'-'";
    case TokenKind::star:
      return "'*'";
    case TokenKind::slash:
      return "'/'";
    case TokenKind::at:
      return "'@'";
    case TokenKind::power:
      return "'**'";
    case TokenKind::caret:
      return "'^'";
    case TokenKind::prime:
      return "the derivative mark '";
    case TokenKind::squared:
      return "'\xC2\xB2'";
    case TokenKind::transposed:
      return "'\xE1\xB5\x80'";
    case TokenKind::less:
      return "'<'";
    case TokenKind::greater:
      return "'>'";
    case TokenKind::less_equal:
      return "'<='";
    case TokenKind::greater_equal:
      return "'>='";
    case TokenKind::equal:
      return "'=='";
    case TokenKind::not_equal:
      return "'!='";
    case TokenKind::end:
      return "the end of the formula";
  }
  return "a token";
}

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    const char ch = s[i];
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
      ++i;
      continue;
    }
    if (s.substr(i, 2) == "\xC2\xA0") {  // a no-break space, common in pasted text
      i += 2;
      continue;
    }
    if (ch == '#') break;
    if (is_name_start(ch)) {
      std::size_t j = i + 1;
      while (j < s.size() && is_name_char(s[j])) ++j;
      tokens.push_back({TokenKind::name, std::string(s.substr(i, j - i)), {i, j - i}, 0});
      i = j;
      continue;
    }
    if (is_digit(s, i) || (ch == '.' && is_digit(s, i + 1))) {
      std::size_t j = i;
      while (is_digit(s, j)) ++j;
      if (j < s.size() && s[j] == '.') {
        ++j;
        while (is_digit(s, j)) ++j;
      }
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        if (is_digit(s, k)) {
          while (is_digit(s, k)) ++k;
          j = k;
        }
      }
      const std::string text(s.substr(i, j - i));
      // from_chars does not read "1." or ".5" as Python does: give it the digits it knows.
      std::string digits = text;
      if (digits.front() == '.') digits.insert(digits.begin(), '0');
      double value = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || end != digits.data() + digits.size()) {
        if (ec == std::errc::result_out_of_range)
          throw FormulaError(std::string(s), {i, j - i}, "the number " + text + " is too large");
        // "1." : from_chars stops at a trailing dot, which is fine.
        if (!(ec == std::errc() && end + 1 == digits.data() + digits.size() &&
              digits.back() == '.'))
          throw FormulaError(std::string(s), {i, j - i}, "cannot read the number " + text);
      }
      tokens.push_back({TokenKind::number, text, {i, j - i}, value});
      i = j;
      continue;
    }
    bool matched = false;
    for (const Spelling& sp : kSymbols)
      if (s.substr(i, sp.bytes.size()) == sp.bytes) {
        tokens.push_back({sp.kind, std::string(sp.text), {i, sp.bytes.size()}, 0});
        i += sp.bytes.size();
        matched = true;
        break;
      }
    if (matched) continue;
    std::size_t length = 1;
    const std::string what = shown(s, i, length);
    throw FormulaError(std::string(s), {i, length},
                       "unexpected character " + what +
                           ": expected a name (W, dz, np.dot, ...), a number, an operator "
                           "(+ - * / @ ** ^ ') or a bracket");
  }
  tokens.push_back({TokenKind::end, "", {std::min(i, s.size()), 0}, 0});
  return tokens;
}

}  // namespace gradfuzz::formula
