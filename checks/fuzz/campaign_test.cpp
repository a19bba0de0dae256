#include "gradfuzz/fuzz/campaign.hpp"

#include <gtest/gtest.h>

#include "gradfuzz/mutants.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

CampaignOptions quick(std::size_t cases, std::uint64_t seed) {
  CampaignOptions o;
  o.cases = cases;
  o.seed = seed;
  return o;
}

TEST(Campaign, ReferencePassesEveryDrawnCase) {
  ReferenceBackprop reference;
  const CampaignResult r = fuzz(reference, quick(300, 7));
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.cases_run, 300u);
  EXPECT_FALSE(r.failure.has_value());
  EXPECT_FALSE(r.quantities.empty());
  EXPECT_GT(r.kink_entries, 0u) << "grid-valued relu cases should put entries on kinks";
}

TEST(Campaign, TheSameSeedRepeatsTheCampaignExactly) {
  auto a = make_mutant("relu_derivative_is_A");
  auto b = make_mutant("relu_derivative_is_A");
  const CampaignResult first = fuzz(*a, quick(100, 99));
  const CampaignResult second = fuzz(*b, quick(100, 99));
  ASSERT_TRUE(first.failure && second.failure);
  EXPECT_EQ(first.failure->case_number, second.failure->case_number);
  EXPECT_EQ(first.failure->found.c.replay, second.failure->found.c.replay);
  EXPECT_EQ(first.failure->shrunk.c.replay, second.failure->shrunk.c.replay);
  EXPECT_EQ(draw_case({}, 5, 3), draw_case({}, 5, 3));
  EXPECT_NE(to_string(draw_case({}, 5, 3)), to_string(draw_case({}, 6, 3)));
}

TEST(Campaign, MissingInvMShrinksToOneLayerOfWidthOneAndTwoExamples) {
  auto source = make_mutant("no_inv_m");
  const CampaignResult r = fuzz(*source, quick(100, 3));
  ASSERT_TRUE(r.failure);
  const Case& small = r.failure->shrunk.c;
  EXPECT_EQ(small.depth(), 1);
  EXPECT_EQ(small.spec.sizes, (std::vector<arma::uword>{1, 1}));
  EXPECT_EQ(small.m(), 2u) << "with m = 1 the two conventions coincide, so 2 is the smallest";
  ASSERT_TRUE(r.failure->shrunk.diagnosis);
  EXPECT_EQ(r.failure->shrunk.diagnosis->id, "missing_inv_m");
  // The replay string recreates the shrunk case exactly.
  const Case again = make_case(parse_recipe(small.replay));
  ASSERT_EQ(again.W.size(), small.W.size());
  for (std::size_t l = 0; l < small.W.size(); ++l)
    EXPECT_TRUE(arma::approx_equal(again.W[l], small.W[l], "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(again.X, small.X, "absdiff", 0.0));
}

// A claim of the wrong shape fails without being compared: its quantity's summary counts no
// comparison, rather than a worst relative difference of 0.
TEST(Campaign, AQuantityWhoseShapeWasWrongIsNotCompared) {
  auto source = make_mutant("dW_transposed");
  const CampaignResult r = fuzz(*source, quick(100, 1));
  ASSERT_TRUE(r.failure);
  bool seen = false;
  for (const QuantitySummary& q : r.quantities) {
    if (q.name == "dW1") {
      seen = true;
      EXPECT_EQ(q.compared, 0u) << "every case so far transposed dW1";
      EXPECT_EQ(q.failures, q.cases);
    } else {
      EXPECT_EQ(q.compared, q.cases) << q.name;
    }
  }
  EXPECT_TRUE(seen);
}

TEST(Campaign, AFastCampaignStatesWhatItsPassedCasesCouldMiss) {
  // Cases 1-4 pass with k >= 2 directions; case 5 fails after one direction. The campaign's
  // statement is about the cases that passed, not the one that failed.
  auto source = make_mutant("sigmoid_derivative_for_tanh");
  CampaignOptions o = quick(100, 3);
  o.check.mode = CheckMode::fast;
  const CampaignResult r = fuzz(*source, o);
  ASSERT_TRUE(r.failure);
  ASSERT_GT(r.failure->case_number, 1u);
  ASSERT_TRUE(r.fast);
  EXPECT_GE(r.fast->directions, 2u) << r.fast->statement();
  EXPECT_LT(r.fast->relative_threshold, 0.1) << r.fast->statement();
}

TEST(Campaign, ShardsSplitTheCasesWithoutOverlap) {
  ReferenceBackprop reference;
  std::size_t total = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    CampaignOptions o = quick(10, 4);
    o.shard = {k, 3};
    const CampaignResult r = fuzz(reference, o);
    EXPECT_TRUE(r.passed());
    total += r.cases_run;
  }
  EXPECT_EQ(total, 10u);
  CampaignOptions bad = quick(10, 4);
  bad.shard = {3, 3};
  EXPECT_THROW(fuzz(reference, bad), std::invalid_argument);
}

// A source that breaks its contract after a few good answers.
class Breaks : public ReferenceBackprop {
 public:
  explicit Breaks(int after) : after_(after) {}
  Gradients gradients(const Case& c) override {
    if (calls_++ == after_) throw ProtocolError("reply 4 was not JSON");
    return ReferenceBackprop::gradients(c);
  }

 private:
  int after_;
  int calls_ = 0;
};

TEST(Campaign, AMisbehavingSourceEndsTheCampaignAndKeepsWhatWasGathered) {
  Breaks source(3);
  const CampaignResult r = fuzz(source, quick(50, 1));
  EXPECT_FALSE(r.passed());
  ASSERT_TRUE(r.misbehaviour);
  EXPECT_EQ(*r.misbehaviour, "reply 4 was not JSON");
  EXPECT_EQ(r.cases_run, 3u);
  EXPECT_FALSE(r.quantities.empty());
}

// The reference is checked on every core; a subclass of it, one case after another. Both
// must report the same campaign, window boundaries (256 cases) included.
class OneAtATime : public ReferenceBackprop {};

TEST(Campaign, CheckingOnEveryCoreReportsWhatOneAtATimeDoes) {
  ReferenceBackprop reference;
  OneAtATime sequential;
  ASSERT_TRUE(reference.info().concurrent);
  ASSERT_FALSE(sequential.info().concurrent);
  const CampaignResult a = fuzz(reference, quick(600, 11));
  const CampaignResult b = fuzz(sequential, quick(600, 11));
  EXPECT_EQ(a.cases_run, b.cases_run);
  EXPECT_EQ(a.kink_entries, b.kink_entries);
  EXPECT_EQ(a.kink_unverified, b.kink_unverified);
  ASSERT_EQ(a.quantities.size(), b.quantities.size());
  for (std::size_t k = 0; k < a.quantities.size(); ++k) {
    EXPECT_EQ(a.quantities[k].name, b.quantities[k].name);
    EXPECT_EQ(a.quantities[k].cases, b.quantities[k].cases);
    EXPECT_EQ(a.quantities[k].max_rel_diff, b.quantities[k].max_rel_diff);
  }
}

// Only what a source supports is drawn.
class TanhOnly : public ReferenceBackprop {
 public:
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.activations = {Activation::tanh, Activation::sigmoid};
    i.losses = {Loss::bce};
    i.regularization = false;
    return i;
  }
  Gradients gradients(const Case& c) override {
    for (int l = 1; l <= c.depth(); ++l)
      EXPECT_TRUE(c.spec.g(l) == Activation::tanh || c.spec.g(l) == Activation::sigmoid);
    EXPECT_EQ(c.spec.loss, Loss::bce);
    EXPECT_EQ(c.spec.lambda, 0.0);
    return ReferenceBackprop::gradients(c);
  }
};

TEST(Campaign, DrawsOnlyWhatTheSourceSupports) {
  TanhOnly source;
  EXPECT_TRUE(fuzz(source, quick(60, 2)).passed());
  CampaignOptions o = quick(5, 2);
  o.generate.losses = {Loss::mse};
  EXPECT_THROW(fuzz(source, o), std::invalid_argument);
}

// A source that declares protocol 1.1's bounds is drawn only networks inside them, with no
// option given, and the campaign records what it declared.
class Declares : public ReferenceBackprop {
 public:
  explicit Declares(NetworkBounds bounds) : bounds_(std::move(bounds)) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.networks = bounds_;
    i.concurrent = false;
    return i;
  }
  Gradients gradients(const Case& c) override {
    if (const auto why = outside(bounds_, all_activations(), c)) {
      ADD_FAILURE() << "drawn outside the declared bounds: " << *why << " (" << c.replay << ")";
    }
    return ReferenceBackprop::gradients(c);
  }

 private:
  NetworkBounds bounds_;
};

TEST(Campaign, DrawsOnlyInsideWhatTheSourceDeclares) {
  NetworkBounds sklearn_like;
  sklearn_like.hidden_activations = {Activation::relu, Activation::tanh};
  sklearn_like.output_activations = {Activation::sigmoid};
  sklearn_like.same_hidden_activation = true;
  NetworkBounds course;  // the course's gradient checking: three layers, a binary head
  course.depth = Range{3, 3};
  course.output_units = Range{1, 1};
  course.hard_labels = true;
  NetworkBounds deep;  // deeper than --max-layers' default: the declaration wins
  deep.depth = Range{5, 6};
  deep.max_width = 3;
  deep.max_batch = 2;
  NetworkBounds wide_output;  // wider than --max-width's default
  wide_output.output_units = Range{10, 10};
  for (const NetworkBounds& b : {sklearn_like, course, deep, wide_output}) {
    Declares source(b);
    const CampaignResult r = fuzz(source, quick(40, 4));
    EXPECT_TRUE(r.passed());
    EXPECT_EQ(r.cases_run, 40u);
    EXPECT_EQ(r.declared, b);
  }
}

TEST(Campaign, OptionsNarrowWhatTheSourceDeclaresOrSayWhyNothingIsLeft) {
  NetworkBounds b;
  b.depth = Range{2, 4};
  Declares source(b);
  CampaignOptions o = quick(30, 5);
  o.generate.depth = Range{4, 9};
  EXPECT_EQ(supported_by(o.generate, source.info()).depth, (Range{4, 4}));
  EXPECT_TRUE(fuzz(source, o).passed());
  o.generate.depth = Range{5, 9};
  try {
    fuzz(source, o);
    FAIL() << "no invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("declares depth 2 to 4, but --depth asks for 5 to 9"),
              std::string::npos)
        << e.what();
  }
}

// A source that does not handle some cases (Unsupported): each is skipped with its reason and
// another drawn; a failure is never shrunk onto one.
class Refuses : public ReferenceBackprop {
 public:
  enum class Refuse { linear_output, shallow, all_but_depth_3 };
  Refuses(Refuse refuse, bool buggy) : refuse_(refuse), buggy_(buggy) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.concurrent = false;
    return i;
  }
  Gradients gradients(const Case& c) override {
    const int L = c.depth();
    if (refuse_ == Refuse::linear_output && c.spec.g(L) == Activation::linear)
      throw Unsupported("no linear output");
    if (refuse_ == Refuse::shallow && L == 1) throw Unsupported("needs a hidden layer");
    if (refuse_ == Refuse::all_but_depth_3 && L != 3)
      throw Unsupported("three layers, not " + std::to_string(L));
    Gradients g = ReferenceBackprop::gradients(c);
    if (buggy_) g.at(Quantity::dW(1)) *= static_cast<double>(c.m());  // no 1/m
    return g;
  }

 private:
  Refuse refuse_;
  bool buggy_;
};

TEST(Campaign, RefusedCasesAreSkippedWithTheirReasonAndOthersDrawn) {
  Refuses source(Refuses::Refuse::linear_output, false);
  const CampaignResult r = fuzz(source, quick(60, 3));
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.cases_run, 60u) << "another case is drawn for each refused one";
  EXPECT_GT(r.cases_skipped, 0u);
  ASSERT_EQ(r.skips.size(), 1u);
  EXPECT_EQ(r.skips[0].reason, "no linear output");
  EXPECT_EQ(r.skips[0].cases, r.cases_skipped);
  EXPECT_EQ(r.skips[0].example.spec.g(r.skips[0].example.depth()), Activation::linear);
  EXPECT_FALSE(r.mostly_refused());
  EXPECT_TRUE(r.refusal_hints.empty());
}

TEST(Campaign, AFailureIsNeverShrunkOntoARefusedCase) {
  Refuses source(Refuses::Refuse::shallow, true);
  const CampaignResult r = fuzz(source, quick(100, 3));
  ASSERT_TRUE(r.failure);
  const Case& small = r.failure->shrunk.c;
  EXPECT_EQ(small.depth(), 2) << small.replay << ": the smallest network the code answers";
  ASSERT_TRUE(r.failure->shrunk.diagnosis);
  EXPECT_EQ(r.failure->shrunk.diagnosis->id, "missing_inv_m");
  EXPECT_FALSE(r.failure->shrunk.skipped());
}

TEST(Campaign, WhenMostCasesAreRefusedTheCampaignStopsAndSaysWhatWouldDescribeTheCode) {
  Refuses source(Refuses::Refuse::all_but_depth_3, false);
  const CampaignResult r = fuzz(source, quick(50, 3));
  EXPECT_TRUE(r.mostly_refused());
  EXPECT_FALSE(r.passed());
  EXPECT_FALSE(r.failure);
  EXPECT_EQ(r.cases_skipped, 51u) << "it stops once more than the planned cases were refused";
  EXPECT_LT(r.cases_run, 50u);
  ASSERT_FALSE(r.refusal_hints.empty());
  EXPECT_EQ(r.refusal_hints.front().rfind("depth: it answered for depth 3 and refused 1, 2", 0), 0u)
      << r.refusal_hints.front();
}

}  // namespace
}  // namespace gradfuzz
