#pragma once
// The options that name a source again in a printed replay command (`run.source_args`), read
// back from a results file. The file is untrusted: what it says is taken apart, each option
// checked against what `gradfuzz replay` accepts, and the command rebuilt with every value
// shell-quoted, so a file cannot make a copied command run anything.

#include <string>
#include <string_view>

namespace gradfuzz::detail {

/// `text` rebuilt from validated parts: --builtin NAME (letters, digits, _), --adapter CMD,
/// --timeout SECONDS, --max-response BYTES, --numeric-from reference|adapter, --formula F
/// (repeatable), --file F, --convention mean|sum; CMD and F quoted with shell_quote. Throws
/// std::invalid_argument saying what is wrong for anything else (another option, a word the
/// shell would read differently, an option without its value).
std::string canonical_source_args(std::string_view text);

}  // namespace gradfuzz::detail
