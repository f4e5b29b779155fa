// The umbrella header: everything a user of dgen needs.
#pragma once
#include "dgen/error.hpp"
#include "dgen/grad.hpp"
#include "dgen/ops.hpp"
#include "dgen/ops_audio.hpp"
#include "dgen/optim.hpp"
#include "dgen/param.hpp"
#include "dgen/perceptual_losses.hpp"
#include "dgen/program.hpp"
#include "dgen/shape.hpp"
#include "dgen/value.hpp"
