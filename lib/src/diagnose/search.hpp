#pragma once
// The search of the diagnosis: the smallest sets of substitutions (one, then two) whose
// gradients reproduce every quantity a source claimed on a case, to the rounding the
// tolerance models; fitted families have their number solved from the claimed numbers.

#include <memory>
#include <vector>

#include "gradfuzz/check.hpp"
#include "hypothesis.hpp"

namespace gradfuzz::detail {

/// Equal to the rounding of the code under test, entry by entry (1e4 eps relative, plus
/// 1e3 eps of the largest entry of `b`): the matching rule of every hypothesis.
bool same(const arma::mat& a, const arma::mat& b, const Tolerance& t);
/// The same, with an allowance of 10 ulps of each entry's rounding magnitude
/// (rounding_magnitudes: the size of the terms it is made of) besides: a saturated output's
/// A - Y cancels terms of 1 to 1e-11, and whatever multiplies it inherits that rounding.
bool same(const arma::mat& a, const arma::mat& b, const arma::mat& magnitude, const Tolerance& t);

/// What a source claimed on one case: every quantity it sent, as it sent it.
struct Evidence {
  Case c;
  Gradients claimed;
  std::map<Quantity, bool> flat;  ///< sent as a 1-D array or one number: compare the entries
  /// rounding_magnitudes of the case (per convention), filled on first use.
  mutable std::map<Convention, Gradients> magnitude = {};
};
Evidence evidence_of(const CaseResult& r);
Evidence evidence_of(const Case& c, const Claim& claim);

/// Whether `g` reproduces every claimed quantity of `e` (a claimed intermediate per example,
/// or as dJ/dZ when the source may send either).
bool explains(const Gradients& g, const Evidence& e, const SourceInfo& info, const Tolerance& t);
/// The claimed quantities `g` reproduces.
std::vector<Quantity> explained(const Gradients& g, const Evidence& e, const SourceInfo& info,
                                const Tolerance& t);

using HypothesisPtr = std::shared_ptr<const Hypothesis>;

/// Two-substitution hypotheses are searched on cases of at most this many parameters.
inline constexpr arma::uword max_parameters_for_pairs = 2000;

/// Every hypothesis of the fewest substitutions (one, else two: only on cases of at most
/// max_parameters_for_pairs parameters) that explains `e` while
/// differing from the reference there; fitted families are solved on `e`. Ordered: fixed
/// before fitted, then catalogue order.
std::vector<HypothesisPtr> search(const Evidence& e, const SourceInfo& info, const Tolerance& t);

/// The single substitution that reproduces the most of the claimed quantities the reference
/// does not (none if no substitution reproduces any): what an `unknown` diagnosis reports as
/// the nearest miss, with the quantities it explains.
struct NearestMiss {
  HypothesisPtr hypothesis;
  std::vector<Quantity> explained, unexplained;
};
std::optional<NearestMiss> nearest_miss(const Evidence& e, const SourceInfo& info,
                                        const Tolerance& t);

}  // namespace gradfuzz::detail
