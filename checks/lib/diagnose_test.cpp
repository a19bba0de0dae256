#include "gradfuzz/diagnose.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

// A source whose gradients are the reference's, edited: bugs outside the mutant catalogue.
class Edited : public ReferenceBackprop {
 public:
  explicit Edited(std::function<void(const Case&, Gradients&)> edit, bool intermediates = false)
      : edit_(std::move(edit)), intermediates_(intermediates) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.name = "edited";
    i.intermediates = intermediates_;
    return i;
  }
  Gradients gradients(const Case& c) override {
    Gradients g = ReferenceBackprop::gradients(c);
    if (!intermediates_) std::erase_if(g, [](const auto& kv) { return !kv.first.is_parameter(); });
    edit_(c, g);
    return g;
  }

 private:
  std::function<void(const Case&, Gradients&)> edit_;
  bool intermediates_;
};

Case course_case(std::vector<Activation> activations = {Activation::tanh, Activation::sigmoid},
                 double lambda = 0, arma::uword m = 5) {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 1};
  r.spec.activations = std::move(activations);
  r.spec.lambda = lambda;
  r.batch = m;
  r.seed = 17;
  return make_case(r);
}

Diagnosis diagnosis_of(Edited source, const Case& c) {
  const CaseResult r = check_case(c, source);
  EXPECT_FALSE(r.passed());
  EXPECT_TRUE(r.diagnosis);
  return r.diagnosis.value_or(Diagnosis{"(none)", "", {}, {}});
}

bool says(const Diagnosis& d, const std::string& words) {
  return d.message.find(words) != std::string::npos;
}

TEST(Diagnose, AConstantFactorIsNamedWithItsValue) {
  const Diagnosis d = diagnosis_of(
      Edited([](const Case&, Gradients& g) { g[Quantity::dW(2)] *= 2.5; }), course_case());
  EXPECT_EQ(d.id, "constant_factor");
  EXPECT_TRUE(says(d, "dW2 is 2.5 times")) << d.message;
}

TEST(Diagnose, AFactorOfMIsAMissingInverseM) {
  const Diagnosis d = diagnosis_of(
      Edited([](const Case& c, Gradients& g) { g[Quantity::dW(1)] *= static_cast<double>(c.m()); }),
      course_case());
  EXPECT_EQ(d.id, "missing_inv_m");
  EXPECT_TRUE(says(d, "m = 5")) << d.message;
}

TEST(Diagnose, AnotherActivationsDerivativeIsNamed) {
  // The sigmoid layer's backward pass uses tanh's derivative 1 - A^2.
  class TanhDerivativeForSigmoid : public ReferenceBackprop {
    arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
      const arma::mat& A = p.f.A[static_cast<std::size_t>(l)];
      return dA % (1.0 - A % A);
    }
  } source;
  const Case c = course_case({Activation::sigmoid, Activation::sigmoid});
  const CaseResult r = check_case(c, source);
  ASSERT_TRUE(r.diagnosis);
  EXPECT_EQ(r.diagnosis->id, "activation_derivative");
  EXPECT_TRUE(says(*r.diagnosis, "derivative of tanh")) << r.diagnosis->message;
  EXPECT_TRUE(says(*r.diagnosis, "A1 * (1 - A1)")) << r.diagnosis->message;
}

TEST(Diagnose, CodeThatFailsIsAnAdapterError) {
  class Throws : public ReferenceBackprop {
    Gradients gradients(const Case&) override { throw SourceError("ValueError: shapes (4,3)"); }
  } source;
  const CaseResult r = check_case(course_case(), source);
  EXPECT_FALSE(r.passed());
  ASSERT_TRUE(r.diagnosis);
  EXPECT_EQ(r.diagnosis->id, "adapter_error");
  EXPECT_TRUE(says(*r.diagnosis, "ValueError: shapes (4,3)"));
}

TEST(Diagnose, NaNIsNonFinite) {
  const Diagnosis d = diagnosis_of(
      Edited([](const Case&, Gradients& g) { g[Quantity::db(1)](2, 0) = std::nan(""); }),
      course_case());
  EXPECT_EQ(d.id, "non_finite");
  EXPECT_TRUE(says(d, "db1")) << d.message;
}

TEST(Diagnose, WrongShapesAreTransposedBiasAxisOrMismatch) {
  Diagnosis d = diagnosis_of(Edited([](const Case&, Gradients& g) {
                               g[Quantity::dW(1)] = arma::mat(g[Quantity::dW(1)].t()) * 1.01;
                             }),
                             course_case());
  EXPECT_EQ(d.id, "transposed");
  EXPECT_TRUE(says(d, "dW1 is 3x4 but must be 4x3 (n1 x n0)")) << d.message;
  d = diagnosis_of(Edited([](const Case& c, Gradients& g) {
                     g[Quantity::db(1)] = arma::mat(4, c.m(), arma::fill::ones);
                   }),
                   course_case());
  EXPECT_EQ(d.id, "bias_sum_axis");
  EXPECT_TRUE(says(d, "axis=1")) << d.message;
  d = diagnosis_of(Edited([](const Case&, Gradients& g) { g[Quantity::dW(2)] = arma::mat(2, 2); }),
                   course_case());
  EXPECT_EQ(d.id, "shape_mismatch");
}

TEST(Diagnose, AnL2TermOfTheWrongSizeIsRegularization) {
  const Diagnosis d = diagnosis_of(Edited([](const Case& c, Gradients& g) {
                                     const double m = static_cast<double>(c.m());
                                     g[Quantity::dW(1)] += 2 * c.spec.lambda / m * c.W_of(1);
                                   }),
                                   course_case({Activation::tanh, Activation::sigmoid}, 0.7));
  EXPECT_EQ(d.id, "regularization");
  EXPECT_TRUE(says(d, "W1")) << d.message;
}

TEST(Diagnose, IntermediatesLocateAWrongOutputDelta) {
  const Diagnosis d = diagnosis_of(Edited(
                                       [](const Case& c, Gradients& g) {
                                         // dZ2 off by an amount that is no constant factor.
                                         (void)c;
                                         g[Quantity::dZ(2)] +=
                                             0.3 * arma::square(g[Quantity::dZ(2)]);
                                       },
                                       true),
                                   course_case());
  EXPECT_EQ(d.id, "output_delta");
}

TEST(Diagnose, NothingFitsIsUnknownAndNamesTheLayer) {
  const Diagnosis d = diagnosis_of(
      Edited([](const Case&, Gradients& g) { g[Quantity::dW(1)](0, 0) += 0.05; }), course_case());
  EXPECT_EQ(d.id, "unknown");
  EXPECT_TRUE(says(d, "layer 1")) << d.message;
  EXPECT_TRUE(says(d, "dW1(0,0)")) << d.message;
}

}  // namespace
}  // namespace gradfuzz
