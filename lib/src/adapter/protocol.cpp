#include "protocol.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "gradfuzz/detail/json_depth.hpp"
#include "gradfuzz/detail/utf8.hpp"
#include "gradfuzz/numeric.hpp"

namespace gradfuzz::detail {
namespace {

using nlohmann::json;

// Stand-ins for the bare non-finite tokens, as strings no adapter would send as a number.
const std::string kNaN = std::string("\x01gradfuzz:NaN");
const std::string kPlusInf = std::string("\x01gradfuzz:+Infinity");
const std::string kMinusInf = std::string("\x01gradfuzz:-Infinity");

void put_real(std::string& out, double x) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  const std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void put_matrix(std::string& out, const arma::mat& M) {
  out += '[';
  for (arma::uword r = 0; r < M.n_rows; ++r) {
    if (r) out += ',';
    out += '[';
    for (arma::uword c = 0; c < M.n_cols; ++c) {
      if (c) out += ',';
      put_real(out, M(r, c));
    }
    out += ']';
  }
  out += ']';
}

// The line with NaN, Infinity and -Infinity outside strings replaced by quoted stand-ins; the
// rest (numbers above all) is left byte for byte, so the JSON parser still reads them exactly.
std::string quote_non_finite(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 64);
  bool in_string = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (in_string) {
      out += ch;
      if (ch == '\\' && i + 1 < line.size())
        out += line[++i];
      else if (ch == '"')
        in_string = false;
      continue;
    }
    auto token = [&](std::string_view word, const std::string& stand_in) {
      if (line.substr(i, word.size()) != word) return false;
      out += json(stand_in).dump();
      i += word.size() - 1;
      return true;
    };
    if (ch == '"') {
      in_string = true;
      out += ch;
    } else if (!token("NaN", kNaN) && !token("-Infinity", kMinusInf) &&
               !token("Infinity", kPlusInf)) {
      out += ch;
    }
  }
  return out;
}

// An excerpt of a bad line for the message: cut between two characters, valid UTF-8.
std::string shown(std::string_view line) {
  constexpr std::size_t kShown = 120;
  std::string text(line.substr(0, utf8_cut(line, kShown)));
  for (char& ch : text)
    if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
  return "'" + utf8_escaped(text) + (line.size() > kShown ? "...'" : "'");
}

std::optional<double> number(const json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == kNaN) return std::numeric_limits<double>::quiet_NaN();
    if (s == kPlusInf) return std::numeric_limits<double>::infinity();
    if (s == kMinusInf) return -std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

std::string kind_of(const json& j) {
  if (j.is_string()) return "the string " + j.dump();
  if (j.is_null()) return "null";
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_object()) return "an object";
  if (j.is_array()) return "a list";
  return "a number";
}

struct Written {
  arma::mat values;  // 1 x k for a 1-D array, 1 x 1 for a single number
  Shape shape;
};

// A matrix is a list of rows of equal length; a flat list of numbers is a 1-D array and a
// single number a 0-d one (what NumPy's tolist() gives without keepdims).
Written read_matrix(const json& j, const std::string& name) {
  if (auto x = number(j)) {
    arma::mat single(1, 1);
    single(0, 0) = *x;
    return {single, {1, 1, 0}};
  }
  if (!j.is_array())
    throw ResponseError("sent " + kind_of(j) + " as " + name + ", which must be a matrix (a list " +
                        "of rows of numbers)");
  bool rows = false, numbers = false;
  for (const json& item : j) (item.is_array() ? rows : numbers) = true;
  if (rows && numbers)
    throw ResponseError("sent " + name + " as a list that mixes numbers and rows");
  if (!rows) {
    arma::mat values(1, j.size());
    for (std::size_t k = 0; k < j.size(); ++k) {
      const auto x = number(j[k]);
      if (!x)
        throw ResponseError("sent " + kind_of(j[k]) + " as entry " + std::to_string(k) + " of " +
                            name + ", which must be a number");
      values(0, k) = *x;
    }
    return {values, {1, j.size(), 1}};
  }
  const std::size_t cols = j[0].size();
  arma::mat values(j.size(), cols);
  for (std::size_t r = 0; r < j.size(); ++r) {
    const json& row = j[r];
    if (row.size() != cols)
      throw ResponseError("sent a ragged " + name + ": row " + std::to_string(r) + " has " +
                          std::to_string(row.size()) + " entries where row 0 has " +
                          std::to_string(cols));
    for (std::size_t c = 0; c < cols; ++c) {
      const auto x = number(row[c]);
      if (!x)
        throw ResponseError("sent " + kind_of(row[c]) + " as " + name + "(" + std::to_string(r) +
                            "," + std::to_string(c) + "), which must be a number");
      values(r, c) = *x;
    }
  }
  return {values, {j.size(), cols, 2}};
}

void put(Claim& claim, Quantity q, const json& value) {
  Written w = read_matrix(value, q.name());
  if (w.shape.ndim != 2) claim.written_shapes[q] = w.shape;
  claim.gradients[q] = std::move(w.values);
}

std::string keys_of(const json& object) {
  std::string keys;
  for (const auto& [key, value] : object.items()) keys += (keys.empty() ? "" : ", ") + key;
  return keys.empty() ? "nothing" : keys;
}

template <class T, class Find>
std::vector<T> names(const json& response, const char* field, Find find, const char* known) {
  const json& list = response[field];
  if (!list.is_array())
    throw ResponseError(std::string("answered hello with '") + field + "' not a list of names");
  std::vector<T> out;
  for (const json& item : list) {
    const auto value = item.is_string() ? find(item.get<std::string>()) : std::nullopt;
    if (!value)
      throw ResponseError(std::string("answered hello with an unknown name ") + item.dump() +
                          " in '" + field + "' (known: " + known + ")");
    out.push_back(*value);
  }
  return out;
}

bool flag(const json& response, const char* field, bool fallback) {
  if (!response.contains(field)) return fallback;
  if (!response[field].is_boolean())
    throw ResponseError(std::string("answered hello with '") + field + "' " +
                        response[field].dump() + ", not true or false");
  return response[field].get<bool>();
}

// A whole number >= 1, or a range [min, max] of them (PROTOCOL.md 1.1's depth, output_units).
std::optional<Range> range(const json& response, const char* field) {
  if (!response.contains(field)) return std::nullopt;
  const json& j = response[field];
  auto whole = [](const json& x) -> std::optional<arma::uword> {
    if (!x.is_number_integer() || x.get<std::int64_t>() < 1) return std::nullopt;
    return static_cast<arma::uword>(x.get<std::int64_t>());
  };
  if (const auto n = whole(j)) return Range{*n, *n};
  if (j.is_array() && j.size() == 2) {
    const auto lo = whole(j[0]), hi = whole(j[1]);
    if (lo && hi && *lo <= *hi) return Range{*lo, *hi};
  }
  throw ResponseError(std::string("answered hello with '") + field + "' " + j.dump() +
                      ", not a whole number >= 1 or a range [min, max] of them");
}

std::optional<arma::uword> bound(const json& response, const char* field) {
  if (!response.contains(field)) return std::nullopt;
  const json& j = response[field];
  if (!j.is_number_integer() || j.get<std::int64_t>() < 1)
    throw ResponseError(std::string("answered hello with '") + field + "' " + j.dump() +
                        ", not a whole number >= 1");
  return static_cast<arma::uword>(j.get<std::int64_t>());
}

// The reply answers request `id`, and is neither an error reply (SourceError: a finding) nor
// an unsupported one (Unsupported: a skipped case).
void check_id(const json& response, std::int64_t id) {
  const auto got = response.find("id");
  if (got == response.end())
    throw ResponseError("answered request " + std::to_string(id) + " with no \"id\"");
  if (!got->is_number_integer() || got->get<std::int64_t>() != id)
    throw ResponseError("answered request " + std::to_string(id) + " with \"id\": " + got->dump() +
                        " (responses come one per request, in order)");
  if (const auto error = response.find("error"); error != response.end())
    throw SourceError(error->is_string() ? error->get<std::string>() : error->dump());
  if (const auto why = response.find("unsupported"); why != response.end())
    throw Unsupported(why->is_string() ? why->get<std::string>() : why->dump());
}

}  // namespace

std::string hello_request() {
  return R"({"gradfuzz":1,"minor":)" + std::to_string(kMinorVersion) + R"(,"op":"hello"})";
}

std::string bye_request() {
  return R"({"op":"bye"})";
}

std::string case_request(const Case& c, std::int64_t id, std::string_view op) {
  std::string out;
  out.reserve(64 + 24 * (c.parameter_count() + c.X.n_elem + c.Y.n_elem));
  out += R"({"op":)";
  out += json(std::string(op)).dump();
  out += R"(,"id":)" + std::to_string(id) + R"(,"net":{"layers":[)";
  for (std::size_t k = 0; k < c.spec.sizes.size(); ++k)
    out += (k ? "," : "") + std::to_string(c.spec.sizes[k]);
  out += R"(],"activations":[)";
  for (std::size_t k = 0; k < c.spec.activations.size(); ++k)
    out += std::string(k ? "," : "") + '"' + std::string(to_string(c.spec.activations[k])) + '"';
  out += R"(],"loss":")" + std::string(to_string(c.spec.loss)) + R"(","lambda":)";
  put_real(out, c.spec.lambda);
  out += R"(,"leaky_slope":)";
  put_real(out, c.spec.leaky_slope);
  out += R"(},"params":{)";
  for (int l = 1; l <= c.depth(); ++l) {
    const std::string n = std::to_string(l);
    out += (l > 1 ? ",\"W" : "\"W") + n + "\":";
    put_matrix(out, c.W_of(l));
    out += ",\"b" + n + "\":";
    put_matrix(out, c.b_of(l));
  }
  out += R"(},"X":)";
  put_matrix(out, c.X);
  out += R"(,"Y":)";
  put_matrix(out, c.Y);
  out += '}';
  return out;
}

json parse_response(std::string_view line) {
  // The parser would end the text at a NUL byte and take what came before it as the answer.
  if (const auto nul = line.find('\0'); nul != std::string_view::npos)
    throw ResponseError("answered with a line holding a NUL byte at byte " + std::to_string(nul) +
                        ": " + shown(line));
  if (json_nesting(line, kMaxResponseNesting) > kMaxResponseNesting)
    throw ResponseError("answered with a line nested more than " +
                        std::to_string(kMaxResponseNesting) +
                        " arrays or objects deep (a matrix needs 2): " + shown(line));
  const bool bare =
      line.find("NaN") != std::string_view::npos || line.find("Infinity") != std::string_view::npos;
  json j;
  try {
    j = bare ? json::parse(quote_non_finite(line)) : json::parse(line);
  } catch (const json::exception& e) {  // a syntax error, or a number beyond double (1e999)
    std::string why = e.what();
    if (const auto cut = why.find("] "); cut != std::string::npos) why.erase(0, cut + 2);
    throw ResponseError("answered with a line that is not one JSON object (" + why +
                        "): " + shown(line));
  }
  if (!j.is_object())
    throw ResponseError("answered with " + kind_of(j) + ", not a JSON object: " + shown(line));
  return j;
}

Hello read_hello(const json& response) {
  const auto ok = response.find("ok");
  if (ok == response.end() || *ok != true) {
    std::string why = "answered hello without \"ok\": true";
    if (response.contains("error")) why += ": " + response["error"].dump();
    throw ResponseError(why);
  }
  Hello h;
  h.info.name = "adapter";
  if (response.contains("name")) {
    if (!response["name"].is_string())
      throw ResponseError("answered hello with a 'name' that is not a string");
    h.info.name = response["name"].get<std::string>();
  }
  if (response.contains("convention")) {
    const json& c = response["convention"];
    const auto found = c.is_string() ? find_convention(c.get<std::string>()) : std::nullopt;
    if (!found)
      throw ResponseError("answered hello with convention " + c.dump() + " (known: mean, sum)");
    h.info.convention = *found;
  }
  if (response.contains("dtype")) {
    const json& d = response["dtype"];
    const auto found = d.is_string() ? find_precision(d.get<std::string>()) : std::nullopt;
    if (!found)
      throw ResponseError("answered hello with dtype " + d.dump() + " (known: float64, float32)");
    h.info.precision = *found;
  }
  if (response.contains("activations"))
    h.info.activations = names<Activation>(response, "activations", find_activation,
                                           "sigmoid, tanh, relu, leaky_relu, linear, softmax");
  if (response.contains("losses"))
    h.info.losses = names<Loss>(response, "losses", find_loss, "bce, ce, mse");
  // Version 1.1: what the networks may be, each field optional.
  const char* known = "sigmoid, tanh, relu, leaky_relu, linear, softmax";
  NetworkBounds& b = h.info.networks;
  if (response.contains("hidden_activations"))
    b.hidden_activations =
        names<Activation>(response, "hidden_activations", find_activation, known);
  if (response.contains("output_activations"))
    b.output_activations =
        names<Activation>(response, "output_activations", find_activation, known);
  if (!response.contains("activations") && (b.hidden_activations || b.output_activations)) {
    // The specific lists say it all: info.activations is what either kind of layer may use.
    std::vector<Activation> either;
    for (Activation a : all_activations())
      for (const auto& list : {b.hidden_activations, b.output_activations})
        if (list && std::find(list->begin(), list->end(), a) != list->end() &&
            std::find(either.begin(), either.end(), a) == either.end())
          either.push_back(a);
    if (!b.hidden_activations || !b.output_activations)
      for (Activation a : all_activations())  // the unnamed kind may use anything
        if (std::find(either.begin(), either.end(), a) == either.end()) either.push_back(a);
    h.info.activations = either;
  }
  b.same_hidden_activation = flag(response, "same_hidden_activation", false);
  b.depth = range(response, "depth");
  b.output_units = range(response, "output_units");
  b.max_width = bound(response, "max_width");
  b.max_batch = bound(response, "max_batch");
  if (response.contains("labels")) {
    const json& labels = response["labels"];
    if (labels != "hard" && labels != "any")
      throw ResponseError("answered hello with labels " + labels.dump() + " (known: hard, any)");
    b.hard_labels = labels == "hard";
  }
  // No network can be drawn from these: the hello's fault, not the options'.
  if (h.info.activations.empty())
    throw ResponseError("answered hello with an empty 'activations' list: no network can be drawn");
  if (std::all_of(h.info.activations.begin(), h.info.activations.end(),
                  [](Activation a) { return a == Activation::softmax; }))
    throw ResponseError(
        "answered hello with 'activations' holding only softmax, which only an output layer may "
        "use: no hidden layer can be drawn (add the hidden layers' activations)");
  if (h.info.losses.empty())
    throw ResponseError("answered hello with an empty 'losses' list: no network can be drawn");
  h.info.regularization = flag(response, "regularization", true);
  h.info.intermediates = flag(response, "intermediates", false);
  h.info.cost = flag(response, "cost", false);
  return h;
}

Claim read_gradients(const json& response, const Case& c, std::int64_t id, bool intermediates) {
  check_id(response, id);
  const auto grads = response.find("grads");
  if (grads == response.end() || !grads->is_object())
    throw ResponseError(grads == response.end()
                            ? "answered with no \"grads\" (the response holds " +
                                  keys_of(response) + ")"
                            : "answered with \"grads\" not an object of matrices");
  Claim claim;
  for (Quantity q : parameter_quantities(c)) {
    const auto value = grads->find(q.name());
    if (value == grads->end())
      throw ResponseError("sent no " + q.name() + " for a " + c.spec.describe() +
                          " network (grads holds " + keys_of(*grads) + ")");
    put(claim, q, *value);
  }
  if (intermediates) {
    if (const auto more = response.find("intermediates"); more != response.end()) {
      if (!more->is_object())
        throw ResponseError("answered with \"intermediates\" not an object of matrices");
      for (const auto& [key, value] : more->items()) {
        const auto q = parse_quantity(key);
        if (q && !q->is_parameter() && has_quantity(c, *q)) put(claim, *q, value);
      }
    }
  }
  if (const auto cost = response.find("cost"); cost != response.end()) {
    const auto x = number(*cost);
    if (!x) throw ResponseError("sent " + kind_of(*cost) + " as its cost, which must be a number");
    claim.cost = *x;
  }
  return claim;
}

double read_cost(const json& response, std::int64_t id) {
  check_id(response, id);
  const auto cost = response.find("cost");
  if (cost == response.end())
    throw ResponseError("answered a cost request with no \"cost\" (the response holds " +
                        keys_of(response) + ")");
  const auto x = number(*cost);
  if (!x) throw ResponseError("sent " + kind_of(*cost) + " as its cost, which must be a number");
  return *x;
}

}  // namespace gradfuzz::detail
