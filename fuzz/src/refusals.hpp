#pragma once
// What the cases a source refused share that the cases it answered do not, said as the hello
// fields (docs/PROTOCOL.md 1.1) that would keep such cases from being drawn at all.

#include <set>
#include <string>
#include <vector>

#include "gradfuzz/check.hpp"

namespace gradfuzz::detail {

class Refusals {
 public:
  /// A case the source answered.
  void checked(const Case& c) { answered_.add(c); }
  /// A case the source refused (its result is skipped()).
  void refused(const CaseResult& r) { refused_.add(r.c); }

  /// One line per hello field that tells the refused cases from the answered ones, e.g.
  /// "depth: it answered for depth 3 and refused 1, 2"; when none does, one line naming every
  /// field there is.
  std::vector<std::string> hints() const;

 private:
  struct Seen {
    std::set<Activation> hidden, output;
    std::set<arma::uword> depths, output_units;
    arma::uword widest = 0, narrowest_widest = ~arma::uword{0};
    arma::uword largest_batch = 0, smallest_batch = ~arma::uword{0};
    bool mixed_hidden = false;  ///< a network whose hidden layers differ
    bool soft_labels = false;   ///< a bce or ce case with labels other than 0 and 1
    std::size_t cases = 0;
    void add(const Case& c);
  };
  Seen answered_, refused_;
};

}  // namespace gradfuzz::detail
