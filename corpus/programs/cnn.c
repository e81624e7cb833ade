/* A small convolutional network's forward pass (inference), for the trace corpus:
 * LeNet-like, on 32x32 RGB images: conv 3x3 (3->16) + ReLU + 2x2 max-pool, conv 3x3
 * (16->32) + ReLU + 2x2 max-pool, a dense layer 2048->128 + ReLU and 128->10, softmax.
 * Weights and images come from a seeded generator (the memory traffic of inference does
 * not depend on the values). Usage: cnn IMAGES */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <math.h>

static uint64_t state = 0x2545f4914f6cdd1dull;
static float next_weight(float scale) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return scale * ((float)(state >> 40) / (float)(1 << 24) - 0.5f);
}

static float *tensor(size_t n, float scale) {
  float *t = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) t[i] = next_weight(scale);
  return t;
}

/* in: c x h x w, weights: k x c x 3 x 3, out: k x h x w (same padding), then ReLU */
static void conv3x3(const float *in, int c, int h, int w, const float *wt, const float *bias, int k, float *out) {
  for (int o = 0; o < k; o++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        float s = bias[o];
        for (int i = 0; i < c; i++)
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
              int yy = y + dy, xx = x + dx;
              if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                s += in[(i * h + yy) * w + xx] * wt[((o * c + i) * 3 + dy + 1) * 3 + dx + 1];
            }
        out[(o * h + y) * w + x] = s > 0 ? s : 0;
      }
}

static void maxpool2(const float *in, int c, int h, int w, float *out) {
  for (int i = 0; i < c; i++)
    for (int y = 0; y < h / 2; y++)
      for (int x = 0; x < w / 2; x++) {
        const float *p = in + (i * h + 2 * y) * w + 2 * x;
        float m = p[0];
        if (p[1] > m) m = p[1];
        if (p[w] > m) m = p[w];
        if (p[w + 1] > m) m = p[w + 1];
        out[(i * (h / 2) + y) * (w / 2) + x] = m;
      }
}

static void dense(const float *in, int n, const float *wt, const float *bias, int m, float *out, int relu) {
  for (int j = 0; j < m; j++) {
    float s = bias[j];
    for (int i = 0; i < n; i++) s += wt[j * n + i] * in[i];
    out[j] = relu && s < 0 ? 0 : s;
  }
}

int main(int argc, char **argv) {
  int images = argc > 1 ? atoi(argv[1]) : 4;
  float *w1 = tensor(16 * 3 * 9, 0.5f), *b1 = tensor(16, 0.1f);
  float *w2 = tensor(32 * 16 * 9, 0.2f), *b2 = tensor(32, 0.1f);
  float *w3 = tensor(128 * 2048, 0.05f), *b3 = tensor(128, 0.1f);
  float *w4 = tensor(10 * 128, 0.2f), *b4 = tensor(10, 0.1f);
  float *a1 = malloc(16 * 32 * 32 * sizeof(float)), *p1 = malloc(16 * 16 * 16 * sizeof(float));
  float *a2 = malloc(32 * 16 * 16 * sizeof(float)), *p2 = malloc(32 * 8 * 8 * sizeof(float));
  float h3[128], logits[10];
  for (int n = 0; n < images; n++) {
    float *image = tensor(3 * 32 * 32, 2.0f);
    conv3x3(image, 3, 32, 32, w1, b1, 16, a1);
    maxpool2(a1, 16, 32, 32, p1);
    conv3x3(p1, 16, 16, 16, w2, b2, 32, a2);
    maxpool2(a2, 32, 16, 16, p2);
    dense(p2, 2048, w3, b3, 128, h3, 1);
    dense(h3, 128, w4, b4, 10, logits, 0);
    int best = 0;
    double z = 0;
    for (int j = 0; j < 10; j++) {
      if (logits[j] > logits[best]) best = j;
      z += exp(logits[j] - logits[0]);
    }
    printf("image %d: class %d, p=%.4f\n", n, best, exp(logits[best] - logits[0]) / z);
    free(image);
  }
  return 0;
}
