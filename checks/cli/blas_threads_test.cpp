#include "blas_threads.hpp"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>

namespace {

using GetThreads = int (*)();
using SetThreads = void (*)(int);

GetThreads openblas_threads() {
  return reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
}

TEST(BlasThreads, OpenBlasRunsOnOneThreadUnlessTheUserChoseACount) {
  const GetThreads threads = openblas_threads();
  if (threads == nullptr) GTEST_SKIP() << "the BLAS in use is not OpenBLAS";
  ASSERT_EQ(unsetenv("OPENBLAS_NUM_THREADS"), 0);
  ASSERT_EQ(unsetenv("GOTO_NUM_THREADS"), 0);
  ASSERT_EQ(unsetenv("OMP_NUM_THREADS"), 0);
  EXPECT_TRUE(gradfuzz::cli::keep_blas_single_threaded());
  EXPECT_EQ(threads(), 1);
}

TEST(BlasThreads, AThreadCountInTheEnvironmentIsLeftAlone) {
  const GetThreads threads = openblas_threads();
  if (threads == nullptr) GTEST_SKIP() << "the BLAS in use is not OpenBLAS";
  reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))(2);
  const int before = threads();
  if (before < 2) GTEST_SKIP() << "OpenBLAS was built for, or found, a single core";
  for (const char* chosen : {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"}) {
    ASSERT_EQ(setenv(chosen, "2", 1), 0);
    EXPECT_FALSE(gradfuzz::cli::keep_blas_single_threaded()) << chosen;
    EXPECT_EQ(threads(), before) << chosen;
    ASSERT_EQ(unsetenv(chosen), 0);
  }
}

}  // namespace
