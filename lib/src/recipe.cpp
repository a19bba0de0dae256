#include "gradfuzz/recipe.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "gradfuzz/case_size.hpp"

namespace gradfuzz {
namespace {

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : engine_(seed) {}
  // 53 random bits mapped to [0, 1): the same numbers on every standard library.
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  arma::uword index(arma::uword n) { return static_cast<arma::uword>(engine_() % n); }
  double grid() { return 0.5 * static_cast<double>(static_cast<int>(index(5)) - 2); }

 private:
  std::mt19937_64 engine_;
};

arma::mat draw(Draw& rng, arma::uword rows, arma::uword cols, ValueGrid values, double half_width) {
  arma::mat M(rows, cols);
  for (arma::uword j = 0; j < cols; ++j)
    for (arma::uword i = 0; i < rows; ++i)
      M(i, j) = values == ValueGrid::grid ? rng.grid() : rng.uniform(-half_width, half_width);
  return M;
}

arma::mat draw_labels(Draw& rng, const CaseRecipe& r, arma::uword nL) {
  arma::mat Y(nL, r.batch);
  switch (r.spec.loss) {
    case Loss::bce:
      for (arma::uword k = 0; k < Y.n_elem; ++k)
        Y[k] = r.labels == Labels::hard ? static_cast<double>(rng.index(2)) : rng.unit();
      break;
    case Loss::ce:
      for (arma::uword j = 0; j < r.batch; ++j) {
        if (r.labels == Labels::hard) {
          Y.col(j).zeros();
          Y(rng.index(nL), j) = 1.0;
        } else {
          for (arma::uword i = 0; i < nL; ++i) Y(i, j) = 0.05 + rng.unit();
          Y.col(j) /= arma::accu(Y.col(j));
        }
      }
      break;
    case Loss::mse:
      for (arma::uword k = 0; k < Y.n_elem; ++k) Y[k] = rng.uniform(-1, 1);
      break;
  }
  return Y;
}

std::string number(double x) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, end);
}

template <class T>
T parse_number(std::string_view field, std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw std::invalid_argument("replay string: " + std::string(field) + "=" + std::string(text) +
                                " is not a number");
  // from_chars reads "nan" and "inf", which no case has (and NaN would not even equal itself).
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(value))
      throw std::invalid_argument("replay string: " + std::string(field) + "=" + std::string(text) +
                                  " is not a finite number");
  return value;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(sep, start);
    parts.push_back(
        text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

bool operator==(const CaseRecipe& a, const CaseRecipe& b) {
  return a.spec == b.spec && a.batch == b.batch && a.seed == b.seed &&
         a.weight_scale == b.weight_scale && a.values == b.values && a.labels == b.labels;
}

Case make_case(const CaseRecipe& r) {
  validate(r.spec);
  if (r.batch < 1) throw SpecError("batch size m = 0: a batch needs at least one example");
  if (!std::isfinite(r.weight_scale) || r.weight_scale <= 0)
    throw SpecError("weight scale must be finite and > 0");
  check_size(r.spec, r.batch);  // before a matrix is allocated: rows * cols may not overflow
  Draw rng(r.seed);
  Case c;
  c.spec = r.spec;
  for (int l = 1; l <= r.spec.depth(); ++l) {
    c.W.push_back(r.weight_scale * draw(rng, r.spec.n(l), r.spec.n(l - 1), r.values, 1.0));
    c.b.push_back(r.weight_scale * draw(rng, r.spec.n(l), 1, r.values, 0.5));
  }
  c.X = draw(rng, r.spec.n(0), r.batch, r.values, 1.0);
  c.Y = draw_labels(rng, r, r.spec.n(r.spec.depth()));
  c.replay = to_string(r);
  validate(c);
  return c;
}

std::string to_string(const CaseRecipe& r) {
  std::string out = "v1;sizes=";
  for (std::size_t i = 0; i < r.spec.sizes.size(); ++i)
    out += (i ? "," : "") + std::to_string(r.spec.sizes[i]);
  out += ";act=";
  for (std::size_t i = 0; i < r.spec.activations.size(); ++i)
    out += (i ? "," : "") + std::string(to_string(r.spec.activations[i]));
  out += ";loss=" + std::string(to_string(r.spec.loss));
  out += ";lambda=" + number(r.spec.lambda);
  out += ";slope=" + number(r.spec.leaky_slope);
  out += ";m=" + std::to_string(r.batch);
  out += ";seed=" + std::to_string(r.seed);
  out += ";scale=" + number(r.weight_scale);
  out += std::string(";values=") + (r.values == ValueGrid::grid ? "grid" : "continuous");
  out += std::string(";labels=") + (r.labels == Labels::soft ? "soft" : "hard");
  return out;
}

CaseRecipe parse_recipe(std::string_view text) {
  const auto fields = split(text, ';');
  if (fields.empty() || fields[0] != "v1")
    throw std::invalid_argument(
        "replay string must start with 'v1;' (copy it whole from a gradfuzz report)");
  std::map<std::string, std::string_view, std::less<>> values;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::size_t eq = fields[i].find('=');
    if (eq == std::string_view::npos)
      throw std::invalid_argument("replay string: field '" + std::string(fields[i]) +
                                  "' is not key=value");
    const std::string key(fields[i].substr(0, eq));
    static const std::set<std::string, std::less<>> known{
        "sizes", "act", "loss", "lambda", "slope", "m", "seed", "scale", "values", "labels"};
    if (!known.contains(key))
      throw std::invalid_argument("replay string: unknown field '" + key + "'");
    values[key] = fields[i].substr(eq + 1);
  }
  auto need = [&](const char* key) {
    auto it = values.find(key);
    if (it == values.end())
      throw std::invalid_argument(std::string("replay string lacks the field '") + key + "='");
    return it->second;
  };
  CaseRecipe r;
  for (auto size : split(need("sizes"), ','))
    r.spec.sizes.push_back(parse_number<arma::uword>("sizes", size));
  for (auto name : split(need("act"), ',')) r.spec.activations.push_back(parse_activation(name));
  r.spec.loss = parse_loss(need("loss"));
  r.spec.lambda = parse_number<double>("lambda", need("lambda"));
  r.spec.leaky_slope = parse_number<double>("slope", need("slope"));
  r.batch = parse_number<arma::uword>("m", need("m"));
  r.seed = parse_number<std::uint64_t>("seed", need("seed"));
  r.weight_scale = parse_number<double>("scale", need("scale"));
  const auto grid = need("values");
  if (grid != "grid" && grid != "continuous")
    throw std::invalid_argument("replay string: values=" + std::string(grid) +
                                " (expected grid or continuous)");
  r.values = grid == "grid" ? ValueGrid::grid : ValueGrid::continuous;
  const auto labels = need("labels");
  if (labels != "hard" && labels != "soft")
    throw std::invalid_argument("replay string: labels=" + std::string(labels) +
                                " (expected hard or soft)");
  r.labels = labels == "soft" ? Labels::soft : Labels::hard;
  return r;
}

}  // namespace gradfuzz
