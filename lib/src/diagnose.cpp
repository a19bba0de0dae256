#include "gradfuzz/diagnose.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "diagnose/probes.hpp"
#include "diagnose/search.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/mutants.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

std::string num(double x) {
  if (std::isnan(x)) return "NaN";  // printf's "nan" or "-nan"
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

std::string entry_text(const QuantityCheck& q) {
  return q.quantity.name() + "(" + std::to_string(q.worst.row) + "," + std::to_string(q.worst.col) +
         ") is " + num(q.worst.claimed) + " where finite differences give " + num(q.worst.numeric);
}

// The shape of a quantity in symbols, e.g. "n2 x n1".
std::string symbolic_shape(Quantity q) {
  const std::string n = "n" + std::to_string(q.layer);
  switch (q.kind) {
    case Quantity::Kind::dW:
      return n + " x n" + std::to_string(q.layer - 1);
    case Quantity::Kind::db:
      return n + " x 1";
    default:
      return n + " x m";
  }
}

using detail::same;

// The layer of the failing quantity nearest the output.
std::optional<int> first_bad_layer(const CaseResult& r) {
  std::optional<int> layer;
  for (const QuantityCheck* q : r.failures()) {
    const int l =
        q->quantity.kind == Quantity::Kind::dA ? q->quantity.layer + 1 : q->quantity.layer;
    if (!layer || l > *layer) layer = l;
  }
  return layer;
}

std::string derivative_words(Activation g, int l) {
  const std::string A = "A" + std::to_string(l), Z = "Z" + std::to_string(l);
  switch (g) {
    case Activation::sigmoid:
      return A + " * (1 - " + A + ")";
    case Activation::tanh:
      return "(1 - " + A + "²)";
    case Activation::relu:
      return "(" + Z + " > 0)";
    case Activation::leaky_relu:
      return "np.where(" + Z + " > 0, 1, slope)";
    case Activation::linear:
      return "1";
    case Activation::softmax:
      return "the softmax Jacobian";
  }
  return "?";
}

// A gradient an adapter sent as a 1-D array or a single number: NumPy dropped an axis.
Diagnosis written_shape_problem(const QuantityCheck& q, arma::uword m) {
  const Shape got = q.claimed_shape, want = q.expected_shape;
  const std::string name = q.quantity.name(), l = std::to_string(q.quantity.layer);
  const std::string entries = std::to_string(got.cols) + (got.cols == 1 ? " entry" : " entries");
  const std::string as = got.ndim == 1 ? "a 1-D array of " + entries +
                                             " (a flat list, NumPy shape " + to_string(got) + ")"
                                       : "a single number (a 0-d array)";
  const std::string shapes = name + " is " + as + " but must be a " + to_string(want) +
                             " matrix (" + symbolic_shape(q.quantity) + ")";
  const bool bias = q.quantity.kind == Quantity::Kind::db;
  if (bias && got.ndim == 1 && got.cols == m && m != want.rows)
    return {"bias_sum_axis",
            shapes + ": dZ" + l + " was summed over the units (axis=0) and the axis dropped; db[" +
                l + "] = 1/m np.sum(dZ[" + l + "], axis=1, keepdims=True) sums over the examples",
            std::nullopt, q.quantity.layer};
  // A layer of one unit: summing over the examples and squeezing gives one number too.
  if (bias && got.ndim == 0 && want.rows == 1)
    return {"bias_sum_axis",
            shapes + ": layer " + l + " has one unit, so dZ" + l +
                " summed over the examples (axis=1) with its axes dropped (np.squeeze, float) "
                "gives this number, as a sum over every axis would; db[" +
                l + "] = 1/m np.sum(dZ[" + l +
                "], axis=1, keepdims=True) keeps it a (1 x 1) matrix",
            std::nullopt, q.quantity.layer};
  if (bias && (got.ndim == 0 || (got.cols == 1 && want.rows > 1)))
    return {"bias_sum_axis",
            shapes + ": dZ" + l + " was summed over every axis; db[" + l + "] = 1/m np.sum(dZ[" +
                l + "], axis=1, keepdims=True) sums over the examples only",
            std::nullopt, q.quantity.layer};
  const bool same_size = got.cols == want.rows * want.cols;
  return {"shape_mismatch",
          shapes + (same_size ? ": the entries are there but an axis was dropped; keep it (np.sum("
                                "..., keepdims=True)) or reshape to " +
                                    to_string(want)
                              : ""),
          std::nullopt, q.quantity.layer};
}

std::optional<Diagnosis> shape_problem(const CaseResult& r) {
  for (const QuantityCheck* q : r.failures()) {
    if (q->shape_ok()) continue;
    const Shape got = q->claimed_shape, want = q->expected_shape;
    const std::string name = q->quantity.name();
    if (got.ndim < 2) return written_shape_problem(*q, r.c.m());
    const std::string shapes = name + " is " + to_string(got) + " but must be " + to_string(want) +
                               " (" + symbolic_shape(q->quantity) + ")";
    if (got.rows == want.cols && got.cols == want.rows)
      return Diagnosis{"transposed",
                       shapes + ": it is transposed. " +
                           (q->quantity.kind == Quantity::Kind::dW
                                ? "dW[l] has the shape of W[l]: dW[l] = 1/m dZ[l] A[l-1]T"
                                : "a gradient has the shape of what it differentiates"),
                       std::nullopt, q->quantity.layer};
    if (q->quantity.kind == Quantity::Kind::db && got.cols == r.c.m() && r.c.m() > 1) {
      const bool over_units = got.rows == 1;
      return Diagnosis{"bias_sum_axis",
                       shapes +
                           (over_units ? ": dZ was summed over the units (axis=0)"
                                       : ": dZ was not summed over the examples") +
                           "; db[l] = 1/m np.sum(dZ[l], axis=1, keepdims=True) sums over the "
                           "examples",
                       std::nullopt, q->quantity.layer};
    }
    if (q->quantity.kind == Quantity::Kind::db && got.rows * got.cols == 1 && want.rows > 1)
      return Diagnosis{"bias_sum_axis",
                       shapes + ": one number for " + std::to_string(want.rows) +
                           " biases: dZ was summed over every axis (np.sum(dZ) with no axis" +
                           (r.c.m() == 1 ? ", or over the units with this one example" : "") +
                           "); db[l] = 1/m np.sum(dZ[l], axis=1, keepdims=True) sums over the "
                           "examples only",
                       std::nullopt, q->quantity.layer};
    return Diagnosis{"shape_mismatch", shapes, std::nullopt, q->quantity.layer};
  }
  return std::nullopt;
}

std::optional<Diagnosis> constant_factor(const CaseResult& r) {
  const double m = static_cast<double>(r.c.m());
  for (const QuantityCheck* q : r.failures()) {
    const arma::vec g = arma::vectorise(q->claimed), n = arma::vectorise(q->numeric);
    const double nn = arma::dot(n, n);
    if (nn == 0 || arma::norm(g) == 0) continue;
    // One entry is always "a constant times" its numeric value: only a factor with a meaning
    // (m, 1/m, -1) says anything then.
    const bool one_entry = arma::accu(n != 0.0) < 2;
    const double k = arma::dot(g, n) / nn;
    if (arma::norm(g - k * n) > 1e-4 * arma::norm(g)) continue;
    const std::string name = q->quantity.name();
    const std::string every = "every entry of " + name + " is " + num(k) +
                              " times what finite differences give (e.g. " + entry_text(*q) + ")";
    auto near = [&](double target) { return std::abs(k - target) <= 1e-3 * std::abs(target); };
    const bool per_example = !q->quantity.is_parameter();
    if (m > 1 && near(m))
      return Diagnosis{"missing_inv_m",
                       every + ": m = " + num(m) + ". " +
                           (q->expected == Convention::mean
                                ? "This is the gradient of the summed loss m*J; J averages over "
                                  "the m examples, so " +
                                      name + " needs the factor 1/m"
                                : name + " must be per example (dL/dZ), yet it is m times that"),
                       std::nullopt, q->quantity.layer};
    if (m > 1 && near(1 / m))
      return Diagnosis{"extra_inv_m",
                       every + ": 1/m with m = " + num(m) + ". " +
                           (per_example ? name + " is per example in the course (dL/dZ, no 1/m); "
                                                 "the 1/m belongs in dW and db only"
                                        : "The 1/m was applied twice (for example once in dZ "
                                          "and again in dW and db)"),
                       std::nullopt, q->quantity.layer};
    if (near(-1))
      return Diagnosis{"sign_flipped",
                       every +
                           ": the sign is flipped (for the output delta, dZ[L] = A[L] - Y, "
                           "not Y - A[L])",
                       std::nullopt, q->quantity.layer};
    if (one_entry) continue;
    return Diagnosis{"constant_factor", every, std::nullopt, q->quantity.layer};
  }
  return std::nullopt;
}

std::optional<Diagnosis> regularization(const CaseResult& r, const SourceInfo& info) {
  const double lambda = r.c.spec.lambda;
  if (lambda == 0) return std::nullopt;
  const double m = static_cast<double>(r.c.m());
  const double s = info.convention == Convention::mean ? 1 / m : 1;
  for (const QuantityCheck* q : r.failures()) {
    const bool weight = q->quantity.kind == Quantity::Kind::dW;
    if (!q->quantity.is_parameter()) continue;
    const arma::mat& P = weight ? r.c.W_of(q->quantity.layer) : r.c.b_of(q->quantity.layer);
    const arma::vec d = arma::vectorise(q->claimed - q->numeric), p = arma::vectorise(P);
    if (arma::dot(p, p) == 0) continue;
    const double k = arma::dot(d, p) / arma::dot(p, p);
    if (arma::norm(d - k * p) > 1e-3 * arma::norm(d)) continue;
    const std::string l = std::to_string(q->quantity.layer);
    const std::string right = s == 1 ? "lambda W" + l : "(lambda/m) W" + l;
    if (!weight)
      return Diagnosis{"regularization",
                       "db" + l + " is off by " + num(k) + " b" + l +
                           ": the biases were regularized, but J's L2 term covers only the "
                           "weights, so db has no lambda term",
                       std::nullopt, q->quantity.layer};
    const double used = lambda * s + k;  // the coefficient the claimed gradient carries
    std::string what = "dW" + l + " carries " + num(used) + " W" + l + " for the L2 term where " +
                       right + " = " + num(lambda * s) + " W" + l + " belongs";
    if (std::abs(used) <= 1e-6 * lambda * s)
      what += ": the L2 term is missing";
    else if (std::abs(used - lambda) <= 1e-6 * lambda && s != 1)
      what += ": lambda W without the 1/m";
    else if (std::abs(used - 2 * lambda * s) <= 1e-6 * lambda * s)
      what += ": twice the right term (the 1/2 of lambda/2m ||W||^2 was forgotten)";
    return Diagnosis{"regularization", what, std::nullopt, q->quantity.layer};
  }
  return std::nullopt;
}

const QuantityCheck* find_check(const CaseResult& r, Quantity q) {
  for (const auto& check : r.checks)
    if (check.quantity == q) return &check;
  return nullptr;
}

std::optional<Diagnosis> localize(const CaseResult& r) {
  const int L = r.c.depth();
  for (int l = L; l >= 1; --l) {
    const QuantityCheck* dZ = find_check(r, Quantity::dZ(l));
    if (dZ && !dZ->passed) {
      if (l == L)
        return Diagnosis{"output_delta",
                         "the output delta dZ" + std::to_string(L) + " is wrong (" +
                             entry_text(*dZ) + "); for " + std::string(to_string(r.c.spec.loss)) +
                             " with a " + std::string(to_string(r.c.spec.g(L))) + " output it is " +
                             (r.c.spec.loss == Loss::mse ? "(A[L] - Y) * g[L]'(Z[L])" : "A[L] - Y"),
                         std::nullopt, L};
      const QuantityCheck* dA = find_check(r, Quantity::dA(l));
      if (dA && dA->passed) {
        const std::string ls = std::to_string(l);
        if (same(dZ->claimed, dA->claimed, {}))
          return Diagnosis{"missing_activation_derivative",
                           "dZ" + ls + " equals dA" + ls + ": the factor g[" + ls + "]'(Z[" + ls +
                               "]) = " + derivative_words(r.c.spec.g(l), l) + " was left out",
                           std::nullopt, l};
        return Diagnosis{"activation_derivative",
                         "dA" + ls + " is right but dZ" + ls + " is not (" + entry_text(*dZ) +
                             "): the factor g[" + ls + "]'(Z[" + ls + "]) of the " +
                             std::string(to_string(r.c.spec.g(l))) + " layer must be " +
                             derivative_words(r.c.spec.g(l), l),
                         std::nullopt, l};
      }
    }
  }
  return std::nullopt;
}

// What a wrong J is likely to be, from the pieces gradfuzz's own J is made of.
std::string cost_cause(const Case& c, const CostCheck& cost) {
  const ForwardPass f = forward(c);
  const double m = static_cast<double>(c.m());
  const double mean_loss = f.loss_sum / m, l2 = f.l2, got = cost.claimed;
  auto near = [&](double x) { return std::abs(got - x) <= cost.allowed; };
  if (l2 > 0 && near(mean_loss))
    return ": it is the loss without the L2 term (lambda/2m) sum ||W[l]||^2 = " + num(l2);
  if (m > 1 && near(f.loss_sum + l2 * m) && !near(cost.reference))
    return ": it is m = " + num(m) +
           " times J, the loss summed over the batch; J averages it "
           "(1/m)";
  if (m > 1 && near(f.loss_sum + l2))
    return ": the loss is summed over the batch (the 1/m is missing) while the L2 term is right";
  if (l2 > 0 && near(mean_loss + 2 * l2))
    return ": its L2 term is twice lambda/2m sum ||W[l]||^2 (the 1/2 is missing)";
  if (l2 > 0 && near(mean_loss + l2 * m))
    return ": its L2 term lacks the 1/m, lambda/2 sum ||W[l]||^2 instead of lambda/2m";
  if (c.spec.loss == Loss::mse && near(2 * mean_loss + l2))
    return ": its mse lacks the 1/2 of (1/2m) sum (A[L] - Y)^2";
  // J divided by a whole number: averaged over more than the batch.
  const double nL = static_cast<double>(c.spec.n(c.depth()));
  auto divided = [&](double k) {
    return k > 1 && (near(cost.reference / k) || near(mean_loss / k + l2));
  };
  std::string over;
  if (divided(nL))
    over = "your J is averaged over the nL = " + num(nL) +
           " output units too (a mean over every entry, where J sums the loss over the units "
           "and averages it over the m examples only)";
  if (divided(m))
    over += (over.empty() ? "" : ", or ") + std::string("it is divided by m = ") + num(m) +
            " twice (the mean of a mean over the batch)";
  if (over.empty() && divided(2)) over = "it is half of J (an extra 1/2)";
  if (!over.empty()) return ": " + over;
  if (near(-cost.reference)) return ": its sign is flipped (a cross-entropy is -sum Y log A)";
  return "";
}

Diagnosis forward_cost(const CaseResult& r) {
  const CostCheck& cost = *r.cost;
  const std::string what = "the cost J the code computes is " + num(cost.claimed) +
                           " where gradfuzz's forward pass " + "gives " + num(cost.reference) +
                           " (off by " + num(cost.abs_error()) + ", rounding allows " +
                           num(cost.allowed) + "): its forward pass or its loss is wrong";
  return {"forward_cost", what + cost_cause(r.c, cost), std::nullopt, std::nullopt};
}

// Walking back from the output as backprop does (dZ<L>, dW<L>, db<L>, dA<L-1>, dZ<L-1>, ...),
// the first quantity that disagrees while every checked quantity before it agrees. Only
// meaningful with intermediates: parameters alone do not say whether dZ<l> was already wrong.
struct Disagreement {
  int layer = 0;
  std::string text;
};

std::optional<Disagreement> first_disagreement(const CaseResult& r) {
  bool intermediates = false;
  for (const QuantityCheck& q : r.checks) intermediates |= !q.quantity.is_parameter();
  if (!intermediates) return std::nullopt;
  std::vector<std::string> agreeing;
  for (int l = r.c.depth(); l >= 1; --l)
    for (Quantity q : {Quantity::dZ(l), Quantity::dW(l), Quantity::db(l), Quantity::dA(l - 1)}) {
      const QuantityCheck* check = nullptr;
      for (const auto& candidate : r.checks)
        if (candidate.quantity == q) check = &candidate;
      if (!check) continue;
      if (check->passed) {
        agreeing.push_back(q.name());
        continue;
      }
      std::string text = "the disagreement starts in layer " + std::to_string(l) +
                         ": walking back from the output, " + q.name() +
                         " is the first quantity that disagrees";
      if (agreeing.empty()) {
        text += " (it is the first one checked)";
      } else {
        text += " while ";
        for (std::size_t k = 0; k < agreeing.size(); ++k) text += (k ? ", " : "") + agreeing[k];
        text += agreeing.size() == 1 ? " agrees" : " agree";
      }
      return Disagreement{l, text};
    }
  return std::nullopt;
}

// --- Words for a hypothesis: the slip, and the line the course writes instead. ---

std::string numpy_derivative(Activation g, int l) {
  const std::string A = "A" + std::to_string(l), Z = "Z" + std::to_string(l);
  switch (g) {
    case Activation::sigmoid:
      return A + " * (1 - " + A + ")";
    case Activation::tanh:
      return "(1 - np.power(" + A + ", 2))";
    case Activation::relu:
      return "(" + Z + " > 0)";
    case Activation::leaky_relu:
      return "np.where(" + Z + " > 0, 1, slope)";
    default:
      return "1";
  }
}

// The course's line for the step a substitution replaces, in its notation and NumPy's.
std::string correction(unsigned steps, std::optional<int> layer, const Case& c, Convention conv) {
  using S = ReferenceBackprop::Step;
  const int L = c.depth();
  const std::string l = layer ? std::to_string(*layer) : "l";
  const std::string inv_m = conv == Convention::mean ? "1/m " : "";
  const std::string np_m = conv == Convention::mean ? " / m" : "";
  const bool hidden_derivative = (steps & S::step_activation_backward) && !(layer && *layer == L);
  if ((steps & S::step_output_delta) && !hidden_derivative) {
    if (c.spec.loss == Loss::mse)
      return "for mse, dZ[L] = (A[L] - Y) * g[L]'(Z[L]) (dZ" + std::to_string(L) + " = (A" +
             std::to_string(L) + " - Y) * " + numpy_derivative(c.spec.g(L), L) + ")";
    return "for " + std::string(to_string(c.spec.loss)) + " with a " +
           std::string(to_string(c.spec.g(L))) + " output, dZ[L] = A[L] - Y (dZ" +
           std::to_string(L) + " = A" + std::to_string(L) + " - Y)";
  }
  if (steps & S::step_activation_backward) {
    // Each hidden activation's own line (the layer's, when the slip is in one layer).
    std::string text;
    std::vector<Activation> said;
    for (int k = layer.value_or(1); k <= (layer ? *layer : L - 1); ++k) {
      const Activation g = c.spec.g(k);
      if (std::find(said.begin(), said.end(), g) != said.end()) continue;
      said.push_back(g);
      const std::string ks = std::to_string(k);
      text += (text.empty() ? "" : "; ") + std::string("for ") + std::string(to_string(g)) +
              ", dZ[" + ks + "] = dA[" + ks + "] * " + derivative_words(g, k) + " (dZ" + ks +
              " = dA" + ks + " * " + numpy_derivative(g, k) + ")";
    }
    if (text.empty() && c.spec.loss == Loss::mse)  // no hidden layer: the output's derivative
      return correction(S::step_output_delta, L, c, conv);
    return text;
  }
  if (steps & S::step_weight_gradient)
    return "dW[" + l + "] = " + inv_m + "dZ[" + l + "] A[" + l + "-1]T (dW" + l + " = np.dot(dZ" +
           l + ", A_prev.T)" + np_m + ")";
  if (steps & S::step_bias_gradient)
    return "db[" + l + "] = " + inv_m + "sum(dZ[" + l + "], axis=1) (db" + l + " = np.sum(dZ" + l +
           ", axis=1, keepdims=True)" + np_m + ")";
  if (steps & S::step_regularization_gradient)
    return "the L2 term adds " + std::string(conv == Convention::mean ? "(lambda/m)" : "lambda") +
           " W[" + l + "] to dW[" + l + "] only";
  if (steps & S::step_propagate)
    return "dA[" + l + "-1] = W[" + l + "]T dZ[" + l + "] (dA_prev = np.dot(W" + l + ".T, dZ" + l +
           "))";
  return "";
}

std::string factor_words(const detail::Substitution& s, double m) {
  if (s.power_of_m) {
    const int p = *s.power_of_m;
    std::string f = p == 1    ? "m"
                    : p == -1 ? "1/m"
                    : p > 0   ? "m^" + std::to_string(p)
                              : "1/m^" + std::to_string(-p);
    return (s.sign < 0 ? "-" : "") + f + " (m = " + num(m) + " here)";
  }
  return num(s.parameter.value_or(1));
}

// A substitution that uses another activation's derivative: which, written how, on what.
struct DerivativeSlip {
  Activation used;
  bool in_A;
  std::optional<Activation> on;
};
std::optional<DerivativeSlip> derivative_slip(const detail::Substitution& s) {
  using A = Activation;
  if (s.name == "sigmoid_derivative_for_tanh") return DerivativeSlip{A::sigmoid, true, A::tanh};
  if (s.name == "sigmoid_derivative_in_Z_for_tanh")
    return DerivativeSlip{A::sigmoid, false, A::tanh};
  if (s.name == "tanh_derivative_for_sigmoid") return DerivativeSlip{A::tanh, true, A::sigmoid};
  if (s.name == "relu_derivative_for_tanh") return DerivativeSlip{A::relu, false, A::tanh};
  if (s.name.rfind("other_derivative", 0) == 0 && s.parameter) {
    const detail::DerivativeCode d = detail::derivative_code(*s.parameter);
    return DerivativeSlip{d.used, d.in_A, d.on};
  }
  return std::nullopt;
}

// The slip a substitution stands for, on this case.
// `hint`: the layer the evidence points at (the failing quantity nearest the output), where a
// slip of every layer is worded.
std::string slip_words(const detail::Substitution& s, const Case& c, Convention conv,
                       std::optional<int> hint = std::nullopt) {
  const double m = static_cast<double>(c.m());
  const bool one_layer = s.layer && *s.layer != detail::every_hidden_layer;
  const std::string where = !s.layer    ? ""
                            : one_layer ? "in layer " + std::to_string(*s.layer) + ", "
                                        : "in every hidden layer, ";
  const std::string family = s.name.substr(0, s.name.find('='));
  if (family == "leaky_slope")
    return where + "leaky_relu's backward pass uses slope " + num(*s.parameter) +
           " (np.where(Z > 0, 1, " + num(*s.parameter) + ")) where the forward pass uses " +
           num(c.spec.leaky_slope);
  if (const auto slip = derivative_slip(s)) {
    // The layer it shows in: its own, else the one the evidence points at if the slip reaches
    // it, else the first whose activation it misreads.
    auto reaches = [&](int k) {
      if (k < 1 || k > c.depth()) return false;
      const Activation g = c.spec.g(k);
      const bool reached = k < c.depth() || c.spec.loss == Loss::mse;
      return reached && (slip->on ? g == *slip->on : g != slip->used && g != Activation::softmax);
    };
    int l = one_layer ? *s.layer : 0;
    if (!l && hint && reaches(*hint)) l = *hint;
    for (int k = 1; k <= c.depth() && !l; ++k)
      if (reaches(k)) l = k;
    if (l == 0) l = 1;
    const std::string ls = std::to_string(l), Z = "Z" + ls;
    std::string written;
    if (slip->in_A || slip->used == Activation::relu || slip->used == Activation::leaky_relu ||
        slip->used == Activation::linear)
      written = derivative_words(slip->used, l);
    else if (slip->used == Activation::sigmoid)
      written = "sigmoid(" + Z + ") * (1 - sigmoid(" + Z + "))";
    else
      written = "(1 - np.tanh(" + Z + ")**2)";
    const Activation g = c.spec.g(l);
    return "layer " + ls + "'s backward pass multiplies by " + written + ", but " + written +
           " is the derivative of " + std::string(to_string(slip->used)) + "; with a " +
           std::string(to_string(g)) + " layer the factor g[" + ls + "]'(Z[" + ls + "]) is " +
           derivative_words(g, l);
  }
  if (family.rfind("scaled_", 0) == 0) {
    const std::string what = family == "scaled_output_delta"       ? "the output delta dZ[L]"
                             : family == "scaled_weight_gradients" ? "dW"
                             : family == "scaled_bias_gradients"   ? "db"
                             : family == "scaled_gradients_and_l2" ? "dW (its L2 term too) and db"
                             : family == "scaled_weight_gradients_and_l2" ? "dW (its L2 term too)"
                                                                          : "dW and db";
    std::string text =
        where + "every entry of " + what + " is " + factor_words(s, m) + " times the course's";
    if (s.power_of_m && *s.power_of_m == 1)
      text +=
          ": the gradient of the summed loss m*J; J averages over the m examples, so the 1/m "
          "is missing";
    else if (s.power_of_m && *s.power_of_m < 0)
      text += ": the 1/m is applied " + std::string(*s.power_of_m == -1 ? "twice" : "too often");
    else if (!s.power_of_m && std::abs(*s.parameter + 1) < 1e-6)
      text += ": the sign is flipped";
    return text;
  }
  if (family == "l2_coefficient") {
    const double right = (conv == Convention::mean ? 1 / m : 1.0) * c.spec.lambda;
    std::string text = where + "dW carries " + num(*s.parameter) + " W for the L2 term where " +
                       std::string(conv == Convention::mean ? "(lambda/m)" : "lambda") +
                       " W = " + num(right) + " W belongs";
    const double k = *s.parameter;
    if (std::abs(k) <= 1e-9 * right)
      text += ": the L2 term is missing";
    else if (std::abs(k - c.spec.lambda) <= 1e-6 * c.spec.lambda && m > 1)
      text += ": lambda W without the 1/m";
    else if (std::abs(k - 2 * right) <= 1e-6 * right)
      text += ": twice the right term (the 1/2 of lambda/2m ||W||^2 forgotten)";
    else if (std::abs(k + right) <= 1e-6 * right)
      text += ": subtracted instead of added";
    return text;
  }
  if (family == "l2_on_biases_coefficient")
    return where + "db carries " + num(*s.parameter) +
           " b: the biases were regularized, but J's L2 term covers only the weights";
  if (family == "clipped_A" || family == "clipped_dA")
    return "the predictions are clipped to [" + num(*s.parameter) + ", 1 - " + num(*s.parameter) +
           "] " + (family == "clipped_A" ? "in A - Y" : "before dA[L] = -(Y/A - (1-Y)/(1-A))") +
           ": right except where the output saturates";
  return where + s.description;
}

std::string hypothesis_words(const detail::Hypothesis& h, const Case& c, Convention conv,
                             std::optional<int> hint) {
  std::string text;
  const auto& parts = h.parts();
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const auto& part = parts[k];
    if (parts.size() > 1) text += k ? "; (2) " : "two slips: (1) ";
    text += slip_words(part, c, conv, hint);
    // A slip of every layer is corrected at the layer the evidence points at, if a hidden one.
    const bool one_layer = part.layer && *part.layer != detail::every_hidden_layer;
    int at = one_layer ? *part.layer : 0;
    if (!one_layer && hint && *hint >= 1 && *hint < c.depth() &&
        (part.variant->replaced_steps() & ReferenceBackprop::step_activation_backward))
      at = *hint;
    const std::string right = correction(part.variant->replaced_steps(),
                                         at ? std::optional<int>(at) : std::nullopt, c, conv);
    if (!right.empty()) text += "; the course's line: " + right;
  }
  return text;
}

std::string network_words(const Case& c) {
  std::string sizes;
  for (arma::uword n : c.spec.sizes) sizes += (sizes.empty() ? "" : "-") + std::to_string(n);
  return sizes + ", m = " + std::to_string(c.m());
}

Diagnosis diagnose_cause(const CaseResult& r, const SourceInfo& info, const Tolerance& t,
                         const DiagnosisContext& context);

}  // namespace

Diagnosis diagnose(const CaseResult& r, const SourceInfo& info, const Tolerance& t,
                   const DiagnosisContext& context) {
  Diagnosis d = diagnose_cause(r, info, t, context);
  if (d.id == "none" || d.id == "adapter_error") return d;
  if (const auto where = first_disagreement(r)) {
    d.layer = where->layer;
    d.message += ". T" + where->text.substr(1);
  }
  return d;
}

namespace {

// The structural reading of the numbers (a factor, a shape, an L2 multiple, where the
// disagreement starts): the detail a hypothesis's words are followed by, or the diagnosis
// when no hypothesis fits.
std::optional<Diagnosis> structural(const CaseResult& r, const SourceInfo& info) {
  if (auto d = shape_problem(r)) return d;
  if (auto d = constant_factor(r)) return d;
  if (auto d = regularization(r, info)) return d;
  return localize(r);
}

// A failing quantity that equals another layer's true gradient (a loop reading the wrong
// layer's cache).
std::optional<Diagnosis> other_layers_gradient(const CaseResult& r, const SourceInfo& info,
                                               const Tolerance& t) {
  const Gradients truth = ReferenceBackprop(info.convention).gradients(r.c);
  for (const QuantityCheck* q : r.failures()) {
    if (!q->quantity.is_parameter()) continue;
    for (int l = 1; l <= r.c.depth(); ++l) {
      if (l == q->quantity.layer) continue;
      Quantity other = q->quantity;
      other.layer = l;
      const auto it = truth.find(other);
      if (it == truth.end() || !same(q->claimed, it->second, t)) continue;
      if (arma::abs(it->second).max() == 0) continue;
      return Diagnosis{"wrong_layer_index",
                       q->quantity.name() + " equals the true " + other.name() +
                           " (every entry, to rounding): the backward loop reads layer " +
                           std::to_string(l) + "'s cache for layer " +
                           std::to_string(q->quantity.layer) +
                           "; in the course's loop, layer l's step uses caches[l-1] (A[l-1], "
                           "W[l], Z[l]) and writes grads['dW' + str(l)]",
                       std::nullopt, q->quantity.layer};
    }
  }
  return std::nullopt;
}

std::string capitalized(std::string text) {
  // A sentence starts with a capital, but a name keeps its case ("dZ1", not "DZ1").
  if (text.size() > 1 && std::islower(static_cast<unsigned char>(text[0])) &&
      std::islower(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// The words of the best of `found` (established on `c`) with its evidence.
Diagnosis hypothesis_words_diagnosis(const std::vector<detail::HypothesisPtr>& found,
                                     const CaseResult& r, const Case& c, const SourceInfo& info,
                                     std::string evidence, std::vector<Probe> probes) {
  const detail::Hypothesis& best = *found.front();
  Diagnosis d{best.parts().front().diagnosis, "", std::nullopt, first_bad_layer(r)};
  for (const auto& part : best.parts()) {
    std::vector<std::string> named{part.diagnosis};
    named.insert(named.end(), part.also.begin(), part.also.end());
    for (const auto& id : named)
      if (std::find(d.ids.begin(), d.ids.end(), id) == d.ids.end()) d.ids.push_back(id);
  }
  if (best.parts().size() == 1 && !best.parts().front().parameter &&
      !best.parts().front().power_of_m)
    d.mutant = best.parts().front().name;
  d.hypothesis = best.label();
  d.probes = std::move(probes);
  d.evidence = std::move(evidence);
  std::string message = hypothesis_words(best, c, info.convention, d.layer);
  if (auto detail = structural(r, info)) message += ". " + capitalized(detail->message);
  message += ". Evidence: " + d.evidence;
  // Another reading with another id that nothing asked could tell apart: said, in words.
  std::vector<std::string> others;
  for (std::size_t k = 1; k < found.size() && others.size() < 2; ++k)
    if (found[k]->parts().front().diagnosis != d.id)
      others.push_back(slip_words(found[k]->parts().front(), c, info.convention, d.layer) + " [" +
                       found[k]->parts().front().diagnosis + "]");
  if (!others.empty()) {
    message += "; as consistent with every answer: ";
    for (std::size_t k = 0; k < others.size(); ++k) message += (k ? "; or " : "") + others[k];
  }
  d.message = capitalized(message);
  return d;
}

std::string probes_words(std::size_t n) {
  return std::to_string(n) + " probe" + (n == 1 ? "" : "s");
}

// The hypotheses that explain the shrunk case (else the case first found), kept if the case
// first found does not contradict them, then probed on the code; when the probes contradict
// every one, searched again on the probe that did, and kept if they explain everything seen.
std::optional<Diagnosis> hypothesis_diagnosis(const CaseResult& r, const SourceInfo& info,
                                              const Tolerance& t, const DiagnosisContext& context) {
  const detail::Evidence shrunk = detail::evidence_of(r);
  std::vector<const detail::Evidence*> seen{&shrunk};
  std::vector<detail::HypothesisPtr> found = detail::search(shrunk, info, t);
  const Case* established = &r.c;
  std::string where = "the case checked (" + network_words(r.c) + ")";
  std::optional<detail::Evidence> first;
  if (context.original && context.original->c.replay != r.c.replay &&
      !context.original->source_error) {
    first = detail::evidence_of(*context.original);
    seen.push_back(&*first);
    const ForwardPass f = forward(first->c);
    std::vector<detail::HypothesisPtr> kept;
    for (const auto& h : found)
      if (detail::explains(h->gradients_from(first->c, f), *first, info, t)) kept.push_back(h);
    if (kept.empty()) {
      kept = detail::search(*first, info, t);
      established = &context.original->c;
    }
    found = std::move(kept);
    where = "the case first found (" + network_words(context.original->c) +
            ") and the shrunk case (" + network_words(r.c) + ")";
  }
  if (found.empty() || !context.source) {
    if (found.empty()) return std::nullopt;
    return hypothesis_words_diagnosis(found, r, *established, info,
                                      "it reproduces every claimed quantity of " + where, {});
  }
  detail::ProbeOutcome outcome = detail::probe(found, r.c, *context.source, info, t);
  std::string evidence = "it reproduces every claimed quantity of " + where;
  if (outcome.survivors.empty()) {
    // Every hypothesis contradicted: what the shrunk case showed was not all of the code's
    // slips. Search the answer that contradicted them; keep what explains everything seen.
    for (auto answer = outcome.answers.rbegin(); answer != outcome.answers.rend(); ++answer) {
      std::vector<detail::HypothesisPtr> again = detail::search(*answer, info, t);
      std::erase_if(again, [&](const detail::HypothesisPtr& h) {
        auto fails = [&](const detail::Evidence& e) {
          return !detail::explains(h->gradients_from(e.c, forward(e.c)), e, info, t);
        };
        for (const auto* e : seen)
          if (fails(*e)) return true;
        for (const auto& other : outcome.answers)
          if (fails(other)) return true;
        return false;
      });
      if (again.empty()) continue;
      established = &answer->c;
      return hypothesis_words_diagnosis(
          again, r, *established, info,
          "searched again on the probe (" + network_words(answer->c) +
              ") that ruled out what the failing case suggested, it reproduces every claimed "
              "quantity of " +
              where + " and of all " + probes_words(outcome.probes.size()),
          std::move(outcome.probes));
    }
    Diagnosis none{"", "", std::nullopt, std::nullopt};
    none.probes = std::move(outcome.probes);
    return none;  // the caller says what was ruled out
  }
  if (!outcome.probes.empty())
    evidence += " and the code's answers to " + probes_words(outcome.probes.size()) +
                " designed to test it";
  return hypothesis_words_diagnosis(outcome.survivors, r, *established, info, evidence,
                                    std::move(outcome.probes));
}

// Code that failed on the case (a shape error, most often): asked the same network with equal
// widths, where a missing transpose runs; if its answer there fits a hypothesis, that is the
// diagnosis.
std::optional<Diagnosis> failure_on_unequal_widths(const CaseResult& r, const SourceInfo& info,
                                                   const Tolerance& t,
                                                   const DiagnosisContext& context) {
  if (!context.source) return std::nullopt;
  Probe record;
  const std::optional<detail::Evidence> answer =
      detail::probe_square(r.c, *context.source, info, t, record);
  if (!answer) return std::nullopt;
  std::vector<detail::HypothesisPtr> found = detail::search(*answer, info, t);
  if (found.empty()) return std::nullopt;
  record.consistent.push_back(found.front()->label());
  detail::ProbeOutcome outcome = detail::probe(found, answer->c, *context.source, info, t);
  if (outcome.survivors.empty()) return std::nullopt;
  std::vector<Probe> probes{record};
  probes.insert(probes.end(), outcome.probes.begin(), outcome.probes.end());
  Diagnosis d = hypothesis_words_diagnosis(
      outcome.survivors, r, answer->c, info,
      "on equal widths (" + network_words(answer->c) +
          ") the code runs, and the hypothesis reproduces every quantity it claims there and "
          "its answers to " +
          probes_words(outcome.probes.size()) + " around it",
      probes);
  d.message = "The code fails on " + network_words(r.c) + " (" + *r.source_error +
              "), which is how a missing transpose or a wrong layer's matrix shows when widths "
              "differ. " +
              d.message;
  return d;
}

Diagnosis diagnose_cause(const CaseResult& r, const SourceInfo& info, const Tolerance& t,
                         const DiagnosisContext& context) {
  if (r.source_error) {
    if (auto d = failure_on_unequal_widths(r, info, t, context)) return *d;
    return {"adapter_error", "the code under test failed on this case: " + *r.source_error,
            std::nullopt, std::nullopt};
  }
  const auto failures = r.failures();
  if (r.cost && !r.cost->passed) {
    Diagnosis d = forward_cost(r);
    if (failures.empty()) return d;
    if (r.numeric_from == NumericFrom::source) {
      // The differences were taken of this wrong cost: the gradients' disagreement with them
      // says nothing about the gradients themselves.
      d.message += ". The gradients were compared with finite differences of this cost, so " +
                   std::to_string(failures.size()) + " quantit" +
                   (failures.size() == 1 ? "y disagrees" : "ies disagree") +
                   " with it too; check them against gradfuzz's J with --numeric-from reference";
      return d;
    }
    CaseResult gradients_only = r;
    gradients_only.cost.reset();
    const Diagnosis g = diagnose_cause(gradients_only, info, t, context);
    d.message += ". The gradients disagree too: [" + g.id + "] " + g.message;
    d.layer = g.layer;
    d.probes = g.probes;
    return d;
  }
  if (failures.empty()) return {"none", "every quantity agrees", std::nullopt, std::nullopt};
  for (const QuantityCheck* q : failures)
    if (q->non_finite) {
      const bool claimed = !q->claimed.is_finite();
      return {"non_finite",
              claimed ? q->quantity.name() + " holds NaN or Inf (" + entry_text(*q) +
                            "): the code under test overflowed or divided by zero"
                      : "finite differences of J are not finite for " + q->quantity.name() +
                            ": the forward pass overflows on this case",
              std::nullopt, q->quantity.layer};
    }
  std::vector<Probe> probes;
  if (auto d = hypothesis_diagnosis(r, info, t, context)) {
    if (!d->id.empty()) return *d;
    probes = std::move(d->probes);
  }
  auto with_probes = [&](Diagnosis d) {
    d.probes = probes;
    return d;
  };
  if (auto d = other_layers_gradient(r, info, t)) return with_probes(*d);
  if (auto d = structural(r, info)) return with_probes(*d);
  const int layer = first_bad_layer(r).value_or(1);
  const QuantityCheck* worst = failures.front();
  for (const QuantityCheck* q : failures) {
    const int l =
        q->quantity.kind == Quantity::Kind::dA ? q->quantity.layer + 1 : q->quantity.layer;
    if (l == layer) {
      worst = q;
      break;
    }
  }
  std::string where = r.c.depth() == 1 ? "in the network's one layer"
                      : layer == r.c.depth()
                          ? "at the output layer " + std::to_string(layer)
                          : "first at layer " + std::to_string(layer) +
                                " (counting from the output back, the layers above it agree)";
  std::string message =
      "gradients disagree " + where + ": " + entry_text(*worst) + ", relative difference " +
      num(worst->rel_diff) + "; " + std::to_string(worst->failing_entries) + " entr" +
      (worst->failing_entries == 1 ? "y" : "ies") + " of " + worst->quantity.name() + " fail";
  message += ". Ruled out: every single slip of the grammar (" +
             std::to_string(detail::catalogue_entries().size()) +
             " known mistakes at every layer and at each one, and fitted factors, L2 "
             "coefficients, leaky slopes, clipping bounds and other activations' derivatives)" +
             std::string(r.c.parameter_count() <= detail::max_parameters_for_pairs
                             ? " and every pair of them"
                             : "; pairs were not searched on a case of " +
                                   std::to_string(r.c.parameter_count()) + " parameters");
  if (!probes.empty())
    message += "; " + std::to_string(probes.size()) +
               " probe(s) contradicted the hypotheses that fit the failing case";
  if (const auto near = detail::nearest_miss(detail::evidence_of(r), info, t);
      near && !near->unexplained.empty()) {
    auto names = [](const std::vector<Quantity>& qs) {
      std::string out;
      for (Quantity q : qs) out += (out.empty() ? "" : ", ") + q.name();
      return out;
    };
    message += ". Nearest: " + near->hypothesis->label() + " (" +
               near->hypothesis->parts().front().description + ") reproduces " +
               names(near->explained) + " but not " + names(near->unexplained);
  }
  return with_probes({"unknown", message, std::nullopt, layer});
}

}  // namespace
}  // namespace gradfuzz
