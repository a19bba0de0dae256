// AdapterSource against the test adapters of checks/adapters/: correct ones pass, buggy ones
// give findings, and every misbehaviour PROTOCOL.md lists stops with a ProtocolError that names
// the command, the request and the stderr tail, with no process left behind.

#include "gradfuzz/adapter_source.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

#include "adapter_test_support.hpp"
#include "gradfuzz/check.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/fuzz/campaign.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reports/console_reporter.hpp"
#include "gradfuzz/reports/json_reporter.hpp"
#include "hand_cases.hpp"

namespace gradfuzz {
namespace {

using checks::course_case;

using namespace std::chrono_literals;
using checks::pid_in;
using checks::running;
using checks::TempFile;
using checks::test_adapter;
using Clock = std::chrono::steady_clock;

// Generous for a request (a loaded CI machine starting Python), short for the ending.
AdapterOptions options(std::chrono::milliseconds timeout = 20s) {
  AdapterOptions o;
  o.timeout = timeout;
  o.grace = 300ms;
  return o;
}

// The ProtocolError's message when `hostile.py MODE` is asked about one case; also checks that
// the adapter process is gone afterwards.
std::string misbehaviour(const std::string& mode, AdapterOptions o = options()) {
  TempFile pid;
  try {
    AdapterSource source(test_adapter("hostile.py " + mode + " --pidfile " + pid.path()), o);
    source.claim(course_case());
  } catch (const ProtocolError& e) {
    EXPECT_FALSE(running(pid_in(pid.path()))) << mode << " left its process running";
    return e.what();
  }
  ADD_FAILURE() << "hostile.py " << mode << " raised no ProtocolError";
  return "";
}

TEST(AdapterSource, HelloFillsTheSourceInfo) {
  AdapterSource source(test_adapter("hostile.py hello_custom"), options());
  const SourceInfo info = source.info();
  EXPECT_EQ(info.name, "custom");
  EXPECT_EQ(info.convention, Convention::sum);
  EXPECT_EQ(info.precision, Precision::float32);
  EXPECT_EQ(info.activations, (std::vector<Activation>{Activation::tanh, Activation::sigmoid}));
  EXPECT_EQ(info.losses, std::vector<Loss>{Loss::bce});
  EXPECT_FALSE(info.regularization);
  EXPECT_TRUE(info.intermediates);
  EXPECT_TRUE(source.answers_cost());
}

TEST(AdapterSource, ACaseOutsideTheHelloIsNeverSent) {
  AdapterSource source(test_adapter("hostile.py hello_custom"), options());
  CaseRecipe r;
  r.spec.sizes = {2, 1};
  r.spec.activations = {Activation::relu};
  r.spec.loss = Loss::mse;
  EXPECT_THROW(source.claim(make_case(r)), std::invalid_argument);
  Case c = course_case();
  c.spec.lambda = 0.5;
  EXPECT_THROW(source.claim(c), std::invalid_argument);
  EXPECT_NO_THROW(source.claim(course_case()));  // and the adapter is still in step
}

// Protocol 1.1: a case outside the declared bounds is refused before it is sent, saying why,
// and an `unsupported` reply is Unsupported, the adapter still in step after it.
TEST(AdapterSource, ACaseOutsideTheDeclaredBoundsIsNeverSent) {
  AdapterSource source(test_adapter("declared.py --needs depth"), options());
  EXPECT_EQ(source.info().networks.depth, (Range{3, 3}));
  try {
    source.claim(course_case());
    FAIL() << "no invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("its depth 2 is not the declared 3"), std::string::npos)
        << e.what();
  }
}

TEST(AdapterSource, AnUnsupportedReplyIsUnsupported) {
  AdapterSource source(test_adapter("refusing.py --refuse not_depth_3"), options());
  try {
    source.claim(course_case());
    FAIL() << "no Unsupported";
  } catch (const Unsupported& e) {
    EXPECT_STREQ(e.what(), "this code has three layers, not 2");
  }
  CaseRecipe r;
  r.spec.sizes = {2, 3, 3, 1};
  r.spec.activations = {Activation::tanh, Activation::tanh, Activation::sigmoid};
  EXPECT_TRUE(check_case(make_case(r), source).passed());
  EXPECT_TRUE(check_case(course_case(), source).skipped());
}

struct Variant {
  const char* args;
  Convention convention;
  Precision precision;
  const char* name;
};

void PrintTo(const Variant& v, std::ostream* os) {
  *os << v.name;
}

class CorrectAdapter : public ::testing::TestWithParam<Variant> {};

TEST_P(CorrectAdapter, PassesACampaign) {
  const Variant v = GetParam();
  AdapterSource source(test_adapter(std::string("correct.py ") + v.args), options());
  EXPECT_EQ(source.info().convention, v.convention);
  EXPECT_EQ(source.info().precision, v.precision);
  CampaignOptions o;
  o.cases = 40;
  o.seed = 11;
  const CampaignResult result = fuzz(source, o);
  EXPECT_FALSE(result.misbehaviour) << *result.misbehaviour;
  EXPECT_EQ(result.cases_run, 40u);
  ASSERT_TRUE(result.passed()) << result.failure->shrunk.c.replay << "\n"
                               << result.failure->shrunk.diagnosis->message;
}

INSTANTIATE_TEST_SUITE_P(
    Variants, CorrectAdapter,
    ::testing::Values(Variant{"", Convention::mean, Precision::float64, "mean"},
                      Variant{"--convention sum", Convention::sum, Precision::float64, "sum"},
                      Variant{"--dtype float32", Convention::mean, Precision::float32, "float32"},
                      Variant{"--convention sum --dtype float32", Convention::sum,
                              Precision::float32, "sum_float32"},
                      Variant{"--intermediates", Convention::mean, Precision::float64,
                              "intermediates"}),
    [](const ::testing::TestParamInfo<Variant>& param) { return std::string(param.param.name); });

// Cases where a correct float32 NumPy implementation's own forward-pass rounding (logits in the
// hundreds, relu inputs rounded across 0) moved its gradients by ~1e-4: they failed before the
// rounding model bounded the forward pass (lib/src/rounding.cpp) and must pass.
TEST(AdapterSource, Float32ForwardRoundingIsNoFinding) {
  AdapterSource source(test_adapter("correct.py --dtype float32"), options());
  for (const char* replay :
       {"v1;sizes=19,22,10,7,27;act=linear,leaky_relu,tanh,relu;loss=mse;lambda=0;slope=0.1;m=38;"
        "seed=16317803160391682317;scale=1;values=grid;labels=hard",
        "v1;sizes=25,26,13,27,18,25;act=tanh,relu,tanh,sigmoid,sigmoid;loss=bce;lambda=0;"
        "slope=0.01;m=20;seed=3872614119859313758;scale=6;values=continuous;labels=hard",
        "v1;sizes=1,17,13,12,25;act=linear,tanh,linear,tanh;loss=mse;lambda=0;slope=0.01;m=3;"
        "seed=17135354072317655236;scale=6;values=continuous;labels=hard",
        // sigmoid as (1 + tanh(z/2)) / 2 in float32 is accurate to eps absolutely: a saturated
        // A2 of 3e-9 comes out as 3e-8, and every gradient upstream 10 times the exact one.
        "v1;sizes=2,3,1,6;act=linear,sigmoid,relu;loss=mse;lambda=0;slope=0.01;m=1;"
        "seed=11047270486672716354;scale=6;values=continuous;labels=hard",
        // A softmax output of 1e-52 underflows to 0 in float32 (false-alarm campaign, seed 3):
        // A - Y and every gradient built from it are 0 where the exact ones are 1e-51.
        "v1;sizes=3,5,6,2;act=linear,relu,softmax;loss=ce;lambda=0;slope=0.01;m=2;"
        "seed=5837357030442025925;scale=6;values=continuous;labels=hard"}) {
    const CaseResult r = check_case(make_case(parse_recipe(replay)), source);
    EXPECT_TRUE(r.passed()) << replay << "\n" << (r.diagnosis ? r.diagnosis->message : "");
  }
}

TEST(AdapterSource, IntermediatesAreCheckedWhenDeclared) {
  AdapterSource source(test_adapter("correct.py --intermediates"), options());
  const CaseResult r = check_case(course_case(), source);
  EXPECT_TRUE(r.passed());
  std::vector<std::string> names;
  for (const auto& q : r.checks) names.push_back(q.quantity.name());
  EXPECT_EQ(names,
            (std::vector<std::string>{"dW1", "db1", "dW2", "db2", "dZ2", "dA1", "dZ1", "dA0"}));
}

TEST(AdapterSource, PrintsInTheCodeUnderTestGoToStderr) {
  AdapterSource source(test_adapter("correct.py --noisy"), options());
  for (std::uint64_t seed = 1; seed <= 3; ++seed)
    EXPECT_TRUE(check_case(course_case(seed), source).passed());
}

TEST(AdapterSource, AnErrorReplyIsAnAdapterErrorFindingAndTheCampaignGoesOn) {
  AdapterSource source(test_adapter("buggy.py --bug error"), options());
  const CaseResult r = check_case(course_case(), source);
  EXPECT_FALSE(r.passed());
  ASSERT_TRUE(r.source_error);
  EXPECT_NE(r.source_error->find("ValueError: cannot handle 2 layers"), std::string::npos)
      << *r.source_error;
  ASSERT_TRUE(r.diagnosis);
  EXPECT_EQ(r.diagnosis->id, "adapter_error");
  // Shrinking asks again: the adapter is still in step after an error reply.
  CampaignOptions o;
  o.cases = 20;
  o.seed = 3;
  const CampaignResult campaign = fuzz(source, o);
  EXPECT_FALSE(campaign.misbehaviour);
  ASSERT_TRUE(campaign.failure);
  EXPECT_EQ(campaign.failure->shrunk.c.depth(), 2);  // the smallest network it fails on
  EXPECT_EQ(campaign.failure->shrunk.diagnosis->id, "adapter_error");
}

TEST(AdapterSource, BareNaNIsANonFiniteFinding) {
  AdapterSource source(test_adapter("buggy.py --bug nan"), options());
  const CaseResult r = check_case(course_case(), source);
  EXPECT_FALSE(r.passed());
  ASSERT_TRUE(r.diagnosis);
  EXPECT_EQ(r.diagnosis->id, "non_finite");
  // Its relative error reads NaN (it is the worst entry), in the console's failure table and in
  // JSON, never 0.
  ASSERT_FALSE(r.failures().empty());
  EXPECT_TRUE(std::isnan(r.failures().front()->worst.rel_error));
  CampaignOptions o;
  o.cases = 5;
  RunResult run;
  run.command = "check";
  run.campaigns.push_back(fuzz(source, o));
  ASSERT_TRUE(run.campaigns.back().failure);
  std::ostringstream console, json;
  ConsoleReporter(console, {}).report(run);
  JsonReporter(json).report(run);
  const std::string text = console.str();
  const auto row = text.find("\n    dW1 ");
  ASSERT_NE(row, std::string::npos) << text;
  const std::string line = text.substr(row + 1, text.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find("NaN  mean"), std::string::npos) << "rel.err reads NaN: " << line;
  EXPECT_EQ(line.find("0.00e+00"), std::string::npos) << line;
  EXPECT_NE(json.str().find("\"rel_error\": \"NaN\""), std::string::npos);
  AdapterSource tokens(test_adapter("hostile.py nan_tokens"), options());
  const CaseResult t = check_case(course_case(), tokens);
  ASSERT_TRUE(t.diagnosis);
  EXPECT_EQ(t.diagnosis->id, "non_finite");
}

TEST(AdapterSource, AFlatListIsAShapeFindingThatSaysSo) {
  AdapterSource source(test_adapter("buggy.py --bug flat_db"), options());
  const CaseResult r = check_case(course_case(), source);
  EXPECT_FALSE(r.passed());
  ASSERT_EQ(r.failures().size(), 2u);  // db1 and db2; db2 (1,) would fit 1x1 by its numbers
  EXPECT_EQ(r.failures()[0]->quantity.name(), "db1");
  EXPECT_FALSE(r.failures()[0]->shape_ok());
  ASSERT_TRUE(r.diagnosis);
  EXPECT_EQ(r.diagnosis->id, "shape_mismatch");
  EXPECT_NE(r.diagnosis->message.find("db1 is a 1-D array of 4 entries"), std::string::npos)
      << r.diagnosis->message;
  EXPECT_NE(r.diagnosis->message.find("keepdims=True"), std::string::npos);

  AdapterSource scalar(test_adapter("buggy.py --bug scalar_db"), options());
  const CaseResult s = check_case(course_case(), scalar);
  ASSERT_TRUE(s.diagnosis);
  EXPECT_EQ(s.diagnosis->id, "bias_sum_axis");
  EXPECT_NE(s.diagnosis->message.find("a single number"), std::string::npos);
  EXPECT_NE(s.diagnosis->message.find("summed over every axis"), std::string::npos)
      << "db1 has 4 units: one number is every axis summed\n"
      << s.diagnosis->message;
  // One unit: the sum over the examples, squeezed, is that number too; not "every axis".
  CaseRecipe one_unit;
  one_unit.spec.sizes = {2, 1};
  one_unit.spec.activations = {Activation::sigmoid};
  one_unit.batch = 3;
  const CaseResult u = check_case(make_case(one_unit), scalar);
  ASSERT_TRUE(u.diagnosis);
  EXPECT_EQ(u.diagnosis->id, "bias_sum_axis");
  EXPECT_EQ(u.diagnosis->message.find("was summed over every axis"), std::string::npos)
      << u.diagnosis->message;
  EXPECT_NE(u.diagnosis->message.find("layer 1 has one unit, so dZ1 summed over the examples "
                                      "(axis=1) with its axes dropped"),
            std::string::npos)
      << u.diagnosis->message;
}

TEST(AdapterSource, AMissingInvMIsDiagnosed) {
  AdapterSource source(test_adapter("buggy.py --bug no_inv_m"), options());
  CampaignOptions o;
  o.cases = 20;
  o.seed = 5;
  const CampaignResult campaign = fuzz(source, o);
  ASSERT_TRUE(campaign.failure);
  EXPECT_EQ(campaign.failure->shrunk.diagnosis->id, "missing_inv_m");
}

TEST(AdapterSource, ACommandThatCannotStartIsAMisbehaviour) {
  try {
    AdapterSource source("/nonexistent/adapter --flag", options());
    FAIL() << "no ProtocolError";
  } catch (const ProtocolError& e) {
    const std::string what = e.what();
    // Whether the shell is gone before the request is written is up to the scheduler, so the
    // message says "before reading the request" or "before answering"; both name the status.
    EXPECT_NE(what.find("adapter '/nonexistent/adapter --flag' exited with status 127 before "),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(" (the shell found no such command)"), std::string::npos) << what;
    EXPECT_NE(what.find("request: hello"), std::string::npos) << what;
    EXPECT_NE(what.find("| sh: 1: /nonexistent/adapter: not found"), std::string::npos) << what;
  }
}

TEST(AdapterSource, ExitingAtOnceIsAMisbehaviour) {
  const std::string what = misbehaviour("exit_now");
  EXPECT_NE(what.find("exited with status 3 before"), std::string::npos) << what;
  EXPECT_NE(what.find("request: hello"), std::string::npos) << what;
  EXPECT_NE(what.find("| hostile: exit_now"), std::string::npos) << what;
  EXPECT_NE(what.find(test_adapter("hostile.py exit_now")), std::string::npos) << what;
}

TEST(AdapterSource, CrashingLaterIsAMisbehaviourNamingTheRequest) {
  const std::string what = misbehaviour("crash");
  EXPECT_NE(what.find("exited with status 1 before answering"), std::string::npos) << what;
  EXPECT_NE(what.find("request: gradients id 1, a 3-4-1 tanh,sigmoid bce network, m=5 "
                      "(replay 'v1;sizes=3,4,1;"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("| RuntimeError: hostile crash"), std::string::npos) << what;
  const std::string segfault = misbehaviour("segfault");
  EXPECT_NE(segfault.find("killed by signal 11"), std::string::npos) << segfault;
}

TEST(AdapterSource, AResponseThatIsNotOneJsonObjectIsAMisbehaviour) {
  for (const char* mode : {"not_json", "two_objects"}) {
    const std::string what = misbehaviour(mode);
    EXPECT_NE(what.find("answered with a line that is not one JSON object"), std::string::npos)
        << what;
    EXPECT_NE(what.find("| hostile: " + std::string(mode)), std::string::npos) << what;
  }
  EXPECT_NE(misbehaviour("not_json").find("'this is not json'"), std::string::npos);
  EXPECT_NE(misbehaviour("array").find("not a JSON object"), std::string::npos);
}

TEST(AdapterSource, WrongIdOrMissingGradientsAreMisbehaviours) {
  EXPECT_NE(misbehaviour("wrong_id").find("answered request 1 with \"id\": 2"), std::string::npos);
  EXPECT_NE(misbehaviour("no_grads").find("answered with no \"grads\""), std::string::npos);
  const std::string missing = misbehaviour("missing_db");
  EXPECT_NE(missing.find("sent no db2 for a 3-4-1 tanh,sigmoid bce network"), std::string::npos)
      << missing;
  EXPECT_NE(missing.find("| hostile: missing_db"), std::string::npos) << missing;
}

TEST(AdapterSource, ValuesThatAreNotNumbersOrMatricesAreMisbehaviours) {
  EXPECT_NE(misbehaviour("string_entry").find("the string \"0.5\" as dW1(0,0)"), std::string::npos);
  EXPECT_NE(misbehaviour("null_entry").find("null as dW1(0,0)"), std::string::npos);
  EXPECT_NE(misbehaviour("ragged").find("ragged dW1: row 1 has 3 entries where row 0 has 4"),
            std::string::npos);
  EXPECT_NE(misbehaviour("mixed").find("mixes numbers and rows"), std::string::npos);
}

class AHang : public ::testing::TestWithParam<const char*> {};

TEST_P(AHang, EndsAtTheTimeout) {
  const std::string mode = GetParam();
  const auto start = Clock::now();
  const std::string what = misbehaviour(mode, options(1s));
  const auto took = Clock::now() - start;
  EXPECT_NE(what.find("did not answer within 1 s (--timeout)"), std::string::npos) << what;
  EXPECT_NE(what.find("| hostile: " + mode), std::string::npos) << what;
  // The timeout, two short graces of the ending, and Python's start.
  EXPECT_LT(took, 4s) << mode;
}

INSTANTIATE_TEST_SUITE_P(Modes, AHang,
                         ::testing::Values("hang", "hang_hello", "no_newline", "ignore_term"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           return std::string(param.param);
                         });

TEST(AdapterSource, TheEndingReachesGrandchildren) {
  TempFile grandchild;
  const std::string what = misbehaviour("grandchild --pidfile2 " + grandchild.path(), options(1s));
  EXPECT_NE(what.find("did not answer within 1 s"), std::string::npos) << what;
  const long pid = pid_in(grandchild.path());
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(running(pid));
}

TEST(AdapterSource, AnOversizedLineIsAMisbehaviour) {
  AdapterOptions o = options();
  o.max_response = 1000;
  const std::string what = misbehaviour("oversized --size 5000", o);
  EXPECT_NE(what.find("sent a response line longer than 1000 bytes (--max-response)"),
            std::string::npos)
      << what;
  // Under the limit the same line is read (and then found to lack grads).
  o.max_response = 6000;
  EXPECT_NE(misbehaviour("oversized --size 5000", o).find("no \"grads\""), std::string::npos);
}

TEST(AdapterSource, AWrongHelloIsAMisbehaviour) {
  const std::string no_ok = misbehaviour("hello_no_ok");
  EXPECT_NE(no_ok.find("answered hello without \"ok\": true"), std::string::npos) << no_ok;
  EXPECT_NE(no_ok.find("request: hello"), std::string::npos) << no_ok;
  EXPECT_NE(misbehaviour("hello_unknown").find("unknown name \"gelu\""), std::string::npos);
}

TEST(AdapterSource, StderrFloodsAndLargeResponsesAreNoProblem) {
  for (const char* mode : {"stderr_flood", "big_padding"}) {
    AdapterSource source(test_adapter(std::string("hostile.py ") + mode), options());
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const Claim claim = source.claim(course_case(seed));
      EXPECT_EQ(claim.gradients.size(), 4u) << mode;
    }
  }
}

TEST(AdapterSource, AfterAMisbehaviourEveryRequestFailsAtOnce) {
  AdapterSource source(test_adapter("hostile.py not_json"), options());
  EXPECT_THROW(source.claim(course_case()), ProtocolError);
  const auto start = Clock::now();
  try {
    source.claim(course_case());
    FAIL() << "no ProtocolError";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("stopped after it misbehaved earlier"), std::string::npos);
  }
  EXPECT_LT(Clock::now() - start, 100ms);
}

TEST(AdapterSource, ACampaignThatMeetsAMisbehaviourKeepsItsResults) {
  AdapterSource source(test_adapter("correct.py --crash-after 5"), options());
  CampaignOptions o;
  o.cases = 20;
  o.seed = 2;
  const CampaignResult result = fuzz(source, o);
  ASSERT_TRUE(result.misbehaviour);
  EXPECT_EQ(result.cases_run, 5u);
  EXPECT_FALSE(result.quantities.empty());
  EXPECT_NE(result.misbehaviour->find("request: gradients id 6"), std::string::npos)
      << *result.misbehaviour;
  EXPECT_NE(result.misbehaviour->find("| correct.py: crashing on purpose after 5 answers"),
            std::string::npos)
      << *result.misbehaviour;
}

TEST(AdapterSource, ByeEndsAWellBehavedAdapterQuickly) {
  TempFile pid;
  AdapterOptions o = options();
  o.grace = 5s;  // a well-behaved adapter exits on bye long before this
  const auto start = Clock::now();
  {
    AdapterSource source(test_adapter("correct.py --pidfile " + pid.path()), o);
    source.claim(course_case());
    // The adapter runs in the process group the source leads (/bin/sh may fork it).
    EXPECT_EQ(::getpgid(static_cast<pid_t>(pid_in(pid.path()))), source.process_id());
    source.close();
    EXPECT_FALSE(running(pid_in(pid.path())));
  }
  EXPECT_LT(Clock::now() - start, 4s);
}

TEST(AdapterSource, TheDestructorEndsAnAdapterThatIgnoresEverything) {
  TempFile pid;
  const auto start = Clock::now();
  {
    AdapterSource source(test_adapter("hostile.py ignore_term --pidfile " + pid.path()), options());
    EXPECT_TRUE(running(pid_in(pid.path())));
  }  // bye unanswered, SIGTERM ignored: SIGKILL
  EXPECT_FALSE(running(pid_in(pid.path())));
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(AdapterSource, AsksForTheCostAfterGradientsWhenHelloSaysCost) {
  AdapterSource source(test_adapter("correct.py --cost"), options());
  EXPECT_TRUE(source.info().cost);
  const Case c = make_case(parse_recipe(
      "v1;sizes=3,4,2;act=tanh,softmax;loss=ce;lambda=0.3;slope=0.01;m=5;seed=9;scale=1;"
      "values=continuous;labels=hard"));
  const double J = forward(c).cost;
  EXPECT_NEAR(source.cost(c), J, 1e-12 * std::abs(J));
  const Claim claim = source.claim(c);
  ASSERT_TRUE(claim.cost);
  EXPECT_NEAR(*claim.cost, J, 1e-12 * std::abs(J));
  const CaseResult r = check_case(c, source);
  ASSERT_TRUE(r.cost);
  EXPECT_TRUE(r.cost->passed);
  EXPECT_TRUE(r.passed());
}

TEST(AdapterSource, ACostWithoutHelloSayingSoIsALogicError) {
  AdapterSource source(test_adapter("correct.py"), options());
  EXPECT_FALSE(source.info().cost);
  const Case c = make_case(
      parse_recipe("v1;sizes=2,1;act=sigmoid;loss=bce;lambda=0;slope=0.01;m=2;seed=1;scale=1;"
                   "values=continuous;labels=hard"));
  EXPECT_THROW(source.cost(c), std::logic_error);
  CheckOptions o;
  o.numeric_from = NumericFrom::source;
  EXPECT_THROW(check_case(c, source, o), std::invalid_argument);
}

TEST(AdapterSource, EveryCostMisbehaviourIsAProtocolErrorNamingTheCostRequest) {
  for (const auto& [mode, words] : std::vector<std::pair<std::string, std::string>>{
           {"cost_missing", "answered a cost request with no \"cost\""},
           {"cost_string", "sent the string \"0.5\" as its cost"},
           {"cost_wrong_id", "with \"id\": 3"},
           {"cost_hang", "did not answer within 1 s"}}) {
    const std::string message = misbehaviour(mode, options(1s));
    EXPECT_NE(message.find(words), std::string::npos) << mode << ": " << message;
    EXPECT_NE(message.find("request: cost id 2"), std::string::npos) << mode << ": " << message;
    EXPECT_NE(message.find("hostile: " + mode), std::string::npos) << mode << ": " << message;
  }
}

TEST(AdapterSource, AnErrorReplyToACostRequestIsAFinding) {
  AdapterSource source(test_adapter("hostile.py cost_error"), options());
  const Case c = make_case(
      parse_recipe("v1;sizes=2,1;act=sigmoid;loss=bce;lambda=0;slope=0.01;m=2;seed=1;scale=1;"
                   "values=continuous;labels=hard"));
  const CaseResult r = check_case(c, source);
  ASSERT_TRUE(r.source_error);
  EXPECT_NE(r.source_error->find("no forward pass today"), std::string::npos);
  ASSERT_TRUE(r.diagnosis);
  EXPECT_EQ(r.diagnosis->id, "adapter_error");
}

TEST(AdapterSource, FiniteDifferencesOfTheAdaptersCostPassACorrectAdapterInEveryPrecision) {
  CampaignOptions o;
  o.cases = 15;
  o.seed = 3;
  o.check.numeric_from = NumericFrom::source;
  for (const char* variant : {"--cost", "--cost --dtype float32",
                              "--cost --convention sum --dtype float32", "--cost-in-gradients"}) {
    AdapterSource source(test_adapter(std::string("correct.py ") + variant), options());
    const CampaignResult result = fuzz(source, o);
    EXPECT_TRUE(result.passed()) << variant << ": "
                                 << (result.misbehaviour ? *result.misbehaviour
                                     : result.failure && result.failure->shrunk.diagnosis
                                         ? result.failure->shrunk.diagnosis->message
                                         : "");
    EXPECT_EQ(result.cases_run, o.cases);
  }
}

TEST(AdapterSource, AWrongCostIsAForwardCostFindingWhicheverCostIsDifferentiated) {
  for (const auto& [bug, cause] : std::vector<std::pair<std::string, std::string>>{
           {"cost_no_l2", "the loss without the L2 term"},
           {"cost_no_inv_m", "summed over the batch"},
           {"cost_over_units", "your J is averaged over the nL = 2 output units too"}}) {
    for (NumericFrom from : {NumericFrom::reference, NumericFrom::source}) {
      CampaignOptions o;
      o.cases = 20;
      o.seed = 1;
      o.check.numeric_from = from;
      AdapterSource source(test_adapter("buggy.py --bug " + bug), options());
      const CampaignResult result = fuzz(source, o);
      ASSERT_TRUE(result.failure) << bug;
      const CaseResult& shrunk = result.failure->shrunk;
      ASSERT_TRUE(shrunk.cost && shrunk.diagnosis) << bug;
      EXPECT_FALSE(shrunk.cost->passed) << bug;
      EXPECT_EQ(shrunk.diagnosis->id, "forward_cost") << bug;
      EXPECT_NE(shrunk.diagnosis->message.find(cause), std::string::npos)
          << bug << ": " << shrunk.diagnosis->message;
    }
  }
}

TEST(AdapterSource, IntermediatesSayInWhichLayerTheDisagreementStarts) {
  // Layer 1 of 3 uses 1 - A1 for tanh's derivative; every quantity above it is right.
  CampaignOptions o;
  o.cases = 10;
  o.seed = 1;
  o.generate.layers = std::vector<arma::uword>{3, 4, 4, 1};
  o.generate.activations =
      std::vector<Activation>{Activation::tanh, Activation::tanh, Activation::sigmoid};
  o.generate.losses = {Loss::bce};
  o.generate.output = {Activation::sigmoid};
  AdapterSource source(test_adapter("buggy.py --bug layer1_unsquared"), options());
  const CampaignResult result = fuzz(source, o);
  ASSERT_TRUE(result.failure);
  const auto& d = result.failure->shrunk.diagnosis;
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, "activation_derivative");
  EXPECT_EQ(d->layer, 1);
  EXPECT_NE(d->message.find("The disagreement starts in layer 1: walking back from the output, "
                            "dZ1 is the first quantity that disagrees while dZ3"),
            std::string::npos)
      << d->message;
}

TEST(AdapterExamples, TheTorchAutogradFunctionPassesAndItsSlipIsCaught) {
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "PyTorch is not installed (Debian: python3-torch)";
  CampaignOptions o;
  o.cases = 10;
  o.seed = 4;
  {
    AdapterSource source(checks::example_adapter("torch_autograd_function.py"), options());
    const CampaignResult result = fuzz(source, o);
    EXPECT_TRUE(result.passed()) << (result.misbehaviour ? *result.misbehaviour : "");
  }
  // The slip, 1 - A for tanh's derivative, is in the one backward every layer shares, the
  // output's under mse included: the catalogue's tanh_derivative_unsquared.
  AdapterSource buggy(checks::example_adapter("torch_autograd_function.py --buggy"), options());
  const CampaignResult result = fuzz(buggy, o);
  ASSERT_TRUE(result.failure);
  ASSERT_TRUE(result.failure->shrunk.diagnosis);
  EXPECT_EQ(result.failure->shrunk.diagnosis->id, "activation_derivative");
  EXPECT_EQ(result.failure->shrunk.diagnosis->mutant, "tanh_derivative_unsquared");
}

}  // namespace
}  // namespace gradfuzz
