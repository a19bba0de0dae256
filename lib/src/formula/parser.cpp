#include "gradfuzz/formula/parser.hpp"

#include <array>
#include <cmath>
#include <utility>

#include "gradfuzz/formula/lexer.hpp"

namespace gradfuzz::formula {
namespace {

constexpr int kMaxLayer = 20;  // literal layers and offsets; deeper networks are not drawn

struct SymbolSpelling {
  std::string_view prefix;
  Symbol symbol;
  bool is_X;
};

// Longest prefixes first: "dW" before "d...", and the two-letter gradients before W, b, ...
constexpr std::array kSymbolSpellings = {
    SymbolSpelling{"dW", Symbol::dW, false}, SymbolSpelling{"dw", Symbol::dW, false},
    SymbolSpelling{"db", Symbol::db, false}, SymbolSpelling{"dZ", Symbol::dZ, false},
    SymbolSpelling{"dz", Symbol::dZ, false}, SymbolSpelling{"dA", Symbol::dA, false},
    SymbolSpelling{"da", Symbol::dA, false}, SymbolSpelling{"W", Symbol::W, false},
    SymbolSpelling{"w", Symbol::W, false},   SymbolSpelling{"b", Symbol::b, false},
    SymbolSpelling{"Z", Symbol::Z, false},   SymbolSpelling{"z", Symbol::Z, false},
    SymbolSpelling{"A", Symbol::A, false},   SymbolSpelling{"a", Symbol::A, false},
    SymbolSpelling{"X", Symbol::A, true},    SymbolSpelling{"x", Symbol::A, true},
    SymbolSpelling{"Y", Symbol::Y, false},   SymbolSpelling{"y", Symbol::Y, false},
};

const char* kKnownNames =
    "W, b, Z, A, X, Y, dW, db, dZ, dA (with a layer: W[2] or W2), m, lambda, g[l]'(..), "
    "sigmoid, tanh, relu, np.<function>";

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (ch < '0' || ch > '9') return false;
  return true;
}

bool is_comparison(TokenKind k) {
  return k == TokenKind::less || k == TokenKind::greater || k == TokenKind::less_equal ||
         k == TokenKind::greater_equal || k == TokenKind::equal || k == TokenKind::not_equal;
}

Op comparison_op(TokenKind k) {
  switch (k) {
    case TokenKind::less:
      return Op::less;
    case TokenKind::greater:
      return Op::greater;
    case TokenKind::less_equal:
      return Op::less_equal;
    case TokenKind::greater_equal:
      return Op::greater_equal;
    case TokenKind::equal:
      return Op::equal;
    default:
      return Op::not_equal;
  }
}

std::optional<Activation> activation_function(std::string_view name) {
  if (name == "sigmoid" || name == "sigma") return Activation::sigmoid;
  if (name == "tanh") return Activation::tanh;
  if (name == "relu" || name == "ReLU") return Activation::relu;
  if (name == "leaky_relu") return Activation::leaky_relu;
  if (name == "softmax") return Activation::softmax;
  return std::nullopt;
}

Node make(Op op, Span span, std::string spelling, std::vector<Node> args = {}) {
  Node n;
  n.op = op;
  n.span = span;
  n.spelling = std::move(spelling);
  n.args = std::move(args);
  return n;
}

Node number_node(double value, Span span) {
  Node n = make(Op::number, span, "");
  n.value = value;
  return n;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(lex(text)) {}

  // A gradient's name alone, for `explain`.
  Target target_only(Formula& scratch) {
    scratch.text = std::string(text_);
    formula_ = &scratch;
    if (at(TokenKind::end))
      fail(peek().span, "expected a gradient: dZ, dA, dW or db with its layer, e.g. dz[1]");
    Target t = target();
    if (!at(TokenKind::end))
      fail(peek().span, "expected only the gradient's name (e.g. dz[1]), found " + found());
    return t;
  }

  Formula formula() {
    Formula f;
    f.text = std::string(text_);
    formula_ = &f;
    if (at(TokenKind::end))
      fail(peek().span,
           "the formula is empty: write GRADIENT = EXPRESSION, e.g. dz[1] = W[2]T dz[2] * "
           "g[1]'(z[1])");
    f.target = target();
    if (!at(TokenKind::assign)) {
      if (at(TokenKind::end))
        fail(peek().span, "expected '=' after " + f.target_text() + ": a formula is GRADIENT = " +
                              "EXPRESSION, e.g. dz[1] = W[2]T dz[2] * g[1]'(z[1])");
      fail(peek().span,
           "expected '=' after the left side " + f.target_text() + ", found " + found());
    }
    next();
    if (at(TokenKind::end))
      fail(peek().span, "the right side is empty: expected an expression after '='");
    f.rhs = expr();
    if (!at(TokenKind::end)) {
      if (at(TokenKind::assign))
        fail(peek().span, "a second '=': one formula has one left side and one right side");
      if (at(TokenKind::rparen)) fail(peek().span, "this ')' closes no '('");
      fail(peek().span, "unexpected " + found() +
                            ": expected an operator (+ - * / @), another factor or the end of "
                            "the formula");
    }
    f.notation = numpy_votes_ > course_votes_ ? Notation::numpy : Notation::course;
    return f;
  }

 private:
  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::size_t last_end_ = 0;  // end of the last token consumed
  int depth_ = 0;
  int numpy_votes_ = 0, course_votes_ = 0;
  Formula* formula_ = nullptr;

  class Nesting {
   public:
    Nesting(Parser& p, Span where) : p_(p) {
      if (++p_.depth_ > kMaxNesting)
        p_.fail(where, "the formula nests deeper than " + std::to_string(kMaxNesting) + " levels");
    }
    ~Nesting() { --p_.depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Parser& p_;
  };

  const Token& peek(std::size_t k = 0) const {
    return tokens_[std::min(pos_ + k, tokens_.size() - 1)];
  }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    last_end_ = t.span.end();
    return t;
  }
  bool at(TokenKind k) const { return peek().kind == k; }
  bool at_name(std::string_view name) const { return at(TokenKind::name) && peek().text == name; }
  bool accept(TokenKind k) {
    if (!at(k)) return false;
    next();
    return true;
  }
  Span from(std::size_t start) const { return {start, last_end_ > start ? last_end_ - start : 0}; }

  [[noreturn]] void fail(Span where, const std::string& reason) const {
    throw FormulaError(std::string(text_), where, reason);
  }

  std::string found() const {
    const Token& t = peek();
    if (t.kind == TokenKind::end) return "the end of the formula";
    if (t.kind == TokenKind::name || t.kind == TokenKind::number) return "'" + t.text + "'";
    return describe(t.kind);
  }

  const Token& expect(TokenKind k, const std::string& context) {
    if (!at(k)) fail(peek().span, "expected " + describe(k) + " " + context + ", found " + found());
    return next();
  }

  bool starts_operand() const {
    const Token& t = peek();
    if (t.kind == TokenKind::number || t.kind == TokenKind::lparen) return true;
    return t.kind == TokenKind::name && t.text != "T";
  }

  static Node binary(Op op, std::string spelling, Node left, Node right) {
    const Span span = Span::cover(left.span, right.span);
    std::vector<Node> args;
    args.push_back(std::move(left));
    args.push_back(std::move(right));
    return make(op, span, std::move(spelling), std::move(args));
  }

  // ---- the left side ---------------------------------------------------------------------

  Target target() {
    const Token& t = peek();
    if (t.kind != TokenKind::name)
      fail(t.span,
           "the left side must name a gradient (dZ, dA, dW or db with its layer, e.g. "
           "dz[1] or dW2), found " +
               found());
    const auto symbol = split_symbol(t.text);
    if (!symbol || !is_gradient(symbol->first.symbol))
      fail(t.span,
           "the left side must name a gradient: dZ, dA, dW or db with its layer (dz[1], "
           "dW[2], db^{[1]}, dZ1), not '" +
               t.text + "'");
    Node n = quantity();
    Target out;
    out.symbol = n.symbol;
    out.layer = n.layer;
    out.span = n.span;
    return out;
  }

  // ---- expressions -----------------------------------------------------------------------

  Node expr() {
    Nesting nest(*this, peek().span);
    Node left = sum();
    if (is_comparison(peek().kind)) {
      const Token& op = next();
      const Op kind = comparison_op(op.kind);
      const std::string spelling = op.text;
      Node right = sum();
      left = binary(kind, spelling, std::move(left), std::move(right));
      if (is_comparison(peek().kind))
        fail(peek().span, "chained comparisons (a < b < c) are not supported: use parentheses");
    }
    return left;
  }

  Node sum() {
    Node left = product();
    while (at(TokenKind::plus) || at(TokenKind::minus)) {
      const bool plus = next().kind == TokenKind::plus;
      Node right = product();
      left = binary(plus ? Op::add : Op::subtract, plus ? "+" : "-", std::move(left),
                    std::move(right));
    }
    return left;
  }

  Node product() {
    Node left = chain();
    for (;;) {
      if (accept(TokenKind::star)) {
        left = binary(Op::multiply, "*", std::move(left), chain());
      } else if (accept(TokenKind::at)) {
        ++numpy_votes_;
        left = binary(Op::matmul, "@", std::move(left), chain());
      } else if (accept(TokenKind::slash)) {
        left = binary(Op::divide, "/", std::move(left), unary());
        // "1/m dz[1] X^T": what follows a quotient by juxtaposition multiplies the quotient.
        while (starts_operand()) {
          ++course_votes_;
          left = binary(Op::matmul, "", std::move(left), power());
        }
      } else {
        return left;
      }
    }
  }

  Node chain() {
    Node left = unary();
    while (starts_operand()) {
      ++course_votes_;
      left = binary(Op::matmul, "", std::move(left), power());
    }
    return left;
  }

  Node unary() {
    if (at(TokenKind::minus) || at(TokenKind::plus)) {
      Nesting nest(*this, peek().span);
      const Token& sign = next();
      const std::size_t start = sign.span.offset;
      const bool minus = sign.kind == TokenKind::minus;
      Node operand = unary();
      if (!minus) {
        operand.span = from(start);
        return operand;
      }
      std::vector<Node> args;
      args.push_back(std::move(operand));
      return make(Op::negate, from(start), "-", std::move(args));
    }
    return power();
  }

  Node power() {
    Node base = postfix();
    if (at(TokenKind::power)) {
      Nesting nest(*this, peek().span);
      next();
      ++numpy_votes_;
      base = binary(Op::power, "**", std::move(base), unary());
    }
    return base;
  }

  Node wrap(Op op, Node operand, std::string spelling) {
    const std::size_t start = operand.span.offset;
    std::vector<Node> args;
    args.push_back(std::move(operand));
    return make(op, from(start), std::move(spelling), std::move(args));
  }

  Node postfix() {
    Node n = atom();
    for (;;) {
      const std::size_t start = n.span.offset;
      if (at_name("T")) {
        next();
        ++course_votes_;
        n = wrap(Op::transpose, std::move(n), "T");
      } else if (accept(TokenKind::transposed)) {
        ++course_votes_;
        n = wrap(Op::transpose, std::move(n), "\xE1\xB5\x80");
      } else if (accept(TokenKind::squared)) {
        Node two = number_node(2, {last_end_ - 2, 2});
        n = binary(Op::power, "\xC2\xB2", std::move(n), std::move(two));
        n.span = from(start);
      } else if (at(TokenKind::caret)) {
        n = caret_suffix(std::move(n));
      } else if (at(TokenKind::dot) && peek(1).kind == TokenKind::name) {
        n = method(std::move(n));
      } else if (at(TokenKind::dot)) {
        fail(peek().span, "expected T, dot(..), sum(..) or astype(..) after '.'");
      } else if (at(TokenKind::prime)) {
        fail(peek().span,
             "the derivative mark ' follows a function, as in g[1]'(z[1]) or sigmoid'(z), not "
             "a quantity");
      } else {
        return n;
      }
    }
  }

  Node caret_suffix(Node n) {
    const std::size_t start = n.span.offset;
    next();  // '^'
    if (at_name("T")) {
      next();
      ++course_votes_;
      return wrap(Op::transpose, std::move(n), "^T");
    }
    if (at(TokenKind::number) || at(TokenKind::lparen)) {
      Node exponent;
      if (at(TokenKind::number)) {
        const Token& k = next();
        exponent = number_node(k.number, k.span);
      } else {
        exponent = atom();
      }
      Node out = binary(Op::power, "^", std::move(n), std::move(exponent));
      out.span = from(start);
      return out;
    }
    if (accept(TokenKind::lbrace)) {
      if (at_name("T")) {
        next();
        expect(TokenKind::rbrace, "to close ^{T");
        ++course_votes_;
        return wrap(Op::transpose, std::move(n), "^{T}");
      }
      if (at(TokenKind::number)) {
        const Token& k = next();
        Node exponent = number_node(k.number, k.span);
        expect(TokenKind::rbrace, "to close the exponent");
        Node out = binary(Op::power, "^", std::move(n), std::move(exponent));
        out.span = from(start);
        return out;
      }
      if (at(TokenKind::lbracket))
        fail(peek().span,
             "a layer superscript ^{[l]} belongs right after a quantity's name, as in W^{[2]}");
      fail(peek().span, "expected T or an exponent inside ^{...}, found " + found());
    }
    if (at(TokenKind::lbracket))
      fail(peek().span,
           "a layer superscript ^[l] belongs right after a quantity's name, as in W^[2]");
    fail(peek().span, "expected T (transpose) or an exponent after '^', found " + found());
  }

  Node method(Node n) {
    const std::size_t start = n.span.offset;
    next();  // '.'
    const Token& name = next();
    ++numpy_votes_;
    if (name.text == "T") return wrap(Op::transpose, std::move(n), ".T");
    if (name.text == "transpose") {
      expect(TokenKind::lparen, "after .transpose");
      expect(TokenKind::rparen, "after .transpose(: it takes no arguments here");
      return wrap(Op::transpose, std::move(n), ".transpose()");
    }
    if (name.text == "astype") {
      expect(TokenKind::lparen, "after .astype");
      const Op op = dtype(".astype");
      expect(TokenKind::rparen, "after the type in .astype(..)");
      return wrap(op, std::move(n), ".astype");
    }
    if (name.text == "dot") {
      const Span open = expect(TokenKind::lparen, "after .dot").span;
      Nesting nest(*this, open);
      Node other = expr();
      expect(TokenKind::rparen, "to close .dot(");
      Node out = binary(Op::matmul, ".dot", std::move(n), std::move(other));
      out.span = from(start);
      return out;
    }
    if (name.text == "sum") {
      const Span open = expect(TokenKind::lparen, "after .sum").span;
      Nesting nest(*this, open);
      Node out = make(Op::sum, {}, ".sum");
      out.args.push_back(std::move(n));
      sum_arguments(out, 0, ".sum");
      out.arguments = from(open.offset);
      out.span = from(start);
      return out;
    }
    fail(name.span, "unknown method ." + name.text +
                        ": gradfuzz knows .T, .dot(..), .sum(axis=.., keepdims=..), "
                        ".astype(..) and .transpose()");
  }

  // ---- atoms -----------------------------------------------------------------------------

  Node atom() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::number: {
        next();
        return number_node(t.number, t.span);
      }
      case TokenKind::lparen: {
        Nesting nest(*this, t.span);
        const std::size_t start = t.span.offset;
        const std::size_t column = display_width(text_, start) + 1;
        next();
        if (at(TokenKind::rparen)) fail(peek().span, "empty parentheses: expected an expression");
        Node inner = expr();
        if (!at(TokenKind::rparen))
          fail(peek().span, "expected ')' to close the '(' at column " + std::to_string(column) +
                                ", found " + found());
        next();
        inner.span = from(start);
        return inner;
      }
      case TokenKind::name:
        return named();
      default:
        break;
    }
    fail(t.span,
         "expected a quantity (W[2], dz[1], X, Y), a number, a function (np.dot, "
         "g[1]') or '(', found " +
             found());
  }

  Node named() {
    const Token& t = peek();
    const std::string name = t.text;
    if (name == "np" || name == "numpy") {
      const std::size_t start = t.span.offset;
      next();
      expect(TokenKind::dot, "after " + name + " (as in np.dot)");
      if (!at(TokenKind::name)) fail(peek().span, "expected a function name after '" + name + ".'");
      ++numpy_votes_;
      return numpy_call(start, name + ".");
    }
    if (name == "g" || activation_function(name) || name == "exp" || name == "log")
      return function_call();
    if (name == "m") {
      next();
      return make(Op::m, t.span, "m");
    }
    if (name == "lambda" || name == "lambd") {
      next();
      formula_->uses_lambda = true;
      return make(Op::lambda, t.span, name);
    }
    if (name == "T")
      fail(t.span, "T transposes the quantity before it: write W[2]T, W[2]^T or W2.T");
    if (name == "True" || name == "False" || name == "None")
      fail(t.span, name + " is only a value for keepdims= or axis= inside np.sum(..)");
    if (split_symbol(name)) return quantity();
    std::string hint;
    if (name.size() > 1 && name.back() == 'T' && split_symbol(name.substr(0, name.size() - 1)))
      hint = " (to transpose, write " + name.substr(0, name.size() - 1) + ".T or put T after the " +
             "layer: W[2]T)";
    else if (name == "sum" || name == "dot" || name == "multiply" || name == "power")
      hint = " (did you mean np." + name + "?)";
    else if (name == "e")
      hint = " (for e^x write np.exp(x))";
    fail(t.span, "unknown name '" + name + "'" + hint + ": expected " + kKnownNames);
  }

  // Splits "dZ1" into (dZ, "1"), "W" into (W, ""), "AL" into (A, "L"); nothing for other names.
  static std::optional<std::pair<SymbolSpelling, std::string>> split_symbol(
      const std::string& name) {
    for (const SymbolSpelling& s : kSymbolSpellings) {
      if (name.compare(0, s.prefix.size(), s.prefix) != 0) continue;
      const std::string rest = name.substr(s.prefix.size());
      if (rest.empty() || is_digits(rest) || rest == "l" || rest == "L") return {{s, rest}};
    }
    return std::nullopt;
  }

  Node quantity() {
    const Token& t = next();
    const auto [spelling, rest] = *split_symbol(t.text);
    Node n = make(Op::symbol, t.span, t.text);
    n.symbol = spelling.symbol;
    const std::string base = std::string(spelling.prefix);
    if (spelling.is_X || spelling.symbol == Symbol::Y) {
      if (!rest.empty())
        fail(t.span, "'" + t.text + "': " + base +
                         (spelling.is_X ? " has no layer: X is A[0], the input"
                                        : " has no layer: Y holds the labels"));
      if (at(TokenKind::lbracket) || (at(TokenKind::caret) && peek(1).kind == TokenKind::lbrace &&
                                      peek(2).kind == TokenKind::lbracket))
        fail(peek().span, base + (spelling.is_X ? " has no layer: X is A[0], the input (write "
                                                  "A[0] or X)"
                                                : " has no layer: Y holds the labels"));
      if (spelling.is_X) {
        n.has_layer = true;
        n.layer = {LayerIndex::Base::number, 0, t.span};
      }
      return n;
    }
    const std::size_t name_end = t.span.end();
    bool transposed = false;  // A^{[l-1]T}
    if (!rest.empty()) {
      ++numpy_votes_;
      const Span index_span{name_end - rest.size(), rest.size()};
      if (rest == "l" || rest == "L") {
        n.layer = {rest == "l" ? LayerIndex::Base::l : LayerIndex::Base::L, 0, index_span};
      } else {
        n.layer = {LayerIndex::Base::number, literal_layer(rest, index_span), index_span};
      }
    } else if (at(TokenKind::lbracket) ||
               (at(TokenKind::caret) &&
                (peek(1).kind == TokenKind::lbracket ||
                 (peek(1).kind == TokenKind::lbrace && peek(2).kind == TokenKind::lbracket)))) {
      ++course_votes_;
      n.layer = superscript(&transposed);
    } else {
      fail(t.span, base + " needs a layer: " + base + "[1] or " + base + "1 (or " + base +
                       "[l] for every layer)");
    }
    n.has_layer = true;
    n.span = from(t.span.offset);
    check_layer(n.symbol, n.layer, n.span);
    if (n.layer.base == LayerIndex::Base::l) formula_->uses_l = true;
    if (n.layer.base == LayerIndex::Base::L) formula_->uses_L = true;
    if (transposed) {
      n.span.length = n.layer.span.end() - n.span.offset + 1;  // "A^{[l-1]": up to the ']'
      n = wrap(Op::transpose, std::move(n), "^{T}");
    }
    return n;
  }

  int literal_layer(const std::string& digits, Span span) const {
    if (digits.size() > 2 || std::stoi(digits) > kMaxLayer)
      fail(span, "layer " + digits + " is deeper than gradfuzz builds networks (at most " +
                     std::to_string(kMaxLayer) + " layers)");
    return std::stoi(digits);
  }

  // [2], [l+1], ^{[2]}, ^[2], and ^{[2]T} when `transposed` may be set.
  LayerIndex superscript(bool* transposed = nullptr) {
    bool brace = false;
    if (accept(TokenKind::caret)) brace = accept(TokenKind::lbrace);
    expect(TokenKind::lbracket, "for the layer");
    LayerIndex index = layer_index();
    expect(TokenKind::rbracket, "to close the layer [" + index.text());
    if (brace && transposed && at_name("T")) {
      next();
      *transposed = true;
    }
    if (brace) expect(TokenKind::rbrace, "to close ^{[" + index.text() + "]");
    return index;
  }

  LayerIndex layer_index() {
    const Token& t = peek();
    const std::size_t start = t.span.offset;
    if (t.kind == TokenKind::number) {
      next();
      if (!is_digits(t.text))
        fail(t.span, "a layer is a whole number (or l, L, l+1, L-1), not " + t.text);
      return {LayerIndex::Base::number, literal_layer(t.text, t.span), t.span};
    }
    if (t.kind == TokenKind::name && (t.text == "l" || t.text == "L")) {
      next();
      LayerIndex index{t.text == "l" ? LayerIndex::Base::l : LayerIndex::Base::L, 0, t.span};
      if (at(TokenKind::plus) || at(TokenKind::minus)) {
        const bool plus = next().kind == TokenKind::plus;
        const Token& k = peek();
        if (k.kind != TokenKind::number || !is_digits(k.text))
          fail(k.span, "expected a whole number after " + t.text + (plus ? "+" : "-") +
                           " in the layer, found " + found());
        next();
        const int amount = literal_layer(k.text, k.span);
        index.offset = plus ? amount : -amount;
      }
      index.span = from(start);
      return index;
    }
    fail(t.span, "expected a layer: a number (1, 2), l, L, l+1 or L-1, found " + found());
  }

  void check_layer(Symbol s, const LayerIndex& index, Span span, std::string shown = "") const {
    if (shown.empty()) shown = to_string(s);
    const std::string name = shown + "[" + index.text() + "]";
    const std::string range =
        shown + (s == Symbol::A    ? " has layers 0..L (A[0] is X)"
                 : s == Symbol::dA ? " is checked for layers 0..L-1 (dA[0] is "
                                     "the gradient with respect to X)"
                                   : " has layers 1..L");
    if (index.base == LayerIndex::Base::number && index.offset < lowest_layer(s))
      fail(span, name + " does not exist: " + range);
    if (index.base == LayerIndex::Base::L && index.offset > highest_layer(s, 0))
      fail(span, name + " is beyond the last layer: " + range);
  }

  // ---- calls -----------------------------------------------------------------------------

  struct Arguments {
    std::vector<Node> positional;
    Span span;  // from '(' to ')'
  };

  // g[l]'(..), sigmoid(..), tanh'(..), exp(..)
  Node function_call() {
    const Token& t = next();
    const std::size_t start = t.span.offset;
    const std::string name = t.text;
    Node n;
    n.spelling = name;
    bool layered = false;
    if (name == "g") {
      if (at(TokenKind::lbracket) || (at(TokenKind::caret) && peek(1).kind != TokenKind::name)) {
        n.layer = superscript();
        layered = true;
        check_layer(Symbol::Z, n.layer, from(start), "g");
      } else if (at(TokenKind::name) && is_digits(peek().text)) {
        fail(peek().span, "write g's layer as g[1]");
      }
    } else if (at(TokenKind::lbracket)) {
      fail(peek().span, name + " is the same function in every layer: it takes no layer");
    }
    const bool derivative = accept(TokenKind::prime);
    if (derivative) ++course_votes_;
    if (at(TokenKind::prime)) fail(peek().span, "second derivatives are not part of backprop");
    if (derivative && (name == "exp" || name == "log"))
      fail(from(start),
           "write the derivative of " + name + " out: " + (name == "exp" ? "np.exp(x)" : "1/x"));
    if (!at(TokenKind::lparen))
      fail(peek().span, "expected '(' after " + text_of(from(start)) + ": " + name +
                            " is a function, as in " +
                            (name == "g" ? "g[1]'(z[1])" : name + "(z[1])") + ", found " + found());
    Arguments a = arguments(text_of(from(start)), 1, 1);
    n.args = std::move(a.positional);
    n.arguments = a.span;
    n.span = from(start);
    if (name == "exp" || name == "log") {
      n.op = name == "exp" ? Op::exp : Op::log;
      return n;
    }
    n.op = derivative ? Op::derivative : Op::activate;
    if (name == "g") {
      n.has_layer = true;
      if (!layered) {
        // g'(z[1]): the layer of the argument.
        const Node& arg = n.args.front();
        if (arg.op == Op::symbol && (arg.symbol == Symbol::Z || arg.symbol == Symbol::A) &&
            arg.has_layer &&
            !(arg.layer.base == LayerIndex::Base::number && arg.layer.offset == 0)) {
          n.layer = arg.layer;
        } else {
          fail(t.span,
               "g needs a layer here: write g[1]'(z[1]) (g alone takes its layer from "
               "a Z or A argument)");
        }
      }
      if (n.layer.base == LayerIndex::Base::l) formula_->uses_l = true;
      if (n.layer.base == LayerIndex::Base::L) formula_->uses_L = true;
    } else {
      n.named = activation_function(name);
      if (derivative && n.named == Activation::softmax)
        fail(from(start),
             "softmax' is a Jacobian per column, not an elementwise factor; for ce "
             "with a softmax output dZ[L] = A[L] - Y");
    }
    return n;
  }

  // After "np.": the function's name is the current token.
  Node numpy_call(std::size_t start, const std::string& prefix) {
    const Token& t = next();
    const std::string name = t.text;
    const std::string spelled = prefix + name;
    auto call = [&](Op op, std::size_t lo, std::size_t hi) {
      if (!at(TokenKind::lparen))
        fail(peek().span, "expected '(' after " + spelled + ", found " + found());
      Arguments a = arguments(spelled, lo, hi);
      Node n = make(op, from(start), spelled, std::move(a.positional));
      n.arguments = a.span;
      return n;
    };
    if (name == "dot" || name == "matmul") return call(Op::matmul, 2, 2);
    if (name == "multiply") return call(Op::multiply, 2, 2);
    if (name == "divide" || name == "true_divide") return call(Op::divide, 2, 2);
    if (name == "add") return call(Op::add, 2, 2);
    if (name == "subtract") return call(Op::subtract, 2, 2);
    if (name == "power") return call(Op::power, 2, 2);
    if (name == "maximum") return call(Op::maximum, 2, 2);
    if (name == "minimum") return call(Op::minimum, 2, 2);
    if (name == "where") return call(Op::where, 3, 3);
    if (name == "exp") return call(Op::exp, 1, 1);
    if (name == "log") return call(Op::log, 1, 1);
    if (name == "sqrt") return call(Op::sqrt, 1, 1);
    if (name == "abs" || name == "absolute") return call(Op::abs, 1, 1);
    if (name == "transpose") return call(Op::transpose, 1, 1);
    if (name == "negative") return call(Op::negate, 1, 1);
    if (name == "int64" || name == "int32" || name == "int_" || name == "int16" || name == "int8")
      return call(Op::truncate, 1, 1);
    if (name == "float64" || name == "float32" || name == "float_" || name == "double")
      return call(Op::as_float, 1, 1);
    if (name == "square") {
      Node n = call(Op::power, 1, 1);
      n.args.push_back(number_node(2, n.arguments));
      return n;
    }
    if (name == "tanh") {
      Node n = call(Op::activate, 1, 1);
      n.named = Activation::tanh;
      return n;
    }
    if (name == "sum") {
      if (!at(TokenKind::lparen))
        fail(peek().span, "expected '(' after " + spelled + ", found " + found());
      const Span open = next().span;
      Nesting nest(*this, open);
      Node n = make(Op::sum, {}, spelled);
      if (at(TokenKind::rparen)) fail(peek().span, spelled + " needs the array to sum");
      n.args.push_back(expr());
      if (accept(TokenKind::comma)) {
        sum_arguments(n, 1, spelled);
      } else {
        expect(TokenKind::rparen, "to close " + spelled + "(");
      }
      n.arguments = from(open.offset);
      n.span = from(start);
      return n;
    }
    fail(t.span, "unknown function " + spelled +
                     ": gradfuzz knows np.dot, np.matmul, np.multiply, np.divide, np.add, "
                     "np.subtract, np.power, np.square, np.sqrt, np.sum, np.exp, np.log, np.tanh, "
                     "np.abs, np.maximum, np.minimum, np.where, np.transpose, np.int64, "
                     "np.float64");
  }

  // '(' args ')' with `lo`..`hi` positional arguments and no keywords.
  Arguments arguments(const std::string& function, std::size_t lo, std::size_t hi) {
    const Span open = next().span;  // '('
    Nesting nest(*this, open);
    Arguments a;
    while (!at(TokenKind::rparen)) {
      if (at(TokenKind::name) && peek(1).kind == TokenKind::assign)
        fail(peek().span, function + " takes no keyword '" + peek().text + "'");
      if (at(TokenKind::end))
        fail(peek().span, "expected ')' to close " + function + "(, found the end of the formula");
      a.positional.push_back(expr());
      if (!accept(TokenKind::comma) && !at(TokenKind::rparen))
        fail(peek().span, at(TokenKind::end)
                              ? "expected ')' to close " + function +
                                    "(, found the end of the "
                                    "formula"
                              : "expected ',' or ')' in " + function + "(..), found " + found());
    }
    next();
    a.span = from(open.offset);
    const std::size_t n = a.positional.size();
    if (n < lo || n > hi) {
      const std::string want =
          lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
      fail(a.span, function + " takes " + want + " argument" + (hi == 1 ? "" : "s") + ", got " +
                       std::to_string(n));
    }
    return a;
  }

  // The rest of np.sum(x, ...) or x.sum(...): an optional axis, then keywords, then ')'.
  // `given` is how many positional arguments came before (the array, for np.sum).
  void sum_arguments(Node& n, std::size_t given, const std::string& spelled) {
    bool axis_seen = false, keepdims_seen = false;
    std::size_t positional = given;
    while (!at(TokenKind::rparen)) {
      if (at(TokenKind::name) && peek(1).kind == TokenKind::assign) {
        const Token& key = next();
        next();  // '='
        if (key.text == "axis") {
          if (axis_seen) fail(key.span, "axis is given twice");
          n.axis = axis_value(spelled);
          axis_seen = true;
        } else if (key.text == "keepdims") {
          if (keepdims_seen) fail(key.span, "keepdims is given twice");
          n.keepdims = keepdims_value();
          keepdims_seen = true;
        } else {
          fail(key.span, spelled + " takes axis= and keepdims=, not " + key.text + "=");
        }
      } else {
        if (axis_seen || keepdims_seen || positional > 1)
          fail(peek().span, "expected axis= or keepdims= in " + spelled + "(..), found " + found());
        n.axis = axis_value(spelled);
        axis_seen = true;
        ++positional;
      }
      if (!accept(TokenKind::comma) && !at(TokenKind::rparen))
        fail(peek().span, at(TokenKind::end)
                              ? "expected ')' to close " + spelled +
                                    "(, found the end of the "
                                    "formula"
                              : "expected ',' or ')' in " + spelled + "(..), found " + found());
    }
    next();
  }

  int axis_value(const std::string& spelled) {
    if (at_name("None")) {
      next();
      return kAllAxes;
    }
    const bool minus = accept(TokenKind::minus);
    const Token& t = peek();
    if (t.kind != TokenKind::number || !is_digits(t.text))
      fail(t.span, "expected the axis (0, 1 or -1) in " + spelled + ", found " + found());
    next();
    const int axis = t.text.size() > 2 ? 99 : std::stoi(t.text) * (minus ? -1 : 1);
    if (axis < -2 || axis > 1)
      fail(t.span, "axis " + std::string(minus ? "-" : "") + t.text +
                       " does not exist: a gradient has axis 0 (rows: units) and axis 1 "
                       "(columns: examples)");
    return axis;
  }

  bool keepdims_value() {
    if (at_name("True") || at_name("False")) return next().text == "True";
    if (at(TokenKind::number) && (peek().text == "1" || peek().text == "0"))
      return next().text == "1";
    fail(peek().span, "expected True or False for keepdims, found " + found());
  }

  // int, float, np.int64, 'float', ... ; returns truncate for integers, as_float for floats.
  Op dtype(const std::string& where) {
    const bool quoted = accept(TokenKind::prime);
    if (at_name("np") || at_name("numpy")) {
      next();
      expect(TokenKind::dot, "after np");
    }
    if (!at(TokenKind::name)) fail(peek().span, "expected a type (int or float) in " + where);
    const Token& t = next();
    if (quoted) expect(TokenKind::prime, "to close the quoted type");
    const std::string& s = t.text;
    if (s == "int" || s == "int64" || s == "int32" || s == "int_" || s == "bool")
      return s == "bool" ? Op::as_float : Op::truncate;
    if (s == "float" || s == "float64" || s == "float32" || s == "float_" || s == "double")
      return Op::as_float;
    fail(t.span, "expected int or float in " + where + ", found " + s);
  }

  std::string text_of(Span s) const { return std::string(text_.substr(s.offset, s.length)); }
};

}  // namespace

Formula parse(std::string_view text) {
  if (text.size() > kMaxFormulaLength)
    throw FormulaError(std::string(text.substr(0, 60)) + "...", {60, 3},
                       "the formula is " + std::to_string(text.size()) +
                           " bytes long; gradfuzz reads formulas of at most " +
                           std::to_string(kMaxFormulaLength));
  return Parser(text).formula();
}

Target parse_target(std::string_view text) {
  if (text.size() > kMaxFormulaLength)
    throw FormulaError(std::string(text.substr(0, 60)) + "...", {60, 3}, "the name is too long");
  Formula scratch;
  return Parser(text).target_only(scratch);
}

}  // namespace gradfuzz::formula
