// The backend registry (src/runtime/backends.hpp): names, what `auto` picks, and the one
// line a backend that cannot run here gives (docs/CLI.md, "Backends").
#include <gtest/gtest.h>

#include "core/env_var.hpp"
#include "dgen/dgen.hpp"
#include "runtime/backends.hpp"

namespace dgen {
namespace {

// The message of the dgen::Error `f` throws ("" when it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Backends, EveryBackendIsNamedAsTheCommandLineSpellsIt) {
  EXPECT_EQ(backend_choices(), (std::vector<std::string>{"auto", "c", "cuda", "interp"}));
  for (const BackendDef& d : all_backends()) {
    EXPECT_EQ(backend_named(d.name), d.id);
    EXPECT_EQ(backend_name(d.id), d.name);
  }
  EXPECT_EQ(backend_named("auto"), Backend::Auto);
  EXPECT_FALSE(backend_named("metal"));
}

TEST(Backends, CapabilitiesSayWhatEachDoes) {
  EXPECT_TRUE(backend_def(Backend::C).runs);
  EXPECT_TRUE(backend_def(Backend::C).plugin_source);
  EXPECT_TRUE(backend_def(Backend::C).render);
  EXPECT_TRUE(backend_def(Backend::Interp).runs);
  EXPECT_FALSE(backend_def(Backend::Interp).render);
  EXPECT_FALSE(backend_def(Backend::Cuda).runs);
  EXPECT_TRUE(backend_status(Backend::Interp).available);
}

// Where CUDA is missing the error is why; where it is present, that it runs nothing yet.
// Either way one line, from Program, GradProgram and resolve_backend alike.
TEST(Backends, CudaIsAOneLineErrorSayingWhy) {
  const BackendStatus cuda = backend_status(Backend::Cuda);
  const std::string expected =
      cuda.available
          ? "the cuda backend does not run programs yet (render, grad and train run on c or "
            "interp)"
          : "the cuda backend is not available: " + cuda.reason;
  EXPECT_EQ(cuda.available, cuda.reason.empty());
  const RenderOptions o{.backend = Backend::Cuda};
  const Param p("p", 0.5f);
  for (const std::string& message : {error_of([] { resolve_backend(Backend::Cuda); }),
                                     error_of([&] { Program({phasor(100.0)}, o); }), error_of([&] {
                                       GradProgram(mse(Value(p) * phasor(100.0), 0.0), o);
                                     })}) {
    EXPECT_EQ(message, expected);
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

TEST(Backends, AutoPicksCWhenACompilerIsFoundAndNeverCuda) {
  EXPECT_EQ(resolve_backend(Backend::Auto), Backend::C);
  const std::vector<Backend> runnable = runnable_backends();
  EXPECT_EQ(runnable, (std::vector<Backend>{Backend::C, Backend::Interp}));
}

TEST(Backends, WithoutACompilerAutoWarnsWhyAndUsesTheInterpreter) {
  test::ScopedEnv cc("DGEN_CC", "/nonexistent/cc");
  const BackendStatus c = backend_status(Backend::C);
  EXPECT_FALSE(c.available);
  EXPECT_NE(c.reason.find("/nonexistent/cc"), std::string::npos) << c.reason;
  testing::internal::CaptureStderr();
  EXPECT_EQ(resolve_backend(Backend::Auto), Backend::Interp);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "dgen: warning: " + c.reason + "; using the interpreter (slow)\n");
  EXPECT_EQ(runnable_backends(), std::vector<Backend>{Backend::Interp});
  EXPECT_EQ(error_of([] { resolve_backend(Backend::C); }),
            "the c backend is not available: " + c.reason);
}

}  // namespace
}  // namespace dgen
