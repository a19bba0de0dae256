// gradfuzz checks the hand-written backprop: the correct code passes, each planted bug is
// caught and named.

#include "two_layer_backprop.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <gradfuzz/gtest.hpp>

#include <string>

namespace {

// Random two-layer tanh-sigmoid networks: widths 1..6, batches 1..8, 200 cases.
gradfuzz::CampaignOptions two_layer_networks() {
  gradfuzz::CampaignOptions options;
  options.cases = 200;
  options.generate.activations = {gradfuzz::Activation::tanh, gradfuzz::Activation::sigmoid};
  return options;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(TwoLayerBackprop, GradientsAreCorrect) {
  TwoLayerBackprop backprop;
  EXPECT_GRADIENTS_CORRECT(backprop, two_layer_networks());
}

TEST(TwoLayerBackprop, AMissingInvMIsCaughtAndNamed) {
  TwoLayerBackprop buggy(TwoLayerBackprop::Bug::missing_inv_m);
  const ::testing::AssertionResult result =
      gradfuzz::testing::gradients_correct(buggy, two_layer_networks());
  ASSERT_FALSE(result);
  EXPECT_TRUE(contains(result.message(), "diagnosis [missing_inv_m]")) << result.message();
  EXPECT_TRUE(contains(result.message(), "replay: gradfuzz replay 'v1;")) << result.message();
}

// EXPECT_NONFATAL_FAILURE's statement may name no local variable: a function gives the source.
TwoLayerBackprop& transposed_dW() {
  static TwoLayerBackprop buggy(TwoLayerBackprop::Bug::dW_transposed);
  return buggy;
}

TEST(TwoLayerBackprop, ATransposedDWIsCaughtAndNamed) {
  EXPECT_NONFATAL_FAILURE(EXPECT_GRADIENTS_CORRECT(transposed_dW(), two_layer_networks()),
                          "diagnosis [transposed]");
}

}  // namespace
