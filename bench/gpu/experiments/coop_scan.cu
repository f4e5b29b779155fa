// An experiment, not part of dgen (docs/PERFORMANCE.md, "CUDA: a one-pass scan in a CTA,
// measured as a hand-written kernel"; run.sh beside it): the 16384-lane time-varying biquad's
// forward as a one-pass cooperative scan. A CTA of W warps x 32 lanes walks groups of W chunks of
// CH frames: each warp computes its chunk's coefficients once (kept in registers) and the chunk's
// affine map, warp 0 carries the state over the group's maps through shared memory, then each warp
// runs its chunk from its true start from the registers.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#ifndef CH
#define CH 16
#endif
#ifndef W
#define W 8
#endif
constexpr int L = 16384;
constexpr int N = 65536;
constexpr double SR = 48000.0;

struct Coef {
  float ff, a2, a1;
};  // y = ff - a2 * y2 - a1 * y1

__device__ __forceinline__ Coef coef(float cutoff, float q2, float sweep, float x0, float x1,
                                     float x2, float sr) {
  float f = cutoff * sweep;
  f = f > 0.0001f * sr ? f : 0.0001f * sr;
  f = f < 0.49f * sr ? f : 0.49f * sr;
  const float w = 6.2831853071795862f * f / sr;
  const float c = cosf(w), s = sinf(w);
  const float alpha = s / q2;
  const float inv = 1.0f / (1.0f + alpha);
  const float b0 = (1.0f - c) / 2.0f * inv, b1 = (1.0f - c) * inv;
  Coef k;
  k.ff = b0 * x0 + b1 * x1 + b0 * x2;
  k.a2 = (1.0f - alpha) * inv;
  k.a1 = (-2.0f * c) * inv;
  return k;
}

__global__ void __launch_bounds__(32 * W)
    coop(const float* __restrict__ x, const float* __restrict__ sweep,
         const float* __restrict__ cutoff, const float* __restrict__ q, float* __restrict__ out) {
  __shared__ float map[W][6][32];
  __shared__ double start[W][2][32];
  const int j = threadIdx.x, w = threadIdx.y, l = blockIdx.x * 32 + j;
  const float cut = cutoff[l], q2 = 2.0f * fminf(fmaxf(q[l], 0.01f), 1000.0f);
  const float sr = (float)SR;
  double s1 = 0, s2 = 0;  // warp 0's carried state: y[n-1], y[n-2]
  for (int g0 = 0; g0 < N; g0 += W * CH) {
    const int f0 = g0 + w * CH;
    float P0[CH], P1[CH], P2[CH];
#pragma unroll
    for (int k = 0; k < CH; ++k) {
      const int i = f0 + k;
      const Coef c =
          coef(cut, q2, sweep[i], x[i], i >= 1 ? x[i - 1] : 0.f, i >= 2 ? x[i - 2] : 0.f, sr);
      P0[k] = c.ff;
      P1[k] = c.a2;
      P2[k] = c.a1;
    }
    // the chunk's map from (y1, y2): runs from 0, (1,0), (0,1)
    float z1 = 0, z2 = 0, u1 = 1, u2 = 0, v1 = 0, v2 = 1;
#pragma unroll
    for (int k = 0; k < CH; ++k) {
      const float zy = P0[k] - P1[k] * z2 - P2[k] * z1;
      z2 = z1;
      z1 = zy;
      const float uy = P0[k] - P1[k] * u2 - P2[k] * u1;
      u2 = u1;
      u1 = uy;
      const float vy = P0[k] - P1[k] * v2 - P2[k] * v1;
      v2 = v1;
      v1 = vy;
    }
    map[w][0][j] = z1;
    map[w][1][j] = u1 - z1;
    map[w][2][j] = v1 - z1;
    map[w][3][j] = z2;
    map[w][4][j] = u2 - z2;
    map[w][5][j] = v2 - z2;
    __syncthreads();
    if (w == 0) {
#pragma unroll
      for (int m = 0; m < W; ++m) {
        start[m][0][j] = s1;
        start[m][1][j] = s2;
        const double n1 = (float)(map[m][0][j] + map[m][1][j] * s1 + map[m][2][j] * s2);
        const double n2 = (float)(map[m][3][j] + map[m][4][j] * s1 + map[m][5][j] * s2);
        s1 = n1;
        s2 = n2;
      }
    }
    __syncthreads();
    float y1 = (float)start[w][0][j], y2 = (float)start[w][1][j];
#pragma unroll
    for (int k = 0; k < CH; ++k) {
      const float y = P0[k] - P1[k] * y2 - P2[k] * y1;
      y2 = y1;
      y1 = y;
      out[(size_t)(f0 + k) * L + l] = y;
    }
  }
}

int main() {
  std::vector<float> x(N), sw(N), cut(L), qq(L);
  unsigned s = 7;
  for (int i = 0; i < N; ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = (s >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  double ph = 0;
  for (int i = 0; i < N; ++i) {
    sw[i] = 1.0f + 0.5f * sinf(6.2831853071795862f * (float)ph);
    ph += 3.0 / SR;
    ph -= floor(ph);
  }
  for (int l = 0; l < L; ++l) {
    cut[l] = 500.0f + 3500.0f * l / L;
    qq[l] = 0.707f + 1.293f * l / L;
  }
  float *dx, *dsw, *dc, *dq, *dy;
  cudaMalloc(&dx, N * 4);
  cudaMalloc(&dsw, N * 4);
  cudaMalloc(&dc, L * 4);
  cudaMalloc(&dq, L * 4);
  cudaMalloc(&dy, (size_t)N * L * 4);
  cudaMemcpy(dx, x.data(), N * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(dsw, sw.data(), N * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(dc, cut.data(), L * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(dq, qq.data(), L * 4, cudaMemcpyHostToDevice);
  dim3 block(32, W);
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  for (int r = 0; r < 2; ++r) coop<<<L / 32, block>>>(dx, dsw, dc, dq, dy);
  cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) {
    printf("error %s\n", cudaGetErrorString(e));
    return 1;
  }
  std::vector<float> ms;
  for (int r = 0; r < 5; ++r) {
    cudaEventRecord(a);
    coop<<<L / 32, block>>>(dx, dsw, dc, dq, dy);
    cudaEventRecord(b);
    cudaEventSynchronize(b);
    float t;
    cudaEventElapsedTime(&t, a, b);
    ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  // check lanes against a double-precision serial recurrence of the same float coefficients
  std::vector<float> col(N);
  double worst = 0;
  for (int l : {0, 8191, 16383}) {
    cudaMemcpy2D(col.data(), 4, dy + l, (size_t)L * 4, 4, N, cudaMemcpyDeviceToHost);
    double y1 = 0, y2 = 0, err = 0, peak = 0;
    const float q2 = 2.0f * fminf(fmaxf(qq[l], 0.01f), 1000.0f);
    for (int i = 0; i < N; ++i) {
      float f = cut[l] * sw[i];
      f = fmaxf(f, 0.0001f * (float)SR);
      f = fminf(f, 0.49f * (float)SR);
      const float w = 6.2831853071795862f * f / (float)SR, c = cosf(w), sn = sinf(w);
      const float al = sn / q2, inv = 1.0f / (1.0f + al), b0 = (1.0f - c) / 2.0f * inv,
                  b1 = (1.0f - c) * inv;
      const double ff = (double)b0 * x[i] + (double)b1 * (i >= 1 ? x[i - 1] : 0) +
                        (double)b0 * (i >= 2 ? x[i - 2] : 0);
      const double y = ff - (double)((1.0f - al) * inv) * y2 - (double)((-2.0f * c) * inv) * y1;
      y2 = y1;
      y1 = y;
      err = fmax(err, fabs(y - col[i]));
      peak = fmax(peak, fabs(y));
    }
    worst = fmax(worst, err / peak);
  }
  printf("coop CH=%d W=%d: median %.3f ms (min %.3f), worst lane error / peak %.2e\n", CH, W, ms[2],
         ms[0], worst);
  return 0;
}
