#include "gradfuzz/formula/layers.hpp"

namespace gradfuzz::formula {
namespace {

struct Named {
  Symbol symbol;  // g counts as Z: layers 1..L
  LayerIndex layer;
  Span span;
  std::string text;
};

std::vector<Named> named_layers(const Formula& f) {
  std::vector<Named> out;
  out.push_back({f.target.symbol, f.target.layer, f.target.span, f.target_text()});
  for (const Node* n : layered_nodes(f.rhs)) {
    const Symbol s = n->op == Op::symbol ? n->symbol : Symbol::Z;
    const std::string shown = n->op == Op::symbol ? to_string(s) : "g";
    out.push_back({s, n->layer, n->span, shown + "[" + n->layer.text() + "]"});
  }
  return out;
}

bool exists(const Named& n, int l, int L) {
  const int k = n.layer.at(l, L);
  return k >= lowest_layer(n.symbol) && k <= highest_layer(n.symbol, L);
}

bool applies(const std::vector<Named>& names, int l, int L) {
  for (const Named& n : names)
    if (!exists(n, l, L)) return false;
  return true;
}

}  // namespace

bool has_symbolic_layers(const Formula& f) {
  return f.uses_l || f.uses_L;
}

std::vector<int> applicable_layers(const Formula& f, int L) {
  const std::vector<Named> names = named_layers(f);
  std::vector<int> out;
  if (!f.uses_l) {
    if (applies(names, 0, L)) out.push_back(0);
    return out;
  }
  for (int l = 0; l <= L; ++l)
    if (applies(names, l, L)) out.push_back(l);
  return out;
}

int minimum_depth(const Formula& f) {
  for (int L = 1; L <= kMaxDepth; ++L)
    if (!applicable_layers(f, L).empty()) return L;
  throw FormulaError(f.text, f.rhs.span,
                     "no network of up to " + std::to_string(kMaxDepth) +
                         " layers has every layer this formula names at once");
}

void require_depth(const Formula& f, int L, std::string_view option) {
  if (!applicable_layers(f, L).empty()) return;
  const std::vector<Named> names = named_layers(f);
  const std::string network = std::to_string(L) + "-layer network";
  for (const Named& n : names) {
    bool somewhere = false;
    for (int l = 0; l <= L && !somewhere; ++l) somewhere = exists(n, l, L);
    if (!somewhere)
      throw FormulaError(f.text, n.span,
                         n.text + " does not exist in a " + network + " (" + std::string(option) +
                             " gives " + std::to_string(L) + " layer" + (L == 1 ? "" : "s") +
                             "): the formula needs networks of at least " +
                             std::to_string(minimum_depth(f)) + " layers");
  }
  throw FormulaError(f.text, f.rhs.span,
                     "in a " + network + " no single l gives every layer this formula names");
}

}  // namespace gradfuzz::formula
