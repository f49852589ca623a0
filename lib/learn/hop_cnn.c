/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_cnn.c: see hop_cnn.h. One work computes one chunk of a batch on one thread
 * (im2col + single-threaded cblas_sgemm, plain loops); hop_cnn_par runs the chunks of a
 * batch on OpenMP threads and sums their gradients in chunk order, so results do not
 * depend on the thread count. */
#define _POSIX_C_SOURCE 200809L
#include "hop_cnn.h"
#include "hop_data.h"
#include "hop_error.h"

#include <cblas.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum {
  S0 = HOP_CNN_SIDE,          /* 28 */
  S1 = S0 - HOP_CNN_K + 1,    /* 24: conv1 output */
  Q1 = S1 / 2,                /* 12: after pool 1 */
  S2 = Q1 - HOP_CNN_K + 1,    /* 8: conv2 output */
  Q2 = S2 / 2,                /* 4: after pool 2 */
  KK = HOP_CNN_K * HOP_CNN_K, /* 25 */
  NO_MAX = 4                  /* pool index: ReLU blocked the window (no gradient) */
};

struct hop_cnn_work {
  hop_cnn_arch a;
  size_t max_batch, batch;
  float *col1;       /* (25, B*576) */
  float *a1;         /* (c1, B*576) conv1 before bias; reused for its gradient */
  float *p1;         /* (c1, B*144) */
  unsigned char *i1; /* (c1, B*144) argmax in the 2x2 window, or NO_MAX */
  float *col2;       /* (c1*25, B*64); reused for dcol2 */
  float *a2;         /* (c2, B*64); reused for its gradient */
  float *p2;         /* (c2, B*16) */
  unsigned char *i2;
  float *flat; /* (B, c2*16) */
  float *h3;   /* (B, feat) after ReLU */
  float *z;    /* (B, classes) logits, then probabilities */
  float *dz, *dh3, *dflat, *dp1;
};

static int arch_ok(const hop_cnn_arch *a) {
  const uint32_t v[4] = {a->c1, a->c2, a->feat, a->classes};
  for (int k = 0; k < 4; k++)
    if (v[k] == 0 || v[k] > HOP_CNN_MAX_WIDTH) return 0;
  return a->classes >= 2;
}

static int arch_eq(const hop_cnn_arch *a, const hop_cnn_arch *b) {
  return a->c1 == b->c1 && a->c2 == b->c2 && a->feat == b->feat && a->classes == b->classes;
}

void hop_cnn_layout(const hop_cnn_arch *a, size_t off[8], size_t len[8]) {
  size_t flat = (size_t)a->c2 * Q2 * Q2;
  len[0] = (size_t)a->c1 * KK, len[1] = a->c1;
  len[2] = (size_t)a->c2 * a->c1 * KK, len[3] = a->c2;
  len[4] = (size_t)a->feat * flat, len[5] = a->feat;
  len[6] = (size_t)a->classes * a->feat, len[7] = a->classes;
  off[0] = 0;
  for (int k = 1; k < 8; k++) off[k] = off[k - 1] + len[k - 1];
}

size_t hop_cnn_param_count(const hop_cnn_arch *a) {
  if (!a || !arch_ok(a)) {
    HOP_RAISE(HOP_EINVAL,
              "CNN architecture (c1 %u, c2 %u, feat %u, classes %u): each "
              "width must be 1..%d and classes >= 2",
              a ? a->c1 : 0, a ? a->c2 : 0, a ? a->feat : 0, a ? a->classes : 0, HOP_CNN_MAX_WIDTH);
    return 0;
  }
  size_t off[8], len[8];
  hop_cnn_layout(a, off, len);
  return off[7] + len[7];
}

hop_cnn *hop_cnn_alloc(const hop_cnn_arch *a) {
  size_t np = hop_cnn_param_count(a);
  if (!np) return NULL;
  hop_cnn *n = calloc(1, sizeof *n);
  if (!n || !(n->params = calloc(np, sizeof(float)))) {
    free(n);
    HOP_ERROR_NULL(HOP_ENOMEM, "CNN of %zu parameters", np);
  }
  n->a = *a;
  n->n_params = np;
  size_t off[8], len[8];
  hop_cnn_layout(a, off, len);
  float **v[8] = {&n->w1, &n->b1, &n->w2, &n->b2, &n->w3, &n->b3, &n->w4, &n->b4};
  for (int k = 0; k < 8; k++) *v[k] = n->params + off[k];
  return n;
}

void hop_cnn_free(hop_cnn *n) {
  if (!n) return;
  free(n->params);
  free(n);
}

void hop_cnn_init(hop_cnn *n, gsl_rng *r) {
  size_t off[8], len[8];
  hop_cnn_layout(&n->a, off, len);
  const size_t fan[4] = {KK, (size_t)n->a.c1 * KK, (size_t)n->a.c2 * Q2 * Q2, n->a.feat};
  for (int k = 0; k < 8; k++) {
    double bound = 1.0 / sqrt((double)fan[k / 2]);
    for (size_t i = 0; i < len[k]; i++)
      n->params[off[k] + i] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * bound);
  }
}

double hop_cnn_flops(const hop_cnn_arch *a) {
  double c1 = a->c1, c2 = a->c2, f = a->feat, c = a->classes, fl = c2 * Q2 * Q2;
  double conv1 = 2.0 * S1 * S1 * c1 * KK, conv2 = 2.0 * S2 * S2 * c2 * c1 * KK;
  double fc = 2.0 * (fl * f + f * c);
  /* backward: weight gradients of every layer, input gradients of all but conv1 */
  return (conv1 + conv2 + fc) + (conv1 + 2.0 * conv2 + 2.0 * fc);
}

void hop_cnn_work_free(hop_cnn_work *w) {
  if (!w) return;
  float *f[] = {w->col1, w->a1, w->p1, w->col2, w->a2,    w->p2, w->flat,
                w->h3,   w->z,  w->dz, w->dh3,  w->dflat, w->dp1};
  for (size_t k = 0; k < sizeof f / sizeof *f; k++) free(f[k]);
  free(w->i1);
  free(w->i2);
  free(w);
}

hop_cnn_work *hop_cnn_work_alloc(const hop_cnn_arch *a, size_t max_batch) {
  if (!hop_cnn_param_count(a)) return NULL;
  if (max_batch == 0 || max_batch > (1u << 20))
    HOP_ERROR_NULL(HOP_EINVAL, "CNN batch %zu outside 1..%u", max_batch, 1u << 20);
  hop_cnn_work *w = calloc(1, sizeof *w);
  if (!w) HOP_ERROR_NULL(HOP_ENOMEM, "CNN work");
  size_t B = max_batch, c1 = a->c1, c2 = a->c2;
  w->a = *a;
  w->max_batch = B;
  struct {
    float **p;
    size_t n;
  } f[] = {
      {&w->col1, KK * B * S1 * S1},      {&w->a1, c1 * B * S1 * S1}, {&w->p1, c1 * B * Q1 * Q1},
      {&w->col2, c1 * KK * B * S2 * S2}, {&w->a2, c2 * B * S2 * S2}, {&w->p2, c2 * B * Q2 * Q2},
      {&w->flat, B * c2 * Q2 * Q2},      {&w->h3, B * a->feat},      {&w->z, B * a->classes},
      {&w->dz, B * a->classes},          {&w->dh3, B * a->feat},     {&w->dflat, B * c2 * Q2 * Q2},
      {&w->dp1, c1 * B * Q1 * Q1}};
  int bad = 0;
  for (size_t k = 0; k < sizeof f / sizeof *f; k++)
    bad |= !(*f[k].p = malloc(f[k].n * sizeof(float)));
  bad |= !(w->i1 = malloc(c1 * B * Q1 * Q1)) || !(w->i2 = malloc(c2 * B * Q2 * Q2));
  if (bad) {
    hop_cnn_work_free(w);
    HOP_ERROR_NULL(HOP_ENOMEM, "CNN work for batch %zu", B);
  }
  return w;
}

/* ---- the element-wise passes -------------------------------------------------------- */

/* col (c_in*25, B*so*so) from x (c_in, B, si, si) with so = si - 4. */
static void im2col(const float *x, size_t c_in, size_t B, size_t si, float *col) {
  size_t so = si - HOP_CNN_K + 1, plane = si * si, oplane = so * so;
  long rows = (long)(c_in * KK);
  for (long r = 0; r < rows; r++) {
    size_t ci = (size_t)r / KK, ky = (size_t)r % KK / HOP_CNN_K, kx = (size_t)r % HOP_CNN_K;
    float *dst = col + (size_t)r * B * oplane;
    for (size_t b = 0; b < B; b++) {
      const float *src = x + (ci * B + b) * plane + ky * si + kx;
      for (size_t oy = 0; oy < so; oy++, dst += so, src += si) memcpy(dst, src, so * sizeof(float));
    }
  }
}

/* dx (c_in, B, si, si) = the sum of col's entries over the positions they were copied
 * from (the adjoint of im2col); each thread owns whole input channels. */
static void col2im(const float *col, size_t c_in, size_t B, size_t si, float *dx) {
  size_t so = si - HOP_CNN_K + 1, plane = si * si, oplane = so * so;
  for (long ci = 0; ci < (long)c_in; ci++) {
    memset(dx + (size_t)ci * B * plane, 0, B * plane * sizeof(float));
    for (size_t k = 0; k < KK; k++) {
      size_t ky = k / HOP_CNN_K, kx = k % HOP_CNN_K;
      const float *src = col + ((size_t)ci * KK + k) * B * oplane;
      for (size_t b = 0; b < B; b++) {
        float *d = dx + ((size_t)ci * B + b) * plane + ky * si + kx;
        for (size_t oy = 0; oy < so; oy++, d += si, src += so)
          for (size_t ox = 0; ox < so; ox++) d[ox] += src[ox];
      }
    }
  }
}

/* p (c, B, s/2, s/2) = ReLU(max over each 2x2 window of a (c, B, s, s) + bias[c]);
 * idx the window position of the maximum (first on ties), or NO_MAX where ReLU gave 0. */
static void bias_relu_pool(const float *a, const float *bias, size_t c, size_t B, size_t s,
                           float *p, unsigned char *idx) {
  size_t q = s / 2;
  for (long ch = 0; ch < (long)c; ch++) {
    const float bc = bias[ch];
    for (size_t b = 0; b < B; b++) {
      const float *ab = a + ((size_t)ch * B + b) * s * s;
      float *pb = p + ((size_t)ch * B + b) * q * q;
      unsigned char *ib = idx + ((size_t)ch * B + b) * q * q;
      for (size_t py = 0; py < q; py++) {
        const float *r0 = ab + 2 * py * s, *r1 = r0 + s;
        for (size_t px = 0; px < q; px++) {
          /* branch-free: the first maximum of (v0, v1, v2, v3) and its position */
          float v0 = r0[2 * px], v1 = r0[2 * px + 1], v2 = r1[2 * px], v3 = r1[2 * px + 1];
          unsigned m01 = v1 > v0, m23 = 2u + (v3 > v2);
          float x01 = m01 ? v1 : v0, x23 = m23 == 3u ? v3 : v2;
          unsigned m = x23 > x01 ? m23 : m01;
          float y = (x23 > x01 ? x23 : x01) + bc;
          pb[py * q + px] = y > 0.0f ? y : 0.0f;
          ib[py * q + px] = (unsigned char)(y > 0.0f ? m : NO_MAX);
        }
      }
    }
  }
}

/* The backward of bias_relu_pool: da (c, B, s, s) holds dp at each window's maximum
 * (where ReLU passed it) and 0 elsewhere; db[c] = the sum of what passed. */
static void unpool(const float *dp, const unsigned char *idx, size_t c, size_t B, size_t s,
                   float *da, float *db) {
  size_t q = s / 2;
  for (long ch = 0; ch < (long)c; ch++) {
    double sum = 0.0;
    for (size_t b = 0; b < B; b++) {
      float *ab = da + ((size_t)ch * B + b) * s * s;
      const float *pb = dp + ((size_t)ch * B + b) * q * q;
      const unsigned char *ib = idx + ((size_t)ch * B + b) * q * q;
      for (size_t py = 0; py < q; py++) {
        float *r0 = ab + 2 * py * s, *r1 = r0 + s;
        for (size_t px = 0; px < q; px++) {
          unsigned m = ib[py * q + px];
          float g = m == NO_MAX ? 0.0f : pb[py * q + px];
          r0[2 * px] = m == 0 ? g : 0.0f;
          r0[2 * px + 1] = m == 1 ? g : 0.0f;
          r1[2 * px] = m == 2 ? g : 0.0f;
          r1[2 * px + 1] = m == 3 ? g : 0.0f;
          sum += g;
        }
      }
    }
    db[ch] = (float)sum;
  }
}

static void sgemm(int ta, int tb, size_t m, size_t n, size_t k, const float *a, size_t lda,
                  const float *b, size_t ldb, float beta, float *c, size_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m,
              (int)n, (int)k, 1.0f, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

/* out (cols) = the sums of x (rows, cols) over its rows, accumulated in double: the
 * gradient of a bias added to every row. */
static void column_sums(const float *x, size_t rows, size_t cols, float *out) {
  for (size_t c = 0; c < cols; c++) {
    double s = 0.0;
    for (size_t r = 0; r < rows; r++) s += x[r * cols + c];
    out[c] = (float)s;
  }
}

/* ---- forward and backward ------------------------------------------------------------ */

int hop_cnn_forward(const hop_cnn *n, const float *x, size_t B, float *features, float *logits,
                    hop_cnn_work *w) {
  const hop_cnn_arch *a = &n->a;
  if (!arch_eq(a, &w->a)) HOP_ERROR(HOP_EBADLEN, "CNN work made for another architecture");
  if (B == 0 || B > w->max_batch)
    HOP_ERROR(HOP_EBADLEN, "CNN batch %zu outside 1..%zu", B, w->max_batch);
  size_t c1 = a->c1, c2 = a->c2, nf = a->feat, nc = a->classes, fl = c2 * Q2 * Q2;
  w->batch = B;
  /* conv 1: a single input channel, laid out (1, B, 28, 28) as the images already are */
  im2col(x, 1, B, S0, w->col1);
  sgemm(0, 0, c1, B * S1 * S1, KK, n->w1, KK, w->col1, B * S1 * S1, 0.0f, w->a1, B * S1 * S1);
  bias_relu_pool(w->a1, n->b1, c1, B, S1, w->p1, w->i1);
  /* conv 2 */
  im2col(w->p1, c1, B, Q1, w->col2);
  sgemm(0, 0, c2, B * S2 * S2, c1 * KK, n->w2, c1 * KK, w->col2, B * S2 * S2, 0.0f, w->a2,
        B * S2 * S2);
  bias_relu_pool(w->a2, n->b2, c2, B, S2, w->p2, w->i2);
  /* flatten (c2, B, 16) -> (B, c2*16) */
  for (size_t ch = 0; ch < c2; ch++)
    for (size_t b = 0; b < B; b++)
      memcpy(w->flat + b * fl + ch * Q2 * Q2, w->p2 + (ch * B + b) * Q2 * Q2,
             Q2 * Q2 * sizeof(float));
  /* features = ReLU(flat w3^T + b3) */
  for (size_t b = 0; b < B; b++) memcpy(w->h3 + b * nf, n->b3, nf * sizeof(float));
  sgemm(0, 1, B, nf, fl, w->flat, fl, n->w3, fl, 1.0f, w->h3, nf);
  for (size_t i = 0; i < B * nf; i++) w->h3[i] = w->h3[i] > 0.0f ? w->h3[i] : 0.0f;
  for (size_t b = 0; b < B; b++) memcpy(w->z + b * nc, n->b4, nc * sizeof(float));
  sgemm(0, 1, B, nc, nf, w->h3, nf, n->w4, nf, 1.0f, w->z, nc);
  if (features) memcpy(features, w->h3, B * nf * sizeof(float));
  if (logits) memcpy(logits, w->z, B * nc * sizeof(float));
  return HOP_OK;
}

double hop_cnn_backward(const hop_cnn *n, const unsigned char *y, size_t B, float *grad,
                        size_t *correct, hop_cnn_work *w) {
  const hop_cnn_arch *a = &n->a;
  if (!arch_eq(a, &w->a) || B != w->batch || B == 0) {
    HOP_RAISE(HOP_EBADLEN, "CNN backward of a batch of %zu after a forward pass of %zu", B,
              w->batch);
    return NAN;
  }
  size_t c1 = a->c1, c2 = a->c2, nf = a->feat, nc = a->classes, fl = c2 * Q2 * Q2;
  double loss = 0.0;
  size_t hits = 0;
  for (size_t b = 0; b < B; b++) {
    if (y[b] >= nc) {
      HOP_RAISE(HOP_EINVAL, "label %u of image %zu is not below %zu classes", y[b], b, nc);
      return NAN;
    }
    float *z = w->z + b * nc, *dz = w->dz + b * nc;
    size_t m = 0;
    for (size_t c = 1; c < nc; c++)
      if (z[c] > z[m]) m = c;
    hits += m == y[b];
    double s = 0.0;
    for (size_t c = 0; c < nc; c++) s += exp((double)z[c] - z[m]);
    double lse = z[m] + log(s);
    loss += lse - z[y[b]];
    for (size_t c = 0; c < nc; c++)
      dz[c] = (float)((exp((double)z[c] - lse) - (c == y[b])) / (double)B);
  }
  if (correct) *correct = hits;
  if (!grad) return loss / (double)B;
  size_t off[8], len[8];
  hop_cnn_layout(a, off, len);
  float *gw1 = grad + off[0], *gb1 = grad + off[1], *gw2 = grad + off[2], *gb2 = grad + off[3];
  float *gw3 = grad + off[4], *gb3 = grad + off[5], *gw4 = grad + off[6], *gb4 = grad + off[7];
  /* head: dW4 = dz^T h3, db4 = sum dz, dh3 = dz W4 masked by ReLU */
  sgemm(1, 0, nc, nf, B, w->dz, nc, w->h3, nf, 0.0f, gw4, nf);
  column_sums(w->dz, B, nc, gb4);
  sgemm(0, 0, B, nf, nc, w->dz, nc, n->w4, nf, 0.0f, w->dh3, nf);
  for (size_t i = 0; i < B * nf; i++)
    if (!(w->h3[i] > 0.0f)) w->dh3[i] = 0.0f;
  /* feature layer: dW3 = dh3^T flat, db3, dflat = dh3 W3 */
  sgemm(1, 0, nf, fl, B, w->dh3, nf, w->flat, fl, 0.0f, gw3, fl);
  column_sums(w->dh3, B, nf, gb3);
  sgemm(0, 0, B, fl, nf, w->dh3, nf, n->w3, fl, 0.0f, w->dflat, fl);
  /* unflatten into p2's layout (p2 is not needed any more), then through pool 2 */
  for (size_t ch = 0; ch < c2; ch++)
    for (size_t b = 0; b < B; b++)
      memcpy(w->p2 + (ch * B + b) * Q2 * Q2, w->dflat + b * fl + ch * Q2 * Q2,
             Q2 * Q2 * sizeof(float));
  unpool(w->p2, w->i2, c2, B, S2, w->a2, gb2);
  /* conv 2: dW2 = dA2 col2^T, then dcol2 = W2^T dA2 (over col2) folded into dp1 */
  sgemm(0, 1, c2, c1 * KK, B * S2 * S2, w->a2, B * S2 * S2, w->col2, B * S2 * S2, 0.0f, gw2,
        c1 * KK);
  sgemm(1, 0, c1 * KK, B * S2 * S2, c2, n->w2, c1 * KK, w->a2, B * S2 * S2, 0.0f, w->col2,
        B * S2 * S2);
  col2im(w->col2, c1, B, Q1, w->dp1);
  unpool(w->dp1, w->i1, c1, B, S1, w->a1, gb1);
  /* conv 1: dW1 = dA1 col1^T (the input needs no gradient) */
  sgemm(0, 1, c1, KK, B * S1 * S1, w->a1, B * S1 * S1, w->col1, B * S1 * S1, 0.0f, gw1, KK);
  w->batch = 0; /* the activations were overwritten: a second backward needs a new forward */
  return loss / (double)B;
}

/* ---- batches on several threads ------------------------------------------------------ */

struct hop_cnn_par {
  size_t chunks, chunk; /* chunk count and largest chunk size */
  hop_cnn_work **w;     /* one per chunk */
  float **g;            /* one gradient block per chunk */
  double *loss;
  size_t *hits;
  int *status;
};

void hop_cnn_par_free(hop_cnn_par *p) {
  if (!p) return;
  for (size_t k = 0; k < p->chunks; k++) {
    if (p->w) hop_cnn_work_free(p->w[k]);
    if (p->g) free(p->g[k]);
  }
  free(p->w), free(p->g), free(p->loss), free(p->hits), free(p->status);
  free(p);
}

hop_cnn_par *hop_cnn_par_alloc(const hop_cnn_arch *a, size_t max_batch, size_t chunks) {
  size_t np = hop_cnn_param_count(a);
  if (!np) return NULL;
  if (chunks == 0 || chunks > 256 || max_batch < chunks)
    HOP_ERROR_NULL(HOP_EINVAL,
                   "%zu chunks for batches of %zu: need 1..256 chunks, at most one per image",
                   chunks, max_batch);
  hop_cnn_par *p = calloc(1, sizeof *p);
  if (!p) HOP_ERROR_NULL(HOP_ENOMEM, "CNN chunks");
  p->chunks = chunks;
  p->chunk = (max_batch + chunks - 1) / chunks;
  int bad = !(p->w = calloc(chunks, sizeof *p->w)) || !(p->g = calloc(chunks, sizeof *p->g)) ||
            !(p->loss = calloc(chunks, sizeof *p->loss)) ||
            !(p->hits = calloc(chunks, sizeof *p->hits)) ||
            !(p->status = calloc(chunks, sizeof *p->status));
  for (size_t k = 0; k < chunks && !bad; k++)
    bad = !(p->w[k] = hop_cnn_work_alloc(a, p->chunk)) || !(p->g[k] = malloc(np * sizeof(float)));
  if (bad) {
    hop_cnn_par_free(p);
    HOP_ERROR_NULL(HOP_ENOMEM, "CNN chunks of %zu images", max_batch);
  }
  return p;
}

double hop_cnn_par_grad(const hop_cnn *n, const float *x, const unsigned char *y, size_t B,
                        float *grad, size_t *correct, hop_cnn_par *p) {
  if (B == 0 || B > p->chunks * p->chunk) {
    HOP_RAISE(HOP_EBADLEN, "CNN batch %zu outside 1..%zu", B, p->chunks * p->chunk);
    return NAN;
  }
  size_t cs = (B + p->chunks - 1) / p->chunks, used = (B + cs - 1) / cs, np = n->n_params;
  int blas = openblas_get_num_threads();
  openblas_set_num_threads(1);
#pragma omp parallel for schedule(static, 1)
  for (long k = 0; k < (long)used; k++) {
    size_t lo = (size_t)k * cs, m = B - lo < cs ? B - lo : cs;
    p->status[k] = hop_cnn_forward(n, x + lo * HOP_CNN_SIDE * HOP_CNN_SIDE, m, NULL, NULL, p->w[k]);
    if (!p->status[k]) {
      p->loss[k] = hop_cnn_backward(n, y + lo, m, grad ? p->g[k] : NULL, &p->hits[k], p->w[k]);
      if (isnan(p->loss[k])) p->status[k] = hop_error_code() ? hop_error_code() : HOP_EDOM;
    }
  }
  openblas_set_num_threads(blas);
  double loss = 0.0;
  size_t hits = 0;
  for (size_t k = 0; k < used; k++) {
    if (p->status[k]) {
      HOP_RAISE(p->status[k], "CNN chunk %zu of a batch of %zu failed", k, B);
      return NAN;
    }
    size_t m = B - k * cs < cs ? B - k * cs : cs;
    loss += p->loss[k] * (double)m / (double)B;
    hits += p->hits[k];
  }
  if (grad) {
    float w0 = (float)((double)(B < cs ? B : cs) / (double)B);
    for (size_t i = 0; i < np; i++) grad[i] = w0 * p->g[0][i];
    for (size_t k = 1; k < used; k++) {
      float wk = (float)((double)(B - k * cs < cs ? B - k * cs : cs) / (double)B);
      const float *gk = p->g[k];
      for (size_t i = 0; i < np; i++) grad[i] += wk * gk[i];
    }
  }
  if (correct) *correct = hits;
  return loss;
}

int hop_cnn_par_forward(const hop_cnn *n, const float *x, size_t count, float *features,
                        float *logits, hop_cnn_par *p) {
  size_t nf = n->a.feat, nc = n->a.classes, px = HOP_CNN_SIDE * HOP_CNN_SIDE,
         round = p->chunks * p->chunk;
  int blas = openblas_get_num_threads(), st = HOP_OK;
  openblas_set_num_threads(1);
  for (size_t s = 0; s < count && !st; s += round) {
    size_t left = count - s < round ? count - s : round, used = (left + p->chunk - 1) / p->chunk;
#pragma omp parallel for schedule(static, 1)
    for (long k = 0; k < (long)used; k++) {
      size_t lo = s + (size_t)k * p->chunk, m = count - lo < p->chunk ? count - lo : p->chunk;
      p->status[k] = hop_cnn_forward(n, x + lo * px, m, features ? features + lo * nf : NULL,
                                     logits ? logits + lo * nc : NULL, p->w[k]);
    }
    for (size_t k = 0; k < used && !st; k++) st = p->status[k];
  }
  openblas_set_num_threads(blas);
  if (st) HOP_ERROR(st, "CNN forward pass of %zu images failed", count);
  return HOP_OK;
}

/* ---- weights file -------------------------------------------------------------------- */

static const unsigned char MAGIC[8] = {'H', 'O', 'P', 'C', 'N', 'N', '\r', '\n'};
enum { HEAD = 8 + 4 * 5 + 8 + 8 }; /* magic, format, 4 widths, recipe, n_params */

static void put32(unsigned char *p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (8 * k));
}
static void put64(unsigned char *p, uint64_t v) {
  for (int k = 0; k < 8; k++) p[k] = (unsigned char)(v >> (8 * k));
}
static uint32_t get32(const unsigned char *p) {
  uint32_t v = 0;
  for (int k = 3; k >= 0; k--) v = v << 8 | p[k];
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; k--) v = v << 8 | p[k];
  return v;
}

/* zlib's crc32 takes uInt lengths: feed it in pieces. */
static uint32_t crc_of(const unsigned char *p, size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  while (n) {
    uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
    c = crc32(c, p, k);
    p += k, n -= k;
  }
  return (uint32_t)c;
}

size_t hop_cnn_encoded_size(const hop_cnn *n) { return HEAD + 4 * n->n_params + 4; }

int hop_cnn_encode(const hop_cnn *n, uint64_t recipe, unsigned char *buf, size_t cap) {
  size_t need = hop_cnn_encoded_size(n);
  if (cap < need) HOP_ERROR(HOP_EBADLEN, "weights buffer of %zu bytes for %zu", cap, need);
  memcpy(buf, MAGIC, 8);
  put32(buf + 8, HOP_CNN_FORMAT);
  put32(buf + 12, n->a.c1), put32(buf + 16, n->a.c2), put32(buf + 20, n->a.feat),
      put32(buf + 24, n->a.classes);
  put64(buf + 28, recipe);
  put64(buf + 36, n->n_params);
  for (size_t i = 0; i < n->n_params; i++) {
    uint32_t u;
    memcpy(&u, &n->params[i], 4);
    put32(buf + HEAD + 4 * i, u);
  }
  put32(buf + need - 4, crc_of(buf, need - 4));
  return HOP_OK;
}

/* The header's checks (magic, format, architecture, parameter count): the file's whole
 * length into *need and its architecture into *a, or HOP_EFORMAT naming the problem. */
static int header_check(const unsigned char *buf, size_t len, const char *name, hop_cnn_arch *a,
                        size_t *need) {
  if (len < HEAD + 4)
    HOP_ERROR(HOP_EFORMAT, "%s: %zu bytes, shorter than a weights header (%d)", name, len,
              HEAD + 4);
  if (memcmp(buf, MAGIC, 8)) HOP_ERROR(HOP_EFORMAT, "%s: not a CNN weights file (bad magic)", name);
  uint32_t fmt = get32(buf + 8);
  if (fmt != HOP_CNN_FORMAT)
    HOP_ERROR(HOP_EFORMAT, "%s: weights format version %u, this program reads %u", name, fmt,
              HOP_CNN_FORMAT);
  *a = (hop_cnn_arch){get32(buf + 12), get32(buf + 16), get32(buf + 20), get32(buf + 24)};
  if (!arch_ok(a))
    HOP_ERROR(HOP_EFORMAT, "%s: architecture (c1 %u, c2 %u, feat %u, classes %u) out of range",
              name, a->c1, a->c2, a->feat, a->classes);
  size_t np = hop_cnn_param_count(a);
  uint64_t stored = get64(buf + 36);
  if (stored != np)
    HOP_ERROR(HOP_EFORMAT, "%s: header says %llu parameters, its architecture has %zu", name,
              (unsigned long long)stored, np);
  *need = HEAD + 4 * np + 4;
  return HOP_OK;
}

hop_cnn *hop_cnn_decode(const unsigned char *buf, size_t len, const hop_cnn_arch *expect,
                        uint64_t *recipe, const char *name) {
  if (!name) name = "weights";
  hop_cnn_arch a;
  size_t need;
  if (header_check(buf, len, name, &a, &need)) return NULL;
  size_t np = hop_cnn_param_count(&a);
  if (len != need)
    HOP_ERROR_NULL(HOP_EFORMAT, "%s: %zu bytes, the header implies %zu (%s)", name, len, need,
                   len < need ? "truncated" : "trailing bytes");
  uint32_t crc = get32(buf + need - 4), got = crc_of(buf, need - 4);
  if (crc != got)
    HOP_ERROR_NULL(HOP_EFORMAT, "%s: CRC-32 %08x, stored %08x: the file is damaged", name, got,
                   crc);
  if (expect && !arch_eq(expect, &a))
    HOP_ERROR_NULL(
        HOP_EINVAL,
        "%s: a network (c1 %u, c2 %u, feat %u, classes %u), expected (c1 %u, c2 %u, feat %u, "
        "classes %u)",
        name, a.c1, a.c2, a.feat, a.classes, expect->c1, expect->c2, expect->feat, expect->classes);
  hop_cnn *n = hop_cnn_alloc(&a);
  if (!n) return NULL;
  for (size_t i = 0; i < np; i++) {
    uint32_t u = get32(buf + HEAD + 4 * i);
    memcpy(&n->params[i], &u, 4);
    if (!isfinite(n->params[i])) {
      hop_cnn_free(n);
      HOP_ERROR_NULL(HOP_EFORMAT, "%s: parameter %zu is not finite", name, i);
    }
  }
  if (recipe) *recipe = get64(buf + 28);
  return n;
}

hop_cnn *hop_cnn_load(const char *path, const hop_cnn_arch *expect, uint64_t *recipe) {
  struct stat st;
  int fd = hop_data_open_file(path, &st); /* a regular file only: a FIFO never blocks */
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    close(fd);
    HOP_ERROR_NULL(HOP_EIO, "%s: cannot open: %s", path, strerror(errno));
  }
  /* the header first: it says how long the file must be, and nothing more is read */
  unsigned char head[HEAD + 4], *buf = NULL;
  size_t got = fread(head, 1, sizeof head, f), need = 0;
  hop_cnn_arch a;
  int st_ = ferror(f) ? HOP_RAISE(HOP_EIO, "%s: read error: %s", path, strerror(errno))
                      : header_check(head, got, path, &a, &need);
  if (!st_ && (uintmax_t)st.st_size != (uintmax_t)need)
    st_ = HOP_RAISE(HOP_EFORMAT, "%s: %jd bytes, the header implies %zu (%s)", path,
                    (intmax_t)st.st_size, need,
                    (size_t)st.st_size < need ? "truncated" : "trailing bytes");
  if (!st_) st_ = hop_data_fits((double)need, 0.8, path);
  if (!st_ && !(buf = malloc(need)))
    st_ = HOP_RAISE(HOP_ENOMEM, "%s: %zu bytes of weights", path, need);
  if (!st_) {
    memcpy(buf, head, got);
    got += fread(buf + got, 1, need - got, f);
    if (ferror(f))
      st_ = HOP_RAISE(HOP_EIO, "%s: read error: %s", path, strerror(errno));
    else if (got != need || fgetc(f) != EOF)
      st_ = HOP_RAISE(HOP_EFORMAT, "%s: changed while being read (%zu of %zu bytes)", path, got,
                      need);
  }
  fclose(f);
  hop_cnn *n = st_ ? NULL : hop_cnn_decode(buf, need, expect, recipe, path);
  free(buf);
  return n;
}
