#pragma once

namespace gradfuzz::cli {

/// gradfuzz spreads its own work over the cores (the shifted costs of a full check run on
/// threads, each keeping its products small), so a threaded BLAS underneath only competes for
/// the same cores: OpenBLAS's helper threads spin while they wait, and on a busy machine a
/// fast-mode check of a 784-128-64-10 network took 0.2-0.5 s with them and 0.08 s without.
/// Makes OpenBLAS single-threaded unless the user chose a thread count in the environment
/// (OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS, OMP_NUM_THREADS), which is then respected.
/// Returns whether it changed the setting; with a BLAS other than OpenBLAS it does nothing.
bool keep_blas_single_threaded();

}  // namespace gradfuzz::cli
