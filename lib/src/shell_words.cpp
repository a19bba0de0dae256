#include "gradfuzz/detail/shell_words.hpp"

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace gradfuzz::detail {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'')
      out += "'\\''";
    else
      out += ch;
  }
  return out + "'";
}

std::vector<std::string> shell_split(std::string_view text) {
  static constexpr const char* kPlain = "_./,:=+-@%^";
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == ' ') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (ch == '\'') {
      const auto close = text.find('\'', i + 1);
      if (close == std::string_view::npos)
        throw std::invalid_argument("a quote opened at character " + std::to_string(i + 1) +
                                    " is never closed");
      word.append(text, i + 1, close - i - 1);
      i = close;
      in_word = true;
    } else if (ch == '\\' && i + 1 < text.size() && text[i + 1] == '\'') {
      word += '\'';
      ++i;
      in_word = true;
    } else if ((byte < 0x80 && std::isalnum(byte)) || (ch != 0 && std::strchr(kPlain, ch))) {
      word += ch;
      in_word = true;
    } else {
      throw std::invalid_argument("the character '" + std::string(1, ch) + "' at " +
                                  std::to_string(i + 1) + " is outside quotes");
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace gradfuzz::detail
