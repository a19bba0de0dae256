#pragma once
// How big a case is before it is made: its entries counted in floating point (a size like
// 4294967296 x 4294967296 would overflow rows * cols), and the memory checking it needs, so
// that a case that cannot fit is refused with a message instead of dying of bad_alloc.

#include <armadillo>
#include <cstddef>

#include "gradfuzz/net_spec.hpp"

namespace gradfuzz {

/// The most entries any one matrix of a case may hold (W<l>, X, Y, Z<l>): far beyond what fits
/// in memory for checking, well inside what arma::uword and every index computed from it hold.
inline constexpr double kMaxCaseMatrixEntries = 4294967296.0;  // 2^32

struct CaseSize {
  double parameters = 0;      ///< P = sum over l of n<l> * (n<l-1> + 1)
  double activations = 0;     ///< sum over l = 0..L of n<l> * m: X, then each Z<l> (and A<l>)
  double largest_matrix = 0;  ///< entries of the largest W<l>, Z<l>, X or Y
  /// An estimate of the bytes a full check of the case holds at its peak: the parameters and
  /// their gradients (claimed, numeric, both conventions' references: about a dozen copies of
  /// P), the forward pass and its intermediates (about a dozen copies of the activations), and
  /// the batched finite differences' blocks of shifted columns per thread. Meant to err high;
  /// used to refuse what cannot fit, not to plan allocation. Memory only: a case that fits may
  /// still take long (full mode's work grows as P^2 m).
  double bytes = 0;
};

/// The size of a case of `spec` with batch `m`, counted without overflow. Never throws.
CaseSize case_size(const NetSpec& spec, double m);

/// Throws SpecError when a matrix of the case would hold more than kMaxCaseMatrixEntries entries
/// (naming it and its size), before anything is allocated.
void check_size(const NetSpec& spec, arma::uword m);

}  // namespace gradfuzz
