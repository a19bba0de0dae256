#pragma once
// How `check` and `replay` name the code under test: a built-in source (--builtin NAME) or an
// external adapter process (--adapter CMD, PROTOCOL.md), with the adapter's limits.

#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "gradfuzz/adapter_source.hpp"
#include "gradfuzz/check.hpp"

namespace gradfuzz::cli {

struct SourceArgs {
  std::string builtin;
  std::string adapter;
  double timeout = 10;                               ///< seconds per adapter request
  std::size_t max_response = std::size_t{64} << 20;  ///< bytes per adapter response line
  std::string numeric_from = "reference";            ///< --numeric-from: reference or adapter
};

/// Adds --builtin, --adapter, --timeout, --max-response and --numeric-from to `description`.
void add_source_options(boost::program_options::options_description& description, SourceArgs& args);

/// Throws UsageError unless exactly one of --builtin and --adapter is given, the limits are
/// positive, and --numeric-from is reference, or adapter with --adapter.
void validate(const SourceArgs& args);

/// Whose cost finite differences are taken of (--numeric-from), for `source` (an adapter
/// started by make_source) and `scheme`: throws UsageError when the adapter cannot be
/// differentiated (its hello lacks "cost": true) or the scheme is the complex step.
NumericFrom numeric_from(const SourceArgs& args, const GradientSource& source, Scheme scheme);

/// The source the arguments name; an adapter is started and has answered hello. Throws
/// UsageError for an unknown built-in, ProtocolError when the adapter misbehaves at the start.
std::unique_ptr<GradientSource> make_source(const SourceArgs& args);

/// How a printed command names the source again: "--builtin NAME" or "--adapter 'CMD'" (with
/// --timeout and --max-response when they are not the defaults).
std::string source_words(const SourceArgs& args);

}  // namespace gradfuzz::cli
