#include "gradfuzz/adapter_source.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "child_process.hpp"
#include "gradfuzz/interruption.hpp"
#include "protocol.hpp"

namespace gradfuzz {
namespace {

using detail::ChildProcess;
using detail::Clock;

std::string seconds(std::chrono::milliseconds span) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", static_cast<double>(span.count()) / 1000.0);
  return buffer;
}

// "gradients id 7, a 3-4-1 tanh,sigmoid bce network, m=5 (replay 'v1;...')"
std::string describe_request(std::string_view op, std::int64_t id, const Case& c) {
  std::string text = std::string(op) + " id " + std::to_string(id) + ", a " + c.spec.describe() +
                     " network, m=" + std::to_string(c.m());
  if (!c.replay.empty()) text += " (replay '" + c.replay + "')";
  return text;
}

template <class T>
bool contains(const std::vector<T>& list, T x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

}  // namespace

struct AdapterSource::Impl {
  std::string command;
  AdapterOptions options;
  std::unique_ptr<ChildProcess> child;
  detail::Hello hello;
  std::int64_t next_id = 1;
  std::optional<std::string> broken;  // the message of the misbehaviour that stopped it
  bool closed = false;
  bool interrupted = false;  // an exchange was cut short by a stop request

  // Throws unless `c` may be sent: the exchange works and hello declared all the case needs.
  void admit(const Case& c) const;

  // Ends the adapter, then throws the message PROTOCOL.md asks for: the command, what went
  // wrong, the request, and the last lines of its stderr (read after the ending, so a dying
  // adapter's last words are in).
  [[noreturn]] void fail(const std::string& problem, const std::string& request) {
    child->end(options.grace);
    std::string message = "adapter '" + command + "' " + problem + "\n    request: " + request;
    const auto tail = child->stderr_tail();
    if (tail.empty()) {
      message += "\n    its stderr was empty";
    } else {
      message += "\n    its stderr ended with:";
      for (const auto& line : tail) message += "\n      | " + line;
    }
    broken = message;
    throw ProtocolError(message);
  }

  // A stop was requested mid-exchange: the adapter may be half-way through an answer, so it is
  // sent no bye, only ended (close() or the destructor: stdin closed, then the signals).
  [[noreturn]] void interrupt(const std::string& request) {
    interrupted = true;
    throw Interrupted("adapter '" + command + "' was interrupted while asked " + request);
  }

  std::string gone(const char* when) {
    child->settle(Clock::now() + options.grace);
    const std::string how = child->exit_text();
    if (how.empty()) return "closed its stdout " + std::string(when) + " (it is still running)";
    std::string text = how + " " + when;
    if (how == "exited with status 127") text += " (the shell found no such command)";
    if (how == "exited with status 126") text += " (the command is not executable)";
    return text;
  }

  // Sends one request line and returns the one response line.
  std::string exchange(const std::string& request_line, const std::string& request) {
    const auto deadline = Clock::now() + options.timeout;
    switch (child->write(request_line + "\n", deadline)) {
      case ChildProcess::Write::done:
        break;
      case ChildProcess::Write::timeout:
        fail("did not read the request within " + seconds(options.timeout) + " (--timeout)",
             request);
      case ChildProcess::Write::closed:
        fail(gone("before reading the request"), request);
      case ChildProcess::Write::interrupted:
        interrupt(request);
    }
    std::string line;
    switch (child->read_line(line, deadline)) {
      case ChildProcess::Read::line:
        return line;
      case ChildProcess::Read::timeout:
        fail("did not answer within " + seconds(options.timeout) +
                 " (--timeout): it hangs, or it does not flush stdout after each line",
             request);
      case ChildProcess::Read::closed:
        fail(gone("before answering"), request);
      case ChildProcess::Read::too_long:
        fail("sent a response line longer than " + std::to_string(options.max_response) +
                 " bytes (--max-response)",
             request);
      case ChildProcess::Read::interrupted:
        interrupt(request);
    }
    fail("stopped answering", request);
  }
};

AdapterSource::AdapterSource(std::string command, AdapterOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->command = std::move(command);
  impl_->options = options;
  try {
    impl_->child =
        std::make_unique<ChildProcess>(impl_->command, options.max_response, options.stderr_lines);
  } catch (const std::system_error& e) {
    throw ProtocolError("adapter '" + impl_->command + "' cannot be started: " + e.what());
  }
  const std::string line = impl_->exchange(detail::hello_request(), "hello");
  try {
    impl_->hello = detail::read_hello(detail::parse_response(line));
  } catch (const detail::ResponseError& e) {
    impl_->fail(e.what(), "hello");
  }
}

AdapterSource::~AdapterSource() {
  try {
    close();
  } catch (...) {
    // Ending a process must not throw out of a destructor; the child's own destructor still
    // sends the signals.
  }
}

SourceInfo AdapterSource::info() const {
  return impl_->hello.info;
}

bool AdapterSource::answers_cost() const {
  return impl_->hello.info.cost;
}

Gradients AdapterSource::gradients(const Case& c) {
  return claim(c).gradients;
}

void AdapterSource::Impl::admit(const Case& c) const {
  if (broken)
    throw ProtocolError("adapter '" + command + "' was stopped after it misbehaved earlier:\n    " +
                        *broken);
  if (closed) throw ProtocolError("adapter '" + command + "' was asked after bye");
  if (interrupted || stop_requested())
    throw Interrupted("adapter '" + command + "' is not asked again: the run was interrupted");
  const SourceInfo& info = hello.info;
  if (const auto why = outside(info.networks, info.activations, c))
    throw std::invalid_argument("adapter '" + info.name + "' does not handle this case: " + *why +
                                " (its hello)");
  if (!contains(info.losses, c.spec.loss))
    throw std::invalid_argument("adapter '" + info.name + "' does not support the loss " +
                                std::string(to_string(c.spec.loss)) + " (its hello)");
  if (c.spec.lambda > 0 && !info.regularization)
    throw std::invalid_argument("adapter '" + info.name +
                                "' does not support regularization, but the case has lambda " +
                                std::to_string(c.spec.lambda));
}

Claim AdapterSource::claim(const Case& c) {
  Impl& a = *impl_;
  a.admit(c);
  const std::int64_t id = a.next_id++;
  const std::string request = describe_request("gradients", id, c);
  const std::string line = a.exchange(detail::case_request(c, id), request);
  Claim claim;
  try {
    claim = detail::read_gradients(detail::parse_response(line), c, id, a.hello.info.intermediates);
  } catch (const detail::ResponseError& e) {
    a.fail(e.what(), request);
  }
  if (!claim.cost && a.hello.info.cost) claim.cost = cost(c);
  return claim;
}

double AdapterSource::cost(const Case& c) {
  Impl& a = *impl_;
  if (!a.hello.info.cost)
    throw std::logic_error("adapter '" + a.command +
                           "' was asked for its cost, but its hello did not say \"cost\": true");
  a.admit(c);
  const std::int64_t id = a.next_id++;
  const std::string request = describe_request("cost", id, c);
  const std::string line = a.exchange(detail::case_request(c, id, "cost"), request);
  try {
    return detail::read_cost(detail::parse_response(line), id);
  } catch (const detail::ResponseError& e) {
    a.fail(e.what(), request);
  }
}

void AdapterSource::close() {
  Impl& a = *impl_;
  if (a.closed || !a.child) return;
  a.closed = true;
  if (!a.broken && !a.interrupted)
    a.child->write(detail::bye_request() + "\n",
                   Clock::now() + std::min(a.options.timeout, a.options.grace));
  a.child->end(a.options.grace);
}

const std::string& AdapterSource::command() const {
  return impl_->command;
}

long AdapterSource::process_id() const {
  return impl_->child ? static_cast<long>(impl_->child->pid()) : -1;
}

}  // namespace gradfuzz
