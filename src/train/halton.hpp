// A quasi-random design over the unit box: the Halton sequence (radical inverses in the
// first primes, one per dimension), shifted by a random vector modulo 1 (Cranley–
// Patterson rotation) so that different seeds give different, equally even designs.
// Its points fill the box far more evenly than uniform random ones, which leave holes
// a minimum can hide in (train/search.hpp uses it for the first candidates).
#pragma once
#include <cstdint>
#include <vector>

namespace dgen::train {

// `count` points in [0, 1)^dims. Up to 64 dimensions.
std::vector<std::vector<double>> halton_design(int count, int dims, uint32_t seed);

}  // namespace dgen::train
