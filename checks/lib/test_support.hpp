#pragma once
// Small helpers shared by the checks: asserting on what an error message says.

#include <gtest/gtest.h>

#include <string>

namespace gradfuzz::checks {

/// Passes when `what` contains `text`; on failure shows the whole message.
inline ::testing::AssertionResult Mentions(const char* what_expr, const char* /*text_expr*/,
                                           const std::string& what, const std::string& text) {
  if (what.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << what_expr << " does not mention \"" << text << "\"; it is \"" << what << "\"";
}

/// The what() of the exception of type E that `f` throws, or "" if it throws nothing.
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace gradfuzz::checks

#define EXPECT_MENTIONS(what, text) EXPECT_PRED_FORMAT2(::gradfuzz::checks::Mentions, what, text)
