#pragma once
// How deeply a JSON text nests, found before it is parsed: nlohmann's parser is iterative, but
// its writer and several readers recurse once per level, so a 70,000-deep array from an adapter
// or in a results file would overflow the stack. Every JSON input is measured first and refused
// beyond a bound far above what any gradfuzz message or results file holds.

#include <cstddef>
#include <string_view>

namespace gradfuzz::detail {

/// The deepest nesting of arrays and objects in `text` (0 for a scalar), counting brackets
/// outside strings; it stops counting at `limit` + 1, so a deeper text costs no more to refuse.
/// Malformed text is measured as far as it goes (the parser says what is wrong with it).
std::size_t json_nesting(std::string_view text, std::size_t limit);

}  // namespace gradfuzz::detail
