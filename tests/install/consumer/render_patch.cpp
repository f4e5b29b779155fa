// Loads a .lisp patch through the installed package (include/dgen/patch.hpp, linked as
// dgen::dgen_lisp) and checks what it renders: tone.lisp is sin(2π · freq · t / sr), so
// freq 441 at 44100 Hz has a period of exactly 100 frames. Exits 1 with a message when
// anything differs.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "dgen/patch.hpp"

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "render_patch: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: render_patch tone.lisp");
  dgen::lisp::Patch patch = dgen::lisp::load_patch_file(argv[1]);
  if (patch.params.size() != 1 || patch.params[0].param.name() != "freq" ||
      patch.params[0].default_value != 220.0f)
    return fail("expected one param freq with default 220");
  if (patch.output_ports.size() != 1 || patch.output_ports[0].name != "tone")
    return fail("expected one output named tone");

  dgen::Program program(patch.outputs, {.sample_rate = 44100});
  patch.params[0].param.set(441.0f);
  program.run(1000);
  const auto tone = program.channel(1);
  for (size_t t = 0; t < tone.size(); ++t) {
    const double want = std::sin(2 * std::numbers::pi * double(t) / 100.0);
    if (std::fabs(tone[t] - want) > 1e-3)
      return fail("frame " + std::to_string(t) + ": " + std::to_string(tone[t]) + ", want " +
                  std::to_string(want));
  }

  try {  // a patch error names its file, line and column
    dgen::lisp::load_patch("(out\n  (nope) 1)", "bad.lisp");
    return fail("a bad patch loaded");
  } catch (const dgen::lisp::PatchError& e) {
    if (std::string(e.what()).rfind("bad.lisp:2:4: unknown operator", 0) != 0) return fail(e.what());
  }
  std::printf("render_patch: %zu frames of %s match\n", tone.size(), argv[1]);
  return 0;
}
