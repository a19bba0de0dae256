#include "gradfuzz/mutants.hpp"

#include <gtest/gtest.h>

#include <set>

#include "gradfuzz/check.hpp"
#include "gradfuzz/fuzz/generators.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

TEST(Mutants, TheCatalogueHasAtLeastTwentyNamedBugsWithKnownDiagnoses) {
  const std::set<std::string> ids{"missing_inv_m",
                                  "extra_inv_m",
                                  "sign_flipped",
                                  "transposed",
                                  "shape_mismatch",
                                  "activation_derivative",
                                  "missing_activation_derivative",
                                  "bias_sum_axis",
                                  "regularization",
                                  "output_delta",
                                  "wrong_layer_index"};
  std::set<std::string> names;
  for (const MutantInfo& m : mutant_catalogue()) {
    EXPECT_TRUE(names.insert(m.name).second) << "duplicate name " << m.name;
    EXPECT_TRUE(ids.contains(m.diagnosis)) << m.name << " -> " << m.diagnosis;
    EXPECT_FALSE(m.description.empty());
    EXPECT_EQ(make_mutant(m.name)->info().name, m.name);
  }
  EXPECT_GE(names.size(), 20u);
}

// A derivative slip lives in the one g' every layer calls, so under mse it is in the output
// delta too; with bce or ce the output delta A[L] - Y has no g' and a single layer is right.
TEST(Mutants, DerivativeSlipsReachTheOutputDeltaUnderMseOnly) {
  for (const auto& [name, g] : std::vector<std::pair<std::string, Activation>>{
           {"tanh_derivative_unsquared", Activation::tanh},
           {"sigmoid_derivative_for_tanh", Activation::tanh},
           {"derivative_at_A", Activation::sigmoid},
           {"relu_derivative_is_A", Activation::relu}}) {
    CaseRecipe r;
    r.spec.sizes = {2, 1};
    r.spec.activations = {g};
    r.spec.loss = Loss::mse;
    r.batch = 3;
    r.seed = 5;
    const Case mse = make_case(r);
    const CaseResult slipped = check_case(mse, *make_mutant(name));
    EXPECT_FALSE(slipped.passed()) << name;
    ASSERT_TRUE(slipped.diagnosis) << name;
    EXPECT_EQ(slipped.diagnosis->mutant, name);
    EXPECT_EQ(slipped.diagnosis->id, "activation_derivative") << name;
    if (g != Activation::sigmoid) continue;
    r.spec.loss = Loss::bce;
    EXPECT_TRUE(check_case(make_case(r), *make_mutant(name)).passed()) << name;
  }
}

TEST(Mutants, UnknownNamesAreRefusedWithTheCatalogue) {
  try {
    make_builtin("no_such_bug");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("reference"), std::string::npos);
  }
  try {
    make_mutant("no_such_bug");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no_inv_m"), std::string::npos) << e.what();
  }
  EXPECT_EQ(make_builtin("reference")->info().name, "reference");
}

class EachMutant : public ::testing::TestWithParam<std::string> {};

// In its domain a mutant is a real bug (it fails against finite differences) and, on cases
// as drawn (not only shrunk ones), is diagnosed as the bug it is.
TEST_P(EachMutant, FailsInItsDomainAndGetsItsDiagnosis) {
  const MutantInfo& m = *find_mutant(GetParam());
  const GeneratorOptions options = focused_on(GeneratorOptions{}, m.domain);
  validate(options);
  auto source = make_mutant(m.name);
  int failed = 0;
  const int cases = 12;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(cases); ++i) {
    const Case c = make_case(case_recipes(options)(rc::Random(1000 + i), rc::kNominalSize).value());
    const CaseResult r = check_case(c, *source);
    if (r.passed()) continue;
    ++failed;
    ASSERT_TRUE(r.diagnosis);
    EXPECT_EQ(r.diagnosis->id, m.diagnosis) << c.replay << "\n" << r.diagnosis->message;
    // Another mutant may be named only where it is indistinguishable on this case (db not
    // summed and db summed over the units coincide for a one-unit layer, say).
    const std::string named = r.diagnosis->mutant.value_or("");
    ASSERT_FALSE(named.empty()) << c.replay;
    if (named != m.name) {
      const Gradients mine = source->gradients(c);
      const Gradients theirs = make_mutant(named)->gradients(c);
      for (const auto& [q, g] : mine)
        EXPECT_TRUE(arma::size(g) == arma::size(theirs.at(q)) &&
                    arma::approx_equal(g, theirs.at(q), "reldiff", 1e-9))
            << m.name << " diagnosed as " << named << " which differs at " << q.name() << " on "
            << c.replay;
    }
  }
  EXPECT_GE(failed, cases * 3 / 4) << m.name << " rarely differs from the reference in its domain";
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& m : mutant_catalogue()) out.push_back(m.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, EachMutant, ::testing::ValuesIn(names()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace gradfuzz
