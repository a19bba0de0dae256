// The diagnosis's search and probes on bugs written the ways people write them, not as the
// catalogue writes them: each test's source is its own backprop slip, and each asserts the id,
// the words a person acts on and, where it matters, the probes.
#include <gtest/gtest.h>

#include <functional>

#include "gradfuzz/check.hpp"
#include "gradfuzz/diagnose.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/fuzz/campaign.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

const arma::mat& Z_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.Z[static_cast<std::size_t>(l)];
}
const arma::mat& A_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.A[static_cast<std::size_t>(l)];
}
arma::mat sigmoid(const arma::mat& z) {
  return 1 / (1 + arma::exp(-z));
}

// A source whose backward step for `on` layers multiplies by `factor(Z, A)` instead of g'(Z)
// (as code with one backward function per activation does).
class HiddenDerivative final : public ReferenceBackprop {
 public:
  HiddenDerivative(Activation on, std::function<arma::mat(const arma::mat&, const arma::mat&)> f)
      : on_(on), factor_(std::move(f)) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.name = "hidden_derivative";
    i.concurrent = false;
    return i;
  }
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    if (p.c.spec.g(l) != on_) return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % factor_(Z_of(p, l), A_of(p, l));
  }

 private:
  Activation on_;
  std::function<arma::mat(const arma::mat&, const arma::mat&)> factor_;
};

// A source whose output delta dZ[L] is `delta(A[L], Y)`.
class OutputDelta final : public ReferenceBackprop {
 public:
  explicit OutputDelta(std::function<arma::mat(const arma::mat&, const arma::mat&)> f)
      : delta_(std::move(f)) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.name = "output_delta";
    i.concurrent = false;
    return i;
  }
  arma::mat output_delta(const Pass& p) const override {
    return delta_(A_of(p, p.c.depth()), p.c.Y);
  }

 private:
  std::function<arma::mat(const arma::mat&, const arma::mat&)> delta_;
};

// A source whose parameter gradients are the reference's, edited afterwards.
class Edited final : public ReferenceBackprop {
 public:
  explicit Edited(std::function<void(const Case&, Gradients&)> edit) : edit_(std::move(edit)) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.name = "edited";
    i.intermediates = false;
    i.concurrent = false;
    return i;
  }
  Gradients gradients(const Case& c) override {
    Gradients g = ReferenceBackprop::gradients(c);
    std::erase_if(g, [](const auto& kv) { return !kv.first.is_parameter(); });
    edit_(c, g);
    return g;
  }

 private:
  std::function<void(const Case&, Gradients&)> edit_;
};

Case drawn(std::vector<arma::uword> sizes, std::vector<Activation> g, Loss loss, arma::uword m,
           std::uint64_t seed, Labels labels = Labels::hard, double scale = 1, double lambda = 0,
           double slope = 0.01) {
  CaseRecipe r;
  r.spec.sizes = std::move(sizes);
  r.spec.activations = std::move(g);
  r.spec.loss = loss;
  r.spec.lambda = lambda;
  r.spec.leaky_slope = slope;
  r.batch = m;
  r.seed = seed;
  r.labels = labels;
  r.weight_scale = scale;
  return make_case(r);
}

Diagnosis diagnosis_of(GradientSource& source, const Case& c) {
  const CaseResult r = check_case(c, source);
  EXPECT_FALSE(r.passed()) << c.replay;
  return r.diagnosis.value_or(Diagnosis{"(none)", "", {}, {}});
}

bool says(const Diagnosis& d, const std::string& words) {
  return d.message.find(words) != std::string::npos;
}

const Case tanh_net = drawn({3, 4, 1}, {Activation::tanh, Activation::sigmoid}, Loss::bce, 5, 3);

TEST(Hypotheses, SigmoidsDerivativeWrittenInZOnATanhLayerIsNamed) {
  // The learners' thread's derivation applied to the assignment's tanh network.
  HiddenDerivative source(Activation::tanh, [](const arma::mat& Z, const arma::mat&) -> arma::mat {
    return sigmoid(Z) % (1 - sigmoid(Z));
  });
  const Diagnosis d = diagnosis_of(source, tanh_net);
  EXPECT_EQ(d.id, "activation_derivative");
  EXPECT_TRUE(says(d, "sigmoid(Z1) * (1 - sigmoid(Z1))")) << d.message;
  EXPECT_TRUE(says(d, "is the derivative of sigmoid")) << d.message;
  EXPECT_TRUE(says(d, "dZ1 = dA1 * (1 - np.power(A1, 2))")) << d.message;
  EXPECT_FALSE(d.probes.empty());
}

TEST(Hypotheses, TheAFormOfTanhsDerivativeFedZIsNamed) {
  HiddenDerivative source(Activation::tanh, [](const arma::mat& Z, const arma::mat&) -> arma::mat {
    return 1 - Z % Z;
  });
  const Diagnosis d = diagnosis_of(source, tanh_net);
  EXPECT_EQ(d.id, "activation_derivative");
  EXPECT_EQ(d.mutant.value_or(""), "derivative_form_at_Z") << d.message;
}

TEST(Hypotheses, AnInvertedReluIndicatorIsNamed) {
  HiddenDerivative source(Activation::relu, [](const arma::mat& Z, const arma::mat&) -> arma::mat {
    return arma::conv_to<arma::mat>::from(Z < 0);
  });
  const Diagnosis d = diagnosis_of(
      source, drawn({3, 4, 2}, {Activation::relu, Activation::softmax}, Loss::ce, 6, 4));
  EXPECT_EQ(d.id, "activation_derivative");
  EXPECT_EQ(d.mutant.value_or(""), "relu_indicator_inverted") << d.message;
}

TEST(Hypotheses, AHardCodedLeakySlopeIsFittedFromTheNumbers) {
  // Any slope, not only the catalogue's 0.01: 0.2 where the forward pass uses 0.05.
  HiddenDerivative source(Activation::leaky_relu,
                          [](const arma::mat& Z, const arma::mat&) -> arma::mat {
                            arma::mat d(arma::size(Z));
                            for (arma::uword k = 0; k < Z.n_elem; ++k) d[k] = Z[k] > 0 ? 1.0 : 0.2;
                            return d;
                          });
  const Case c = drawn({3, 4, 1}, {Activation::leaky_relu, Activation::sigmoid}, Loss::bce, 6, 5,
                       Labels::hard, 1, 0, 0.05);
  const Diagnosis d = diagnosis_of(source, c);
  EXPECT_EQ(d.id, "activation_derivative");
  EXPECT_EQ(d.hypothesis.rfind("leaky_slope", 0), 0u) << d.hypothesis;
  EXPECT_TRUE(says(d, "uses slope 0.2")) << d.message;
  EXPECT_TRUE(says(d, "forward pass uses 0.05")) << d.message;
}

TEST(Hypotheses, ALoopThatReadsTheWrongLayersCacheIsWrongLayerIndex) {
  // dW1 comes back equal to the true dW2, db1 to db2 (equal widths, so it runs).
  Edited source([](const Case&, Gradients& g) {
    g[Quantity::dW(1)] = g[Quantity::dW(2)];
    g[Quantity::db(1)] = g[Quantity::db(2)];
  });
  const Case c = drawn({3, 3, 3}, {Activation::tanh, Activation::sigmoid}, Loss::bce, 4, 6);
  const Diagnosis d = diagnosis_of(source, c);
  EXPECT_EQ(d.id, "wrong_layer_index") << d.message;
  EXPECT_TRUE(says(d, "dW1 equals the true dW2")) << d.message;
}

TEST(Hypotheses, ClippedPredictionsAreAnOutputDelta) {
  // dZ[L] = np.clip(A, 1e-7, 1 - 1e-7) - Y: wrong only where the output saturates.
  OutputDelta source([](const arma::mat& A, const arma::mat& Y) -> arma::mat {
    return arma::clamp(A, 1e-7, 1 - 1e-7) - Y;
  });
  const Case c = drawn({2, 1}, {Activation::sigmoid}, Loss::bce, 6, 9, Labels::hard, 60);
  const Diagnosis d = diagnosis_of(source, c);
  EXPECT_EQ(d.id, "output_delta") << d.message;
  EXPECT_TRUE(says(d, "clip")) << d.message;
}

TEST(Hypotheses, ArgmaxLabelsAreAnOutputDeltaNotAConstantFactor) {
  // On soft labels A - onehot(argmax Y) is no multiple of A - Y (on two classes it can be).
  OutputDelta source([](const arma::mat& A, const arma::mat& Y) -> arma::mat {
    arma::mat hard(arma::size(Y), arma::fill::zeros);
    for (arma::uword j = 0; j < Y.n_cols; ++j) hard(Y.col(j).index_max(), j) = 1;
    return A - hard;
  });
  const Case c = drawn({5, 4}, {Activation::softmax}, Loss::ce, 4, 10, Labels::soft);
  const Diagnosis d = diagnosis_of(source, c);
  EXPECT_EQ(d.id, "output_delta") << d.message;
  EXPECT_EQ(d.mutant.value_or(""), "argmax_labels") << d.message;
}

TEST(Hypotheses, AProbeOfAnotherBatchSizeTellsAConstantFromM) {
  // A factor of 3 on a batch of m = 3 reads as a missing 1/m on that case alone.
  Edited source([](const Case&, Gradients& g) {
    for (auto& [q, value] : g) value *= 3;
  });
  const Case c = drawn({3, 2, 1}, {Activation::tanh, Activation::sigmoid}, Loss::bce, 3, 11);
  const Diagnosis d = diagnosis_of(source, c);
  EXPECT_EQ(d.id, "constant_factor") << d.message;
  bool batch_ruled_out_m = false;
  for (const Probe& p : d.probes)
    if (p.kind == "batch")
      for (const auto& h : p.contradicted) batch_ruled_out_m |= h.find("m^1") != std::string::npos;
  EXPECT_TRUE(batch_ruled_out_m) << d.message;
}

TEST(Hypotheses, TwoSlipsAreNamedTogether) {
  // The 1/m forgotten and sigmoid's derivative on a tanh layer, in one implementation.
  class TwoSlips final : public ReferenceBackprop {
   public:
    SourceInfo info() const override {
      SourceInfo i = ReferenceBackprop::info();
      i.concurrent = false;
      return i;
    }
    arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
      return dA % A_of(p, l) % (1 - A_of(p, l));
    }
    arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
      return dZ * A_of(p, l - 1).t();
    }
    arma::mat bias_gradient(const Pass&, int, const arma::mat& dZ) const override {
      return arma::sum(dZ, 1);
    }
  } source;
  const Diagnosis d = diagnosis_of(source, tanh_net);
  ASSERT_EQ(d.ids.size(), 2u) << d.message;
  EXPECT_NE(std::find(d.ids.begin(), d.ids.end(), "missing_inv_m"), d.ids.end()) << d.message;
  EXPECT_NE(std::find(d.ids.begin(), d.ids.end(), "activation_derivative"), d.ids.end());
  EXPECT_TRUE(says(d, "Two slips")) << d.message;
}

TEST(Hypotheses, TwoSlipsHiddenFromTheShrunkCaseAreFoundByProbing) {
  // A campaign shrinks to a network without hidden layers, where only the 1/m shows; the
  // deeper probe shows the missing derivative, and the search is done again there.
  class TwoSlips final : public ReferenceBackprop {
   public:
    SourceInfo info() const override {
      SourceInfo i = ReferenceBackprop::info();
      i.concurrent = false;
      i.activations = {Activation::tanh, Activation::sigmoid};
      return i;
    }
    arma::mat activation_backward(const Pass&, int, const arma::mat& dA) const override {
      return dA;
    }
    arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
      return dZ * A_of(p, l - 1).t();
    }
    arma::mat bias_gradient(const Pass&, int, const arma::mat& dZ) const override {
      return arma::sum(dZ, 1);
    }
  } source;
  CampaignOptions options;
  options.cases = 50;
  options.seed = 2;
  options.generate.hidden = {Activation::tanh, Activation::sigmoid};
  options.generate.output = {Activation::sigmoid};
  options.generate.losses = {Loss::bce};
  options.generate.min_batch = 2;
  const CampaignResult result = fuzz(source, options);
  ASSERT_TRUE(result.failure);
  const Diagnosis& d = result.failure->shrunk.diagnosis.value();
  EXPECT_NE(std::find(d.ids.begin(), d.ids.end(), "missing_inv_m"), d.ids.end()) << d.message;
  EXPECT_NE(std::find(d.ids.begin(), d.ids.end(), "missing_activation_derivative"), d.ids.end())
      << d.message;
}

TEST(Hypotheses, AMissingTransposeThatCrashesIsDiagnosedOnEqualWidths) {
  // Code that computes W dZ instead of W^T dZ fails wherever widths differ, like NumPy.
  class MissingTranspose final : public ReferenceBackprop {
   public:
    SourceInfo info() const override {
      SourceInfo i = ReferenceBackprop::info();
      i.concurrent = false;
      i.intermediates = false;
      return i;
    }
    Gradients gradients(const Case& c) override {
      for (int l = 2; l <= c.depth(); ++l)
        if (c.W_of(l).n_rows != c.W_of(l).n_cols)
          throw SourceError("ValueError: shapes not aligned");
      Gradients g = ReferenceBackprop::gradients(c);
      std::erase_if(g, [](const auto& kv) { return !kv.first.is_parameter(); });
      return g;
    }
    arma::mat propagate(const Pass& p, int l, const arma::mat& dZ) const override {
      return p.c.W_of(l) * dZ;
    }
  } source;
  const Case c = drawn({3, 4, 2}, {Activation::tanh, Activation::sigmoid}, Loss::bce, 4, 12);
  const Diagnosis d = diagnosis_of(source, c);
  EXPECT_EQ(d.id, "transposed") << d.message;
  ASSERT_FALSE(d.probes.empty());
  EXPECT_EQ(d.probes.front().kind, "square");
}

TEST(Hypotheses, UnknownInAOneLayerNetworkSaysNoLayersAbove) {
  Edited source([](const Case&, Gradients& g) { g[Quantity::dW(1)](0, 0) += 0.05; });
  const Case c = drawn({3, 1}, {Activation::sigmoid}, Loss::bce, 4, 13);
  const Diagnosis d = diagnosis_of(source, c);
  EXPECT_EQ(d.id, "unknown");
  EXPECT_FALSE(says(d, "layers above it")) << d.message;
  EXPECT_TRUE(says(d, "one layer")) << d.message;
  EXPECT_TRUE(says(d, "Ruled out")) << d.message;
}

}  // namespace
}  // namespace gradfuzz
