#pragma once
// tanh, exp and log1p over whole arrays: the transcendental functions of the forward pass,
// which finite differences evaluate billions of times on a large network. Where glibc's
// vector math library (libmvec) is available they run four (AVX2) or two (SSE2) entries per
// call, as accurate as the scalar functions (within about 3 ulp); elsewhere they are the
// scalar std:: functions. Every entry of every array goes through the same code path, so one
// value gets the same result wherever it is computed (the batched engine and its oracle agree).

#include <span>

namespace gradfuzz::detail {

void tanh_in_place(std::span<double> x);
void exp_in_place(std::span<double> x);
void log1p_in_place(std::span<double> x);

}  // namespace gradfuzz::detail
