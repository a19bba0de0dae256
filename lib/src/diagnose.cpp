#include "gradfuzz/diagnose.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

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

// Equal up to the rounding of the code under test: a mutant's or hypothesis's gradients.
bool same(const arma::mat& a, const arma::mat& b, const Tolerance& t) {
  if (a.n_rows != b.n_rows || a.n_cols != b.n_cols) return false;
  if (!a.is_finite() || !b.is_finite()) return false;
  const double rtol = 10 * t.rtol;
  const double atol = 1e3 * t.epsilon * (b.is_empty() ? 0.0 : arma::abs(b).max());
  for (arma::uword k = 0; k < a.n_elem; ++k)
    if (std::abs(a[k] - b[k]) > rtol * std::max(std::abs(a[k]), std::abs(b[k])) + atol)
      return false;
  return true;
}

bool matches_all(const CaseResult& r, const Gradients& g, const Tolerance& t) {
  for (const QuantityCheck& q : r.checks) {
    auto it = g.find(q.quantity);
    if (it == g.end() || !same(q.claimed, it->second, t)) return false;
  }
  return true;
}

bool differs_somewhere(const CaseResult& r, const Gradients& g, const Gradients& reference,
                       const Tolerance& t) {
  for (const QuantityCheck& q : r.checks)
    if (!same(g.at(q.quantity), reference.at(q.quantity), t)) return true;
  return false;
}

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

// A learner's derivative of `g` written in terms of A = g(Z) (and Z where it needs it).
arma::mat derivative_as_written(Activation g, const arma::mat& Z, const arma::mat& A,
                                double slope) {
  switch (g) {
    case Activation::sigmoid:
      return A % (1.0 - A);
    case Activation::tanh:
      return 1.0 - A % A;
    default:
      return activation_derivative(g, Z, slope);
  }
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

// The reference with layer `layer`'s derivative replaced by `used`'s.
class WrongDerivative final : public ReferenceBackprop {
 public:
  WrongDerivative(Convention c, int layer, Activation used)
      : ReferenceBackprop(c), layer_(layer), used_(used) {}

 protected:
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    if (l != layer_) return ReferenceBackprop::activation_backward(p, l, dA);
    const auto k = static_cast<std::size_t>(l);
    return dA % derivative_as_written(used_, p.f.Z[k], p.f.A[k], p.c.spec.leaky_slope);
  }

 private:
  int layer_;
  Activation used_;
};

std::optional<Diagnosis> wrong_derivative(const CaseResult& r, const SourceInfo& info,
                                          const Tolerance& t, const Gradients& reference) {
  const Case& c = r.c;
  for (int l = c.depth() - 1; l >= 1; --l)
    for (Activation used : {Activation::sigmoid, Activation::tanh, Activation::relu,
                            Activation::leaky_relu, Activation::linear}) {
      if (used == c.spec.g(l)) continue;
      WrongDerivative hypothesis(info.convention, l, used);
      const Gradients g = hypothesis.gradients(c);
      if (!differs_somewhere(r, g, reference, t) || !matches_all(r, g, t)) continue;
      const std::string ls = std::to_string(l);
      return Diagnosis{"activation_derivative",
                       "layer " + ls + "'s backward pass multiplies by " +
                           derivative_words(used, l) + ", but " + derivative_words(used, l) +
                           " is the derivative of " + std::string(to_string(used)) + "; with a " +
                           std::string(to_string(c.spec.g(l))) + " layer the factor g[" + ls +
                           "]'(Z[" + ls + "]) is " + derivative_words(c.spec.g(l), l),
                       std::nullopt, l};
    }
  return std::nullopt;
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
  if (bias && got.ndim == 0)
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

Diagnosis diagnose_cause(const CaseResult& r, const SourceInfo& info, const Tolerance& t);

}  // namespace

Diagnosis diagnose(const CaseResult& r, const SourceInfo& info, const Tolerance& t) {
  Diagnosis d = diagnose_cause(r, info, t);
  if (d.id == "none" || d.id == "adapter_error") return d;
  if (const auto where = first_disagreement(r)) {
    d.layer = where->layer;
    d.message += ". T" + where->text.substr(1);
  }
  return d;
}

namespace {

Diagnosis diagnose_cause(const CaseResult& r, const SourceInfo& info, const Tolerance& t) {
  if (r.source_error)
    return {"adapter_error", "the code under test failed on this case: " + *r.source_error,
            std::nullopt, std::nullopt};
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
    const Diagnosis g = diagnose_cause(gradients_only, info, t);
    d.message += ". The gradients disagree too: [" + g.id + "] " + g.message;
    d.layer = g.layer;
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
  const Gradients reference = ReferenceBackprop(info.convention).gradients(r.c);
  for (const MutantInfo& m : mutant_catalogue()) {
    const Gradients g = make_mutant(m.name, info.convention)->gradients(r.c);
    if (differs_somewhere(r, g, reference, t) && matches_all(r, g, t)) {
      Diagnosis d{m.diagnosis, "", m.name, first_bad_layer(r)};
      // The structural reading gives the numbers; the catalogue names the bug.
      std::optional<Diagnosis> detail = shape_problem(r);
      if (!detail) detail = constant_factor(r);
      if (!detail) detail = regularization(r, info);
      if (!detail) detail = localize(r);
      std::string evidence = detail ? detail->message : entry_text(*failures.front());
      // A sentence starts with a capital, but a name keeps its case ("dZ1", not "DZ1").
      if (evidence.size() > 1 && std::islower(static_cast<unsigned char>(evidence[1])))
        evidence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(evidence[0])));
      d.message = "this is the known bug '" + m.name + "': " + m.description + ". " + evidence;
      return d;
    }
  }
  if (auto d = wrong_derivative(r, info, t, reference)) return *d;
  if (auto d = shape_problem(r)) return *d;
  if (auto d = constant_factor(r)) return *d;
  if (auto d = regularization(r, info)) return *d;
  if (auto d = localize(r)) return *d;
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
  return {"unknown",
          "gradients first disagree at layer " + std::to_string(layer) +
              " (counting from the output back, layers above it agree): " + entry_text(*worst) +
              ", relative difference " + num(worst->rel_diff) + "; " +
              std::to_string(worst->failing_entries) + " entr" +
              (worst->failing_entries == 1 ? "y" : "ies") + " of " + worst->quantity.name() +
              " fail",
          std::nullopt, layer};
}

}  // namespace
}  // namespace gradfuzz
