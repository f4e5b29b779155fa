#include "backend/cuda/cuda_device.hpp"

#include <cstdio>
#include <utility>

#include "dgen/error.hpp"

namespace dgen::cuda {
namespace {

// "1073741824 bytes (1 GiB)": exact, and readable at a glance.
std::string describe_bytes(size_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 5) v /= 1024, ++u;
  char human[32];
  std::snprintf(human, sizeof human, "%.3g %s", v, units[u]);
  return std::to_string(bytes) + " bytes" + (u ? std::string(" (") + human + ")" : "");
}

}  // namespace

Device::Device() {
  const DriverApi& api = driver();
  check(api.cuDeviceGet(&device_, 0), "cannot open GPU 0");
  check(api.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device_),
        "cannot read the GPU's compute capability");
  check(api.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device_),
        "cannot read the GPU's compute capability");
  check(api.cuDeviceTotalMem(&total_memory, device_), "cannot read the GPU's memory size");
  check(api.cuDeviceGetAttribute(&shared_per_block_optin,
                                 CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device_),
        "cannot read the GPU's shared memory size");
  check(api.cuDeviceGetAttribute(&shared_per_sm,
                                 CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR, device_),
        "cannot read the GPU's shared memory size");
  check(api.cuDevicePrimaryCtxRetain(&context_, device_), "cannot create a CUDA context");
}

const Device& Device::get() {
  // Never destroyed: modules and buffers may outlive static destruction, and the driver
  // releases the context when the process ends.
  static const Device* device = new Device();
  return *device;
}

void Device::make_current() const {
  check(driver().cuCtxSetCurrent(context_), "cannot use the CUDA context");
}

void Device::synchronize() const {
  make_current();
  check(driver().cuCtxSynchronize(), "CUDA kernel failed");
}

DeviceBuffer::DeviceBuffer(size_t bytes) : bytes_(bytes) {
  Device::get().make_current();
  const CUresult r = driver().cuMemAlloc(&pointer_, bytes);
  if (r != CUDA_SUCCESS) {
    pointer_ = 0;
    check(r, "cannot allocate " + describe_bytes(bytes) + " of GPU memory");
  }
}

DeviceBuffer::~DeviceBuffer() {
  if (pointer_) driver().cuMemFree(pointer_);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : pointer_(std::exchange(other.pointer_, 0)), bytes_(std::exchange(other.bytes_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  std::swap(pointer_, other.pointer_);
  std::swap(bytes_, other.bytes_);
  return *this;
}

namespace {

void check_range(size_t offset, size_t bytes, size_t size, const char* what) {
  if (offset > size || bytes > size - offset)
    throw Error(std::string("cannot copy ") + describe_bytes(bytes) + " " + what +
                " a GPU buffer of " + describe_bytes(size) + " at offset " +
                std::to_string(offset));
}

}  // namespace

void DeviceBuffer::upload(const void* host, size_t bytes, size_t offset) {
  check_range(offset, bytes, bytes_, "into");
  Device::get().make_current();
  check(driver().cuMemcpyHtoD(pointer_ + offset, host, bytes), "cannot copy to the GPU");
  Device::get().synchronize();
}

void DeviceBuffer::download(void* host, size_t bytes, size_t offset) const {
  check_range(offset, bytes, bytes_, "out of");
  Device::get().make_current();
  check(driver().cuMemcpyDtoH(host, pointer_ + offset, bytes), "cannot copy from the GPU");
}

void DeviceBuffer::copy(const DeviceBuffer& from, size_t from_offset, size_t offset, size_t bytes,
                        const Stream& stream) {
  check_range(from_offset, bytes, from.bytes_, "out of");
  check_range(offset, bytes, bytes_, "into");
  Device::get().make_current();
  check(driver().cuMemcpyDtoDAsync(pointer_ + offset, from.pointer_ + from_offset, bytes,
                                   stream.handle()),
        "cannot copy on the GPU");
}

void DeviceBuffer::fill(size_t offset, size_t bytes, unsigned char byte, const Stream& stream) {
  check_range(offset, bytes, bytes_, "into");
  Device::get().make_current();
  check(driver().cuMemsetD8Async(pointer_ + offset, byte, bytes, stream.handle()),
        "cannot set GPU memory");
}

Stream::Stream() {
  Device::get().make_current();
  check(driver().cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING), "cannot create a CUDA stream");
}

Stream::~Stream() {
  if (stream_) driver().cuStreamDestroy(stream_);
}

void Stream::synchronize() const {
  check(driver().cuStreamSynchronize(stream_), "CUDA kernel failed");
}

Module::Module(const std::vector<char>& cubin) {
  Device::get().make_current();
  check(driver().cuModuleLoadData(&module_, cubin.data()), "cannot load a compiled CUDA module");
}

Module::~Module() {
  if (module_) driver().cuModuleUnload(module_);
}

CUfunction Module::function(const std::string& name) const {
  CUfunction f = nullptr;
  check(driver().cuModuleGetFunction(&f, module_, name.c_str()), "no CUDA kernel '" + name + "'");
  return f;
}

CUfunction Module::function(const std::string& name, int64_t shared_bytes) const {
  const CUfunction f = function(name);
  if (shared_bytes > 0)
    check(driver().cuFuncSetAttribute(f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                      int(shared_bytes)),
          "CUDA kernel '" + name + "' cannot have " + std::to_string(shared_bytes) +
              " bytes of shared memory on this GPU");
  return f;
}

void launch(CUfunction kernel, Dim3 grid, Dim3 block, void** args, const Stream& stream,
            unsigned shared_bytes) {
  Device::get().make_current();
  check(driver().cuLaunchKernel(kernel, grid.x, grid.y, grid.z, block.x, block.y, block.z,
                                shared_bytes, stream.handle(), args, nullptr),
        "cannot launch a CUDA kernel");
}

}  // namespace dgen::cuda
