// Reproducible random streams. There is no global generator: every stream is
// derived from (base seed, replicate, purpose), so that a scenario that draws
// more from one purpose (say, contact attempts) does not shift the draws of
// another (say, need onsets). This is what makes common random numbers work
// across scenarios. Distributions are written here, not taken from <random>,
// whose algorithms differ between standard libraries.
#pragma once
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

namespace sim {

// SplitMix64: used to expand seeds; good avalanche on consecutive inputs.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a of a purpose name: stable across compilers and runs.
constexpr std::uint64_t hash_name(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Mixes the identifying parts of a stream into one 64-bit seed.
constexpr std::uint64_t derive_seed(std::uint64_t base, std::uint64_t replicate,
                                    std::uint64_t purpose) {
  std::uint64_t s = base;
  std::uint64_t a = splitmix64(s);
  s = a ^ (replicate * 0xD1B54A32D192ED03ULL);
  std::uint64_t b = splitmix64(s);
  s = b ^ (purpose * 0x8CB92BA72F3D8DD7ULL);
  return splitmix64(s);
}

// Counter-based draw: a uniform in [0, 1) that depends only on its four
// inputs. Used for per-agent streams (key = replicate seed and purpose,
// id = agent serial, n = that agent's draw count), so that one agent's draws
// never shift another's — common random numbers at the level of each need.
constexpr double counter_uniform(std::uint64_t key, std::uint64_t id, std::uint64_t n) {
  std::uint64_t s = key ^ (id * 0x9E3779B97F4A7C15ULL);
  std::uint64_t a = splitmix64(s);
  s = a ^ (n * 0xC2B2AE3D27D4EB4FULL);
  return static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53;
}

// xoshiro256** 1.0 (Blackman & Vigna): fast, 256-bit state, passes BigCrush.
class Stream {
 public:
  Stream() : Stream(0) {}
  explicit Stream(std::uint64_t seed) {
    std::uint64_t s = seed;
    for (auto& w : s_) w = splitmix64(s);
  }
  Stream(std::uint64_t base, std::uint64_t replicate, std::string_view purpose)
      : Stream(derive_seed(base, replicate, hash_name(purpose))) {}

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool bernoulli(double p) { return uniform() < p; }
  // Uniform integer in [0, n), unbiased (Lemire's method). n > 0.
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t x = next();
    __uint128_t m = static_cast<__uint128_t>(x) * n;
    std::uint64_t l = static_cast<std::uint64_t>(m);
    if (l < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (l < threshold) {
        x = next();
        m = static_cast<__uint128_t>(x) * n;
        l = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // Exponential with the given rate (mean 1/rate). rate > 0.
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }
  // Standard normal (Marsaglia polar method; deterministic draw count per call pair).
  double normal() {
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * std::sqrt(-2.0 * std::log(s) / s);
  }
  double lognormal_mean_cv(double mean, double cv) {
    const double s2 = std::log1p(cv * cv);
    return mean * std::exp(std::sqrt(s2) * normal() - 0.5 * s2);
  }
  // Index drawn with probability proportional to weights (linear scan: the
  // model's weight vectors are short). Returns weights.size()-1 on rounding.
  std::size_t discrete(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    return discrete(weights, total);
  }
  // The same draw with the weights' sum given (it must be the sum taken in
  // index order, as above): for a fixed table drawn from many times.
  std::size_t discrete(std::span<const double> weights, double total) {
    double x = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
  }
  std::uint64_t s_[4];
};

}  // namespace sim
