#include "gradfuzz/formula/error.hpp"

#include <algorithm>

namespace gradfuzz::formula {
namespace {

std::string where_text(const std::string& formula, Span where, const std::string& reason) {
  return "column " + std::to_string(display_width(formula, where.offset) + 1) + ": " + reason;
}

}  // namespace

Span Span::cover(Span a, Span b) {
  const std::size_t begin = std::min(a.offset, b.offset);
  return {begin, std::max(a.end(), b.end()) - begin};
}

FormulaError::FormulaError(std::string formula, Span where, std::string reason)
    : std::invalid_argument(where_text(formula, where, reason)),
      formula_(std::move(formula)),
      where_(where),
      reason_(std::move(reason)) {}

std::size_t FormulaError::column() const {
  return display_width(formula_, where_.offset) + 1;
}

std::string FormulaError::display() const {
  return caret_lines(formula_, where_) + reason_;
}

std::size_t display_width(std::string_view text, std::size_t bytes) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < std::min(bytes, text.size()); ++i)
    // Continuation bytes 10xxxxxx do not start a character.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++width;
  return width;
}

std::string caret_lines(std::string_view formula, Span where) {
  std::string line;
  // Control characters would break the picture: show them as spaces, keeping the columns.
  for (char ch : formula) line += (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ? ' ' : ch;
  const std::size_t start = std::min(where.offset, formula.size());
  const std::size_t column = display_width(formula, start);
  const std::size_t stop = std::max(start, std::min(where.end(), formula.size()));
  const std::size_t width = std::max<std::size_t>(1, display_width(formula, stop) - column);
  std::string marks(column, ' ');
  marks += '^';
  if (width > 1) marks += std::string(width - 1, '~');
  return "  " + line + "\n  " + marks + "\n";
}

}  // namespace gradfuzz::formula
