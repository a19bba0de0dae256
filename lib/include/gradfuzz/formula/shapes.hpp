#pragma once
// Symbolic shapes: every operation of a formula checked with the sizes the course uses (n[l],
// m, 1) before any number is computed. A mismatch is explained as a person would: the operation
// and where it is, both operand shapes in symbols and for the network at hand, which sizes
// disagree, and the likely fix, found by trying the edits learners most often need (a transpose,
// the other axis of np.sum, keepdims, a neighbouring layer, * for a matrix product) and keeping
// the first that makes the whole formula work.
//
// Sizes in symbols are distinct unless they are the same symbol: n1 and n2 differ even on a
// network where both are 4, so a formula that only type-checks on square networks is caught.
// NumPy's rules apply: broadcasting of sizes that are equal or 1, np.sum without keepdims
// dropping the axis (a 1-D array), np.dot of a number scaling.

#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/formula/ast.hpp"
#include "gradfuzz/net_spec.hpp"

namespace gradfuzz::formula {

/// A size: 1, m, or the width n[l] of a layer.
struct Dim {
  enum class Kind { one, m, n };
  Kind kind = Kind::one;
  LayerIndex layer;  ///< Kind::n

  bool operator==(const Dim& other) const;
  /// "1", "m", "n1", "n[l+1]"
  std::string text() const;
};

/// The shape of a value: a number (rank 0), a 1-D array of `cols` entries (rank 1, as NumPy
/// gives from np.sum without keepdims) or a rows x cols matrix (rank 2).
struct SymbolicShape {
  int rank = 2;
  Dim rows, cols;

  bool operator==(const SymbolicShape& other) const;
  /// "(n1 × m)", "(n1,)", "a number"
  std::string text() const;
};

/// The network the concrete sizes in messages are given for.
struct ShapeExample {
  std::vector<arma::uword> sizes;  ///< n0..nL
  arma::uword m = 1;
  int l = 1;  ///< the value of l in formulas that use it
};

/// A formula whose shapes cannot work: a wrong formula (status 1), not a malformed one.
struct ShapeFinding {
  /// transposed, wrong_layer_index, bias_sum_axis or shape_mismatch.
  std::string id;
  /// The explanation, e.g. "the matrix product W[2] dz[2] is (n2 × n1)(n2 × m), here
  /// (1 × 4)(1 × 5): inner sizes n1 and n2 differ — did you mean W[2]T dz[2]?"
  std::string message;
  Span where;  ///< the operation that fails, or the right side when its result has the wrong shape
  std::optional<std::string> suggestion;  ///< the fixed operation, as the formula would read
};

/// One operation of a formula whose shapes work, as check_shapes went through it.
struct ShapeStep {
  std::string text;    ///< the operation as written, e.g. "W[2]T dz[2]"
  std::string shapes;  ///< "(n1 × n2)(n2 × m) → (n1 × m)"
  std::string here;    ///< "(4 × 1)(1 × 5) → (4 × 5)"
};

struct ShapeReport {
  std::optional<ShapeFinding> finding;
  SymbolicShape target;  ///< what the left side must be, e.g. (n1 × m) for dZ[1]
  SymbolicShape result;  ///< what the right side is (when there is no finding, the same)
  /// Symbols with their sizes in the example, e.g. "n0=3, n1=4, n2=1, m=5".
  std::string bindings;
  /// The right side's last operation with its operands' shapes, when the shapes work: e.g.
  /// "(n1 × n2)(n2 × m) → (n1 × m)" for W[2]T dZ[2]; numbers show as written ("1/m").
  std::string outline;
  /// The same for the example network: "(4 × 1)(1 × 5) → (4 × 5)".
  std::string outline_here;
  /// Every product, elementwise operation and sum of arrays, innermost first, when the shapes
  /// work (scaling by a number is left out).
  std::vector<ShapeStep> steps;
};

/// Checks every operation of `f`. L is symbolic when the formula names layers with l or L, and
/// example.sizes.size() - 1 otherwise. Never computes a value.
ShapeReport check_shapes(const Formula& f, const ShapeExample& example);

}  // namespace gradfuzz::formula
