#pragma once
// Shell words, the one way gradfuzz prints a command to copy and paste: each value in single
// quotes (so nothing in it, not `;`, `$(...)` nor a newline, is read by /bin/sh), and the
// reverse, for commands read back from a results file.

#include <string>
#include <string_view>
#include <vector>

namespace gradfuzz::detail {

/// `text` as one word for /bin/sh: in single quotes, a ' written as '\''.
std::string shell_quote(std::string_view text);

/// The words of `text` as /bin/sh would split it, for the forms shell_quote writes and plain
/// words: words separated by spaces, each a run of letters, digits and _ . / , : = + - @ % ^,
/// of '...' strings, and of \' (backslash quote). Throws std::invalid_argument for anything
/// else the shell would read differently: another unquoted character (; | & $ ` < > ( ) * ? ...,
/// a newline), an unclosed quote.
std::vector<std::string> shell_split(std::string_view text);

}  // namespace gradfuzz::detail
