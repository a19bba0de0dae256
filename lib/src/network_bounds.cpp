#include "gradfuzz/network_bounds.hpp"

#include <algorithm>

namespace gradfuzz {
namespace {

bool listed(const std::vector<Activation>& list, Activation a) {
  return std::find(list.begin(), list.end(), a) != list.end();
}

std::string names(const std::vector<Activation>& list) {
  std::string out;
  for (Activation a : list) out += (out.empty() ? "" : ", ") + std::string(to_string(a));
  return out;
}

}  // namespace

std::string to_string(const Range& r) {
  return r.min == r.max ? std::to_string(r.min)
                        : std::to_string(r.min) + " to " + std::to_string(r.max);
}

std::optional<Range> intersect(const Range& a, const Range& b) {
  const Range both{std::max(a.min, b.min), std::min(a.max, b.max)};
  if (both.min > both.max) return std::nullopt;
  return both;
}

bool NetworkBounds::empty() const {
  return *this == NetworkBounds{};
}

std::optional<std::string> outside(const NetworkBounds& b,
                                   const std::vector<Activation>& activations, const Case& c) {
  const NetSpec& s = c.spec;
  const int L = s.depth();
  const auto& hidden = b.hidden_activations ? *b.hidden_activations : activations;
  const auto& output = b.output_activations ? *b.output_activations : activations;
  for (int l = 1; l < L; ++l)
    if (!listed(hidden, s.g(l)))
      return "its hidden layer " + std::to_string(l) + " is " + std::string(to_string(s.g(l))) +
             ", not one of the declared " + names(hidden);
  if (!listed(output, s.g(L)))
    return "its output layer is " + std::string(to_string(s.g(L))) + ", not one of the declared " +
           names(output);
  if (b.same_hidden_activation)
    for (int l = 2; l < L; ++l)
      if (s.g(l) != s.g(1))
        return "its hidden layers mix " + std::string(to_string(s.g(1))) + " and " +
               std::string(to_string(s.g(l))) +
               " (declared: one activation for every hidden layer)";
  if (b.depth && !b.depth->contains(static_cast<arma::uword>(L)))
    return "its depth " + std::to_string(L) + " is not the declared " + to_string(*b.depth);
  if (b.output_units && !b.output_units->contains(s.n(L)))
    return "its " + std::to_string(s.n(L)) + " output unit(s) are not the declared " +
           to_string(*b.output_units);
  if (b.max_width)
    for (int l = 0; l <= L; ++l)
      if (s.n(l) > *b.max_width)
        return "its layer " + std::to_string(l) + " has " + std::to_string(s.n(l)) +
               " units, more than the declared max_width " + std::to_string(*b.max_width);
  if (b.max_batch && c.m() > *b.max_batch)
    return "its batch of " + std::to_string(c.m()) + " is more than the declared max_batch " +
           std::to_string(*b.max_batch);
  if (b.hard_labels && s.loss != Loss::mse)
    for (const double y : c.Y)
      if (y != 0 && y != 1) return "its labels are soft (declared: hard labels only)";
  return std::nullopt;
}

}  // namespace gradfuzz
