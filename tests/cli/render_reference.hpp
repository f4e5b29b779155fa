// What dgen render should write: the patch rendered in this process by Program (the
// C backend) in one run, one vector per out.
#pragma once
#include <string>
#include <vector>

#include "dgen/dgen.hpp"
#include "lisp/patch.hpp"

namespace dgen::test {

inline std::vector<std::vector<float>> render_in_process(const std::string& patch_path,
                                                         int64_t frames) {
  const lisp::Patch patch = lisp::load_patch_file(patch_path);
  RenderOptions options;
  options.backend = Backend::C;
  Program program(patch.outputs, options);
  program.run(frames);
  std::vector<std::vector<float>> outputs;
  for (size_t k = 0; k < program.output_count(); ++k)
    outputs.emplace_back(program.output(k).begin(), program.output(k).end());
  return outputs;
}

}  // namespace dgen::test
