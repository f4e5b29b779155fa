// Host memory for a program's outputs, from its executor (Executor::host_floats). A GPU
// backend gives page-locked memory, which its copies from the device fill at the link's
// speed; pageable memory goes through the driver's staging buffer, several times slower
// (docs/PERFORMANCE.md, "CUDA: outputs copied into page-locked memory"). Other backends
// give heap memory.
#pragma once
#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>

namespace dgen {

class HostFloats {
 public:
  using Release = void (*)(float*);
  HostFloats() = default;
  // `data` holds `capacity` floats and is given back by `release`.
  HostFloats(float* data, size_t capacity, Release release)
      : data_(data, release), capacity_(capacity) {}
  static HostFloats heap(size_t capacity) {
    return {new float[capacity], capacity, [](float* p) { delete[] p; }};
  }

  float* data() const { return data_.get(); }
  size_t capacity() const { return capacity_; }
  // The floats in use (a run's output), at most the capacity.
  void resize(size_t size) {
    if (size > capacity_) throw std::logic_error("HostFloats: resize past the capacity");
    size_ = size;
  }
  std::span<const float> span() const { return {data_.get(), size_}; }

 private:
  std::unique_ptr<float, Release> data_{nullptr, nullptr};
  size_t capacity_ = 0, size_ = 0;
};

}  // namespace dgen
