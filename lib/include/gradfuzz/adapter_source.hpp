#pragma once
// AdapterSource: backprop code in any language, run as a child process that speaks the adapter
// protocol (docs/PROTOCOL.md, version 1.1: JSON Lines over its stdin and stdout).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "gradfuzz/gradient_source.hpp"

namespace gradfuzz {

struct AdapterOptions {
  /// Time allowed for each request, the hello included (`--timeout`). PROTOCOL.md's default:
  /// long enough for a slow interpreter to start, short enough that a hang fails a CI job soon.
  std::chrono::milliseconds timeout{10'000};
  /// Longest response line accepted, in bytes (`--max-response`; PROTOCOL.md: 64 MiB), so that
  /// a runaway adapter cannot make gradfuzz hold unbounded memory.
  std::size_t max_response = std::size_t{64} << 20;
  /// The ending: how long the adapter is given to exit by itself, then after SIGTERM before
  /// SIGKILL (PROTOCOL.md: 2 s each). Tests shorten it.
  std::chrono::milliseconds grace{2'000};
  /// Lines of the adapter's stderr quoted when something goes wrong.
  std::size_t stderr_lines = 12;
};

/// A GradientSource that asks an external process. The process is started once and asked one
/// request at a time; it is ended, with everything in its process group, on every path out.
///
/// Errors: an `{"id": .., "error": ..}` reply is the code under test failing (SourceError: a
/// finding, diagnosis adapter_error); an `{"id": .., "unsupported": ..}` reply is code that does
/// not handle the case (Unsupported: the case is skipped). Any misbehaviour PROTOCOL.md lists (the
/// command cannot start or exits, a line that is not one JSON object, a wrong id, a missing
/// gradient, a value that is not a number or a rectangular matrix, no answer within the timeout, a
/// line over the size limit) throws ProtocolError whose message names the command, the request (op
/// and id, and the case's replay string) and quotes the last lines of its stderr; the process is
/// ended before the throw, and every later request throws ProtocolError at once.
class AdapterSource final : public GradientSource {
 public:
  /// Starts `command` through /bin/sh -c in a process group of its own and negotiates hello.
  /// Throws ProtocolError if it cannot be started, exits, or answers hello wrongly or late.
  explicit AdapterSource(std::string command, AdapterOptions options = {});
  /// close(); never throws.
  ~AdapterSource() override;
  AdapterSource(const AdapterSource&) = delete;
  AdapterSource& operator=(const AdapterSource&) = delete;

  /// What hello negotiated: name (default "adapter"), convention, dtype as precision,
  /// activations, losses, regularization, cost, intermediates, and the 1.1 bounds (networks).
  SourceInfo info() const override;
  /// Whether hello said `cost: true` (the adapter answers `cost` requests).
  bool answers_cost() const;
  /// claim(c).gradients.
  Gradients gradients(const Case& c) override;
  /// Sends a `gradients` request for `c` and reads the reply (PROTOCOL.md). When hello said
  /// `cost: true` and the reply carries no cost, a `cost` request follows, so that the claim
  /// always holds the adapter's J then. Throws std::invalid_argument for a case outside what
  /// hello declared (an activation, loss or lambda > 0 it does not support, or a network
  /// outside its declared bounds): the adapter is never asked about those.
  Claim claim(const Case& c) override;
  /// Sends a `cost` request for `c` (hello must have said `cost: true`, else std::logic_error)
  /// and returns the adapter's J. Errors as for claim().
  double cost(const Case& c) override;
  /// Sends bye (unless the exchange is already broken) and ends the process as PROTOCOL.md
  /// says: 2 s to exit, then SIGTERM to its process group, 2 s, SIGKILL. Idempotent.
  void close();

  const std::string& command() const;
  /// The adapter's process id, which is also its process group's id.
  long process_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gradfuzz
