#pragma once
// docs/PROTOCOL.md (version 1.1) on the wire: requests as text, responses from text. Knows
// nothing of processes; AdapterSource says who answered what when a response is wrong.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gradfuzz/case.hpp"
#include "gradfuzz/gradient_source.hpp"

namespace gradfuzz::detail {

/// A response that breaks the protocol; what() says what is wrong with it, in a phrase that
/// follows "the adapter ...", e.g. "sent no dW2 (grads holds dW1, db1)".
class ResponseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The minor version of the protocol the tool speaks, sent in hello (version 1.1: a hello may
/// declare bounds on the networks, a request may be answered `unsupported`).
inline constexpr int kMinorVersion = 1;

/// `{"gradfuzz":1,"minor":1,"op":"hello"}`: major version 1 as before, and the minor version.
std::string hello_request();
/// `{"op":"bye"}`
std::string bye_request();
/// The `gradients` request of PROTOCOL.md (or another op with the same fields, e.g. "cost"),
/// keys in the order shown there, one line without its '\n'. Every real is written in its
/// shortest form that reads back exactly, always with a '.' or an exponent, so that NumPy reads
/// floats even where all values happen to be whole.
std::string case_request(const Case& c, std::int64_t id, std::string_view op = "gradients");

/// The deepest nesting of arrays and objects a response may have: gradients need 4 ({"grads":
/// {"dW1": [[...]]}}); extra keys may nest more, but not so deep that reading them recurses
/// without bound.
inline constexpr std::size_t kMaxResponseNesting = 256;

/// One response line as JSON: a single object; bare NaN, Infinity and -Infinity (as Python's
/// json module writes them) are accepted outside strings. Throws ResponseError, also for a line
/// holding a NUL byte or nested deeper than kMaxResponseNesting.
nlohmann::json parse_response(std::string_view line);

/// What hello negotiated: the source's info (info.cost: it answers `cost` requests).
struct Hello {
  SourceInfo info;
};
/// Reads a hello response; every field but `ok` is optional, with PROTOCOL.md's defaults; the
/// 1.1 fields fill info.networks (and info.activations, when only the specific lists are given).
/// Throws ResponseError for `ok` not true, a field of the wrong type or an unknown name, and
/// for lists no network can be drawn from (no activation, only softmax, no loss).
Hello read_hello(const nlohmann::json& response);

/// Reads a gradients response to request `id` about `c`: every dW<l>, db<l>, and (when
/// `intermediates`) any dZ<l>, dA<l> the network has, and the optional cost. A flat list is a
/// 1-D array and a single number a 0-d one (recorded in written_shapes, held as 1 x k). Keys
/// the network does not have are ignored. Throws SourceError for an error reply and
/// ResponseError for a wrong id, a missing gradient, or a value that is not a number or a
/// rectangular matrix, and Unsupported for an `unsupported` reply.
Claim read_gradients(const nlohmann::json& response, const Case& c, std::int64_t id,
                     bool intermediates);

/// Reads a cost response to request `id`: {"id": .., "cost": J}. Throws SourceError for an
/// error reply, Unsupported for an `unsupported` one and ResponseError for a wrong id or a missing
/// or non-numeric cost (a non-finite number is read: it is a finding).
double read_cost(const nlohmann::json& response, std::int64_t id);

}  // namespace gradfuzz::detail
