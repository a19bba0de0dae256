#pragma once
// Reads a formula in the course's notation, in NumPy's, or in a mix of both.
//
//   formula  := gradient '=' expr
//   expr     := sum [comparison sum]                  (< > <= >= == !=, giving 0/1)
//   sum      := product (('+' | '-') product)*
//   product  := chain (('*' | '@') chain | '/' unary chain-rest)*
//   chain    := unary power*                          juxtaposition is the matrix product
//   unary    := ('-' | '+') unary | power
//   power    := postfix ['**' unary]
//   postfix  := atom (T | ^T | .T | ᵀ | ^2 | ² | .astype(..) | .sum(..) | .dot(..))*
//   atom     := number | m | lambda | quantity | function '(' args ')' | '(' expr ')'
//
// Juxtaposition binds tighter than * so that `W[2]T dz[2] * g[1]'(z[1])` is (W[2]T dz[2]) *
// g[1]'(z[1]); the divisor of / is one operand, so `1/m dz[1] X^T` is (1/m) dz[1] X^T. Every
// formula valid in Python means what it means in NumPy.
//
// Quantities: W, b, Z, A, X (= A[0]), Y, dW, db, dZ, dA (lower case too: dz[1], w[2]) with a
// layer written [2], ^{[2]}, ^[2] or as a suffix (W2, dZ1, AL); the layer may be l, L, l+1,
// L-1. Functions: g[l] and g[l]' (g'(z[1]) takes its layer from the argument), sigmoid/σ,
// tanh, relu, leaky_relu and their derivatives sigmoid'(..), and np.dot, np.matmul,
// np.multiply, np.divide, np.add, np.subtract, np.power, np.square, np.sqrt, np.sum, np.exp,
// np.log, np.tanh, np.abs, np.maximum, np.minimum, np.where, np.transpose, np.int64 (and other
// integer and float casts).

#include <cstddef>
#include <string_view>

#include "gradfuzz/formula/ast.hpp"

namespace gradfuzz::formula {

/// Longest formula read, in bytes; longer text is refused with a FormulaError.
inline constexpr std::size_t kMaxFormulaLength = 4096;
/// Deepest nesting of parentheses, calls and unary signs.
inline constexpr int kMaxNesting = 200;

/// Parses one formula. Throws FormulaError (with the place and what was expected there) for
/// anything else: a malformed expression, an unknown name or function, a left side that is not
/// a gradient, a layer that cannot exist (W[0], A[L+1]).
Formula parse(std::string_view text);

/// Parses a gradient's name alone (dz[1], dW2, db^{[1]}, dZ[L], dA[l-1]), as `explain` takes
/// it. Throws FormulaError for anything else.
Target parse_target(std::string_view text);

}  // namespace gradfuzz::formula
