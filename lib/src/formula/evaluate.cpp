#include "gradfuzz/formula/evaluate.hpp"

#include <cmath>

namespace gradfuzz::formula {
namespace {

// A NumPy value: a number (rank 0, held 1 x 1), a 1-D array (rank 1, held as a 1 x k row, which
// is how NumPy broadcasts it against a matrix) or a matrix (rank 2).
struct Value {
  arma::mat data;
  int rank = 2;
};

Value scalar(double x) {
  return {arma::mat(1, 1, arma::fill::value(x)), 0};
}

[[noreturn]] void inconsistent(const std::string& what) {
  throw EvaluationError("the formula's sizes do not fit this network: " + what);
}

arma::mat stretch(const arma::mat& x, arma::uword rows, arma::uword cols) {
  if (x.n_rows == rows && x.n_cols == cols) return x;
  if ((x.n_rows != rows && x.n_rows != 1) || (x.n_cols != cols && x.n_cols != 1))
    inconsistent("cannot broadcast " + std::to_string(x.n_rows) + "x" + std::to_string(x.n_cols) +
                 " to " + std::to_string(rows) + "x" + std::to_string(cols));
  return arma::repmat(x, x.n_rows == rows ? 1 : rows, x.n_cols == cols ? 1 : cols);
}

// Both operands stretched to their broadcast shape; fn(a, b) entry by entry on the results.
template <class F>
Value elementwise(const Value& a, const Value& b, F fn) {
  auto size = [](arma::uword x, arma::uword y) {
    if (x == y || y == 1) return x;
    if (x == 1) return y;
    inconsistent("sizes " + std::to_string(x) + " and " + std::to_string(y) + " do not broadcast");
  };
  const arma::uword rows = size(a.data.n_rows, b.data.n_rows);
  const arma::uword cols = size(a.data.n_cols, b.data.n_cols);
  const arma::mat x = stretch(a.data, rows, cols), y = stretch(b.data, rows, cols);
  arma::mat out(rows, cols);
  for (arma::uword k = 0; k < out.n_elem; ++k) out[k] = fn(x[k], y[k]);
  return {out, std::max(a.rank, b.rank)};
}

template <class F>
Value map(Value v, F fn) {
  v.data.transform(fn);
  return v;
}

class Evaluator {
 public:
  explicit Evaluator(const Environment& env) : env_(env), L_(env.c.depth()) {}

  Value eval(const Node& n) {
    switch (n.op) {
      case Op::number:
        return scalar(n.value);
      case Op::m:
        return scalar(static_cast<double>(env_.c.m()));
      case Op::lambda:
        return scalar(env_.c.spec.lambda);
      case Op::symbol:
        return {symbol(n), 2};
      case Op::negate:
        return map(eval(n.args[0]), [](double x) { return -x; });
      case Op::add:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x + y; });
      case Op::subtract:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x - y; });
      case Op::multiply:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x * y; });
      case Op::divide:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x / y; });
      case Op::power:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return std::pow(x, y); });
      case Op::maximum:
        return elementwise(eval(n.args[0]), eval(n.args[1]), [](double x, double y) {
          return std::isnan(x) || std::isnan(y) ? std::nan("") : std::max(x, y);
        });
      case Op::minimum:
        return elementwise(eval(n.args[0]), eval(n.args[1]), [](double x, double y) {
          return std::isnan(x) || std::isnan(y) ? std::nan("") : std::min(x, y);
        });
      case Op::less:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x < y ? 1.0 : 0.0; });
      case Op::greater:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x > y ? 1.0 : 0.0; });
      case Op::less_equal:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x <= y ? 1.0 : 0.0; });
      case Op::greater_equal:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x >= y ? 1.0 : 0.0; });
      case Op::equal:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x == y ? 1.0 : 0.0; });
      case Op::not_equal:
        return elementwise(eval(n.args[0]), eval(n.args[1]),
                           [](double x, double y) { return x != y ? 1.0 : 0.0; });
      case Op::where: {
        const Value c = eval(n.args[0]);
        const Value a = eval(n.args[1]), b = eval(n.args[2]);
        // Broadcast all three: pick with the condition stretched to the joint shape.
        const Value ab = elementwise(a, b, [](double x, double) { return x; });
        const Value cond = elementwise(c, ab, [](double x, double) { return x; });
        const Value picked_a = elementwise(cond, a, [](double, double y) { return y; });
        const Value picked_b = elementwise(cond, b, [](double, double y) { return y; });
        Value out = cond;
        for (arma::uword k = 0; k < out.data.n_elem; ++k)
          out.data[k] = cond.data[k] != 0 ? picked_a.data[k] : picked_b.data[k];
        out.rank = std::max(c.rank, ab.rank);
        return out;
      }
      case Op::exp:
        return map(eval(n.args[0]), [](double x) { return std::exp(x); });
      case Op::log:
        return map(eval(n.args[0]), [](double x) { return std::log(x); });
      case Op::sqrt:
        return map(eval(n.args[0]), [](double x) { return std::sqrt(x); });
      case Op::abs:
        return map(eval(n.args[0]), [](double x) { return std::abs(x); });
      case Op::truncate:
        return map(eval(n.args[0]), [](double x) { return std::trunc(x); });
      case Op::as_float:
        return eval(n.args[0]);
      case Op::transpose: {
        Value v = eval(n.args[0]);
        if (v.rank == 2) v.data = v.data.t().eval();
        return v;
      }
      case Op::matmul:
        return matmul(eval(n.args[0]), eval(n.args[1]));
      case Op::sum:
        return sum(n, eval(n.args[0]));
      case Op::activate:
      case Op::derivative:
        return activation(n, eval(n.args[0]));
    }
    throw EvaluationError("unknown operation");
  }

 private:
  const Environment& env_;
  int L_;

  arma::mat symbol(const Node& n) const {
    const Case& c = env_.c;
    if (n.symbol == Symbol::Y) return c.Y;
    const int k = n.layer.at(env_.l, L_);
    const auto index = static_cast<std::size_t>(k);
    auto missing = [&]() -> arma::mat {
      throw EvaluationError(to_string(n.symbol) + "[" + std::to_string(k) +
                            "] does not exist in a " + std::to_string(L_) + "-layer network");
    };
    if (k < lowest_layer(n.symbol) || k > highest_layer(n.symbol, L_)) return missing();
    auto gradient = [&](Quantity q) -> arma::mat {
      const auto it = env_.reference.find(q);
      if (it == env_.reference.end()) return missing();
      return it->second;
    };
    switch (n.symbol) {
      case Symbol::W:
        return c.W_of(k);
      case Symbol::b:
        return c.b_of(k);
      case Symbol::Z:
        return env_.forward.Z.at(index);
      case Symbol::A:
        return env_.forward.A.at(index);
      case Symbol::dW:
        return gradient(Quantity::dW(k));
      case Symbol::db:
        return gradient(Quantity::db(k));
      case Symbol::dZ:
        return gradient(Quantity::dZ(k));
      case Symbol::dA:
        return gradient(Quantity::dA(k));
      case Symbol::Y:
        break;
    }
    return c.Y;
  }

  static Value matmul(const Value& a, const Value& b) {
    if (a.rank == 0) return {a.data(0, 0) * b.data, b.rank};
    if (b.rank == 0) return {b.data(0, 0) * a.data, a.rank};
    // A 1-D array on the left is a row, on the right a column; the result drops that axis.
    const arma::mat left = a.data;
    const arma::mat right = b.rank == 1 ? arma::mat(b.data.t()) : b.data;
    if (left.n_cols != right.n_rows)
      inconsistent("a product of " + std::to_string(left.n_rows) + "x" +
                   std::to_string(left.n_cols) + " and " + std::to_string(right.n_rows) + "x" +
                   std::to_string(right.n_cols));
    arma::mat out = left * right;
    if (a.rank == 1 && b.rank == 1) return {out, 0};
    if (a.rank == 1) return {out, 1};
    if (b.rank == 1) return {arma::mat(out.t()), 1};
    return {out, 2};
  }

  static Value sum(const Node& n, const Value& v) {
    if (n.axis == kAllAxes) {
      const double total = arma::accu(v.data);
      return n.keepdims ? Value{arma::mat(1, 1, arma::fill::value(total)), v.rank} : scalar(total);
    }
    int axis = n.axis < 0 ? n.axis + v.rank : n.axis;
    if (v.rank == 1) {
      if (axis != 0) inconsistent("a 1-D array has no axis " + std::to_string(n.axis));
      const double total = arma::accu(v.data);
      return n.keepdims ? Value{arma::mat(1, 1, arma::fill::value(total)), 1} : scalar(total);
    }
    if (v.rank == 0 || axis < 0 || axis > 1)
      inconsistent("np.sum over axis " + std::to_string(n.axis));
    if (axis == 0) {
      arma::mat s = arma::sum(v.data, 0);
      return {s, n.keepdims ? 2 : 1};
    }
    arma::mat s = arma::sum(v.data, 1);
    return n.keepdims ? Value{s, 2} : Value{arma::mat(s.t()), 1};
  }

  Value activation(const Node& n, Value v) const {
    const Case& c = env_.c;
    Activation g;
    if (n.named) {
      g = *n.named;
    } else {
      const int k = n.layer.at(env_.l, L_);
      if (k < 1 || k > L_)
        throw EvaluationError("g[" + std::to_string(k) + "] does not exist in a " +
                              std::to_string(L_) + "-layer network");
      g = c.spec.g(k);
    }
    if (n.op == Op::activate) {
      v.data = activate(g, v.data, c.spec.leaky_slope);
      return v;
    }
    if (!is_elementwise(g))
      throw EvaluationError("g'(Z) of a " + std::string(to_string(g)) +
                            " layer is a Jacobian per column, not an elementwise factor; for ce "
                            "with a softmax output write dZ[L] = A[L] - Y");
    v.data = activation_derivative(g, v.data, c.spec.leaky_slope);
    return v;
  }
};

}  // namespace

arma::mat evaluate(const Formula& f, const Environment& env) {
  const Value v = Evaluator(env).eval(f.rhs);
  const Quantity q = f.target.at(env.l, env.c.depth());
  if (v.rank != 2)
    throw EvaluationError(f.target_text() + " must be a matrix, but the right side is " +
                          (v.rank == 0 ? "a number" : "a 1-D array"));
  const arma::mat& M = v.data;
  const auto n = [&](int k) { return env.c.spec.n(k); };
  arma::uword rows = n(q.layer), cols = env.c.m();
  if (q.kind == Quantity::Kind::dW) cols = n(q.layer - 1);
  if (q.kind == Quantity::Kind::db) cols = 1;
  if (M.n_rows != rows || M.n_cols != cols)
    inconsistent(f.target_text() + " must be " + std::to_string(rows) + "x" + std::to_string(cols) +
                 ", the right side is " + std::to_string(M.n_rows) + "x" +
                 std::to_string(M.n_cols));
  return M;
}

}  // namespace gradfuzz::formula
