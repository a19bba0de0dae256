#include "gradfuzz/net_spec.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace gradfuzz {

bool NetSpec::has_kinks() const {
  for (Activation g : activations)
    if (has_kink(g)) return true;
  return false;
}

std::string NetSpec::describe() const {
  std::ostringstream out;
  for (std::size_t i = 0; i < sizes.size(); ++i) out << (i ? "-" : "") << sizes[i];
  out << ' ';
  for (std::size_t i = 0; i < activations.size(); ++i)
    out << (i ? "," : "") << to_string(activations[i]);
  out << ' ' << to_string(loss);
  if (lambda != 0) out << " lambda=" << lambda;
  for (Activation g : activations)
    if (g == Activation::leaky_relu) {
      out << " slope=" << leaky_slope;
      break;
    }
  return out.str();
}

bool operator==(const NetSpec& a, const NetSpec& b) {
  return a.sizes == b.sizes && a.activations == b.activations && a.loss == b.loss &&
         a.lambda == b.lambda && a.leaky_slope == b.leaky_slope;
}

void validate(const NetSpec& spec) {
  const int L = spec.depth();
  if (L < 1) throw SpecError("the network has no layers: give at least one activation (L >= 1)");
  if (spec.sizes.size() != static_cast<std::size_t>(L) + 1) {
    std::ostringstream msg;
    msg << spec.sizes.size() << " layer sizes for " << L << " activation(s): a network of L = " << L
        << " layers needs L + 1 = " << L + 1 << " sizes n0..n" << L;
    throw SpecError(msg.str());
  }
  for (std::size_t i = 0; i < spec.sizes.size(); ++i)
    if (spec.sizes[i] < 1)
      throw SpecError("size n" + std::to_string(i) + " is 0: every layer needs at least one unit");
  for (int l = 1; l < L; ++l)
    if (spec.g(l) == Activation::softmax)
      throw SpecError("layer " + std::to_string(l) + " of " + std::to_string(L) +
                      " is softmax: softmax is only allowed on the output layer (layer " +
                      std::to_string(L) + "); use sigmoid, tanh, relu, leaky_relu or linear");
  const Activation out = spec.g(L);
  if (!loss_fits_output(spec.loss, out)) {
    std::string why;
    switch (spec.loss) {
      case Loss::bce:
        why = "bce needs a sigmoid output layer";
        break;
      case Loss::ce:
        why = "ce needs a softmax output layer";
        break;
      case Loss::mse:
        why = "mse cannot follow softmax (use ce with softmax)";
        break;
    }
    throw SpecError("loss " + std::string(to_string(spec.loss)) + " with output activation " +
                    std::string(to_string(out)) + ": " + why);
  }
  if (out == Activation::softmax && spec.n(L) < 2)
    throw SpecError("softmax output with n" + std::to_string(L) +
                    " = 1: a softmax over one unit is constant; give the output layer >= 2 units");
  if (!std::isfinite(spec.lambda) || spec.lambda < 0)
    throw SpecError("lambda = " + std::to_string(spec.lambda) +
                    ": the L2 strength must be finite and >= 0");
  if (spec.lambda > kMaxLambda) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%g", spec.lambda);
    throw SpecError("lambda = " + std::string(shown) +
                    " cannot be judged: above 1000 the L2 term outweighs the data term of J so "
                    "far that rounding hides any error in the data part of the gradients (a "
                    "wrong backprop would pass, a right one could fail); gradfuzz checks lambda "
                    "from 0 to 1000");
  }
  if (!std::isfinite(spec.leaky_slope)) throw SpecError("leaky_slope must be a finite number");
}

}  // namespace gradfuzz
