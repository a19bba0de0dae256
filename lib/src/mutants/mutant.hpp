#pragma once
// What every family of mutants shares: a registry entry and the base they derive from.

#include <functional>

#include "gradfuzz/mutants.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz::detail {

class Mutant;

struct MutantEntry {
  MutantInfo info;
  std::function<std::unique_ptr<Mutant>(Convention)> make;
};

/// Z[l] and A[l] of the pass (A[0] = X), for the mutants' steps.
inline const arma::mat& Z_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.Z[static_cast<std::size_t>(l)];
}
inline const arma::mat& A_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.A[static_cast<std::size_t>(l)];
}

/// Base of every mutant: the reference with its name replaced.
class Mutant : public ReferenceBackprop {
 public:
  Mutant(std::string name, Convention convention)
      : ReferenceBackprop(convention), name_(std::move(name)) {}

 protected:
  std::string name() const override { return name_; }
  /// The same pass with s replaced, for bugs that drop or add a 1/m.
  static Pass with_s(const Pass& p, double s) { return {p.c, p.f, s}; }

 private:
  std::string name_;
};

/// A catalogue entry; `args` follow the name and convention in M's constructor.
template <class M, class... Args>
MutantEntry entry(MutantInfo info, Args... args) {
  std::string name = info.name;
  return {std::move(info),
          [name, args...](Convention c) { return std::make_unique<M>(name, c, args...); }};
}

/// A family of alternatives with one number in it (a leaky slope, a factor, an L2
/// coefficient, a clipping bound), solved from a failing case's numbers by the diagnosis.
struct FittedFamily {
  std::string name;       ///< e.g. "leaky_slope"; a fitted instance reads "leaky_slope=0.1"
  std::string diagnosis;  ///< its id; empty where the fitted value decides (scales)
  /// The alternative with `parameter` in it.
  std::function<std::unique_ptr<Mutant>(double parameter, Convention)> make;
  /// Whether the family can differ from the reference on this network at all.
  std::function<bool(const Case&)> applies;
  /// Values to try in turn instead of solving (a clipping bound is not linear in anything).
  std::vector<double> grid;
};
const std::vector<FittedFamily>& fitted_families();
/// Every catalogue entry, in the catalogue's order.
const std::vector<MutantEntry>& catalogue_entries();

/// The reference with the given steps' results times k * m^p (scaling.cpp's family).
std::unique_ptr<Mutant> scaled(std::string name, Convention c, unsigned steps, double k,
                               double power_of_m);

/// The activations the family "other_derivative" may use and misuse.
const std::vector<Activation>& derivative_codes();
/// A code of "other_derivative": `used`'s derivative, written in A or in Z, on `on` layers.
struct DerivativeCode {
  Activation used, on;
  bool in_A;
};
DerivativeCode derivative_code(double code);

/// g'(Z) as a learner writes `used`'s derivative: in Z, or in A (sigmoid A (1 - A), tanh
/// 1 - A^2, relu's indicator A > 0).
arma::mat written_derivative(Activation used, const arma::mat& Z, const arma::mat& A, bool in_A,
                             double slope);

void add_scaling_mutants(std::vector<MutantEntry>& out);
void add_shape_mutants(std::vector<MutantEntry>& out);
void add_activation_mutants(std::vector<MutantEntry>& out);
void add_output_mutants(std::vector<MutantEntry>& out);
void add_regularization_mutants(std::vector<MutantEntry>& out);
void add_layer_index_mutants(std::vector<MutantEntry>& out);
void add_sign_mutants(std::vector<MutantEntry>& out);
void add_activation_families(std::vector<FittedFamily>& out);
void add_scaling_families(std::vector<FittedFamily>& out);
void add_output_families(std::vector<FittedFamily>& out);
void add_regularization_families(std::vector<FittedFamily>& out);

}  // namespace gradfuzz::detail
