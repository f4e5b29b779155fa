// How many frames an audio file's header says it holds, read from the header itself.
// libsndfile shortens a WAV or AIFF whose data was cut off to what is there without an
// error, so a truncated file would be read silently; comparing the declared length with
// what libsndfile reads tells a truncated file from a whole one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace dgen::io {

// The frames declared by the header of a WAV (RIFF, PCM or float), RF64 or AIFF/AIFC
// file; nullopt for other formats, compressed encodings, and lengths marked unknown
// (0xFFFFFFFF, which writers streaming to a pipe use).
std::optional<int64_t> declared_frames(const std::string& path);

}  // namespace dgen::io
