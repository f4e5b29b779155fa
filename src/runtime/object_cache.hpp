// The disk cache shared by the backends' compilers (C objects, CUDA cubins): where it is,
// how keys are hashed, and how a file enters it without a reader ever seeing half of it.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace dgen {

// The directory of the disk cache: DGEN_CACHE_DIR, else $XDG_CACHE_HOME/dgen, else
// ~/.cache/dgen, else a folder in the system's temporary directory.
std::string cache_dir();

// The cache directory, created when missing; throws dgen::Error when it cannot be.
std::filesystem::path make_cache_dir();

// 64-bit FNV-1a of `s`, continuing from `h` (chain calls to hash several strings).
uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull);
// `v` as 16 hexadecimal digits, for file names.
std::string hex64(uint64_t v);

// Puts a file at `target` atomically: `write` creates it at the temporary path it is given
// (beside `target`, `.tmp-HOST-PID-SERIAL-NAME`: unique to this process and call; those of
// dead processes of this host are removed first), which is then renamed onto `target`,
// so concurrent processes see either no file or a whole one. When `write` throws, the
// temporary file is removed and the exception goes on.
void store_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path& temporary)>& write);

}  // namespace dgen
