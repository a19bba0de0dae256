#include "source_args.hpp"

#include <cctype>
#include <stdexcept>
#include <vector>

#include "gradfuzz/detail/shell_words.hpp"

namespace gradfuzz::detail {
namespace {

bool all_of(const std::string& word, const char* extra) {
  if (word.empty()) return false;
  for (char ch : word) {
    const auto byte = static_cast<unsigned char>(ch);
    if (!(byte < 0x80 && std::isalnum(byte)) &&
        std::string_view(extra).find(ch) == std::string_view::npos)
      return false;
  }
  return true;
}

}  // namespace

std::string canonical_source_args(std::string_view text) {
  std::vector<std::string> words;
  try {
    words = shell_split(text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("source_args is not a list of options: " + std::string(e.what()));
  }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& option = words[i];
    if (i + 1 == words.size())
      throw std::invalid_argument("source_args: '" + option + "' without its value");
    const std::string& value = words[++i];
    auto refuse = [&](const char* expected) {
      throw std::invalid_argument("source_args: " + option + " '" + value + "': expected " +
                                  expected);
    };
    std::string shown;
    if (option == "--builtin") {
      if (!all_of(value, "_")) refuse("a built-in source's name");
      shown = value;
    } else if (option == "--timeout") {
      if (!all_of(value, ".eE+-")) refuse("a number of seconds");
      shown = value;
    } else if (option == "--max-response") {
      if (!all_of(value, "") || value.find_first_not_of("0123456789") != std::string::npos)
        refuse("a number of bytes");
      shown = value;
    } else if (option == "--numeric-from") {
      if (value != "reference" && value != "adapter") refuse("reference or adapter");
      shown = value;
    } else if (option == "--convention") {
      if (value != "mean" && value != "sum") refuse("mean or sum");
      shown = value;
    } else if (option == "--adapter" || option == "--formula" || option == "--file") {
      shown = shell_quote(value);
    } else {
      throw std::invalid_argument("source_args: '" + option +
                                  "' is not an option that names a source");
    }
    out += (out.empty() ? "" : " ") + option + " " + shown;
  }
  return out;
}

}  // namespace gradfuzz::detail
