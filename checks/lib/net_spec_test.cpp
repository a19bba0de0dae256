#include "gradfuzz/net_spec.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <string>

#include "case_gen.hpp"
#include "test_support.hpp"

namespace gradfuzz {
namespace {

using A = Activation;

NetSpec spec(std::vector<arma::uword> sizes, std::vector<Activation> activations, Loss loss) {
  NetSpec s;
  s.sizes = std::move(sizes);
  s.activations = std::move(activations);
  s.loss = loss;
  return s;
}

NetSpec course_spec() {
  return spec({3, 4, 1}, {A::tanh, A::sigmoid}, Loss::bce);
}

// The SpecError message of validate(s), or "" if it passed.
std::string error_of(const NetSpec& s) {
  try {
    validate(s);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

TEST(NetSpec, TheCoursesNetworkIsValid) {
  EXPECT_NO_THROW(validate(course_spec()));
  const NetSpec s = course_spec();
  EXPECT_EQ(s.depth(), 2);
  EXPECT_EQ(s.n(0), 3u);
  EXPECT_EQ(s.n(2), 1u);
  EXPECT_EQ(s.g(1), A::tanh);
  EXPECT_EQ(s.g(2), A::sigmoid);
}

RC_GTEST_PROP(NetSpec, EverySpecTheProtocolAllowsIsValid, ()) {
  const CaseRecipe r = *checks::arbitrary_recipe();
  validate(r.spec);  // throws (fails the property) on a valid spec wrongly rejected
}

TEST(NetSpec, SpecErrorIsAnInvalidArgument) {
  NetSpec s = course_spec();
  s.lambda = -1;
  EXPECT_THROW(validate(s), SpecError);
  EXPECT_THROW(validate(s), std::invalid_argument);
}

TEST(NetSpec, SoftmaxOnAHiddenLayerSaysWhichLayerAndWhatIsAllowed) {
  const std::string what =
      error_of(spec({3, 4, 2, 2}, {A::tanh, A::softmax, A::softmax}, Loss::ce));
  EXPECT_MENTIONS(what, "layer 2");
  EXPECT_MENTIONS(what, "only allowed on the output layer");
  EXPECT_MENTIONS(what, "sigmoid, tanh, relu, leaky_relu or linear");
}

TEST(NetSpec, CeWithoutSoftmaxIsRejected) {
  const std::string what = error_of(spec({3, 4, 2}, {A::tanh, A::sigmoid}, Loss::ce));
  EXPECT_MENTIONS(what, "ce needs a softmax output layer");
  EXPECT_MENTIONS(what, "sigmoid");
}

TEST(NetSpec, BceWithoutSigmoidOutputIsRejected) {
  for (Activation out : {A::tanh, A::relu, A::leaky_relu, A::linear, A::softmax}) {
    const std::string what = error_of(spec({3, 4, 2}, {A::tanh, out}, Loss::bce));
    EXPECT_MENTIONS(what, "bce needs a sigmoid output layer");
    EXPECT_MENTIONS(what, std::string(to_string(out)));
  }
}

TEST(NetSpec, MseAfterSoftmaxIsRejected) {
  const std::string what = error_of(spec({3, 4, 2}, {A::tanh, A::softmax}, Loss::mse));
  EXPECT_MENTIONS(what, "mse cannot follow softmax");
  EXPECT_MENTIONS(what, "use ce");
}

TEST(NetSpec, MseAcceptsEveryOutputButSoftmax) {
  for (Activation out : {A::sigmoid, A::tanh, A::relu, A::leaky_relu, A::linear})
    EXPECT_EQ(error_of(spec({3, 2}, {out}, Loss::mse)), "") << to_string(out);
}

TEST(NetSpec, SoftmaxOverOneUnitIsRejected) {
  const std::string what = error_of(spec({3, 4, 1}, {A::relu, A::softmax}, Loss::ce));
  EXPECT_MENTIONS(what, "n2 = 1");
  EXPECT_MENTIONS(what, ">= 2 units");
  EXPECT_EQ(error_of(spec({3, 4, 2}, {A::relu, A::softmax}, Loss::ce)), "");
}

TEST(NetSpec, SizeZeroSaysWhichSize) {
  EXPECT_MENTIONS(error_of(spec({3, 0, 1}, {A::tanh, A::sigmoid}, Loss::bce)), "n1 is 0");
  EXPECT_MENTIONS(error_of(spec({0, 4, 1}, {A::tanh, A::sigmoid}, Loss::bce)), "n0 is 0");
  EXPECT_MENTIONS(error_of(spec({3, 4, 0}, {A::tanh, A::linear}, Loss::mse)), "at least one unit");
}

TEST(NetSpec, SizesAndActivationsMustCountAlike) {
  const std::string more = error_of(spec({3, 4, 5, 1}, {A::tanh, A::sigmoid}, Loss::bce));
  EXPECT_MENTIONS(more, "4 layer sizes for 2 activation");
  EXPECT_MENTIONS(more, "L + 1 = 3 sizes");
  EXPECT_MENTIONS(error_of(spec({3}, {A::sigmoid}, Loss::bce)), "1 layer sizes for 1");
}

TEST(NetSpec, NoLayersIsRejected) {
  EXPECT_MENTIONS(error_of(spec({3}, {}, Loss::bce)), "no layers");
  EXPECT_MENTIONS(error_of(spec({}, {}, Loss::mse)), "L >= 1");
}

TEST(NetSpec, LambdaMustBeFiniteAndNonNegative) {
  for (double lambda :
       {-0.5, -std::numeric_limits<double>::min(), std::numeric_limits<double>::quiet_NaN(),
        std::numeric_limits<double>::infinity()}) {
    NetSpec s = course_spec();
    s.lambda = lambda;
    const std::string what = error_of(s);
    EXPECT_MENTIONS(what, "lambda") << lambda;
    EXPECT_MENTIONS(what, "finite and >= 0") << lambda;
  }
  NetSpec zero = course_spec();
  zero.lambda = 0;
  EXPECT_EQ(error_of(zero), "");
}

TEST(NetSpec, LeakySlopeMustBeFinite) {
  for (double slope :
       {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity()}) {
    NetSpec s = spec({2, 3, 1}, {A::leaky_relu, A::sigmoid}, Loss::bce);
    s.leaky_slope = slope;
    const std::string what = error_of(s);
    EXPECT_MENTIONS(what, "leaky_slope");
    EXPECT_MENTIONS(what, "finite");
  }
}

TEST(NetSpec, DescribeIsShortAndSaysWhatMatters) {
  EXPECT_EQ(course_spec().describe(), "3-4-1 tanh,sigmoid bce");
  NetSpec regularized = course_spec();
  regularized.lambda = 0.5;
  EXPECT_EQ(regularized.describe(), "3-4-1 tanh,sigmoid bce lambda=0.5");
  NetSpec leaky = spec({2, 3, 3, 2}, {A::leaky_relu, A::leaky_relu, A::softmax}, Loss::ce);
  leaky.leaky_slope = 0.2;
  EXPECT_EQ(leaky.describe(), "2-3-3-2 leaky_relu,leaky_relu,softmax ce slope=0.2");
}

TEST(NetSpec, EqualityComparesEveryField) {
  const NetSpec base = course_spec();
  EXPECT_TRUE(base == course_spec());
  NetSpec other = base;
  other.sizes[1] = 5;
  EXPECT_FALSE(base == other);
  other = base;
  other.activations[0] = A::relu;
  EXPECT_FALSE(base == other);
  other = base;
  other.loss = Loss::mse;
  EXPECT_FALSE(base == other);
  other = base;
  other.lambda = 0.1;
  EXPECT_FALSE(base == other);
  other = base;
  other.leaky_slope = 0.2;
  EXPECT_FALSE(base == other);
}

TEST(NetSpec, HasKinksOnlyWithReluOrLeakyRelu) {
  EXPECT_FALSE(course_spec().has_kinks());
  EXPECT_FALSE(spec({2, 2, 2}, {A::linear, A::softmax}, Loss::ce).has_kinks());
  EXPECT_TRUE(spec({2, 2, 1}, {A::relu, A::sigmoid}, Loss::bce).has_kinks());
  EXPECT_TRUE(spec({2, 2, 1}, {A::tanh, A::leaky_relu}, Loss::mse).has_kinks());
}

}  // namespace
}  // namespace gradfuzz
