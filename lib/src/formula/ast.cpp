#include "gradfuzz/formula/ast.hpp"

namespace gradfuzz::formula {

int LayerIndex::at(int l, int L) const {
  switch (base) {
    case Base::number:
      return offset;
    case Base::l:
      return l + offset;
    case Base::L:
      return L + offset;
  }
  return offset;
}

std::string LayerIndex::text() const {
  if (base == Base::number) return std::to_string(offset);
  std::string out = base == Base::l ? "l" : "L";
  if (offset > 0) out += "+" + std::to_string(offset);
  if (offset < 0) out += std::to_string(offset);
  return out;
}

std::string to_string(Symbol s) {
  switch (s) {
    case Symbol::W:
      return "W";
    case Symbol::b:
      return "b";
    case Symbol::Z:
      return "Z";
    case Symbol::A:
      return "A";
    case Symbol::Y:
      return "Y";
    case Symbol::dW:
      return "dW";
    case Symbol::db:
      return "db";
    case Symbol::dZ:
      return "dZ";
    case Symbol::dA:
      return "dA";
  }
  return "?";
}

bool is_gradient(Symbol s) {
  return s == Symbol::dW || s == Symbol::db || s == Symbol::dZ || s == Symbol::dA;
}

int lowest_layer(Symbol s) {
  return s == Symbol::A || s == Symbol::dA ? 0 : 1;
}

int highest_layer(Symbol s, int L) {
  return s == Symbol::dA ? L - 1 : L;
}

Quantity Target::at(int l, int L) const {
  const int k = layer.at(l, L);
  switch (symbol) {
    case Symbol::dW:
      return Quantity::dW(k);
    case Symbol::db:
      return Quantity::db(k);
    case Symbol::dA:
      return Quantity::dA(k);
    default:
      return Quantity::dZ(k);
  }
}

std::string Formula::target_text() const {
  return text.substr(target.span.offset, target.span.length);
}

std::string Formula::rhs_text() const {
  return text.substr(rhs.span.offset, rhs.span.length);
}

namespace {
void collect(const Node& node, std::vector<const Node*>& out) {
  if ((node.op == Op::symbol && node.has_layer) ||
      ((node.op == Op::activate || node.op == Op::derivative) && !node.named))
    out.push_back(&node);
  for (const Node& arg : node.args) collect(arg, out);
}
}  // namespace

std::vector<const Node*> layered_nodes(const Node& node) {
  std::vector<const Node*> out;
  collect(node, out);
  return out;
}

}  // namespace gradfuzz::formula
