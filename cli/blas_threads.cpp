#include "blas_threads.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <initializer_list>

namespace gradfuzz::cli {

bool keep_blas_single_threaded() {
  for (const char* chosen : {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"})
    if (std::getenv(chosen) != nullptr) return false;
  // Looked up at run time: the BLAS is whichever libblas.so.3 the system's alternatives name.
  using SetThreads = void (*)(int);
  auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set == nullptr) return false;
  set(1);
  return true;
}

}  // namespace gradfuzz::cli
