#pragma once
// Names of the gradients a backprop produces: parameters dW<l>, db<l> and intermediates
// dZ<l>, dA<l>, spelled as NumPy code and PROTOCOL.md spell them ("dW1", "dZ2", "dA0").

#include <armadillo>
#include <compare>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gradfuzz {

struct Quantity {
  enum class Kind { dW, db, dZ, dA };
  Kind kind = Kind::dW;
  int layer = 1;  ///< dW, db, dZ: 1..L; dA: 0..L-1 (dA0 is the gradient with respect to X)

  static Quantity dW(int l) { return {Kind::dW, l}; }
  static Quantity db(int l) { return {Kind::db, l}; }
  static Quantity dZ(int l) { return {Kind::dZ, l}; }
  static Quantity dA(int l) { return {Kind::dA, l}; }

  bool is_parameter() const { return kind == Kind::dW || kind == Kind::db; }
  std::string name() const;
  /// Ordering for reports: parameters first (dW1, db1, dW2, ...), then intermediates from the
  /// output back (dZ2, dA1, dZ1, dA0), the order backprop computes them.
  std::strong_ordering operator<=>(const Quantity& other) const;
  bool operator==(const Quantity& other) const = default;
};

/// Rows and columns of a gradient matrix (assignable, unlike arma::SizeMat).
struct Shape {
  arma::uword rows = 0;
  arma::uword cols = 0;
  /// 2 for a matrix. An adapter may send a gradient as a 1-D array of `cols` entries (ndim 1)
  /// or a single number (ndim 0), as NumPy gives without keepdims; held as 1 x cols, such a
  /// shape never equals a matrix's.
  int ndim = 2;
  bool operator==(const Shape&) const = default;
};
inline Shape shape_of(const arma::mat& M) {
  return {M.n_rows, M.n_cols};
}
/// "4x3"; NumPy's "(3,)" for a 1-D array and "()" for a single number.
std::string to_string(Shape s);

/// "dW2" -> {dW, 2}; nothing for anything else.
std::optional<Quantity> parse_quantity(std::string_view name);

/// Gradients a source claims, or finite differences estimate, by quantity.
using Gradients = std::map<Quantity, arma::mat>;

}  // namespace gradfuzz
