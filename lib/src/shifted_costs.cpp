#include "shifted_costs.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gradfuzz/loss.hpp"

namespace gradfuzz::detail {
namespace {

// OpenBLAS runs a gemm on one thread when M*N*K is at most 65536 * GEMM_MULTITHREAD_THRESHOLD
// (4 in Debian's build). Our own threads keep each product below it, so that two threads never
// each ask OpenBLAS's pool for both cores.
constexpr double kSingleThreadedGemm = 65536.0 * 4;
// Columns of one block's wide matrices: large enough for gemm to run at speed, small enough
// that a block's layers stay in cache.
constexpr arma::uword kBlockColumns = 256;
// Below this many multiply-adds a thread costs more than it saves.
constexpr double kWorkPerThread = 2e6;

bool other_side(double now, double was) {
  return (now > 0) != (was > 0) || (now < 0) != (was < 0);
}

// What the whole request shares: the case, its base pass, and how pairs map to columns.
class Job {
 public:
  Job(const Case& c, const ForwardPass& base, const ShiftedCostsRequest& r, std::span<double> cost,
      std::span<std::size_t> crossed)
      : c_(c), base_(base), r_(r), cost_(cost), crossed_(crossed), q_(r.q) {
    const int l = q_.layer;
    switch (q_.kind) {
      case Quantity::Kind::dW:
      case Quantity::Kind::db:
        start_ = l;
        width_ = c.m();
        rows_ = c.spec.n(l);
        break;
      case Quantity::Kind::dZ:
        start_ = l;
        width_ = 1;
        rows_ = c.spec.n(l);
        break;
      case Quantity::Kind::dA:
        start_ = l + 1;
        width_ = 1;
        rows_ = c.spec.n(l);
        break;
    }
    if (output_rows_only()) {
      // A last-layer parameter under an entrywise loss moves one row of Z<L>: J moves by that
      // row's loss change.
      const auto L = static_cast<std::size_t>(c.depth());
      for (arma::uword i = 0; i < rows_; ++i)
        row_loss_.push_back(loss_sum<double>(c.spec.loss, arma::mat(base.Z[L].row(i)),
                                             arma::mat(base.A[L].row(i)), c.Y.row(i)));
    }
    if (!q_.is_parameter()) {
      // Shifting one example's Z or A moves J by that example's loss change.
      const auto L = static_cast<std::size_t>(c.depth());
      for (arma::uword k = 0; k < c.m(); ++k) {
        Y_.emplace_back(c.Y.col(k));
        example_loss_.push_back(loss_sum<double>(c.spec.loss, arma::mat(base.Z[L].col(k)),
                                                 arma::mat(base.A[L].col(k)), Y_.back()));
      }
    }
  }

  std::size_t entries() const { return r_.step.size(); }
  std::size_t shifts() const { return r_.shifts.size(); }

  /// Multiply-adds per pair, roughly: what deciding on threads and block sizes needs.
  double work_per_pair() const {
    double work = 0;
    for (int k = start_; k <= c_.depth(); ++k)
      work += static_cast<double>(c_.spec.n(k) * (c_.spec.n(k - 1) + 8) * width_);
    return work;
  }

  /// Entries per block: about kBlockColumns columns, and (threaded) every gemm single-threaded.
  std::size_t entries_per_block(bool threaded) const {
    arma::uword pairs = std::max<arma::uword>(1, kBlockColumns / width_);
    if (threaded)
      for (int k = start_ + 1; k <= c_.depth(); ++k) {
        const double mnk = static_cast<double>(c_.spec.n(k) * c_.spec.n(k - 1) * width_);
        pairs = std::min(
            pairs, std::max<arma::uword>(1, static_cast<arma::uword>(kSingleThreadedGemm / mnk)));
      }
    return std::max<std::size_t>(1, pairs / shifts());
  }

  /// Evaluates the pairs of entries [first, last).
  void run(std::size_t first, std::size_t last) const {
    const std::size_t S = shifts();
    const std::size_t P = (last - first) * S;
    arma::mat Z;
    std::vector<std::size_t> crossed(P, 0);
    std::vector<arma::uword> base_col(P * width_);
    for (std::size_t t = 0; t < P; ++t)
      for (arma::uword u = 0; u < width_; ++u)
        base_col[t * width_ + u] = q_.is_parameter() ? u : (first + t / S) / rows_;
    if (output_rows_only()) return run_output_rows(first, last);
    int from = start_;
    switch (q_.kind) {
      case Quantity::Kind::dW:
      case Quantity::Kind::db:
        from = shift_parameter(first, P, Z, crossed);
        break;
      case Quantity::Kind::dZ:
      case Quantity::Kind::dA:
        shift_intermediate(first, P, Z);
        break;
    }
    arma::mat A = run_layers(from, Z, base_col, crossed);
    const auto m = static_cast<double>(c_.m());
    const arma::uword nL = Z.n_rows;
    for (std::size_t t = 0; t < P; ++t) {
      const std::size_t e = first + t / S, s = t % S;
      const arma::mat ZL(Z.colptr(t * width_), nL, width_, false, true);
      const arma::mat AL(A.colptr(t * width_), nL, width_, false, true);
      double J = 0;
      if (q_.is_parameter()) {
        J = loss_sum<double>(c_.spec.loss, ZL, AL, c_.Y) / m + l2_of(e, r_.shifts[s] * r_.step[e]);
      } else {
        const arma::uword k = e / rows_;
        const double change = loss_sum<double>(c_.spec.loss, ZL, AL, Y_[k]) - example_loss_[k];
        J = (base_.loss_sum + change) / m + base_.l2;
      }
      cost_[e * S + s] = crossed[t] == kEvaluateDirectly ? std::nan("") : J;
      crossed_[e * S + s] = crossed[t];
    }
  }

 private:
  bool output_rows_only() const {
    return q_.is_parameter() && q_.layer == c_.depth() && c_.spec.loss != Loss::ce &&
           is_elementwise(c_.spec.g(q_.layer));
  }

  double l2_of(std::size_t e, double d) const {
    if (q_.kind != Quantity::Kind::dW) return base_.l2;
    // As CostProbe: lambda/(2m) ((w + d)^2 - w^2), written without cancellation.
    const double w = c_.W_of(q_.layer)[e];
    return base_.l2 + c_.spec.lambda / (2.0 * static_cast<double>(c_.m())) * (2.0 * w + d) * d;
  }

  void run_output_rows(std::size_t first, std::size_t last) const {
    const std::size_t S = shifts();
    const int L = c_.depth();
    const auto m = static_cast<double>(c_.m());
    const arma::mat& Zb = base_.Z[static_cast<std::size_t>(L)];
    const arma::mat& Ap = base_.A[static_cast<std::size_t>(L - 1)];
    arma::mat Z(1, width_), Y(1, width_);
    for (std::size_t e = first; e < last; ++e) {
      const arma::uword i = e % rows_, j = e / rows_;
      Y = c_.Y.row(i);
      for (std::size_t s = 0; s < S; ++s) {
        const double d = r_.shifts[s] * r_.step[e];
        std::size_t crossed = 0;
        for (arma::uword u = 0; u < width_; ++u) {
          Z(0, u) = Zb(i, u) + (q_.kind == Quantity::Kind::dW ? d * Ap(j, u) : d);
          if (has_kink(c_.spec.g(L)) && other_side(Z(0, u), Zb(i, u))) ++crossed;
        }
        const arma::mat A = activate(c_.spec.g(L), Z, c_.spec.leaky_slope);
        const double change = loss_sum<double>(c_.spec.loss, Z, A, Y) - row_loss_[i];
        cost_[e * S + s] = (base_.loss_sum + change) / m + l2_of(e, d);
        crossed_[e * S + s] = crossed;
      }
    }
  }

  // W<l>(i,j) or b<l>(i): row i of each pair's Z<l> moves by d A<l-1>(j,:) (or d); only row i of
  // A<l> changes, so Z<l+1> is the base's plus W<l+1>(:,i) times that row's change. Leaves in Z
  // the first pre-activation to run the remaining layers from and returns its layer.
  int shift_parameter(std::size_t first, std::size_t P, arma::mat& Z,
                      std::vector<std::size_t>& crossed) const {
    const int l = q_.layer, L = c_.depth();
    const std::size_t S = shifts();
    const auto m = width_;
    const arma::mat& Zb = base_.Z[static_cast<std::size_t>(l)];
    Z = arma::repmat(Zb, 1, P);
    arma::rowvec moved(P * m);  // row i of each pair's Z<l>
    for (std::size_t t = 0; t < P; ++t) {
      const std::size_t e = first + t / S;
      const arma::uword i = e % rows_, j = e / rows_;
      const double d = r_.shifts[t % S] * r_.step[e];
      for (arma::uword u = 0; u < m; ++u) {
        double& z = Z(i, t * m + u);
        if (q_.kind == Quantity::Kind::dW)
          z += d * base_.A[static_cast<std::size_t>(l - 1)](j, u);
        else
          z += d;
        moved(t * m + u) = z;
        if (has_kink(c_.spec.g(l)) && other_side(z, Zb(i, u))) ++crossed[t];
      }
    }
    if (l == L) return l;
    if (!is_elementwise(c_.spec.g(l)))
      throw std::logic_error("shifted_costs: a hidden layer's activation mixes units");
    const arma::mat A_row = activate(c_.spec.g(l), arma::mat(moved), c_.spec.leaky_slope);
    const arma::mat& Ab = base_.A[static_cast<std::size_t>(l)];
    const arma::mat& Zn = base_.Z[static_cast<std::size_t>(l + 1)];
    const arma::mat& Wn = c_.W_of(l + 1);
    arma::mat next(Zn.n_rows, P * m);
    for (std::size_t t = 0; t < P; ++t) {
      const arma::uword i = (first + t / S) % rows_;
      const double* w = Wn.colptr(i);
      for (arma::uword u = 0; u < m; ++u) {
        const double change = A_row(0, t * m + u) - Ab(i, u);
        const double* zb = Zn.colptr(u);
        double* out = next.colptr(t * m + u);
        for (arma::uword r = 0; r < Zn.n_rows; ++r) out[r] = zb[r] + w[r] * change;
      }
    }
    Z = std::move(next);
    return l + 1;
  }

  // Z<l>(i,k) moves by d; A<l>(i,k) moves column k of Z<l+1> by W<l+1>(:,i) d. One column each.
  void shift_intermediate(std::size_t first, std::size_t P, arma::mat& Z) const {
    const std::size_t S = shifts();
    const arma::mat& Zb = base_.Z[static_cast<std::size_t>(start_)];
    Z.set_size(Zb.n_rows, P);
    for (std::size_t t = 0; t < P; ++t) {
      const std::size_t e = first + t / S;
      const arma::uword i = e % rows_, k = e / rows_;
      const double d = r_.shifts[t % S] * r_.step[e];
      Z.col(t) = Zb.col(k);
      if (q_.kind == Quantity::Kind::dZ) {
        Z(i, t) += d;
      } else {
        const arma::mat& W = c_.W_of(start_);
        for (arma::uword r = 0; r < Z.n_rows; ++r) Z(r, t) += W(r, i) * d;
      }
    }
  }

  // Runs layers from..L on the pairs' columns (Z holds Z<from>), counting kink crossings
  // against the base column each column stands for; returns A<L> and leaves Z<L> in Z.
  arma::mat run_layers(int from, arma::mat& Z, const std::vector<arma::uword>& base_col,
                       std::vector<std::size_t>& crossed) const {
    const int L = c_.depth();
    arma::mat A;
    for (int k = from; k <= L; ++k) {
      if (k > from) {
        Z = c_.W_of(k) * A;
        Z.each_col() += c_.b_of(k).col(0);
      }
      // A parameter's own layer was counted on its row when shifted.
      const bool counted = q_.is_parameter() && k == q_.layer;
      // From here on a pre-activation sums changes that may cancel exactly (grid values), and
      // then only rounding says whether an input at exactly 0 moved: that pair is left to the
      // oracle, whose rounding decides the crossing as it always has.
      const bool mixed = k > from;
      if (has_kink(c_.spec.g(k)) && !counted) {
        const arma::mat& Zb = base_.Z[static_cast<std::size_t>(k)];
        for (arma::uword col = 0; col < Z.n_cols; ++col) {
          const double* now = Z.colptr(col);
          const double* was = Zb.colptr(base_col[col]);
          std::size_t n = 0;
          for (arma::uword r = 0; r < Z.n_rows; ++r) {
            n += other_side(now[r], was[r]);
            if (mixed && was[r] == 0 && now[r] != 0) n = kEvaluateDirectly;
            if (n == kEvaluateDirectly) break;
          }
          std::size_t& total = crossed[col / width_];
          total =
              n == kEvaluateDirectly || total == kEvaluateDirectly ? kEvaluateDirectly : total + n;
        }
      }
      A = activate(c_.spec.g(k), Z, c_.spec.leaky_slope);
    }
    return A;
  }

  const Case& c_;
  const ForwardPass& base_;
  const ShiftedCostsRequest& r_;
  std::span<double> cost_;
  std::span<std::size_t> crossed_;
  Quantity q_;
  int start_ = 1;
  arma::uword width_ = 1;
  arma::uword rows_ = 1;
  std::vector<arma::mat> Y_;  // per example, for intermediates
  std::vector<double> example_loss_;
  std::vector<double> row_loss_;  // per output unit, for last-layer parameters
};

}  // namespace

void shifted_costs(const Case& c, const ForwardPass& base, const ShiftedCostsRequest& request,
                   std::span<double> cost, std::span<std::size_t> crossed, unsigned threads) {
  const std::size_t pairs = request.step.size() * request.shifts.size();
  if (cost.size() != pairs || crossed.size() != pairs)
    throw std::invalid_argument("shifted_costs: one cost and one crossing count per pair");
  if (pairs == 0) return;
  const Job job(c, base, request, cost, crossed);
  if (threads == 0) {
    // hardware_concurrency() reads /sys on every call: ask once, and only for large work.
    static const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const double work = job.work_per_pair() * static_cast<double>(pairs);
    threads = work < 2 * kWorkPerThread
                  ? 1u
                  : std::clamp(static_cast<unsigned>(work / kWorkPerThread), 1u, cores);
  }
  const std::size_t block = job.entries_per_block(threads > 1);
  const std::size_t entries = job.entries();
  if (threads == 1) {
    for (std::size_t first = 0; first < entries; first += block)
      job.run(first, std::min(entries, first + block));
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    try {
      for (std::size_t first; (first = next.fetch_add(block)) < entries;)
        job.run(first, std::min(entries, first + block));
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = entries;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace gradfuzz::detail
