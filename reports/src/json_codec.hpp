#pragma once
// RunResult <-> JSON, shared by the JSON reporter (writing) and the results reader. The field
// names are the results contract of DESIGN.md; reports/SCHEMA.md documents them.

#include <nlohmann/json.hpp>

#include "gradfuzz/run_result.hpp"

namespace gradfuzz::detail {

inline constexpr int kSchemaVersion = 1;
/// Matrices with more entries are summarised (shape only) rather than written whole.
inline constexpr arma::uword kMaxMatrixEntries = 20000;

nlohmann::ordered_json to_json(const RunResult& run);
/// Throws std::invalid_argument naming the first field that is missing or malformed.
RunResult run_from_json(const nlohmann::ordered_json& document);

}  // namespace gradfuzz::detail
