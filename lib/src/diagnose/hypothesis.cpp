#include "hypothesis.hpp"

namespace gradfuzz::detail {

std::string Substitution::label() const {
  if (!layer) return name;
  return name + "@" + (*layer == every_hidden_layer ? "hidden" : std::to_string(*layer));
}

Hypothesis::Hypothesis(std::vector<Substitution> parts, Convention convention)
    : ReferenceBackprop(convention), parts_(std::move(parts)) {}

std::string Hypothesis::label() const {
  std::string out;
  for (const auto& part : parts_) out += (out.empty() ? "" : " + ") + part.label();
  return out;
}

unsigned Hypothesis::replaced_steps() const {
  unsigned steps = 0;
  for (const auto& part : parts_) steps |= part.variant->replaced_steps();
  return steps;
}

const ReferenceBackprop* Hypothesis::at(Step step, int l, int depth) const {
  for (const auto& part : parts_)
    if ((part.variant->replaced_steps() & step) &&
        (!part.layer || *part.layer == l || (*part.layer == every_hidden_layer && l < depth)))
      return part.variant.get();
  return nullptr;
}

arma::mat Hypothesis::output_delta(const Pass& p) const {
  const auto* v = at(step_output_delta, p.c.depth(), p.c.depth());
  return v ? v->output_delta(p) : ReferenceBackprop::output_delta(p);
}
arma::mat Hypothesis::activation_backward(const Pass& p, int l, const arma::mat& dA) const {
  const auto* v = at(step_activation_backward, l, p.c.depth());
  return v ? v->activation_backward(p, l, dA) : ReferenceBackprop::activation_backward(p, l, dA);
}
arma::mat Hypothesis::weight_gradient(const Pass& p, int l, const arma::mat& dZ) const {
  const auto* v = at(step_weight_gradient, l, p.c.depth());
  return v ? v->weight_gradient(p, l, dZ) : ReferenceBackprop::weight_gradient(p, l, dZ);
}
arma::mat Hypothesis::bias_gradient(const Pass& p, int l, const arma::mat& dZ) const {
  const auto* v = at(step_bias_gradient, l, p.c.depth());
  return v ? v->bias_gradient(p, l, dZ) : ReferenceBackprop::bias_gradient(p, l, dZ);
}
arma::mat Hypothesis::regularization_gradient(const Pass& p, int l) const {
  const auto* v = at(step_regularization_gradient, l, p.c.depth());
  return v ? v->regularization_gradient(p, l) : ReferenceBackprop::regularization_gradient(p, l);
}
arma::mat Hypothesis::propagate(const Pass& p, int l, const arma::mat& dZ) const {
  const auto* v = at(step_propagate, l, p.c.depth());
  return v ? v->propagate(p, l, dZ) : ReferenceBackprop::propagate(p, l, dZ);
}

bool combinable(const Substitution& a, const Substitution& b) {
  if (!(a.variant->replaced_steps() & b.variant->replaced_steps())) return true;
  return a.layer && b.layer && *a.layer != *b.layer && *a.layer != every_hidden_layer &&
         *b.layer != every_hidden_layer;
}

}  // namespace gradfuzz::detail
