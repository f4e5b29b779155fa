#include "backend/cuda/nvrtc_compile.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <vector>

#include "backend/cuda/cuda_api.hpp"
#include "backend/cuda/cuda_device.hpp"
#include "dgen/error.hpp"
#include "runtime/object_cache.hpp"

namespace dgen::cuda {
namespace fs = std::filesystem;
namespace {

std::atomic<int> g_invocations{0};

void check_nvrtc(nvrtcResult r, const std::string& what) {
  if (r != NVRTC_SUCCESS) throw Error(what + ": " + nvrtc().nvrtcGetErrorString(r));
}

// Destroys the program however compilation ends.
struct Program {
  nvrtcProgram handle = nullptr;
  ~Program() {
    if (handle) nvrtc().nvrtcDestroyProgram(&handle);
  }
};

// NVRTC's options for the math (Math).
std::vector<std::string> math_options(Math math) {
  if (math == Math::Fast) return {"--use_fast_math"};
  return {};
}

Cubin run_nvrtc(const std::string& source, const std::string& arch, Math math) {
  const NvrtcApi& api = nvrtc();
  Program program;
  check_nvrtc(
      api.nvrtcCreateProgram(&program.handle, source.c_str(), "dgen.cu", 0, nullptr, nullptr),
      "NVRTC cannot create a program");
  const std::string arch_option = "--gpu-architecture=" + arch;
  const std::vector<std::string> math_flags = math_options(math);
  std::vector<const char*> options = {arch_option.c_str()};
  for (const std::string& flag : math_flags) options.push_back(flag.c_str());
  ++g_invocations;
  const nvrtcResult compiled =
      api.nvrtcCompileProgram(program.handle, int(options.size()), options.data());
  if (compiled != NVRTC_SUCCESS) {
    size_t size = 0;
    std::string log;
    if (api.nvrtcGetProgramLogSize(program.handle, &size) == NVRTC_SUCCESS && size > 1) {
      log.resize(size);
      api.nvrtcGetProgramLog(program.handle, log.data());
      log.resize(size - 1);  // the log's terminating zero
    }
    throw Error("CUDA code failed to compile with NVRTC " + nvrtc_version() + " for " + arch +
                ": " + api.nvrtcGetErrorString(compiled) + "\n" + log);
  }
  size_t size = 0;
  check_nvrtc(api.nvrtcGetCUBINSize(program.handle, &size), "NVRTC made no cubin");
  Cubin cubin(size);
  check_nvrtc(api.nvrtcGetCUBIN(program.handle, cubin.data()), "NVRTC made no cubin");
  return cubin;
}

Cubin read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  Cubin bytes(f ? size_t(f.tellg()) : 0);
  if (bytes.empty() || !f.seekg(0).read(bytes.data(), std::streamsize(bytes.size())))
    throw Error("cannot read the cached cubin " + path.string());
  return bytes;
}

void write_file(const fs::path& path, const Cubin& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), std::streamsize(bytes.size()));
  if (!f.flush()) throw Error("cannot write " + path.string());
}

}  // namespace

std::string nvrtc_version() {
  int major = 0, minor = 0;
  check_nvrtc(nvrtc().nvrtcVersion(&major, &minor), "cannot read NVRTC's version");
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string default_arch() { return cuda_availability().ok ? Device::get().arch() : "sm_90"; }

int nvrtc_invocations() { return g_invocations.load(); }

std::shared_ptr<const Cubin> compile_cubin(const std::string& source, const std::string& arch,
                                           Math math, CubinStats* stats) {
  // NVRTC makes cubins for real architectures only (sm_90, sm_90a), not virtual ones.
  static const std::regex real_arch("sm_[0-9]+[a-z]?");
  if (!std::regex_match(arch, real_arch))
    throw Error("unknown GPU architecture '" + arch + "' (expected sm_ and a number, e.g. sm_90)");
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<const Cubin>> loaded;
  std::string options;
  for (const std::string& flag : math_options(math)) options += flag + "\n";
  const std::string key =
      hex64(fnv1a(source, fnv1a("nvrtc " + nvrtc_version() + "\n" + arch + "\n" + options)));
  std::lock_guard<std::mutex> lock(mu);
  if (auto cubin = loaded[key].lock()) {
    if (stats) stats->memory_hit = true;
    return cubin;
  }
  const fs::path file = make_cache_dir() / ("dgen-" + key + "-" + arch + ".cubin");
  std::shared_ptr<const Cubin> cubin;
  if (fs::exists(file)) {
    if (stats) stats->disk_hit = true;
    cubin = std::make_shared<const Cubin>(read_file(file));
  } else {
    cubin = std::make_shared<const Cubin>(run_nvrtc(source, arch, math));
    store_atomically(file, [&](const fs::path& tmp) { write_file(tmp, *cubin); });
  }
  loaded[key] = cubin;
  return cubin;
}

}  // namespace dgen::cuda
