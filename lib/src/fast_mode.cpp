#include "gradfuzz/fast_mode.hpp"

#include <cmath>
#include <cstdio>

namespace gradfuzz {

std::string_view to_string(CheckMode mode) {
  return mode == CheckMode::full ? "full" : "fast";
}

std::optional<CheckMode> find_mode(std::string_view name) {
  if (name == "full") return CheckMode::full;
  if (name == "fast") return CheckMode::fast;
  return std::nullopt;
}

std::string FastSummary::statement() const {
  char text[320];
  if (directions == 0 || !std::isfinite(threshold))
    return "no direction could be verified (each crossed relu kinks or was too imprecise), so no "
           "miss probability is stated";
  // A zero claimed gradient has no size to be relative to.
  if (std::isfinite(relative_threshold))
    std::snprintf(text, sizeof text,
                  "a wrong gradient whose error norm exceeds %.3g (%.3g relative to the claimed "
                  "gradient's) would be missed with probability below %.3g (%zu random "
                  "directions)",
                  threshold, relative_threshold, miss_probability, directions);
  else
    std::snprintf(text, sizeof text,
                  "a wrong gradient whose error norm exceeds %.3g (the claimed gradient is 0) "
                  "would be missed with probability below %.3g (%zu random directions)",
                  threshold, miss_probability, directions);
  return text;
}

}  // namespace gradfuzz
