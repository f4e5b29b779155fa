#include "train/halton.hpp"

#include <cmath>
#include <random>

#include "dgen/error.hpp"

namespace dgen::train {

namespace {

// Digits of `index` in base `base`, mirrored about the radix point.
double radical_inverse(uint64_t index, uint64_t base) {
  double result = 0, scale = 1.0 / double(base);
  for (; index > 0; index /= base, scale /= double(base)) result += double(index % base) * scale;
  return result;
}

std::vector<uint64_t> first_primes(int count) {
  std::vector<uint64_t> primes;
  for (uint64_t n = 2; int(primes.size()) < count; ++n) {
    bool prime = true;
    for (uint64_t p : primes) prime = prime && n % p != 0;
    if (prime) primes.push_back(n);
  }
  return primes;
}

}  // namespace

std::vector<std::vector<double>> halton_design(int count, int dims, uint32_t seed) {
  if (dims < 1 || dims > 64) throw Error("a Halton design needs 1 to 64 dimensions");
  const std::vector<uint64_t> primes = first_primes(dims);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> shift(static_cast<size_t>(dims));
  for (double& s : shift) s = uniform(rng);
  std::vector<std::vector<double>> points(static_cast<size_t>(count),
                                          std::vector<double>(static_cast<size_t>(dims)));
  for (size_t i = 0; i < size_t(count); ++i)
    for (size_t k = 0; k < size_t(dims); ++k) {
      const double v = radical_inverse(i + 1, primes[k]) + shift[k];
      points[i][k] = v - std::floor(v);
    }
  return points;
}

}  // namespace dgen::train
