#pragma once
// FormulaError: a formula that cannot be read. It carries the byte offset of the place, so the
// message can show the formula with a caret under it and say what was expected there.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gradfuzz::formula {

/// A stretch of the formula's text, in bytes.
struct Span {
  std::size_t offset = 0;
  std::size_t length = 0;

  std::size_t end() const { return offset + length; }
  /// The smallest span covering both.
  static Span cover(Span a, Span b);
};

/// Thrown for a malformed formula, an unknown name or function, or a left side that is not a
/// gradient. what() is one line: "column C: reason"; display() adds the formula and a caret.
class FormulaError : public std::invalid_argument {
 public:
  FormulaError(std::string formula, Span where, std::string reason);

  const std::string& formula() const { return formula_; }
  Span where() const { return where_; }
  /// What is wrong there and what was expected, without the position.
  const std::string& reason() const { return reason_; }
  /// 1-based column of the place, counted in characters (UTF-8 code points), not bytes.
  std::size_t column() const;
  /// Three lines: the formula, a caret (and tildes) under the place, the reason.
  std::string display() const;

 private:
  std::string formula_;
  Span where_;
  std::string reason_;
};

/// The formula on one line and, under it, `^` at the start of `where` followed by `~` over the
/// rest of it; columns count UTF-8 code points, so a caret sits under the right character.
std::string caret_lines(std::string_view formula, Span where);

/// Number of UTF-8 code points in the first `bytes` bytes of `text`.
std::size_t display_width(std::string_view text, std::size_t bytes);

}  // namespace gradfuzz::formula
