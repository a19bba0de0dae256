#include "gradfuzz/quantity.hpp"

#include <charconv>

namespace gradfuzz {
namespace {

// Backprop order for intermediates: dZ<l> comes before dA<l-1>.
int intermediate_rank(const Quantity& q) {
  return q.kind == Quantity::Kind::dZ ? -2 * q.layer : -2 * q.layer - 1;
}

}  // namespace

std::string Quantity::name() const {
  static constexpr const char* kPrefix[] = {"dW", "db", "dZ", "dA"};
  return kPrefix[static_cast<int>(kind)] + std::to_string(layer);
}

std::strong_ordering Quantity::operator<=>(const Quantity& other) const {
  if (is_parameter() != other.is_parameter())
    return is_parameter() ? std::strong_ordering::less : std::strong_ordering::greater;
  if (is_parameter()) {
    if (auto c = layer <=> other.layer; c != 0) return c;
    return static_cast<int>(kind) <=> static_cast<int>(other.kind);
  }
  return intermediate_rank(*this) <=> intermediate_rank(other);
}

std::string to_string(Shape s) {
  if (s.ndim == 0) return "()";
  if (s.ndim == 1) return "(" + std::to_string(s.cols) + ",)";
  return std::to_string(s.rows) + "x" + std::to_string(s.cols);
}

std::optional<Quantity> parse_quantity(std::string_view name) {
  if (name.size() < 3 || name[0] != 'd') return std::nullopt;
  Quantity q;
  switch (name[1]) {
    case 'W':
      q.kind = Quantity::Kind::dW;
      break;
    case 'b':
      q.kind = Quantity::Kind::db;
      break;
    case 'Z':
      q.kind = Quantity::Kind::dZ;
      break;
    case 'A':
      q.kind = Quantity::Kind::dA;
      break;
    default:
      return std::nullopt;
  }
  const char* first = name.data() + 2;
  const char* last = name.data() + name.size();
  if (*first == '0' && last - first > 1) return std::nullopt;  // "dW01" is no spelling of dW1
  auto [end, ec] = std::from_chars(first, last, q.layer);
  if (ec != std::errc() || end != last || q.layer < 0) return std::nullopt;
  if (q.layer == 0 && q.kind != Quantity::Kind::dA) return std::nullopt;
  return q;
}

}  // namespace gradfuzz
