#pragma once
// What every family of mutants shares: a registry entry and the base they derive from.

#include <functional>

#include "gradfuzz/mutants.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz::detail {

struct MutantEntry {
  MutantInfo info;
  std::function<std::unique_ptr<GradientSource>(Convention)> make;
};

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

template <class M>
MutantEntry entry(MutantInfo info) {
  std::string name = info.name;
  return {std::move(info), [name](Convention c) { return std::make_unique<M>(name, c); }};
}

void add_scaling_mutants(std::vector<MutantEntry>& out);
void add_shape_mutants(std::vector<MutantEntry>& out);
void add_activation_mutants(std::vector<MutantEntry>& out);
void add_output_mutants(std::vector<MutantEntry>& out);
void add_regularization_mutants(std::vector<MutantEntry>& out);
void add_layer_index_mutants(std::vector<MutantEntry>& out);

}  // namespace gradfuzz::detail
