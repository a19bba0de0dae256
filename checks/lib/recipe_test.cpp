#include "gradfuzz/recipe.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "case_gen.hpp"
#include "gradfuzz/forward.hpp"
#include "test_support.hpp"

namespace gradfuzz {
namespace {

using A = Activation;
using checks::message_of;

constexpr const char* kExample =
    "v1;sizes=3,4,1;act=tanh,sigmoid;loss=bce;lambda=0;slope=0.01;m=5;seed=42;scale=1;"
    "values=continuous;labels=hard";

CaseRecipe example() {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 1};
  r.spec.activations = {A::tanh, A::sigmoid};
  r.spec.loss = Loss::bce;
  r.batch = 5;
  r.seed = 42;
  return r;
}

// Any recipe, including the fields the case generator leaves alone: awkward reals for lambda,
// slope and scale (still drawn from integers), and both value grids.
rc::Gen<CaseRecipe> any_recipe() {
  return rc::gen::exec([] {
    CaseRecipe r = *checks::arbitrary_recipe();
    const auto numerator = *rc::gen::inRange<std::int64_t>(1, 1'000'000'007);
    const auto denominator = *rc::gen::inRange<std::int64_t>(1, 1'000'003);
    if (r.spec.lambda != 0)
      r.spec.lambda = static_cast<double>(numerator) / static_cast<double>(denominator);
    r.spec.leaky_slope = static_cast<double>(denominator) / static_cast<double>(numerator);
    r.weight_scale = std::ldexp(static_cast<double>(numerator), -*rc::gen::inRange(0, 40));
    r.values = *rc::gen::element(ValueGrid::continuous, ValueGrid::grid);
    return r;
  });
}

std::string parse_error(const std::string& text) {
  return message_of<std::invalid_argument>([&] { parse_recipe(text); });
}

// kExample with one field replaced.
std::string with(const std::string& field, const std::string& value) {
  std::string s = kExample;
  const std::size_t at = s.find(";" + field + "=") + 1;
  const std::size_t end = s.find(';', at);
  return s.replace(at, end == std::string::npos ? std::string::npos : end - at,
                   field + "=" + value);
}

bool identical(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols && arma::approx_equal(a, b, "absdiff", 0.0);
}

bool identical(const Case& a, const Case& b) {
  if (!(a.spec == b.spec) || a.W.size() != b.W.size() || a.replay != b.replay) return false;
  for (std::size_t l = 0; l < a.W.size(); ++l)
    if (!identical(a.W[l], b.W[l]) || !identical(a.b[l], b.b[l])) return false;
  return identical(a.X, b.X) && identical(a.Y, b.Y);
}

TEST(Recipe, ReplayStringHasTheDocumentedForm) {
  EXPECT_EQ(to_string(example()), kExample);
  EXPECT_TRUE(parse_recipe(kExample) == example());
}

RC_GTEST_PROP(Recipe, ReplayStringRoundTripsExactly, ()) {
  const CaseRecipe r = *any_recipe();
  const std::string text = to_string(r);
  const CaseRecipe back = parse_recipe(text);
  RC_ASSERT(back == r);
  // Bit for bit, not just ==: the reals must survive without any rounding.
  RC_ASSERT(std::signbit(back.spec.lambda) == std::signbit(r.spec.lambda));
  RC_ASSERT(to_string(back) == text);
}

RC_GTEST_PROP(Recipe, MakeCaseIsDeterministicAndReplayable, ()) {
  const CaseRecipe r = *checks::arbitrary_recipe();
  const Case first = make_case(r);
  RC_ASSERT(first.replay == to_string(r));
  RC_ASSERT(identical(first, make_case(r)));
  RC_ASSERT(identical(first, make_case(parse_recipe(first.replay))));
}

TEST(Recipe, DrawsAreTheSameOnEveryPlatformAndVersion) {
  // Replay strings in old reports must keep recreating the same case: the values come from
  // std::mt19937_64 (fully specified by the standard) and gradfuzz's own mapping to reals.
  const Case c = make_case(example());
  std::mt19937_64 engine(42);
  const double u = static_cast<double>(engine() >> 11) * 0x1p-53;
  EXPECT_EQ(c.W[0](0, 0), -1 + 2 * u);
  EXPECT_EQ(c.W[0](0, 0), 0.51031106590907793);
  EXPECT_EQ(c.W[0](1, 0), 0.27806278770939485);
  EXPECT_EQ(c.b[0](0, 0), 0.1852712867224986);
  EXPECT_EQ(c.X(0, 0), -0.70136306758900768);
  EXPECT_TRUE(identical(c.Y, arma::mat{{0, 0, 0, 1, 1}})) << c.Y;
}

TEST(Recipe, DifferentSeedsGiveDifferentValues) {
  CaseRecipe other = example();
  other.seed = 43;
  EXPECT_FALSE(identical(make_case(example()).W[0], make_case(other).W[0]));
}

RC_GTEST_PROP(Recipe, ContinuousValuesLieInTheirRanges, ()) {
  CaseRecipe r = *checks::arbitrary_recipe();
  r.weight_scale = static_cast<double>(*rc::gen::inRange(1, 9)) / 2;
  const Case c = make_case(r);
  for (int l = 1; l <= c.depth(); ++l) {
    RC_ASSERT(arma::abs(c.W_of(l)).max() <= r.weight_scale);
    RC_ASSERT(arma::abs(c.b_of(l)).max() <= r.weight_scale / 2);
  }
  RC_ASSERT(arma::abs(c.X).max() <= 1.0);
}

TEST(Recipe, WeightScaleScalesParametersButNotInputs) {
  CaseRecipe big = example();
  big.weight_scale = 4;
  const Case one = make_case(example()), four = make_case(big);
  for (std::size_t l = 0; l < one.W.size(); ++l) {
    EXPECT_TRUE(identical(four.W[l], arma::mat(4 * one.W[l])));
    EXPECT_TRUE(identical(four.b[l], arma::mat(4 * one.b[l])));
  }
  EXPECT_TRUE(identical(four.X, one.X));
  EXPECT_TRUE(identical(four.Y, one.Y));
}

RC_GTEST_PROP(Recipe, GridValuesAreHalvesInMinusOneToOne, ()) {
  CaseRecipe r = *checks::arbitrary_recipe();
  r.values = ValueGrid::grid;
  const Case c = make_case(r);
  auto on_grid = [](const arma::mat& M) {
    for (double x : M)
      if (std::abs(x) > 1 || 2 * x != std::round(2 * x)) return false;
    return true;
  };
  for (int l = 1; l <= c.depth(); ++l) RC_ASSERT(on_grid(c.W_of(l)) && on_grid(c.b_of(l)));
  RC_ASSERT(on_grid(c.X));
}

TEST(Recipe, GridValuesCoverEveryHalfInMinusOneToOne) {
  CaseRecipe r = example();
  r.values = ValueGrid::grid;
  r.batch = 60;  // X alone holds 180 draws
  const Case c = make_case(r);
  for (double value : {-1.0, -0.5, 0.0, 0.5, 1.0})
    EXPECT_TRUE(arma::any(arma::vectorise(c.X) == value)) << value << " never drawn";
}

TEST(Recipe, GridValuesPutReluInputsExactlyOnTheKink) {
  // What the grid is for: some seed of a small relu network has Z1 entries that are exactly 0.
  CaseRecipe r = example();
  r.spec.activations = {A::relu, A::sigmoid};
  r.values = ValueGrid::grid;
  int hits = 0;
  for (r.seed = 0; r.seed < 20; ++r.seed)
    if (arma::any(arma::vectorise(forward(make_case(r)).Z[1]) == 0.0)) ++hits;
  EXPECT_GE(hits, 10);
}

RC_GTEST_PROP(Recipe, LabelsFitTheLoss, ()) {
  const CaseRecipe r = *checks::arbitrary_recipe();
  const Case c = make_case(r);
  const arma::mat& Y = c.Y;
  switch (r.spec.loss) {
    case Loss::bce:
      for (double y : Y) {
        const bool fits = r.labels == Labels::hard ? (y == 0 || y == 1) : (0 <= y && y <= 1);
        RC_ASSERT(fits);
      }
      break;
    case Loss::ce:
      for (arma::uword j = 0; j < Y.n_cols; ++j) {
        RC_ASSERT(std::abs(arma::accu(Y.col(j)) - 1) < 1e-12);
        RC_ASSERT(Y.col(j).min() >= 0);
        if (r.labels == Labels::hard) {
          RC_ASSERT(Y.col(j).max() == 1.0);
          RC_ASSERT(arma::accu(Y.col(j) == 0.0) == Y.n_rows - 1);
        }
      }
      break;
    case Loss::mse:
      RC_ASSERT(arma::abs(Y).max() <= 1.0);
      break;
  }
}

TEST(Recipe, SoftCeLabelsAreNotOneHot) {
  CaseRecipe r = example();
  r.spec.sizes = {3, 4, 3};
  r.spec.activations = {A::tanh, A::softmax};
  r.spec.loss = Loss::ce;
  r.labels = Labels::soft;
  EXPECT_LT(make_case(r).Y.max(), 1.0);
}

TEST(Recipe, MakeCaseRejectsWhatCannotBeACase) {
  CaseRecipe r = example();
  r.spec.loss = Loss::ce;
  EXPECT_THROW(make_case(r), SpecError);
  r = example();
  r.batch = 0;
  EXPECT_MENTIONS(message_of<SpecError>([&] { make_case(r); }), "m = 0");
  for (double scale : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN()}) {
    r = example();
    r.weight_scale = scale;
    EXPECT_MENTIONS(message_of<SpecError>([&] { make_case(r); }), "weight scale");
  }
}

TEST(Recipe, EqualityComparesEveryField) {
  const CaseRecipe base = example();
  CaseRecipe other = base;
  other.batch = 6;
  EXPECT_FALSE(base == other);
  other = base;
  other.seed = 7;
  EXPECT_FALSE(base == other);
  other = base;
  other.weight_scale = 2;
  EXPECT_FALSE(base == other);
  other = base;
  other.values = ValueGrid::grid;
  EXPECT_FALSE(base == other);
  other = base;
  other.labels = Labels::soft;
  EXPECT_FALSE(base == other);
  other = base;
  other.spec.lambda = 1;
  EXPECT_FALSE(base == other);
}

TEST(Recipe, ParseErrorsSayWhichField) {
  EXPECT_MENTIONS(parse_error("v2;sizes=3,1"), "must start with 'v1;'");
  EXPECT_MENTIONS(parse_error(""), "must start with 'v1;'");
  EXPECT_MENTIONS(parse_error(std::string(kExample) + ";colour=blue"), "unknown field 'colour'");
  EXPECT_MENTIONS(parse_error(std::string(kExample) + ";oops"), "field 'oops' is not key=value");
  EXPECT_MENTIONS(parse_error("v1;sizes=3,4,1;act=tanh,sigmoid;loss=bce"),
                  "lacks the field 'lambda='");
  EXPECT_MENTIONS(parse_error(with("sizes", "3,four,1")), "sizes=four is not a number");
  EXPECT_MENTIONS(parse_error(with("sizes", "3,,1")), "sizes= is not a number");
  EXPECT_MENTIONS(parse_error(with("lambda", "0.1x")), "lambda=0.1x is not a number");
  EXPECT_MENTIONS(parse_error(with("slope", "")), "slope= is not a number");
  EXPECT_MENTIONS(parse_error(with("m", "-5")), "m=-5 is not a number");
  EXPECT_MENTIONS(parse_error(with("seed", "18446744073709551616")), "seed=");
  EXPECT_MENTIONS(parse_error(with("scale", "1,5")), "scale=1,5 is not a number");
  EXPECT_MENTIONS(parse_error(with("act", "tanh,swish")), "unknown activation 'swish'");
  EXPECT_MENTIONS(parse_error(with("loss", "hinge")), "unknown loss 'hinge'");
  EXPECT_MENTIONS(parse_error(with("values", "fine")), "values=fine (expected grid or continuous)");
  EXPECT_MENTIONS(parse_error(with("labels", "fuzzy")), "labels=fuzzy (expected hard or soft)");
}

TEST(Recipe, NonFiniteNumbersAreRefused) {
  // Found by replay_string_fuzz: scale=nan parsed, and the recipe did not equal itself.
  EXPECT_MENTIONS(parse_error(with("scale", "nan")), "scale=nan is not a finite number");
  EXPECT_MENTIONS(parse_error(with("lambda", "inf")), "lambda=inf is not a finite number");
  EXPECT_MENTIONS(parse_error(with("slope", "-infinity")),
                  "slope=-infinity is not a finite number");
}

TEST(Recipe, TheLargestSeedSurvives) {
  CaseRecipe r = example();
  r.seed = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(parse_recipe(to_string(r)).seed, r.seed);
  EXPECT_MENTIONS(to_string(r), "seed=18446744073709551615");
}

}  // namespace
}  // namespace gradfuzz
