#include "gradfuzz/activation.hpp"

#include <gtest/gtest.h>

TEST(Activation, Placeholder) { EXPECT_EQ(gradfuzz::to_string(gradfuzz::Activation::tanh), "tanh"); }
