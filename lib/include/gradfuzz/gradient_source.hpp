#pragma once
// GradientSource: anything that claims gradients for a Case. The checking code never knows
// which kind of source it holds.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradfuzz/case.hpp"
#include "gradfuzz/convention.hpp"
#include "gradfuzz/network_bounds.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz {

/// What a source can be asked about and how its numbers are to be read.
struct SourceInfo {
  std::string name = "source";
  Convention convention = Convention::mean;
  Precision precision = Precision::float64;
  std::vector<Activation> activations = all_activations();  ///< supported activations
  std::vector<Loss> losses = all_losses();                  ///< supported losses
  bool regularization = true;                               ///< accepts lambda > 0
  /// Further bounds on the networks it handles (depth, output units, widths, batch, labels,
  /// hidden and output activations apart); empty: anything the lists above allow.
  NetworkBounds networks;
  bool intermediates = false;  ///< may claim dZ<l>, dA<l>
  /// Answers cost(c): J from its own forward pass (PROTOCOL.md's `cost` request).
  bool cost = false;
  /// Claims only some quantities (a set of user formulas claims their left sides): check_case
  /// checks exactly the quantities claimed and does not require every dW<l>, db<l>.
  bool partial = false;
  /// dZ<l>, dA<l> pass both per example (dL/dZ, the course's) and as dJ/dZ = (1/m) dL/dZ; the
  /// check's `matched` says which. Off, they must be per example.
  bool intermediates_either_convention = false;
  /// claim() may run on several threads at once (an in-process source without state): a
  /// campaign then checks its cases on every core. Off for anything with a process or state.
  bool concurrent = false;
};

/// Thrown by a source whose code under test failed on a case (an exception in the user's
/// backprop, an adapter's error reply). That is a finding about the code, not about gradfuzz.
class SourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown by a source whose code does not handle a case (an adapter's `unsupported` reply): not
/// a finding and not a misbehaviour. A campaign counts the case as skipped, with what() as the
/// reason, and draws another.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when a source breaks its contract (a missing gradient, a quantity the network does
/// not have, a malformed reply): gradfuzz cannot judge the code, the campaign must stop.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a source claims for one case, with what its matrices alone cannot say.
struct Claim {
  Gradients gradients;
  /// Quantities an adapter wrote as a 1-D array or a single number (NumPy without keepdims),
  /// with that shape; `gradients` holds their numbers as 1 x k. Each fails as a shape finding.
  std::map<Quantity, Shape> written_shapes;
  /// J as the source computed it, when it said (PROTOCOL.md's optional `cost`).
  std::optional<double> cost;
};

class GradientSource {
 public:
  virtual ~GradientSource() = default;
  virtual SourceInfo info() const = 0;
  /// The gradients the source claims for `c`: every dW<l> and db<l>, and, if info() says
  /// intermediates, any of dZ<l>, dA<l>. Parameter gradients follow info().convention;
  /// intermediates are per example. Throws SourceError if the code under test fails, and
  /// Unsupported if it does not handle the case.
  virtual Gradients gradients(const Case& c) = 0;
  /// gradients(c) and whatever else the source can say about them (check_case asks this);
  /// the default adds cost(c) when info().cost.
  virtual Claim claim(const Case& c) {
    Claim out{gradients(c), {}, std::nullopt};
    if (info().cost) out.cost = cost(c);
    return out;
  }
  /// J at `c` as the source's own forward pass computes it (the mean over the batch with the
  /// L2 term, whatever the convention), for a source whose info().cost is set. Throws
  /// SourceError if the code under test fails, ProtocolError for a broken reply; a source
  /// without a forward pass of its own throws std::logic_error.
  virtual double cost(const Case& c) {
    (void)c;
    throw std::logic_error(info().name + " does not compute its cost");
  }
};

}  // namespace gradfuzz
