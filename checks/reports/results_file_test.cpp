// Results files are untrusted input: whatever bytes they hold, reading them throws
// std::invalid_argument with the file's name, or gives results whose rendering is safe.

#include "gradfuzz/reports/results_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gradfuzz/detail/shell_words.hpp"
#include "gradfuzz/reports/json_reporter.hpp"
#include "sample_run.hpp"

namespace gradfuzz {
namespace {

std::string sample_json() {
  std::ostringstream out;
  JsonReporter(out).report(checks::sample_run());
  return out.str();
}

std::string error_reading(const std::string& text) {
  std::istringstream in(text);
  try {
    read_results(in, "r.json");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(read without an error)";
}

TEST(ResultsFile, ADeeplyNestedValueIsRefusedWithoutOverflowingTheStack) {
  std::string text = sample_json();
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  text.replace(text.find("\"--builtin no_inv_m\""), 20, deep);
  EXPECT_NE(error_reading(text).find("r.json: not gradfuzz results (nested more than 64"),
            std::string::npos);
}

TEST(ResultsFile, ASchemaVersionThatIsNotAnIntegerIsRefused) {
  std::string text = sample_json();
  const auto at = text.find("\"schema_version\": 1");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 19, "\"schema_version\": 1.5");
  EXPECT_NE(error_reading(text).find("schema_version 1.5"), std::string::npos)
      << error_reading(text);
}

TEST(ResultsFile, AFolderIsRefusedWithAMessage) {
  std::ifstream folder(std::filesystem::temp_directory_path());
  try {
    read_results(folder, "/tmp");
    FAIL() << "a folder was read";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/tmp: cannot be read"), std::string::npos) << e.what();
  }
}

std::string with_source_args(const std::string& args) {
  std::string text = sample_json();
  const std::string ours = "\"source_args\": \"--builtin no_inv_m\"";
  text.replace(text.find(ours), ours.size(), "\"source_args\": " + nlohmann::json(args).dump());
  return text;
}

TEST(ResultsFile, SourceArgsThatWouldRunACommandAreRefused) {
  for (const char* hostile :
       {"--builtin no_inv_m; touch pwned #", "--builtin no_inv_m && touch pwned",
        "--builtin $(touch pwned)", "--builtin `touch pwned`", "--adapter 'a' | touch pwned",
        "--adapter 'unclosed", "--builtin no_inv_m\ntouch pwned", "--exec 'touch pwned'",
        "--builtin 'x;touch pwned'", "--timeout 1;touch", "--adapter"}) {
    const std::string why = error_reading(with_source_args(hostile));
    EXPECT_NE(why.find("r.json: source_args"), std::string::npos) << hostile << ": " << why;
  }
}

TEST(ResultsFile, TheReplayCommandIsRebuiltFromQuotedParts) {
  // The adapter command may hold anything: it is one quoted word, also when it holds quotes.
  const std::string adapter = "python3 a.py; touch pwned '$(x)'";
  std::istringstream in(with_source_args("--adapter " + detail::shell_quote(adapter) +
                                         " --timeout 2.5 --numeric-from adapter"));
  const RunResult run = read_results(in, "r.json");
  EXPECT_EQ(run.source_args, R"(--adapter 'python3 a.py; touch pwned '\''$(x)'\''' --timeout 2.5 )"
                             "--numeric-from adapter");
  EXPECT_EQ(detail::shell_split(run.source_args).at(1), adapter);
}

// Shard K/N of a 100-case campaign against no_inv_m with seed 7.
RunResult shard(std::size_t k, std::size_t n, std::size_t cases = 100) {
  RunResult run = checks::sample_run();
  run.mutants.clear();
  run.cases.clear();
  run.campaigns[0].shard = {k - 1, n};
  run.campaigns[0].cases_planned = run.campaigns[0].shard.cases_of(cases);
  return run;
}

std::string error_merging(const std::vector<RunResult>& runs, bool allow_partial = false) {
  try {
    merge_results(runs, {"a.json", "b.json", "c.json", "d.json"}, allow_partial);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(merged without an error)";
}

TEST(MergeResults, TheShardsOfOneCampaignMergeInShardOrder) {
  const RunResult all = merge_results({shard(3, 3), shard(1, 3), shard(2, 3)});
  ASSERT_EQ(all.campaigns.size(), 3u);
  EXPECT_EQ(all.campaigns[0].shard.index, 0u);
  EXPECT_EQ(all.campaigns[2].shard.index, 2u);
  EXPECT_EQ(all.command, "merge");
  EXPECT_EQ(all.shards, 3u);
  EXPECT_TRUE(all.missing_shards.empty());
  EXPECT_FALSE(all.passed());
}

TEST(MergeResults, AMissingShardIsNamed) {
  EXPECT_EQ(error_merging({shard(1, 4), shard(2, 4), shard(4, 4)}),
            "shard 3/4 missing (3 of 4 given); merge them all, or --allow-partial to merge what "
            "is here");
  EXPECT_NE(error_merging({shard(2, 4)}).find("shards 1/4, 3/4, 4/4 missing"), std::string::npos);
}

TEST(MergeResults, APartialMergeSaysWhichShardsAreMissing) {
  const RunResult some = merge_results({shard(1, 4), shard(4, 4)}, {}, true);
  EXPECT_EQ(some.missing_shards, (std::vector<std::size_t>{2, 3}));
  std::ostringstream json;
  JsonReporter(json).report(some);
  const auto j = nlohmann::json::parse(json.str());
  EXPECT_EQ(j["partial"], true);
  EXPECT_EQ(j["missing_shards"], nlohmann::json::parse("[2, 3]"));
  std::istringstream in(json.str());
  EXPECT_EQ(read_results(in, "m.json").missing_shards, some.missing_shards);
}

TEST(MergeResults, ShardsOfDifferentCampaignsAreRefused) {
  EXPECT_EQ(error_merging({shard(1, 2), shard(1, 2)}), "b.json and a.json are both shard 1/2");
  RunResult other_seed = shard(2, 2);
  other_seed.seed = 8;
  EXPECT_EQ(error_merging({shard(1, 2), other_seed}),
            "b.json is not a shard of the campaign of a.json: its seed is 8, not 7");
  RunResult other_source = shard(2, 2);
  other_source.source_args = "--builtin reference";
  EXPECT_NE(error_merging({shard(1, 2), other_source}).find("its source is '--builtin reference'"),
            std::string::npos);
  EXPECT_NE(error_merging({shard(1, 2), shard(2, 3)}).find("its shard is 2/3, not K/2"),
            std::string::npos);
  EXPECT_NE(
      error_merging({shard(1, 2, 100), shard(2, 2, 40)}).find("do not split the same --cases"),
      std::string::npos);
  const RunResult selftest = checks::sample_run();  // it has mutants
  EXPECT_NE(error_merging({shard(1, 2), selftest}).find("not a campaign's shard"),
            std::string::npos);
  // Not even with --allow-partial: these are not missing shards, they are wrong ones.
  EXPECT_NE(error_merging({shard(1, 2), other_seed}, true).find("its seed is 8"),
            std::string::npos);
}

}  // namespace
}  // namespace gradfuzz
