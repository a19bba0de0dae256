#pragma once
// check_case: the one path every mode shares. Ask a source for its gradients on a case,
// compute what finite differences say they must be, and compare every quantity.

#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/compare.hpp"
#include "gradfuzz/cost_check.hpp"
#include "gradfuzz/diagnosis.hpp"
#include "gradfuzz/difference_scheme.hpp"
#include "gradfuzz/fast_mode.hpp"
#include "gradfuzz/gradient_source.hpp"

namespace gradfuzz {

/// Whose cost J finite differences are taken of.
enum class NumericFrom {
  reference,  ///< gradfuzz's forward pass, for every quantity
  /// The source's own cost (GradientSource::cost, `--numeric-from adapter`), for the parameters;
  /// intermediates cannot be shifted through a source and stay with the reference.
  source,
};
std::string_view to_string(NumericFrom n);  ///< "reference", "source"
std::optional<NumericFrom> find_numeric_from(std::string_view name);

struct CheckOptions {
  /// Central differences: second order, and cheap enough for whole campaigns.
  Scheme scheme = Scheme::central;
  /// 0 takes the scheme's default step (see make_scheme).
  double relative_step = 0;
  /// Unset: follow the precision the source declares (Tolerance::for_precision).
  std::optional<Tolerance> tolerance;
  /// Diagnose a failing case (runs the mutant catalogue on it; shrinking turns this off).
  bool diagnose = true;
  /// full: every entry by finite differences with `scheme`; fast: directional derivatives
  /// (fast_mode.hpp), which never diagnose (diagnose_fully does, on a small case).
  CheckMode mode = CheckMode::full;
  FastOptions fast;
  /// The reference by default: it needs nothing of the source and is exact to double rounding.
  /// `source` requires a source that computes its cost (SourceInfo::cost) and a real scheme;
  /// its steps and rounding follow the source's precision.
  NumericFrom numeric_from = NumericFrom::reference;
};

struct CaseResult {
  Case c;
  std::string source;  ///< SourceInfo::name
  Scheme scheme = Scheme::central;
  NumericFrom numeric_from = NumericFrom::reference;  ///< of the parameters' differences
  std::vector<QuantityCheck> checks;        ///< parameters first, then claimed intermediates
  std::optional<CostCheck> cost;            ///< when the source said its J
  std::optional<std::string> source_error;  ///< the code under test failed on this case
  std::optional<Diagnosis> diagnosis;       ///< set for a failed case when asked for
  std::optional<FastSummary> fast;          ///< set when checked in fast mode
  /// The source does not handle this case (Unsupported): why. Nothing was checked; the case is
  /// neither passed nor failed but skipped, and passed() says nothing was found wrong.
  std::optional<std::string> unsupported;

  /// Nothing was found wrong (a skipped case included).
  bool passed() const;
  bool skipped() const { return unsupported.has_value(); }
  arma::uword kink_entries() const;
  arma::uword kink_unverified() const;
  arma::uword borderline_settled() const;
  /// The checks that failed, in report order.
  std::vector<const QuantityCheck*> failures() const;
};

/// What a diagnosis may consult beyond the failing case itself.
struct DiagnosisContext {
  /// Asked the probe cases the diagnoser designs; null: no probes.
  GradientSource* source = nullptr;
  /// The case first found, when the result diagnosed is its shrunk form.
  const CaseResult* original = nullptr;
};

/// Adds to a failed result what a reader needs: the diagnosis, and for each failed quantity a
/// convergence study of its worst entry.
void explain_failure(CaseResult& result, const SourceInfo& info, const Tolerance& tolerance,
                     const DiagnosisContext& context = {});

/// Replaces a failed fast-mode result by the full check of its case, diagnosed, keeping the fast
/// summary (diagnosed_by_full_check set): the diagnosis needs every entry's finite difference,
/// so call it on a small (shrunk) case. A passed or full-mode result is left alone.
void diagnose_fully(CaseResult& result, GradientSource& source, const CheckOptions& options);

/// Checks every parameter gradient (and every intermediate the source claims) of `source` on
/// `c`, and the source's J when its claim carries one (cost_check.hpp). A SourceError from the
/// source becomes a failed result carrying its message; a source that breaks its contract (a
/// missing dW<l>/db<l>, a quantity this network lacks) raises ProtocolError. Parameters are
/// expected in the source's convention, intermediates per example (or either way,
/// SourceInfo::intermediates_either_convention). A partial source (a set of formulas) is checked on
/// exactly the quantities it claims. A failed case is diagnosed when options.diagnose is set, in
/// full mode only: a fast check names the failing quantities and entries
/// (QuantityCheck::localized) and leaves the diagnosis to diagnose_fully.
/// A source that does not handle the case (Unsupported, on its claim or on a cost request of
/// --numeric-from source) gives a skipped result: `unsupported` set, nothing checked.
/// Throws std::invalid_argument for options.numeric_from = source with a source that does not
/// compute its cost or with the complex step.
CaseResult check_case(const Case& c, GradientSource& source, const CheckOptions& options = {});

}  // namespace gradfuzz
