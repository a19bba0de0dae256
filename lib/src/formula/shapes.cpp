#include "gradfuzz/formula/shapes.hpp"

#include <algorithm>
#include <functional>

#include "gradfuzz/formula/layers.hpp"

namespace gradfuzz::formula {

bool Dim::operator==(const Dim& other) const {
  return kind == other.kind && (kind != Kind::n || layer.same_as(other.layer));
}

std::string Dim::text() const {
  switch (kind) {
    case Kind::one:
      return "1";
    case Kind::m:
      return "m";
    case Kind::n:
      break;
  }
  if (layer.base == LayerIndex::Base::number) return "n" + std::to_string(layer.offset);
  return "n[" + layer.text() + "]";
}

bool SymbolicShape::operator==(const SymbolicShape& other) const {
  if (rank != other.rank) return false;
  if (rank == 0) return true;
  if (rank == 1) return cols == other.cols;
  return rows == other.rows && cols == other.cols;
}

std::string SymbolicShape::text() const {
  if (rank == 0) return "a number";
  if (rank == 1) return "(" + cols.text() + ",)";
  return "(" + rows.text() + " × " + cols.text() + ")";
}

namespace {

constexpr Dim kOne{};
const Dim kM{Dim::Kind::m, {}};

// Thrown by the inference at the first operation whose shapes cannot work.
struct Mismatch {
  const Node* node;
  std::string message;
};

std::string quoted(const std::string& text, Span s) {
  return text.substr(s.offset, s.length);
}

class Inference {
 public:
  Inference(const Formula& f, const ShapeExample& ex)
      : f_(f), ex_(ex), symbolic_L_(has_symbolic_layers(f)) {}

  Dim n(LayerIndex k) const {
    if (!symbolic_L_ && k.base == LayerIndex::Base::L)
      k = {LayerIndex::Base::number, depth() + k.offset, k.span};
    return {Dim::Kind::n, k};
  }
  int depth() const { return static_cast<int>(ex_.sizes.size()) - 1; }

  SymbolicShape of_symbol(Symbol s, const LayerIndex& k) const {
    LayerIndex before = k;
    before.offset -= 1;
    switch (s) {
      case Symbol::W:
      case Symbol::dW:
        return {2, n(k), n(before)};
      case Symbol::b:
      case Symbol::db:
        return {2, n(k), kOne};
      case Symbol::Y:
        return {2, n({LayerIndex::Base::L, 0, {}}), kM};
      default:
        return {2, n(k), kM};
    }
  }

  SymbolicShape target() const { return of_symbol(f_.target.symbol, f_.target.layer); }

  // The size in the example network; nothing when the layer is outside it.
  std::optional<arma::uword> value(const Dim& d) const {
    if (d.kind == Dim::Kind::one) return 1;
    if (d.kind == Dim::Kind::m) return ex_.m;
    const int k = d.layer.at(ex_.l, depth());
    if (k < 0 || k > depth()) return std::nullopt;
    return ex_.sizes[static_cast<std::size_t>(k)];
  }
  std::string concrete(const SymbolicShape& s) const {
    auto v = [&](const Dim& d) {
      const auto x = value(d);
      return x ? std::to_string(*x) : std::string("?");
    };
    if (s.rank == 0) return "a number";
    if (s.rank == 1) return "(" + v(s.cols) + ",)";
    return "(" + v(s.rows) + " × " + v(s.cols) + ")";
  }

  /// Records the operations it goes through into `steps` from now on.
  void trace(std::vector<ShapeStep>* steps) { trace_ = steps; }

  /// The shape of `node`, every operation under it checked (throws Mismatch at the first that
  /// cannot work).
  SymbolicShape infer(const Node& node) {
    std::vector<SymbolicShape> operands;
    for (const Node& arg : node.args) operands.push_back(infer(arg));
    const SymbolicShape out = combine(node, operands);
    if (trace_) record(node, operands, out);
    return out;
  }

 private:
  SymbolicShape combine(const Node& node, const std::vector<SymbolicShape>& a) const {
    switch (node.op) {
      case Op::number:
      case Op::m:
      case Op::lambda:
        return {0, kOne, kOne};
      case Op::symbol:
        return of_symbol(node.symbol, node.layer);
      case Op::negate:
      case Op::activate:
      case Op::derivative:
      case Op::exp:
      case Op::log:
      case Op::sqrt:
      case Op::abs:
      case Op::truncate:
      case Op::as_float:
        return a.at(0);
      case Op::transpose: {
        SymbolicShape s = a.at(0);
        if (s.rank == 2) std::swap(s.rows, s.cols);
        return s;
      }
      case Op::matmul:
        return matmul(node, a.at(0), a.at(1));
      case Op::sum:
        return sum(node, a.at(0));
      case Op::where:
        return broadcast(node, broadcast(node, a.at(0), a.at(1)), a.at(2));
      default:
        return broadcast(node, a.at(0), a.at(1));
    }
  }

  // A product, an elementwise operation of two arrays or a sum, for the trace.
  void record(const Node& node, const std::vector<SymbolicShape>& operands,
              const SymbolicShape& out) {
    const bool summed = node.op == Op::sum;
    if (!summed && (operands.size() < 2 || node.op == Op::power)) return;
    std::size_t arrays = 0;
    for (const SymbolicShape& s : operands) arrays += s.rank > 0 ? 1 : 0;
    if (arrays < (summed ? 1u : 2u)) return;
    const std::string sep = node.op == Op::matmul ? ""
                            : node.spelling.rfind("np.", 0) == 0 || node.op == Op::where
                                ? ", "
                                : " " + node.spelling + " ";
    std::string shapes, here;
    for (std::size_t i = 0; i < operands.size(); ++i) {
      const bool number = operands[i].rank == 0;
      shapes += (i ? sep : "") + (number ? text(node.args[i]) : operands[i].text());
      here += (i ? sep : "") + (number ? text(node.args[i]) : concrete(operands[i]));
    }
    trace_->push_back({text(node), shapes + " → " + out.text(), here + " → " + concrete(out)});
  }

 private:
  const Formula& f_;
  const ShapeExample& ex_;
  bool symbolic_L_;
  std::vector<ShapeStep>* trace_ = nullptr;

  std::string text(const Node& n) const { return quoted(f_.text, n.span); }

  static std::string phrase(const Node& n) {
    switch (n.op) {
      case Op::matmul:
        return "the matrix product";
      case Op::multiply:
        return "the elementwise product";
      case Op::divide:
        return "the elementwise quotient";
      case Op::add:
        return "the sum";
      case Op::subtract:
        return "the difference";
      case Op::power:
        return "the power";
      case Op::less:
      case Op::greater:
      case Op::less_equal:
      case Op::greater_equal:
      case Op::equal:
      case Op::not_equal:
        return "the comparison";
      default:
        return n.spelling;
    }
  }

  static std::string symbol_of(const Node& n) {
    if (n.spelling.empty() || n.spelling.rfind("np.", 0) == 0 || n.spelling == ".dot") return "";
    return " " + n.spelling + " ";
  }

  // NumPy broadcasting of two operands.
  SymbolicShape broadcast(const Node& node, const SymbolicShape& a, const SymbolicShape& b) const {
    if (a.rank == 0) return b;
    if (b.rank == 0) return a;
    SymbolicShape out;
    out.rank = std::max(a.rank, b.rank);
    auto join = [&](const Dim& x, const Dim& y, const char* which) {
      if (x == y || y == kOne) return x;
      if (x == kOne) return y;
      const auto vx = value(x), vy = value(y);
      const bool lucky = vx && vy && (*vx == *vy || *vx == 1 || *vy == 1);
      const std::string sep =
          node.op == Op::where || node.op == Op::maximum || node.op == Op::minimum
              ? " and "
              : (symbol_of(node).empty() ? " and " : symbol_of(node));
      throw Mismatch{&node, phrase(node) + " " + text(node) + " combines " + a.text() + sep +
                                b.text() + ", here " + concrete(a) + sep + concrete(b) + ": " +
                                which + " " + x.text() + " and " + y.text() + " differ" +
                                (lucky ? " (on this network they happen to broadcast, but not "
                                         "on every network)"
                                       : " (NumPy broadcasts only sizes that are equal or 1)")};
    };
    const bool both_matrices = a.rank == 2 && b.rank == 2;
    out.cols = join(a.cols, b.cols, both_matrices ? "columns" : "lengths");
    if (out.rank == 2) {
      const Dim ra = a.rank == 2 ? a.rows : kOne, rb = b.rank == 2 ? b.rows : kOne;
      out.rows = join(ra, rb, "rows");
    }
    return out;
  }

  SymbolicShape matmul(const Node& node, const SymbolicShape& a, const SymbolicShape& b) const {
    if (a.rank == 0 || b.rank == 0) {
      if (node.spelling == "@" || node.spelling == "np.matmul")
        throw Mismatch{&node, node.spelling + " multiplies arrays, but " + text(node) +
                                  " has a number on one side: use * to scale"};
      return a.rank == 0 ? b : a;
    }
    const Dim inner_a = a.cols;
    const Dim inner_b = b.rank == 2 ? b.rows : b.cols;
    if (!(inner_a == inner_b))
      throw Mismatch{&node, phrase(node) + " " + text(node) + " is " + a.text() + b.text() +
                                ", here " + concrete(a) + concrete(b) + ": inner sizes " +
                                inner_a.text() + " and " + inner_b.text() + " differ"};
    if (a.rank == 1 && b.rank == 1) return {0, kOne, kOne};
    if (a.rank == 1) return {1, kOne, b.cols};
    if (b.rank == 1) return {1, kOne, a.rows};
    return {2, a.rows, b.cols};
  }

  SymbolicShape sum(const Node& node, const SymbolicShape& s) const {
    if (node.axis == kAllAxes)
      return node.keepdims ? SymbolicShape{s.rank, kOne, kOne} : SymbolicShape{0, kOne, kOne};
    int axis = node.axis;
    if (axis < 0) axis += s.rank;
    if (axis < 0 || axis >= s.rank)
      throw Mismatch{&node, text(node) + " sums over axis " + std::to_string(node.axis) +
                                ", which " + s.text() + " does not have"};
    if (s.rank == 1)
      return node.keepdims ? SymbolicShape{1, kOne, kOne} : SymbolicShape{0, kOne, kOne};
    if (node.keepdims)
      return axis == 0 ? SymbolicShape{2, kOne, s.cols} : SymbolicShape{2, s.rows, kOne};
    return axis == 0 ? SymbolicShape{1, kOne, s.cols} : SymbolicShape{1, kOne, s.rows};
  }
};

// ---- candidate fixes ----------------------------------------------------------------------

using Path = std::vector<std::size_t>;

void paths(const Node& n, Path& here, std::vector<Path>& out) {
  out.push_back(here);
  for (std::size_t i = 0; i < n.args.size(); ++i) {
    here.push_back(i);
    paths(n.args[i], here, out);
    here.pop_back();
  }
}

Node& at_path(Node& root, const Path& p) {
  Node* n = &root;
  for (std::size_t i : p) n = &n->args[i];
  return *n;
}

const Node& at_path(const Node& root, const Path& p) {
  const Node* n = &root;
  for (std::size_t i : p) n = &n->args[i];
  return *n;
}

struct Replacement {
  Span span;
  std::string text;
};

struct Candidate {
  std::string id;
  std::function<void(Node&)> apply;
  std::vector<Replacement> edits;  ///< on the formula's text, in any order, not overlapping
  std::string reason;              // why the fix is right, when it says something the shapes do not
};

// Whether a suffix applies to the whole node as written (a name, a call, a parenthesis).
bool is_simple(const Node& n) {
  return n.args.empty() || n.span.offset < n.args.front().span.offset;
}

std::string transpose_suffix(const Formula& f, const Node& n) {
  if (f.notation == Notation::numpy) return ".T";
  const std::string t = quoted(f.text, n.span);
  return !t.empty() && t.back() == ']' ? "T" : "^T";
}

// The edit that moves a quantity (or g) to a neighbouring layer, spelled as it was written.
Replacement shifted(const Formula& f, const Node& n, int shift) {
  LayerIndex k = n.layer;
  k.offset += shift;
  const std::string name = quoted(f.text, n.span);
  if (n.op == Op::symbol && n.symbol == Symbol::A && name.size() == 1)  // X -> A[1]
    return {n.span, f.notation == Notation::numpy ? "A" + k.text() : "A[" + k.text() + "]"};
  const bool suffix = n.layer.span.end() == n.span.end() && n.layer.span.offset > n.span.offset &&
                      f.text[n.layer.span.offset - 1] != '[';
  if (suffix && k.base != LayerIndex::Base::number)  // AL -> A[L-1], not AL-1
    return {n.span, name.substr(0, name.size() - n.layer.span.length) + "[" + k.text() + "]"};
  return {n.layer.span, k.text()};
}

// A layer index that can exist: literal layers within the network (when L is known).
bool plausible(const Node& n, int shift, int depth, bool symbolic_L) {
  LayerIndex k = n.layer;
  k.offset += shift;
  const Symbol s = n.op == Op::symbol ? n.symbol : Symbol::Z;
  if (k.base == LayerIndex::Base::number)
    return k.offset >= lowest_layer(s) && (symbolic_L || k.offset <= highest_layer(s, depth));
  if (k.base == LayerIndex::Base::L) return k.offset <= highest_layer(s, 0);
  return true;
}

// Each candidate is tried on a copy of the whole formula, so the search costs the square of its
// size: a formula of thousands of operations (found by fuzzing: 4 KB took 4 s) gets the
// mismatch without a suggested edit. Formulas people write have a few dozen.
constexpr std::size_t kMaxOperationsSearched = 256;

std::vector<Candidate> candidates(const Formula& f, const ShapeExample& ex) {
  std::vector<Path> all;
  Path here;
  paths(f.rhs, here, all);
  if (all.size() > kMaxOperationsSearched) return {};
  const int depth = static_cast<int>(ex.sizes.size()) - 1;
  const bool symbolic_L = has_symbolic_layers(f);
  std::vector<Candidate> out;
  auto node = [&](const Path& p) -> const Node& { return at_path(f.rhs, p); };

  // 1. A transpose added or removed.
  for (const Path& p : all) {
    const Node& n = node(p);
    const bool operand_of_product = !p.empty() && [&] {
      Path parent(p.begin(), p.end() - 1);
      const Op op = node(parent).op;
      return op == Op::matmul;
    }();
    if (n.op == Op::transpose) {
      const Node& inner = n.args.front();
      out.push_back({"transposed",
                     [p](Node& root) {
                       Node& t = at_path(root, p);
                       Node inner_copy = t.args.front();
                       t = std::move(inner_copy);
                     },
                     {{n.span, quoted(f.text, inner.span)}},
                     ""});
    } else if (n.op == Op::symbol || operand_of_product) {
      const bool wrap = !is_simple(n);
      const std::string body = quoted(f.text, n.span);
      out.push_back({"transposed",
                     [p](Node& root) {
                       Node& t = at_path(root, p);
                       Node wrapped;
                       wrapped.op = Op::transpose;
                       wrapped.span = t.span;
                       wrapped.args.push_back(std::move(t));
                       t = std::move(wrapped);
                     },
                     {{n.span, (wrap ? "(" + body + ")" : body) + transpose_suffix(f, n)}},
                     ""});
    }
  }
  // 2. np.sum over the other axis, or keeping the axis.
  for (const Path& p : all) {
    const Node& n = node(p);
    if (n.op != Op::sum) continue;
    const std::string arg = quoted(f.text, n.args.front().span);
    for (int axis : {1, 0})
      for (bool keep : {true, false}) {
        const int current = n.axis == -1 ? 1 : n.axis == -2 ? 0 : n.axis;
        if (current == axis && n.keepdims == keep) continue;
        const std::string kw = "axis=" + std::to_string(axis) + (keep ? ", keepdims=True" : "");
        const std::string text = n.spelling == ".sum" ? arg + ".sum(" + kw + ")"
                                                      : n.spelling + "(" + arg + ", " + kw + ")";
        std::string reason;
        if (current != axis)
          reason = axis == 1 ? "sum over the examples is axis=1" : "sum over the units is axis=0";
        if (keep && !n.keepdims)
          reason += std::string(reason.empty() ? "" : ", and ") +
                    "keepdims=True keeps the summed axis, so the result stays a matrix";
        // The wrong axis of a bias gradient is bias_sum_axis; a dropped axis alone is a shape.
        const bool bias_axis = f.target.symbol == Symbol::db && current != axis;
        out.push_back({bias_axis ? "bias_sum_axis" : "shape_mismatch",
                       [p, axis, keep](Node& root) {
                         Node& t = at_path(root, p);
                         t.axis = axis;
                         t.keepdims = keep;
                       },
                       {{n.span, text}},
                       reason});
      }
  }
  // 3. A neighbouring layer, for one quantity or for the whole right side.
  std::vector<Path> layered;
  for (const Path& p : all) {
    const Node& n = node(p);
    // g'(z[1]) takes its layer from z[1]: shifting z[1] covers it.
    const bool inferred =
        n.op != Op::symbol && n.arguments.length > 0 && n.layer.span.offset >= n.arguments.offset;
    if (n.has_layer && !inferred) layered.push_back(p);
  }
  for (const Path& p : layered) {
    const Node& n = node(p);
    for (int shift : {1, -1}) {
      if (!plausible(n, shift, depth, symbolic_L)) continue;
      out.push_back({"wrong_layer_index",
                     [p, shift](Node& root) { at_path(root, p).layer.offset += shift; },
                     {shifted(f, n, shift)},
                     ""});
    }
  }
  for (int shift : {1, -1}) {
    if (layered.size() < 2) break;
    Candidate all_shifted{"wrong_layer_index", nullptr, {}, ""};
    bool possible = true;
    for (const Path& p : layered) {
      possible = possible && plausible(node(p), shift, depth, symbolic_L);
      all_shifted.edits.push_back(shifted(f, node(p), shift));
    }
    if (!possible) continue;
    all_shifted.apply = [layered, shift](Node& root) {
      for (const Path& p : layered) at_path(root, p).layer.offset += shift;
    };
    out.push_back(std::move(all_shifted));
  }
  // 4. * where a matrix product was written, and the other way round.
  for (const Path& p : all) {
    const Node& n = node(p);
    if (n.op != Op::matmul && n.op != Op::multiply) continue;
    const Node& a = n.args[0];
    const Node& b = n.args[1];
    const bool to_elementwise = n.op == Op::matmul;
    Replacement edit;
    if (n.spelling == "np.dot" || n.spelling == "np.matmul" || n.spelling == "np.multiply") {
      edit = {{n.span.offset, n.arguments.offset - n.span.offset},
              to_elementwise ? "np.multiply" : "np.dot"};
    } else if (n.spelling == ".dot") {
      continue;
    } else {
      edit = {{a.span.end(), b.span.offset - a.span.end()},
              to_elementwise ? " * " : (f.notation == Notation::numpy ? " @ " : " ")};
    }
    out.push_back({"shape_mismatch",
                   [p, to_elementwise](Node& root) {
                     Node& t = at_path(root, p);
                     t.op = to_elementwise ? Op::multiply : Op::matmul;
                     t.spelling = to_elementwise ? "*" : "";
                   },
                   {edit},
                   ""});
  }
  return out;
}

// The text with every edit made, and the span `region` (which covers them) as it reads after.
std::string apply_text(const std::string& text, std::vector<Replacement> edits, Span& region) {
  std::sort(edits.begin(), edits.end(), [](const Replacement& a, const Replacement& b) {
    return a.span.offset > b.span.offset;
  });
  std::string out = text;
  for (const Replacement& r : edits) {
    out = out.substr(0, r.span.offset) + r.text + out.substr(r.span.end());
    region.length = region.length + r.text.size() - r.span.length;
  }
  return out;
}

std::string target_hint(const Formula& f) {
  switch (f.target.symbol) {
    case Symbol::dW:
      return "dW[l] = 1/m dZ[l] A[l-1]T has the shape of W[l]";
    case Symbol::db:
      return "db[l] = 1/m np.sum(dZ[l], axis=1, keepdims=True) has the shape of b[l]";
    case Symbol::dZ:
      return "dZ[l] has the shape of Z[l]";
    default:
      return "dA[l] has the shape of A[l]";
  }
}

std::string bindings_text(const Formula& f, const ShapeExample& ex) {
  std::string out;
  const int L = static_cast<int>(ex.sizes.size()) - 1;
  for (int k = 0; k <= L; ++k)
    out += "n" + std::to_string(k) + "=" + std::to_string(ex.sizes[static_cast<std::size_t>(k)]) +
           ", ";
  out += "m=" + std::to_string(ex.m);
  if (f.uses_l) out += ", l=" + std::to_string(ex.l);
  if (has_symbolic_layers(f)) out += ", L=" + std::to_string(L);
  return out;
}

void outline(const Formula& f, Inference& inference, ShapeReport& report) {
  const Node& root = f.rhs;
  const std::string result = " → " + report.result.text();
  const std::string result_here = " → " + inference.concrete(report.result);
  const bool binary = root.args.size() == 2 && root.op != Op::sum;
  if (!binary) {
    report.outline = report.result.text();
    report.outline_here = inference.concrete(report.result);
    return;
  }
  std::string sep = " " + root.spelling + " ";
  if (root.op == Op::matmul) sep = "";
  if (root.spelling.rfind("np.", 0) == 0 || root.spelling == ".dot")
    sep = root.op == Op::matmul ? "" : root.op == Op::multiply ? " * " : ", ";
  std::string symbolic, here;
  for (std::size_t i = 0; i < 2; ++i) {
    const Node& arg = root.args[i];
    const SymbolicShape s = inference.infer(arg);
    const std::string written = quoted(f.text, arg.span);
    symbolic += (i ? sep : "") + (s.rank == 0 ? written : s.text());
    here += (i ? sep : "") + (s.rank == 0 ? written : inference.concrete(s));
  }
  report.outline = symbolic + result;
  report.outline_here = here + result_here;
}

}  // namespace

ShapeReport check_shapes(const Formula& f, const ShapeExample& example) {
  ShapeReport report;
  Inference base(f, example);
  report.target = base.target();
  report.bindings = bindings_text(f, example);
  std::optional<Mismatch> mismatch;
  try {
    report.result = base.infer(f.rhs);
  } catch (const Mismatch& m) {
    mismatch = m;
  }
  if (!mismatch && report.result == report.target) {
    outline(f, base, report);
    Inference traced(f, example);
    traced.trace(&report.steps);
    traced.infer(f.rhs);
    return report;
  }

  // The first single edit that makes every operation and the left side agree.
  std::optional<Candidate> fix;
  for (Candidate& c : candidates(f, example)) {
    Formula edited = f;
    c.apply(edited.rhs);
    Inference trial(edited, example);
    try {
      if (trial.infer(edited.rhs) == report.target) {
        fix = std::move(c);
        break;
      }
    } catch (const Mismatch&) {
    }
  }

  ShapeFinding finding;
  const std::string target = f.target_text();
  if (mismatch) {
    finding.where = mismatch->node->span;
    finding.message = mismatch->message;
    finding.id = fix ? fix->id : "shape_mismatch";
  } else {
    finding.where = f.rhs.span;
    const SymbolicShape& r = report.result;
    const SymbolicShape& t = report.target;
    finding.message = "the right side is " + r.text() + ", expected " + t.text() + " for " +
                      target + " (here " + base.concrete(r) + " and " + base.concrete(t) + ")";
    const bool transposed = r.rank == 2 && r.rows == t.cols && r.cols == t.rows;
    if (fix) {
      finding.id = fix->id;
    } else if (transposed) {
      finding.id = "transposed";
      finding.message += ": it is transposed; " + target_hint(f);
    } else if (f.target.symbol == Symbol::db) {
      finding.id = "bias_sum_axis";
      finding.message += ": " + target_hint(f) + ", summing dZ over the examples";
    } else {
      finding.id = "shape_mismatch";
      finding.message += ": " + target_hint(f);
    }
  }
  if (fix) {
    if (!fix->reason.empty()) finding.message += ": " + fix->reason;
    Span region = mismatch ? finding.where : Span{0, f.text.size()};
    for (const Replacement& r : fix->edits) region = Span::cover(region, r.span);
    const std::string edited = apply_text(f.text, fix->edits, region);
    const std::string shown = edited.substr(region.offset, region.length);
    finding.suggestion = shown;
    finding.message += " — did you mean " + shown + "?";
  }
  finding.message += " [" + report.bindings + "]";
  report.finding = std::move(finding);
  return report;
}

}  // namespace gradfuzz::formula
