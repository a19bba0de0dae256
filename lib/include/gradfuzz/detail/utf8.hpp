#pragma once
// Text from outside (an adapter's stderr, a line it sent, a command given on the command line)
// goes into reports that must be valid UTF-8 (JSON above all): bytes that are not UTF-8 are
// written as \xNN, and a cut to a length never splits a character.

#include <cstddef>
#include <string>
#include <string_view>

namespace gradfuzz::detail {

/// `text` with every byte that is not part of a well-formed UTF-8 sequence (a latin-1 'é', a
/// lone continuation byte, an overlong form, a surrogate, a sequence cut short) written as the
/// four characters \xNN; well-formed characters are kept as they are. The result is valid UTF-8.
std::string utf8_escaped(std::string_view text);

/// The length of the longest prefix of `text` of at most `max_bytes` bytes that does not end
/// inside a UTF-8 character (text.size() when it fits).
std::size_t utf8_cut(std::string_view text, std::size_t max_bytes);

}  // namespace gradfuzz::detail
