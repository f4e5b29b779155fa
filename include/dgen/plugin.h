/* dgen plugin ABI, version 1 (SPEC §8).
 *
 * `dgen compile PATCH -o DIR --name NAME` writes DIR/NAME.so exporting the functions
 * below, and DIR/NAME.json, a manifest naming the params (by index), inputs and outputs
 * (by position in the pointer arrays of dgen_process_v1), the sample rate the plugin
 * was compiled for and the state size. A plugin has no static mutable data: everything
 * an instance needs lives in the state block the host allocates, so any number of
 * instances can run at once, on any threads (one thread per instance at a time).
 *
 * Use, per instance:
 *   void *state = aligned_alloc(64, round_up(dgen_state_size_v1(), 64));
 *   dgen_state_init_v1(state);                  defaults, tensors, fresh state
 *   dgen_set_param_v1(state, index, value);     any time between process calls
 *   dgen_process_v1(inputs, outputs, frames, state, &ctx);   repeatedly
 *
 * See docs/PLUGIN.md for the full contract. */
#ifndef DGEN_PLUGIN_H
#define DGEN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DGEN_PLUGIN_ABI_VERSION 1

typedef struct {
  uint32_t abi_version; /* DGEN_PLUGIN_ABI_VERSION */
  uint32_t struct_size; /* sizeof(dgen_context_v1) */
  float sample_rate;    /* frames per second of the stream */
} dgen_context_v1;

/* 1 for this ABI. */
uint32_t dgen_abi_version(void);
/* Bytes of one instance's state. The block must be aligned to at least 16 bytes
 * (malloc's alignment); 64 is best. */
size_t dgen_state_size_v1(void);
/* Fills the state: default param values, tensors, fresh state (frame 0). */
void dgen_state_init_v1(void* state);
/* Sets the scalar param `index` (manifest order). Values are clamped to the param's
 * [min, max] where it has them; non-finite values and unknown indices are ignored. */
void dgen_set_param_v1(void* state, uint32_t index, float value);
/* Renders `frames` frames and continues from where the last call stopped.
 * inputs[k]: `frames` samples of the manifest's k-th input (inputs or inputs[k] may be
 * NULL: silence). outputs[k]: room for `frames` samples of the manifest's k-th output.
 * ctx may be NULL: the sample rate the plugin was compiled for is used. From the first
 * frame with a sample that is not finite or above the manifest's output_ceiling, every
 * output is silent until the state resets at the next 256-frame boundary. */
void dgen_process_v1(const float* const* inputs, float* const* outputs, uint32_t frames,
                     void* state, const dgen_context_v1* ctx);

/* Function pointer types, for hosts that dlsym the entry points. */
typedef uint32_t (*dgen_abi_version_fn)(void);
typedef size_t (*dgen_state_size_v1_fn)(void);
typedef void (*dgen_state_init_v1_fn)(void* state);
typedef void (*dgen_set_param_v1_fn)(void* state, uint32_t index, float value);
typedef void (*dgen_process_v1_fn)(const float* const* inputs, float* const* outputs,
                                   uint32_t frames, void* state, const dgen_context_v1* ctx);

#ifdef __cplusplus
}
#endif

#endif /* DGEN_PLUGIN_H */
