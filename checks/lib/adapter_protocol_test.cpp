// PROTOCOL.md on the wire: requests written exactly, responses read exactly, every way a
// response can be wrong named.

#include "adapter/protocol.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"
#include "hand_cases.hpp"

namespace gradfuzz::detail {
namespace {

using checks::course_case;

using nlohmann::json;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ResponseError& e) {
    return e.what();
  }
  return "(no ResponseError)";
}

bool bitwise_equal(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}

arma::mat matrix_of(const json& j) {
  arma::mat M(j.size(), j[0].size());
  for (std::size_t r = 0; r < j.size(); ++r)
    for (std::size_t c = 0; c < j[r].size(); ++c) M(r, c) = j[r][c].get<double>();
  return M;
}

TEST(AdapterProtocol, GradientsRequestHasPROTOCOLsFieldsInItsOrder) {
  const Case c = course_case();
  const std::string line = case_request(c, 7);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind(R"({"op":"gradients","id":7,"net":{"layers":[3,4,1],)"
                       R"("activations":["tanh","sigmoid"],"loss":"bce","lambda":0.0,)"
                       R"("leaky_slope":0.01},"params":{"W1":[[)",
                       0),
            0u)
      << line.substr(0, 200);
  const json j = json::parse(line);
  std::vector<std::string> keys;
  for (const auto& [key, value] : j["params"].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"W1", "W2", "b1", "b2"}));  // json sorts; all there
  EXPECT_LT(line.find("\"W1\""), line.find("\"b1\""));
  EXPECT_LT(line.find("\"b1\""), line.find("\"W2\""));
  EXPECT_LT(line.find("\"X\""), line.find("\"Y\""));
}

TEST(AdapterProtocol, EveryNumberOfARequestReadsBackExactly) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CaseRecipe r;
    r.spec.sizes = {4, 3, 2};
    r.spec.activations = {Activation::relu, Activation::softmax};
    r.spec.loss = Loss::ce;
    r.spec.lambda = 0.1 * static_cast<double>(seed);
    r.batch = 6;
    r.seed = seed;
    r.weight_scale = seed % 2 ? 1e-3 : 5.0;
    r.labels = seed % 3 ? Labels::hard : Labels::soft;
    const Case c = make_case(r);
    const json j = json::parse(case_request(c, 1));
    EXPECT_EQ(j["net"]["lambda"].get<double>(), c.spec.lambda);
    EXPECT_TRUE(bitwise_equal(matrix_of(j["params"]["W1"]), c.W_of(1)));
    EXPECT_TRUE(bitwise_equal(matrix_of(j["params"]["b2"]), c.b_of(2)));
    EXPECT_TRUE(bitwise_equal(matrix_of(j["X"]), c.X));
    EXPECT_TRUE(bitwise_equal(matrix_of(j["Y"]), c.Y));
  }
}

TEST(AdapterProtocol, WholeNumbersAreWrittenAsRealsSoNumPyReadsFloats) {
  Case c = course_case();
  c.Y.zeros();
  c.Y(0, 1) = 1;
  c.X(0, 0) = -0.0;
  c.X(1, 0) = 1e21;
  const json j = json::parse(case_request(c, 1));
  EXPECT_TRUE(j["Y"][0][0].is_number_float());
  EXPECT_TRUE(j["Y"][0][1].is_number_float());
  EXPECT_TRUE(j["X"][1][0].is_number_float());
  EXPECT_TRUE(std::signbit(j["X"][0][0].get<double>()));
  EXPECT_NE(case_request(c, 1).find("[[0.0,1.0,0.0"), std::string::npos);
}

TEST(AdapterProtocol, BareNonFiniteTokensAreNumbersOutsideStringsOnly) {
  const json j = parse_response(
      R"({"id": 1, "note": "NaN and -Infinity stay words here \" NaN", "grads": {"dW1": )"
      R"([[NaN, Infinity, -Infinity, 0.1]]}})");
  EXPECT_EQ(j["note"], "NaN and -Infinity stay words here \" NaN");
  Case c;
  c.spec.sizes = {4, 1};
  c.spec.activations = {Activation::sigmoid};
  c.W = {arma::mat(1, 4)};
  c.b = {arma::mat(1, 1)};
  c.X = arma::mat(4, 1);
  c.Y = arma::mat(1, 1);
  json with_db = j;
  with_db["grads"]["db1"] = json::array({json::array({0.0})});
  const Claim claim = read_gradients(with_db, c, 1, false);
  const arma::mat& dW1 = claim.gradients.at(Quantity::dW(1));
  EXPECT_TRUE(std::isnan(dW1(0, 0)));
  EXPECT_EQ(dW1(0, 1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(dW1(0, 2), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(dW1(0, 3), 0.1);
}

TEST(AdapterProtocol, NumbersAreReadExactly) {
  const json j = parse_response(
      R"({"x": [0.1, 5e-324, 1.7976931348623157e308, -0.0, 123456789012345678, 0.30000000000000004]})");
  EXPECT_EQ(j["x"][0].get<double>(), 0.1);
  EXPECT_EQ(j["x"][1].get<double>(), 5e-324);
  EXPECT_EQ(j["x"][2].get<double>(), 1.7976931348623157e308);
  EXPECT_EQ(j["x"][5].get<double>(), 0.30000000000000004);
  // Exactness survives the non-finite rewriting too.
  const json k = parse_response(R"({"x": [NaN, 0.30000000000000004, 5e-324]})");
  EXPECT_EQ(k["x"][1].get<double>(), 0.30000000000000004);
  EXPECT_EQ(k["x"][2].get<double>(), 5e-324);
}

TEST(AdapterProtocol, ANumberBeyondDoubleIsRefusedNotFatal) {
  // Found by fuzz/adapter_response_fuzz.cpp: the JSON parser reports 5555e555 as out of range,
  // which is not a syntax error and escaped as an unexpected exception.
  EXPECT_NE(error_of([] {
              parse_response(R"({"id": 1, "cost": 5555e555})");
            }).find("not one JSON object"),
            std::string::npos);
}

TEST(AdapterProtocol, ALineThatIsNotOneJsonObjectIsRefused) {
  EXPECT_NE(error_of([] { parse_response("this is not json"); }).find("not one JSON object"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_response(R"({"id":1}{"id":1})"); }).find("not one JSON object"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_response("[1, 2]"); }).find("not a JSON object"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_response(""); }).find("not one JSON object"), std::string::npos);
  EXPECT_NE(error_of([] { parse_response(R"({"x": NaNa})"); }).find("not one JSON object"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_response(R"({"x": nan})"); }).find("not one JSON object"),
            std::string::npos);
}

TEST(AdapterProtocol, ANulByteDoesNotEndTheLine) {
  // What follows a NUL byte is part of the line, so the line is not one JSON object.
  const std::string line = std::string(R"({"id": 1})") + '\0' + "garbage";
  EXPECT_NE(error_of([&] { parse_response(line); }).find("NUL byte at byte 9"), std::string::npos);
}

TEST(AdapterProtocol, ADeeplyNestedLineIsRefusedWithoutRecursing) {
  // A hello or error reply 70,000 arrays deep: its message once dumped it, recursively.
  const std::string deep =
      R"({"ok": true, "error": )" + std::string(70000, '[') + std::string(70000, ']') + "}";
  EXPECT_NE(error_of([&] { parse_response(deep); }).find("nested more than 256"),
            std::string::npos);
  const std::string fine =
      R"({"ok": true, "extra": )" + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_NO_THROW(read_hello(parse_response(fine)));
}

TEST(AdapterProtocol, AHelloNoNetworkCanBeDrawnFromIsTheAdaptersFault) {
  EXPECT_NE(error_of([] {
              read_hello(json::parse(R"({"ok": true, "activations": []})"));
            }).find("empty 'activations' list"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              read_hello(json::parse(R"({"ok": true, "activations": ["softmax"]})"));
            }).find("only softmax"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              read_hello(json::parse(R"({"ok": true, "losses": []})"));
            }).find("empty 'losses' list"),
            std::string::npos);
}

TEST(AdapterProtocol, AnExcerptOfABadLineIsValidUtf8) {
  // 119 bytes, then an 'é' across the 120-byte cut, then latin-1.
  const std::string line = std::string(119, 'x') + "\xc3\xa9 caf\xe9 and more";
  const std::string why = error_of([&] { parse_response(line); });
  EXPECT_NE(why.find("'" + std::string(119, 'x') + "...'"), std::string::npos) << why;
  const std::string latin1 = error_of([] { parse_response("caf\xe9"); });
  EXPECT_NE(latin1.find("'caf\\xe9'"), std::string::npos) << latin1;
}

json response_for(const Case& c, std::int64_t id) {
  json grads = json::object();
  for (int l = 1; l <= c.depth(); ++l) {
    grads["dW" + std::to_string(l)] = json(std::vector<std::vector<double>>(
        c.W_of(l).n_rows, std::vector<double>(c.W_of(l).n_cols, 0.5)));
    grads["db" + std::to_string(l)] =
        json(std::vector<std::vector<double>>(c.b_of(l).n_rows, std::vector<double>(1, 0.25)));
  }
  return {{"id", id}, {"grads", grads}};
}

TEST(AdapterProtocol, AGoodResponseGivesEveryParameterGradient) {
  const Case c = course_case();
  json r = response_for(c, 3);
  r["cost"] = 0.6931;
  r["extra"] = {{"ignored", true}};
  r["grads"]["dW9"] = 1;  // a key this network does not have: ignored
  const Claim claim = read_gradients(r, c, 3, false);
  EXPECT_EQ(claim.gradients.size(), 4u);
  EXPECT_EQ(claim.gradients.at(Quantity::dW(1)).n_rows, 4u);
  EXPECT_EQ(claim.gradients.at(Quantity::dW(1)).n_cols, 3u);
  EXPECT_EQ(claim.gradients.at(Quantity::db(2))(0, 0), 0.25);
  EXPECT_TRUE(claim.written_shapes.empty());
  EXPECT_EQ(claim.cost, 0.6931);
}

TEST(AdapterProtocol, IntermediatesAreReadOnlyWhenDeclared) {
  const Case c = course_case();
  json r = response_for(c, 1);
  r["intermediates"] = {{"dZ2", json::array({json::array({1.0, 2.0, 3.0, 4.0, 5.0})})}, {"dZ7", 1}};
  EXPECT_EQ(read_gradients(r, c, 1, false).gradients.count(Quantity::dZ(2)), 0u);
  const Claim claim = read_gradients(r, c, 1, true);
  ASSERT_EQ(claim.gradients.count(Quantity::dZ(2)), 1u);
  EXPECT_EQ(claim.gradients.at(Quantity::dZ(2))(0, 4), 5.0);
  EXPECT_EQ(claim.gradients.size(), 5u);
}

TEST(AdapterProtocol, AFlatListIsA1DArrayAndASingleNumberA0dOne) {
  const Case c = course_case();
  json r = response_for(c, 1);
  r["grads"]["db1"] = {0.1, 0.2, 0.3, 0.4};
  r["grads"]["db2"] = 0.5;
  const Claim claim = read_gradients(r, c, 1, false);
  EXPECT_TRUE((claim.written_shapes.at(Quantity::db(1)) == Shape{1, 4, 1}));
  EXPECT_TRUE((claim.written_shapes.at(Quantity::db(2)) == Shape{1, 1, 0}));
  EXPECT_EQ(claim.gradients.at(Quantity::db(1)).n_cols, 4u);
  EXPECT_EQ(claim.gradients.at(Quantity::db(1))(0, 3), 0.4);
  EXPECT_EQ(to_string(claim.written_shapes.at(Quantity::db(1))), "(4,)");
  EXPECT_EQ(to_string(claim.written_shapes.at(Quantity::db(2))), "()");
}

TEST(AdapterProtocol, EveryMalformedGradientIsNamed) {
  const Case c = course_case();
  auto with = [&](const char* name, json value) {
    json r = response_for(c, 1);
    r["grads"][name] = std::move(value);
    return error_of([&] { read_gradients(r, c, 1, false); });
  };
  EXPECT_NE(with("dW2", {{1.0, 2.0, 3.0, 4.0}, {1.0}}).find("ragged dW2"), std::string::npos);
  EXPECT_NE(with("dW2", {{1.0, "2"}}).find("the string \"2\" as dW2(0,1)"), std::string::npos);
  EXPECT_NE(with("dW2", {{1.0, nullptr}}).find("null as dW2(0,1)"), std::string::npos);
  EXPECT_NE(with("dW2", {1.0, {2.0}}).find("mixes numbers and rows"), std::string::npos);
  EXPECT_NE(with("dW2", {{{1.0}}}).find("a list as dW2(0,0)"), std::string::npos);
  EXPECT_NE(with("db1", "0.5").find("as db1, which must be a matrix"), std::string::npos);
  EXPECT_NE(with("db1", {true}).find("true as entry 0 of db1"), std::string::npos);
}

TEST(AdapterProtocol, WrongOrMissingPiecesAreNamed) {
  const Case c = course_case();
  json r = response_for(c, 1);
  EXPECT_NE(error_of([&] { read_gradients(r, c, 2, false); }).find("request 2 with \"id\": 1"),
            std::string::npos);
  r["id"] = "1";
  EXPECT_NE(error_of([&] { read_gradients(r, c, 1, false); }).find("\"id\": \"1\""),
            std::string::npos);
  r.erase("id");
  EXPECT_NE(error_of([&] { read_gradients(r, c, 1, false); }).find("no \"id\""), std::string::npos);
  json no_grads = {{"id", 1}, {"gradients", 1}};
  EXPECT_NE(error_of([&] {
              read_gradients(no_grads, c, 1, false);
            }).find("no \"grads\" (the response holds gradients, id)"),
            std::string::npos);
  json missing = response_for(c, 1);
  missing["grads"].erase("db2");
  EXPECT_NE(error_of([&] { read_gradients(missing, c, 1, false); })
                .find("sent no db2 for a 3-4-1 tanh,sigmoid bce network (grads holds dW1, "
                      "dW2, db1)"),
            std::string::npos);
  json bad_cost = response_for(c, 1);
  bad_cost["cost"] = "low";
  EXPECT_NE(error_of([&] { read_gradients(bad_cost, c, 1, false); }).find("as its cost"),
            std::string::npos);
}

TEST(AdapterProtocol, AnErrorReplyIsTheCodeUnderTestFailing) {
  const Case c = course_case();
  const json r = {{"id", 4}, {"error", "ZeroDivisionError: division by zero"}};
  try {
    read_gradients(r, c, 4, false);
    FAIL() << "no SourceError";
  } catch (const SourceError& e) {
    EXPECT_STREQ(e.what(), "ZeroDivisionError: division by zero");
  }
  // ... but only when it answers the right request.
  EXPECT_NE(error_of([&] { read_gradients(r, c, 5, false); }).find("request 5"), std::string::npos);
}

TEST(AdapterProtocol, HelloDefaultsAreTheProtocols) {
  const Hello h = read_hello(json{{"ok", true}});
  EXPECT_EQ(h.info.name, "adapter");
  EXPECT_EQ(h.info.convention, Convention::mean);
  EXPECT_EQ(h.info.precision, Precision::float64);
  EXPECT_EQ(h.info.activations, all_activations());
  EXPECT_EQ(h.info.losses, all_losses());
  EXPECT_TRUE(h.info.regularization);
  EXPECT_FALSE(h.info.intermediates);
  EXPECT_FALSE(h.info.cost);
}

TEST(AdapterProtocol, HelloReadsEveryField) {
  const Hello h = read_hello(json::parse(
      R"({"ok": true, "name": "mine", "convention": "sum", "dtype": "float32",
          "activations": ["tanh", "softmax"], "losses": ["ce"], "regularization": false,
          "cost": true, "intermediates": true, "future_field": 1})"));
  EXPECT_EQ(h.info.name, "mine");
  EXPECT_EQ(h.info.convention, Convention::sum);
  EXPECT_EQ(h.info.precision, Precision::float32);
  EXPECT_EQ(h.info.activations, (std::vector<Activation>{Activation::tanh, Activation::softmax}));
  EXPECT_EQ(h.info.losses, std::vector<Loss>{Loss::ce});
  EXPECT_FALSE(h.info.regularization);
  EXPECT_TRUE(h.info.intermediates);
  EXPECT_TRUE(h.info.cost);
}

TEST(AdapterProtocol, AWrongHelloIsNamed) {
  auto hello = [](const char* text) { return error_of([&] { read_hello(json::parse(text)); }); };
  EXPECT_NE(hello(R"({"name": "x"})").find("without \"ok\": true"), std::string::npos);
  EXPECT_NE(hello(R"({"ok": false, "error": "no GPU"})").find("\"no GPU\""), std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "convention": "avg"})").find("convention \"avg\""),
            std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "dtype": "float16"})").find("dtype \"float16\""),
            std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "activations": ["Sigmoid"]})").find("unknown name \"Sigmoid\""),
            std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "losses": "bce"})").find("'losses' not a list"),
            std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "cost": "yes"})").find("'cost' \"yes\""), std::string::npos);
}

// Version 1.1: the tool says which minor version it speaks; hello may bound the networks.
TEST(AdapterProtocol, HelloSaysTheMinorVersionAndKeepsTheMajorOne) {
  const json hello = json::parse(hello_request());
  EXPECT_EQ(hello["gradfuzz"], 1) << "a version-1 adapter may check it";
  EXPECT_EQ(hello["minor"], kMinorVersion);
  EXPECT_EQ(hello["op"], "hello");
}

TEST(AdapterProtocol, HelloReadsTheNetworkBounds) {
  const Hello h = read_hello(json::parse(
      R"({"ok": true, "hidden_activations": ["relu"], "output_activations": ["sigmoid"],
          "same_hidden_activation": true, "depth": [2, 4], "output_units": 1, "max_width": 64,
          "max_batch": 32, "labels": "hard"})"));
  const NetworkBounds& b = h.info.networks;
  EXPECT_EQ(b.hidden_activations, std::vector<Activation>{Activation::relu});
  EXPECT_EQ(b.output_activations, std::vector<Activation>{Activation::sigmoid});
  EXPECT_TRUE(b.same_hidden_activation);
  EXPECT_EQ(b.depth, (Range{2, 4}));
  EXPECT_EQ(b.output_units, (Range{1, 1}));
  EXPECT_EQ(b.max_width, 64u);
  EXPECT_EQ(b.max_batch, 32u);
  EXPECT_TRUE(b.hard_labels);
  // Without `activations`, the specific lists say what either kind of layer may use.
  EXPECT_EQ(h.info.activations, (std::vector<Activation>{Activation::sigmoid, Activation::relu}));
  // The old list still means both; a specific one wins for its kind of layer.
  const Hello both = read_hello(
      json::parse(R"({"ok": true, "activations": ["tanh"], "output_activations": ["linear"]})"));
  EXPECT_EQ(both.info.activations, std::vector<Activation>{Activation::tanh});
  EXPECT_EQ(both.info.networks.output_activations, std::vector<Activation>{Activation::linear});
  EXPECT_FALSE(both.info.networks.hidden_activations);
  // Left out, nothing is bounded: version 1.
  EXPECT_TRUE(read_hello(json{{"ok", true}}).info.networks.empty());
}

TEST(AdapterProtocol, AWrongNetworkBoundIsNamed) {
  auto hello = [](const char* text) { return error_of([&] { read_hello(json::parse(text)); }); };
  EXPECT_NE(hello(R"({"ok": true, "depth": 0})").find("'depth' 0"), std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "depth": [4, 2]})").find("'depth' [4,2]"), std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "output_units": "one"})").find("'output_units'"),
            std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "max_width": 2.5})").find("'max_width' 2.5"), std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "labels": "soft"})").find("labels \"soft\""), std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "hidden_activations": ["gelu"]})").find("unknown name"),
            std::string::npos);
  EXPECT_NE(hello(R"({"ok": true, "same_hidden_activation": 1})").find("not true or false"),
            std::string::npos);
}

TEST(AdapterProtocol, AnUnsupportedReplySkipsTheCaseAndIsNoError) {
  const Case c = course_case();
  const json r = json::parse(R"({"id": 4, "unsupported": "no linear output"})");
  try {
    read_gradients(r, c, 4, false);
    FAIL() << "no Unsupported";
  } catch (const Unsupported& e) {
    EXPECT_STREQ(e.what(), "no linear output");
  }
  EXPECT_THROW(read_cost(r, 4), Unsupported);
  // ... and only as the answer to its own request.
  EXPECT_NE(error_of([&] { read_gradients(r, c, 5, false); }).find("request 5"), std::string::npos);
}

// docs/PROTOCOL.md's examples, each marked <!-- message: NAME --> above its ```json block.
std::map<std::string, json> protocol_examples() {
  std::ifstream in(GRADFUZZ_SOURCE_DIR "/docs/PROTOCOL.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  std::map<std::string, json> out;
  // Scanned by hand: std::regex trips gcc 12's maybe-uninitialized under the sanitizers.
  const std::string marker = "<!-- message: ", opening = " -->\n```json\n", closing = "```";
  for (std::size_t at = 0; (at = doc.find(marker, at)) != std::string::npos;) {
    const std::size_t name_end = doc.find(opening, at);
    if (name_end == std::string::npos) break;
    const std::string name = doc.substr(at + marker.size(), name_end - at - marker.size());
    const std::size_t body = name_end + opening.size();
    const std::size_t end = doc.find(closing, body);
    if (end == std::string::npos) break;
    out[name] = parse_response(doc.substr(body, end - body));  // the tool's own reading of a line
    at = end;
  }
  std::size_t blocks = 0;
  for (std::size_t at = 0; (at = doc.find("```json", at)) != std::string::npos; ++at) ++blocks;
  EXPECT_EQ(blocks, out.size()) << "every ```json block of docs/PROTOCOL.md is a marked message";
  return out;
}

// The example request as a Case: what the tool would have had to draw to send it.
Case case_of(const json& request) {
  Case c;
  const json& net = request["net"];
  c.spec.sizes = net["layers"].get<std::vector<arma::uword>>();
  for (const json& a : net["activations"])
    c.spec.activations.push_back(*find_activation(a.get<std::string>()));
  c.spec.loss = *find_loss(net["loss"].get<std::string>());
  c.spec.lambda = net["lambda"].get<double>();
  c.spec.leaky_slope = net["leaky_slope"].get<double>();
  for (int l = 1; l <= c.spec.depth(); ++l) {
    c.W.push_back(matrix_of(request["params"]["W" + std::to_string(l)]));
    c.b.push_back(matrix_of(request["params"]["b" + std::to_string(l)]));
  }
  c.X = matrix_of(request["X"]);
  c.Y = matrix_of(request["Y"]);
  validate(c);
  return c;
}

// Six significant digits, as the examples print them.
void expect_close(const arma::mat& example, const arma::mat& truth, const std::string& what) {
  ASSERT_EQ(example.n_rows, truth.n_rows) << what;
  ASSERT_EQ(example.n_cols, truth.n_cols) << what;
  for (arma::uword k = 0; k < truth.n_elem; ++k)
    EXPECT_NEAR(example[k], truth[k], 5e-6 * std::abs(truth[k]) + 1e-12) << what << " entry " << k;
}

TEST(AdapterProtocol, EveryExampleOfTheProtocolDocumentIsTrue) {
  const std::map<std::string, json> m = protocol_examples();
  for (const char* name :
       {"hello-request", "hello-response", "hello-response-1.1", "gradients-request",
        "gradients-response", "gradients-response-intermediates", "cost-request", "cost-response",
        "bye-request", "bye-response", "error-reply", "unsupported-reply"})
    ASSERT_TRUE(m.contains(name)) << name;
  // What the tool sends is what the document shows.
  EXPECT_EQ(m.at("hello-request"), json::parse(hello_request()));
  EXPECT_EQ(m.at("bye-request"), json::parse(bye_request()));
  const Case c = case_of(m.at("gradients-request"));
  EXPECT_EQ(m.at("gradients-request"), json::parse(case_request(c, 7)));
  EXPECT_EQ(m.at("cost-request"), json::parse(case_request(c, 8, "cost")));
  // hello responses: the defaults shown are the defaults, the 1.1 fields are read.
  const Hello defaults = read_hello(m.at("hello-response"));
  const Hello none = read_hello(json{{"ok", true}});
  EXPECT_EQ(defaults.info.name, none.info.name);
  EXPECT_EQ(defaults.info.activations, none.info.activations);
  EXPECT_EQ(defaults.info.losses, none.info.losses);
  EXPECT_EQ(defaults.info.convention, none.info.convention);
  EXPECT_EQ(defaults.info.precision, none.info.precision);
  EXPECT_EQ(defaults.info.regularization, none.info.regularization);
  EXPECT_EQ(defaults.info.cost, none.info.cost);
  EXPECT_EQ(defaults.info.intermediates, none.info.intermediates);
  const Hello bounded = read_hello(m.at("hello-response-1.1"));
  EXPECT_EQ(bounded.info.networks.output_units, (Range{1, 1}));
  EXPECT_EQ(bounded.info.networks.depth, (Range{1, 4}));
  EXPECT_TRUE(bounded.info.networks.hard_labels);
  EXPECT_TRUE(bounded.info.networks.same_hidden_activation);
  // The example responses answer the example request, as the reference computes it.
  ReferenceBackprop reference;
  const Gradients truth = reference.gradients(c);
  const Claim claim = read_gradients(m.at("gradients-response"), c, 7, false);
  for (const auto& [q, value] : claim.gradients) expect_close(value, truth.at(q), q.name());
  ASSERT_TRUE(claim.cost);
  EXPECT_NEAR(*claim.cost, forward(c).cost, 5e-6 * forward(c).cost);
  const Claim deep = read_gradients(m.at("gradients-response-intermediates"), c, 7, true);
  EXPECT_EQ(deep.gradients.size(), 7u);
  for (const auto& [q, value] : deep.gradients) expect_close(value, truth.at(q), q.name());
  EXPECT_NEAR(read_cost(m.at("cost-response"), 8), forward(c).cost, 5e-6 * forward(c).cost);
  EXPECT_EQ(m.at("bye-response"), json({{"ok", true}}));
  EXPECT_THROW(read_gradients(m.at("error-reply"), c, 7, false), SourceError);
  EXPECT_THROW(read_gradients(m.at("unsupported-reply"), c, 7, false), Unsupported);
}

}  // namespace
}  // namespace gradfuzz::detail
