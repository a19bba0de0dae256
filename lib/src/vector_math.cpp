#include "vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#if defined(GRADFUZZ_HAVE_LIBMVEC) && defined(__x86_64__)
#include <immintrin.h>
#define GRADFUZZ_VECTOR_MATH 1
#endif

namespace gradfuzz::detail {
namespace {

#ifdef GRADFUZZ_VECTOR_MATH
// glibc's vector functions (x86_64 vector ABI names: b = SSE2, 2 lanes; d = AVX2, 4 lanes).
extern "C" {
__m128d _ZGVbN2v_tanh(__m128d);
__m128d _ZGVbN2v_exp(__m128d);
__m128d _ZGVbN2v_log1p(__m128d);
__m256d _ZGVdN4v_tanh(__m256d);
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4v_log1p(__m256d);
}

// Each applies f to every entry, a vector at a time; the last partial vector is padded, so
// that every entry goes through f itself.
template <__m128d (*f)(__m128d)>
void sse2(std::span<double> x) {
  std::size_t i = 0;
  for (; i + 2 <= x.size(); i += 2) _mm_storeu_pd(x.data() + i, f(_mm_loadu_pd(x.data() + i)));
  if (i == x.size()) return;
  double tail[2] = {x[i], 0.0};
  _mm_storeu_pd(tail, f(_mm_loadu_pd(tail)));
  x[i] = tail[0];
}

template <__m256d (*f)(__m256d)>
__attribute__((target("avx2"))) void avx2(std::span<double> x) {
  std::size_t i = 0;
  for (; i + 4 <= x.size(); i += 4)
    _mm256_storeu_pd(x.data() + i, f(_mm256_loadu_pd(x.data() + i)));
  if (i == x.size()) return;
  double tail[4] = {};
  std::copy(x.begin() + static_cast<std::ptrdiff_t>(i), x.end(), tail);
  _mm256_storeu_pd(tail, f(_mm256_loadu_pd(tail)));
  std::copy(tail, tail + (x.size() - i), x.begin() + static_cast<std::ptrdiff_t>(i));
}

using Kernel = void (*)(std::span<double>);

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

template <Kernel on_avx2, Kernel on_sse2>
void dispatch(std::span<double> x) {
  if (has_avx2())
    on_avx2(x);
  else
    on_sse2(x);
}
#endif

}  // namespace

#ifdef GRADFUZZ_VECTOR_MATH
void tanh_in_place(std::span<double> x) {
  dispatch<avx2<_ZGVdN4v_tanh>, sse2<_ZGVbN2v_tanh>>(x);
}
void exp_in_place(std::span<double> x) {
  dispatch<avx2<_ZGVdN4v_exp>, sse2<_ZGVbN2v_exp>>(x);
}
void log1p_in_place(std::span<double> x) {
  dispatch<avx2<_ZGVdN4v_log1p>, sse2<_ZGVbN2v_log1p>>(x);
}
#else
void tanh_in_place(std::span<double> x) {
  for (double& v : x) v = std::tanh(v);
}
void exp_in_place(std::span<double> x) {
  for (double& v : x) v = std::exp(v);
}
void log1p_in_place(std::span<double> x) {
  for (double& v : x) v = std::log1p(v);
}
#endif

}  // namespace gradfuzz::detail
