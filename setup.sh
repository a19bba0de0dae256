#!/usr/bin/env bash
# Installs what gradfuzz needs from Debian 12 (as root), builds it into build/, and runs the
# main job on its built-in default (gradfuzz selftest). Safe to run again: it installs only what
# is missing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

# Build: the compiler and libraries. Tests: python3 with NumPy (adapters), jsonschema and
# xmllint (report formats), chromium (the HTML report, headless), PyTorch (the autograd example
# and bench/compare_tools.py), scikit-learn (the MLPClassifier example). Bench: Google Benchmark
# (cmake -DGRADFUZZ_BUILD_BENCH=ON).
packages=(g++ cmake make libarmadillo-dev libopenblas-dev librapidcheck-dev libgtest-dev
          libboost-program-options-dev nlohmann-json3-dev python3 python3-numpy
          python3-jsonschema libxml2-utils chromium python3-torch python3-sklearn libbenchmark-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing Debian packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

werror=OFF
[ "${CI:-}" = "true" ] && werror=ON   # warnings are errors in CI
cmake -S . -B build -DGRADFUZZ_WARNINGS_AS_ERRORS=$werror
cmake --build build -j"$(nproc)"
[ "${1:-}" = "--build-only" ] && exit 0
build/gradfuzz selftest
