// The nesting of a JSON text, measured before it is parsed.

#include "gradfuzz/detail/json_depth.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gradfuzz::detail {
namespace {

TEST(JsonNesting, CountsArraysAndObjectsOutsideStrings) {
  EXPECT_EQ(json_nesting("1", 10), 0u);
  EXPECT_EQ(json_nesting(R"({"a": [[1, 2], [3]], "b": {}})", 10), 3u);
  EXPECT_EQ(json_nesting(R"({"a": "[[[[\"[[[", "b": ["]]]"]})", 10), 2u);
  EXPECT_EQ(json_nesting(R"(["\\", [[]]])", 10), 3u);  // an escaped backslash ends no string
}

TEST(JsonNesting, StopsAtTheLimitOnADeepText) {
  const std::string deep(100000, '[');
  EXPECT_EQ(json_nesting(deep, 64), 65u);
  EXPECT_EQ(json_nesting(std::string(64, '[') + std::string(64, ']'), 64), 64u);
}

}  // namespace
}  // namespace gradfuzz::detail
