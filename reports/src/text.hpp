#pragma once
// Small text helpers every reporter shares: numbers, cases and the replay command in one form.

#include <string>
#include <string_view>

#include "gradfuzz/run_result.hpp"

namespace gradfuzz::detail {

/// printf-style formatting of one number ("%.3g" and the like); NaN reads "NaN" and an infinity
/// "Inf" ("-Inf"), at the width printf gives them.
std::string format(const char* pattern, double value);
/// "3-4-1 tanh,sigmoid bce, m=5"
std::string describe(const Case& c);
/// "gradfuzz replay '<replay>' --builtin NAME" (the run's source options).
std::string replay_command(const RunResult& run, const Case& c);
/// The verdict line every reporter starts with.
std::string verdict(const RunResult& run);
/// A campaign's worst relative difference for one quantity, formatted with `pattern`, or "not
/// compared (wrong shape)" when no case's claim had the shape to be compared.
std::string worst_rel_diff(const QuantitySummary& q, const char* pattern);
/// "(row,col)"
std::string entry_name(const EntryError& e);
/// "cost J: claimed 0.6931, reference 0.6931 (off by 1.1e-16, allowed 6.9e-08): pass"
std::string cost_line(const CostCheck& cost);
/// "" for the reference cost; "parameters from differences of the code's own cost" otherwise.
std::string numeric_words(const CaseResult& r);
/// "weakest case: <statement>": what a campaign of fast-mode checks could miss, stated for
/// its weakest case (FastSummary::statement).
std::string fast_campaign_statement(const FastSummary& fast);
/// "another batch size (m = 5): the code's gradients are wrong on it; it rules out 2
/// hypotheses": one probe of a diagnosis, in words.
std::string probe_line(const Probe& p);
/// A name from outside (an adapter's hello name, a results file's source) on one line: line
/// breaks written as \x0a and \x0d, so that a name cannot print a line of its own (a fake
/// "PASSED").
std::string one_line(std::string_view text);
/// Text from outside that may run over lines (an error message, a traceback): every line after
/// the first starts with `indent` (one that already does is kept), so none can pass for a line
/// of gradfuzz's own, which start in the first column.
std::string indented(std::string_view text, std::string_view indent);
/// What a source declared about its networks, e.g. "hidden relu, tanh; output sigmoid; one
/// activation for every hidden layer; depth 3; 1 output unit; hard labels only"; "" for nothing.
std::string declared_words(const NetworkBounds& declared);
/// "12 case(s) skipped, refused by the code (not findings): \"no linear output\" (10; first
/// 1-1 linear mse, m=2), ..."; "" when none was.
std::string skipped_words(const CampaignResult& c);
/// For a campaign that mostly_refused(): "the code refused 101 of 150 cases drawn, more than
/// half, so too little of it was checked; its hello can say what it handles (docs/PROTOCOL.md)".
std::string refused_words(const CampaignResult& c);
/// "case 7 of 100", or "case 107 of 100 planned and 7 skipped" when cases were skipped.
std::string case_of(const CampaignResult& c, std::size_t case_number);
/// Text for a terminal: control characters other than newline and tab (an ANSI escape, a
/// carriage return, a bell from the code under test's stderr) are written as \xNN, visible
/// and inert.
std::string terminal_safe(std::string_view text);

}  // namespace gradfuzz::detail
