#pragma once
// How `formula` (and `replay`) name the formulas to check: on the command line, or a file with
// one formula per line and # comments; and what dW, db formulas are expected to give.

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "gradfuzz/formula/ast.hpp"
#include "gradfuzz/formula/error.hpp"
#include "gradfuzz/formula/formula_source.hpp"

namespace gradfuzz::cli {

struct FormulaArgs {
  std::vector<std::string> formulas;  ///< FORMULA... or --formula F (repeatable)
  std::string file;                   ///< --file F
  std::string convention = "mean";    ///< --convention mean|sum
};

/// Adds --formula, --file and --convention to `description`.
void add_formula_options(boost::program_options::options_description& description,
                         FormulaArgs& args);

/// A formula and where it was written ("backprop.txt:3", or "" on the command line).
struct WrittenFormula {
  formula::Formula formula;
  std::string where;
};

/// A formula that cannot be read, with its place.
struct UnreadFormula {
  std::string where;
  formula::FormulaError error;
};

struct ReadFormulas {
  std::vector<WrittenFormula> read;
  std::vector<UnreadFormula> unread;
};

/// Parses every formula named. Throws UsageError when none is named, both --file and formulas
/// are given, the file cannot be read, or --convention is unknown; a formula that does not parse
/// goes to `unread`.
ReadFormulas read_formulas(const FormulaArgs& args);

/// --convention as a Convention (UsageError if unknown).
Convention convention_of(const FormulaArgs& args);

/// The formulas as a gradient source (UsageError if one cannot be read).
std::unique_ptr<GradientSource> make_formula_source(const FormulaArgs& args);

/// How a printed command names the formulas again: "--formula '...'" per formula or
/// "--file F", with "--convention sum" when asked.
std::string formula_words(const FormulaArgs& args);

}  // namespace gradfuzz::cli
