#include "formula_options.hpp"

#include <fstream>

#include "gradfuzz/detail/shell_words.hpp"
#include "gradfuzz/formula/parser.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

void add_formula_options(po::options_description& d, FormulaArgs& a) {
  d.add_options()("formula", po::value(&a.formulas)->composing(),
                  "a formula to check (repeatable; also given without the option)")(
      "file", po::value(&a.file),
      "a file of formulas, one per line; # starts a comment, blank lines are skipped")(
      "convention", po::value(&a.convention)->default_value(a.convention),
      "what dW and db formulas give: mean (dJ/dW, with the 1/m, the course's) or sum (the "
      "gradient of the summed loss m*J); dZ and dA pass either way");
}

ReadFormulas read_formulas(const FormulaArgs& a) {
  if (!a.file.empty() && !a.formulas.empty())
    throw UsageError("give formulas on the command line or --file F, not both");
  std::vector<std::pair<std::string, std::string>> texts;  // (where, text)
  if (!a.file.empty()) {
    std::ifstream in(a.file);
    if (!in) throw UsageError("cannot read --file " + a.file + ": check that it exists");
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      // A UTF-8 byte order mark (Windows editors write one) is not part of the first formula.
      if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
      const std::string text = line.substr(0, line.find('#'));
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      const auto first = text.find_first_not_of(" \t");
      const auto last = text.find_last_not_of(" \t\r");
      texts.emplace_back(a.file + ":" + std::to_string(number),
                         text.substr(first, last - first + 1));
    }
    if (in.bad()) throw UsageError("cannot read --file " + a.file);
    if (texts.empty()) throw UsageError(a.file + " holds no formula (only comments or blanks)");
  } else {
    for (const std::string& text : a.formulas) texts.emplace_back("", text);
  }
  if (texts.empty())
    throw UsageError(
        "give a formula, e.g. gradfuzz formula \"dz[1] = W[2]T dz[2] * "
        "g[1]'(z[1])\", or --file F");
  ReadFormulas out;
  for (const auto& [where, text] : texts) {
    try {
      out.read.push_back({formula::parse(text), where});
    } catch (const formula::FormulaError& e) {
      out.unread.push_back({where, e});
    }
  }
  return out;
}

Convention convention_of(const FormulaArgs& a) {
  const auto c = find_convention(a.convention);
  if (!c) throw UsageError("--convention " + a.convention + ": expected mean or sum");
  return *c;
}

std::unique_ptr<GradientSource> make_formula_source(const FormulaArgs& a) {
  ReadFormulas r = read_formulas(a);
  if (!r.unread.empty())
    throw UsageError("cannot read the formula" +
                     (r.unread.front().where.empty() ? "" : " at " + r.unread.front().where) +
                     ":\n" + r.unread.front().error.display());
  std::vector<formula::Formula> formulas;
  for (WrittenFormula& w : r.read) formulas.push_back(std::move(w.formula));
  return std::make_unique<formula::FormulaSource>(std::move(formulas), convention_of(a));
}

std::string formula_words(const FormulaArgs& a) {
  std::string words;
  if (!a.file.empty()) words = "--file " + detail::shell_quote(a.file);
  for (const std::string& f : a.formulas)
    words += (words.empty() ? "" : " ") + std::string("--formula ") + detail::shell_quote(f);
  if (a.convention == "sum") words += " --convention sum";
  return words;
}

}  // namespace gradfuzz::cli
