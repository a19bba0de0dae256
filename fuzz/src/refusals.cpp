#include "refusals.hpp"

#include <algorithm>
#include <iterator>
#include <type_traits>

namespace gradfuzz::detail {
namespace {

template <class T>
std::string listed(const std::set<T>& values) {
  std::string out;
  for (const T& v : values) {
    std::string word;
    if constexpr (std::is_same_v<T, Activation>)
      word = std::string(to_string(v));
    else
      word = std::to_string(v);
    out += (out.empty() ? "" : ", ") + word;
  }
  return out;
}

template <class T>
std::set<T> minus(const std::set<T>& a, const std::set<T>& b) {
  std::set<T> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

}  // namespace

void Refusals::Seen::add(const Case& c) {
  ++cases;
  const NetSpec& s = c.spec;
  const int L = s.depth();
  for (int l = 1; l < L; ++l) {
    hidden.insert(s.g(l));
    mixed_hidden = mixed_hidden || s.g(l) != s.g(1);
  }
  output.insert(s.g(L));
  depths.insert(static_cast<arma::uword>(L));
  output_units.insert(s.n(L));
  const arma::uword wide = *std::max_element(s.sizes.begin(), s.sizes.end());
  widest = std::max(widest, wide);
  narrowest_widest = std::min(narrowest_widest, wide);
  largest_batch = std::max(largest_batch, c.m());
  smallest_batch = std::min(smallest_batch, c.m());
  if (s.loss != Loss::mse)
    for (const double y : c.Y) soft_labels = soft_labels || (y != 0 && y != 1);
}

std::vector<std::string> Refusals::hints() const {
  std::vector<std::string> out;
  const Seen& a = answered_;
  const Seen& r = refused_;
  if (a.cases && r.cases) {
    auto values = [&](const char* field, const char* what, const auto& took, const auto& left) {
      const auto only_refused = minus(left, took);
      if (!only_refused.empty() && !took.empty())
        out.push_back(std::string(field) + ": it answered for " + what + " " + listed(took) +
                      " and refused " + listed(only_refused));
    };
    values("hidden_activations", "hidden layers", a.hidden, r.hidden);
    values("output_activations", "outputs", a.output, r.output);
    if (!a.mixed_hidden && r.mixed_hidden && a.hidden.size() > 1)
      out.push_back(
          "same_hidden_activation: every network it answered used one activation in all its "
          "hidden layers");
    values("depth", "depth", a.depths, r.depths);
    values("output_units", "output units", a.output_units, r.output_units);
    if (r.narrowest_widest > a.widest)
      out.push_back("max_width: it answered for layers of up to " + std::to_string(a.widest) +
                    " units and refused every network with a wider one");
    if (r.smallest_batch > a.largest_batch)
      out.push_back("max_batch: it answered for batches of up to " +
                    std::to_string(a.largest_batch) + " and refused every larger one");
    if (!a.soft_labels && r.soft_labels)
      out.push_back("labels: \"hard\": it answered for hard labels only");
  }
  if (out.empty())
    out.push_back(std::string(a.cases ? "nothing tells the refused cases from the answered ones"
                                      : "it answered no case at all") +
                  "; the fields that can describe the code: hidden_activations, "
                  "output_activations, same_hidden_activation, depth, output_units, max_width, "
                  "max_batch, labels");
  return out;
}

}  // namespace gradfuzz::detail
