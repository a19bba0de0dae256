#pragma once
// The syntax tree of a formula. Both notations parse to the same tree: the course's W[2]T dz[2]
// and NumPy's np.dot(W2.T, dZ2) are the same matmul of a transpose and a gradient. Every node
// keeps the span it was written in and how it was spelled, so messages can quote the formula.

#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/activation.hpp"
#include "gradfuzz/formula/error.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz::formula {

/// A layer as written: a number (W[2], W2), or the symbol l or L plus an offset (W[l+1], A[L]).
struct LayerIndex {
  enum class Base { number, l, L };
  Base base = Base::number;
  int offset = 0;  ///< the layer for Base::number, else what is added to l or L
  Span span;       ///< the index as written: "2" in W[2] and in W2, "l+1" in W[l+1]

  /// The layer for a given l and L.
  int at(int l, int L) const;
  /// "2", "l", "l+1", "L-1".
  std::string text() const;
  bool same_as(const LayerIndex& other) const {
    return base == other.base && offset == other.offset;
  }
};

/// The quantities a formula may name. X is A[0].
enum class Symbol { W, b, Z, A, Y, dW, db, dZ, dA };

/// "W", "dZ", ...
std::string to_string(Symbol s);
/// Whether a symbol names a gradient (the left side must).
bool is_gradient(Symbol s);
/// The smallest and largest layer a symbol has in an L-layer network: W, b, Z, dW, db, dZ and
/// g have 1..L, A has 0..L, dA has 0..L-1 (dA[L] is not a quantity gradfuzz checks).
int lowest_layer(Symbol s);
int highest_layer(Symbol s, int L);

enum class Op {
  number,         ///< value
  m,              ///< the batch size
  lambda,         ///< the L2 strength
  symbol,         ///< symbol[layer]; Y has no layer
  negate,         ///< -a
  add,            ///< a + b (NumPy broadcasting)
  subtract,       ///< a - b
  multiply,       ///< a * b, np.multiply: elementwise
  divide,         ///< a / b, np.divide: elementwise
  matmul,         ///< a b (juxtaposition), np.dot, np.matmul, @, a.dot(b)
  power,          ///< a ** b, np.power, a^2, a², np.square
  less,           ///< a < b, as 0/1
  greater,        ///< a > b
  less_equal,     ///< a <= b
  greater_equal,  ///< a >= b
  equal,          ///< a == b
  not_equal,      ///< a != b
  transpose,      ///< aT, a^T, a.T, aᵀ, np.transpose(a)
  activate,       ///< g[l](a), sigmoid(a), np.tanh(a), relu(a)
  derivative,     ///< g[l]'(a), sigmoid'(a), tanh'(a), relu'(a)
  sum,            ///< np.sum(a, axis=.., keepdims=..), a.sum(...)
  exp,            ///< np.exp
  log,            ///< np.log
  sqrt,           ///< np.sqrt
  abs,            ///< np.abs
  maximum,        ///< np.maximum(a, b)
  minimum,        ///< np.minimum(a, b)
  where,          ///< np.where(condition, a, b)
  truncate,       ///< np.int64(a), a.astype(int): toward zero
  as_float        ///< np.float64(a), a.astype(float): unchanged
};

/// np.sum's axis when none is given.
inline constexpr int kAllAxes = -99;

struct Node {
  Op op = Op::number;
  Span span;             ///< the whole subexpression as written
  std::string spelling;  ///< how the operation was written: "np.dot", "@", "" (juxtaposition), ".T"
  double value = 0;      ///< Op::number
  Symbol symbol = Symbol::W;        ///< Op::symbol
  LayerIndex layer;                 ///< Op::symbol (not Y); activate/derivative of a layer's g
  bool has_layer = false;           ///< Op::symbol with a layer; activate/derivative of g[l]
  std::optional<Activation> named;  ///< activate/derivative of a named function (else g[l])
  int axis = kAllAxes;              ///< Op::sum: 0, 1 or -1 (= 1), or kAllAxes
  bool keepdims = false;
  Span arguments;  ///< calls: from the opening to the closing parenthesis
  std::vector<Node> args;
};

/// The left side: a gradient and its layer.
struct Target {
  Symbol symbol = Symbol::dZ;
  LayerIndex layer;
  Span span;

  /// The quantity at layer l of an L-layer network (dZ[l+1] at l = 1 is dZ2).
  Quantity at(int l, int L) const;
};

/// How the formula is mostly written; suggestions are worded the same way.
enum class Notation { course, numpy };

struct Formula {
  std::string text;
  Target target;
  Node rhs;
  Notation notation = Notation::course;
  bool uses_l = false;       ///< some index is written with l
  bool uses_L = false;       ///< some index is written with L
  bool uses_lambda = false;  ///< lambda appears

  /// The left side as written, e.g. "dz[1]".
  std::string target_text() const;
  /// The right side as written.
  std::string rhs_text() const;
};

/// Every Op::symbol, activate and derivative of g[l] node under `node` (and `node` itself), in
/// the order they are written.
std::vector<const Node*> layered_nodes(const Node& node);

}  // namespace gradfuzz::formula
