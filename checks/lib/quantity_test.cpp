#include "gradfuzz/quantity.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace gradfuzz {
namespace {

using Kind = Quantity::Kind;

rc::Gen<Quantity> any_quantity() {
  return rc::gen::exec([] {
    const Kind kind = *rc::gen::element(Kind::dW, Kind::db, Kind::dZ, Kind::dA);
    const int layer = *rc::gen::inRange(kind == Kind::dA ? 0 : 1, 1000);
    return Quantity{kind, layer};
  });
}

TEST(Quantity, NamesAreSpelledAsInNumPyCode) {
  EXPECT_EQ(Quantity::dW(1).name(), "dW1");
  EXPECT_EQ(Quantity::db(2).name(), "db2");
  EXPECT_EQ(Quantity::dZ(3).name(), "dZ3");
  EXPECT_EQ(Quantity::dA(0).name(), "dA0");
  EXPECT_EQ(Quantity::dW(12).name(), "dW12");
}

TEST(Quantity, OnlyWeightsAndBiasesAreParameters) {
  EXPECT_TRUE(Quantity::dW(1).is_parameter());
  EXPECT_TRUE(Quantity::db(1).is_parameter());
  EXPECT_FALSE(Quantity::dZ(1).is_parameter());
  EXPECT_FALSE(Quantity::dA(0).is_parameter());
}

RC_GTEST_PROP(Quantity, ParseReadsWhatNameWrites, ()) {
  const Quantity q = *any_quantity();
  const auto back = parse_quantity(q.name());
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == q);
}

TEST(Quantity, ParseRejectsEverythingElse) {
  for (const char* name :
       {"", "d", "dW", "W1", "dw1", "dB1", "dX1", "dW0", "db0", "dZ0", "dA-1", "dW-1", "dW+1",
        "dW1 ", " dW1", "dW1x", "dW1.0", "dZ 1", "dW99999999999999999999"})
    EXPECT_FALSE(parse_quantity(name).has_value()) << '"' << name << '"';
}

TEST(Quantity, ParseAcceptsOnlyTheCanonicalSpelling) {
  // "nothing for anything else": a name that is not what name() writes is not a quantity, or
  // an adapter could send both "dW1" and "dW01" and have one silently overwrite the other.
  for (const char* name : {"dW01", "db007", "dA00"})
    EXPECT_FALSE(parse_quantity(name).has_value()) << '"' << name << '"';
}

TEST(Quantity, ReportOrderIsParametersThenIntermediatesInBackpropOrder) {
  std::vector<Quantity> all{Quantity::dA(0), Quantity::dZ(1), Quantity::db(2), Quantity::dW(1),
                            Quantity::dA(1), Quantity::dZ(2), Quantity::dW(2), Quantity::db(1)};
  std::sort(all.begin(), all.end());
  std::vector<std::string> names;
  for (const Quantity& q : all) names.push_back(q.name());
  EXPECT_EQ(names,
            (std::vector<std::string>{"dW1", "db1", "dW2", "db2", "dZ2", "dA1", "dZ1", "dA0"}));
  // A Gradients map iterates in the same order.
  Gradients g;
  for (const Quantity& q : all) g[q] = arma::mat();
  std::vector<std::string> keys;
  for (const auto& [q, value] : g) keys.push_back(q.name());
  EXPECT_EQ(keys, names);
}

RC_GTEST_PROP(Quantity, OrderingIsAStrictOrderConsistentWithEquality, ()) {
  const Quantity a = *any_quantity(), b = *any_quantity(), c = *any_quantity();
  RC_ASSERT(((a <=> b) == 0) == (a == b));
  RC_ASSERT((a < b) == (b > a));
  if (a < b && b < c) RC_ASSERT(a < c);
  // A map keyed by quantity must never merge two different quantities.
  Gradients g{{a, arma::mat(1, 1)}, {b, arma::mat(2, 2)}};
  RC_ASSERT(g.size() == (a == b ? 1u : 2u));
}

TEST(Quantity, ShapesPrintAsRowsByColumns) {
  EXPECT_EQ(to_string(Shape{4, 3}), "4x3");
  const Shape s = shape_of(arma::mat(2, 5));
  EXPECT_EQ(s.rows, 2u);
  EXPECT_EQ(s.cols, 5u);
  EXPECT_TRUE((Shape{2, 5} == s));
  EXPECT_FALSE((Shape{5, 2} == s));
}

}  // namespace
}  // namespace gradfuzz
