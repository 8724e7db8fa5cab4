// A portable byte encoding for saving results to disk or sending them between
// processes: integers little-endian, doubles by their IEEE-754 bits (so NaN
// and -0.0 round-trip exactly), strings and vectors length-prefixed. The
// reader checks every length against what is left, so a corrupt or foreign
// buffer throws RunError instead of allocating wildly or reading past the end.
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/input_error.hpp"

namespace sim {

class ByteWriter {
 public:
  void u64(std::uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    out_.append(b, 8);
  }
  void u32(std::uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    out_.append(b, 4);
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  // An unsigned integer of sizeof(T) bytes; a vector of them, length-prefixed.
  template <class T>
  void uint(T v) {
    static_assert(std::is_unsigned_v<T>);
    for (std::size_t i = 0; i < sizeof(T); ++i) out_.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xFF));
  }
  template <class T>
  void uints(const std::vector<T>& v) {
    u64(v.size());
    for (T x : v) uint(x);
  }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void f32(float v) { u32(std::bit_cast<std::uint32_t>(v)); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  void f64s(const std::vector<double>& v) {
    u64(v.size());
    for (double x : v) f64(x);
  }
  void f32s(const std::vector<float>& v) {
    u64(v.size());
    for (float x : v) f32(x);
  }
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  // `what` names the buffer in error messages (a file, a record).
  ByteReader(std::string_view in, std::string what) : in_(in), what_(std::move(what)) {}
  std::uint64_t u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + static_cast<std::size_t>(i)])} << (8 * i);
    pos_ += 8;
    return v;
  }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in_[pos_ + static_cast<std::size_t>(i)])) << (8 * i);
    pos_ += 4;
    return v;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  template <class T>
  T uint() {
    static_assert(std::is_unsigned_v<T>);
    need(sizeof(T));
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
    pos_ += sizeof(T);
    return static_cast<T>(v);
  }
  template <class T>
  std::vector<T> uints() {
    std::vector<T> v(count(sizeof(T)));
    for (T& x : v) x = uint<T>();
    return v;
  }
  double f64() { return std::bit_cast<double>(u64()); }
  float f32() { return std::bit_cast<float>(u32()); }
  std::string str() {
    const std::size_t n = count(1);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<double> f64s() {
    std::vector<double> v(count(8));
    for (double& x : v) x = f64();
    return v;
  }
  std::vector<float> f32s() {
    std::vector<float> v(count(4));
    for (float& x : v) x = f32();
    return v;
  }
  // A length prefix, checked against the bytes left (each element `unit` bytes).
  std::size_t count(std::size_t unit) {
    const std::uint64_t n = u64();
    if (n > (in_.size() - pos_) / unit) fail("length " + std::to_string(n) + " exceeds the data");
    return static_cast<std::size_t>(n);
  }
  bool done() const { return pos_ == in_.size(); }
  [[noreturn]] void fail(const std::string& why) const {
    throw RunError(what_ + ": malformed data at byte " + std::to_string(pos_) + ": " + why);
  }

 private:
  void need(std::size_t n) {
    if (in_.size() - pos_ < n) fail("unexpected end");
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string what_;
};

}  // namespace sim
