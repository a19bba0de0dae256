#include <stdexcept>

#include "mutant.hpp"

namespace gradfuzz {
namespace {

const std::vector<detail::MutantEntry>& entries() {
  static const std::vector<detail::MutantEntry> all = [] {
    std::vector<detail::MutantEntry> out;
    detail::add_scaling_mutants(out);
    detail::add_shape_mutants(out);
    detail::add_activation_mutants(out);
    detail::add_output_mutants(out);
    detail::add_regularization_mutants(out);
    detail::add_layer_index_mutants(out);
    detail::add_sign_mutants(out);
    return out;
  }();
  return all;
}

}  // namespace

namespace detail {

const std::vector<MutantEntry>& catalogue_entries() {
  return entries();
}

const std::vector<FittedFamily>& fitted_families() {
  static const std::vector<FittedFamily> all = [] {
    std::vector<FittedFamily> out;
    add_activation_families(out);
    add_scaling_families(out);
    add_output_families(out);
    add_regularization_families(out);
    return out;
  }();
  return all;
}

}  // namespace detail

const std::vector<MutantInfo>& mutant_catalogue() {
  static const std::vector<MutantInfo> infos = [] {
    std::vector<MutantInfo> out;
    for (const auto& e : entries()) out.push_back(e.info);
    return out;
  }();
  return infos;
}

const MutantInfo* find_mutant(std::string_view name) {
  for (const auto& info : mutant_catalogue())
    if (info.name == name) return &info;
  return nullptr;
}

std::unique_ptr<GradientSource> make_mutant(std::string_view name, Convention convention) {
  for (const auto& e : entries())
    if (e.info.name == name) return e.make(convention);
  std::string known;
  for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.info.name;
  throw std::invalid_argument("unknown mutant '" + std::string(name) +
                              "'; the catalogue has: " + known);
}

std::unique_ptr<GradientSource> make_builtin(std::string_view name, Convention convention) {
  if (name == "reference") return std::make_unique<ReferenceBackprop>(convention);
  if (!find_mutant(name))
    throw std::invalid_argument("unknown built-in source '" + std::string(name) +
                                "': use 'reference' or a mutant name ('gradfuzz selftest "
                                "--list-mutants' lists them)");
  return make_mutant(name, convention);
}

}  // namespace gradfuzz
