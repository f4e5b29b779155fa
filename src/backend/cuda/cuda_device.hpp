// The GPU and what runs on it, over the run-time-loaded driver (cuda_api.hpp): the device
// with its primary context, device memory, streams, modules loaded from cubins, launches.
// Every failure is a dgen::Error; every call makes the primary context current first, so
// any thread may use these objects.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backend/cuda/cuda_api.hpp"

namespace dgen::cuda {

// Device 0 with its primary context. Throws dgen::Error with cuda_availability()'s reason
// when there is no GPU.
class Device {
 public:
  static const Device& get();
  // Makes the primary context current on the calling thread.
  void make_current() const;
  // Waits for all work on the GPU; a failed kernel is a dgen::Error.
  void synchronize() const;
  int major = 0, minor = 0;  // compute capability
  size_t total_memory = 0;   // bytes
  // Shared memory: the most a CTA may ask for (cuFuncSetAttribute), and an SM's.
  int shared_per_block_optin = 0, shared_per_sm = 0;
  // The architecture NVRTC compiles for, e.g. "sm_90".
  std::string arch() const { return "sm_" + std::to_string(major * 10 + minor); }

 private:
  Device();
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
};

// Bytes of device memory, freed with the object. A failed allocation is a dgen::Error
// naming the size asked for.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  CUdeviceptr pointer() const { return pointer_; }
  size_t bytes() const { return bytes_; }
  // Copies `bytes` from the host to the buffer at `offset`, or back. They return when the
  // copy is done (Device::synchronize first where a kernel may still use the buffer).
  void upload(const void* host, size_t bytes, size_t offset = 0);
  void download(void* host, size_t bytes, size_t offset = 0) const;
  // Copies `bytes` of `from` at `from_offset` to this buffer at `offset`, on the GPU in
  // order on `stream`, returning at once (the stream's synchronize waits for it).
  void copy(const DeviceBuffer& from, size_t from_offset, size_t offset, size_t bytes,
            const class Stream& stream);
  // Sets `bytes` at `offset` to `byte`, in order on `stream`.
  void fill(size_t offset, size_t bytes, unsigned char byte, const class Stream& stream);

 private:
  CUdeviceptr pointer_ = 0;
  size_t bytes_ = 0;
};

class Stream {
 public:
  Stream();
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  CUstream handle() const { return stream_; }
  void synchronize() const;

 private:
  CUstream stream_ = nullptr;
};

// A cubin loaded into the primary context.
class Module {
 public:
  explicit Module(const std::vector<char>& cubin);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  // The kernel named `name` (declared extern "C"); throws when the module has none.
  CUfunction function(const std::string& name) const;
  // The same, allowed `shared_bytes` of dynamic shared memory a CTA (which, with its
  // static shared memory, may pass the 48 KB a kernel gets without asking, up to the
  // device's Device::shared_per_block_optin); throws when the device has less.
  CUfunction function(const std::string& name, int64_t shared_bytes) const;

 private:
  CUmodule module_ = nullptr;
};

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
};

// Launches `kernel` on `stream`; `args` points at each parameter's value, in order.
void launch(CUfunction kernel, Dim3 grid, Dim3 block, void** args, const Stream& stream,
            unsigned shared_bytes = 0);

}  // namespace dgen::cuda
