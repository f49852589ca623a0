/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_seq.c: sequence memories with bit-packed exact overlaps (see hop_seq.h). */
#include "hop_seq.h"
#include "hop_error.h"
#include "hop_math.h"

#include <immintrin.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define TWO53            9007199254740992.0
#define TWO62            4611686018427387904.0
#define QB               16         /* queries per block of the overlap pass */
#define GQ               128        /* queries per dgemm of the dgemm engine */
#define GEMM_MAX_ENTRIES (1u << 25) /* p * n up to which the dgemm engine keeps Y and Z */

struct hop_seq {
  size_t n, p, p_max, words, pstride;
  hop_dam_f f;
  hop_seq_tap taps[HOP_SEQ_MAX_TAPS];
  size_t ntaps;
  double wabs; /* sum |w| */
  int int_taps, is_exp, prune, self;
  hop_seq_pass pass; /* the overlap pass (AUTO: hop_seq_pass_best) */
  signed char *xi;   /* (p_max, n) */
  uint64_t *bitsT;   /* (words, pstride) bit set for +1; padding bits and columns 0 */
  double *ea, *eb;   /* exp: A and B at M = max M - 2j, j = 0..n */
  int64_t *ia, *ib;  /* x^d, rect x^d: A(M), B(M) at index M + n, M = -n..n */
  double *Y, *Z;     /* dgemm engine (p, n): sum w xi^{k+o}, sum w xi^{k+o} xi^k; lazily */
  struct work *w;    /* scratch of hop_seq_step / hop_seq_field */
  uint64_t certified, full;
};

typedef struct work {
  int16_t *m;              /* (QB, pstride) overlaps of a block of queries */
  uint64_t *q;             /* (QB, words) query bits */
  size_t *act;             /* (p_max) exp: patterns kept by the pruning */
  double *ca, *cb;         /* (p_max) their coefficients */
  int64_t *acc;            /* (ntaps, n) */
  double *hd;              /* (n) */
  signed char *st, *out;   /* (n) */
  double *a, *b, *h1, *h2; /* dgemm engine: (qg, p) coefficients, (qg, n) products */
  size_t qg;
  uint64_t certified, full;
} work;

/* ---- kernels -------------------------------------------------------------------- */
size_t hop_seq_kernel_delta(hop_seq_tap *taps) {
  taps[0] = (hop_seq_tap){1, 1.0};
  return 1;
}

size_t hop_seq_kernel_gauss(double sigma, int h, hop_seq_tap *taps) {
  if (!(sigma > 0) || !isfinite(sigma) || h < 0 || 2 * (long)h + 1 > HOP_SEQ_MAX_TAPS) {
    HOP_RAISE(HOP_EINVAL, "Gaussian kernel: sigma = %g, half-width %d (need sigma > 0, 2h+1 <= %d)",
              sigma, h, HOP_SEQ_MAX_TAPS);
    return 0;
  }
  size_t k = 0;
  for (int o = 1 - h; o <= 1 + h; o++)
    taps[k++] = (hop_seq_tap){o, exp(-(o - 1.0) * (o - 1.0) / (2 * sigma * sigma))};
  return k;
}

size_t hop_seq_kernel_causal(double tau, int h, hop_seq_tap *taps) {
  if (!(tau > 0) || !isfinite(tau) || h < 0 || (long)h + 1 > HOP_SEQ_MAX_TAPS) {
    HOP_RAISE(HOP_EINVAL, "causal kernel: tau = %g, length %d (need tau > 0, h+1 <= %d)", tau, h,
              HOP_SEQ_MAX_TAPS);
    return 0;
  }
  size_t k = 0;
  for (int o = 1; o >= 1 - h; o--) taps[k++] = (hop_seq_tap){o, exp(-(1.0 - o) / tau)};
  return k;
}

/* ---- allocation ----------------------------------------------------------------- */
static void work_free(work *w) {
  if (!w) return;
  free(w->m), free(w->q), free(w->act), free(w->ca), free(w->cb), free(w->acc), free(w->hd),
      free(w->st), free(w->out);
  free(w->a), free(w->b), free(w->h1), free(w->h2);
  free(w);
}

static work *work_alloc(const hop_seq *s, size_t qg) {
  work *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->m = malloc(QB * s->pstride * sizeof *w->m);
  w->q = malloc(QB * s->words * sizeof *w->q);
  w->act = malloc(s->p_max * sizeof *w->act);
  w->ca = malloc(s->p_max * sizeof *w->ca);
  w->cb = malloc(s->p_max * sizeof *w->cb);
  w->acc = malloc(s->ntaps * s->n * sizeof *w->acc);
  w->hd = malloc(s->n * sizeof *w->hd);
  w->st = malloc(s->n);
  w->out = malloc(s->n);
  int ok = w->m && w->q && w->act && w->ca && w->cb && w->acc && w->hd && w->st && w->out;
  if (ok && qg) {
    w->qg = qg;
    w->a = malloc(qg * s->p * sizeof *w->a);
    w->b = malloc(qg * s->p * sizeof *w->b);
    w->h1 = malloc(qg * s->n * sizeof *w->h1);
    w->h2 = malloc(qg * s->n * sizeof *w->h2);
    ok = w->a && w->b && w->h1 && w->h2;
  }
  if (!ok) {
    work_free(w);
    return NULL;
  }
  return w;
}

/* A and B of every overlap: f(M - x) = A(M) - x B(M), x = xi_i^k S_i (self term
 * excluded), or f(M) = A(M) (self term included: B = 0). */
static void tables(hop_seq *s) {
  size_t n = s->n;
  if (s->is_exp)
    for (size_t j = 0; j <= n; j++) {
      double lo = hop_dam_F(s->f, -2.0 * (double)j - 1), hi = hop_dam_F(s->f, -2.0 * (double)j + 1);
      if (s->self) lo = hi = hop_dam_F(s->f, -2.0 * (double)j);
      s->ea[j] = 0.5 * (lo + hi), s->eb[j] = 0.5 * (hi - lo);
    }
  else
    for (long m = -(long)n; m <= (long)n; m++) { /* exact: |F| < 2^53 checked in hop_seq_alloc */
      int64_t lo = llround(hop_dam_F(s->f, (double)(m - 1))),
              hi = llround(hop_dam_F(s->f, (double)(m + 1)));
      if (s->self) lo = hi = llround(hop_dam_F(s->f, (double)m));
      s->ia[m + (long)n] = (lo + hi) / 2, s->ib[m + (long)n] = (hi - lo) / 2;
    }
}

hop_seq *hop_seq_alloc(size_t n, size_t p_max, hop_dam_f f, const hop_seq_tap *taps, size_t ntaps) {
  if (hop_dam_f_check(f)) return NULL;
  if (n < 2 || n > 32767)
    HOP_ERROR_NULL(HOP_ERANGE, "%zu neurons: a sequence network needs 2..32767", n);
  if (p_max == 0 || p_max > ((size_t)1 << 26))
    HOP_ERROR_NULL(HOP_ERANGE, "%zu patterns: need 1..2^26", p_max);
  if (!taps || ntaps == 0 || ntaps > HOP_SEQ_MAX_TAPS)
    HOP_ERROR_NULL(HOP_EINVAL, "a kernel needs 1..%d taps, got %zu", HOP_SEQ_MAX_TAPS, ntaps);
  double wabs = 0.0;
  int int_taps = 1;
  for (size_t t = 0; t < ntaps; t++) {
    if (!isfinite(taps[t].weight))
      HOP_ERROR_NULL(HOP_EDOM, "kernel tap %zu has weight %g", t, taps[t].weight);
    wabs += fabs(taps[t].weight);
    int_taps &= taps[t].weight == nearbyint(taps[t].weight);
  }
  if (!(wabs > 0)) HOP_ERROR_NULL(HOP_EINVAL, "every kernel weight is 0");
  if (f.kind != HOP_DAM_EXP) {
    double top = pow((double)n + 1, f.n), bound = (double)p_max * top * wabs;
    if (top >= TWO53 || bound >= TWO62)
      HOP_ERROR_NULL(HOP_ERANGE,
                     "P (N+1)^d sum|w| = %.3g for P = %zu, N = %zu, d = %d: exact integer fields "
                     "impossible (limit 2^62)",
                     bound, p_max, n, f.n);
  }
  hop_seq *s = calloc(1, sizeof *s);
  if (!s) HOP_ERROR_NULL(HOP_ENOMEM, "out of memory");
  s->n = n, s->p_max = p_max, s->f = f, s->words = (n + 63) / 64, s->pstride = (p_max + 7) / 8 * 8;
  memcpy(s->taps, taps, ntaps * sizeof *taps);
  s->ntaps = ntaps, s->wabs = wabs, s->int_taps = int_taps, s->is_exp = f.kind == HOP_DAM_EXP,
  s->prune = -1;
  s->xi = malloc(p_max * n);
  s->bitsT = calloc(s->words * s->pstride, sizeof *s->bitsT);
  int ok = s->xi && s->bitsT;
  if (ok && s->is_exp) {
    s->ea = malloc((n + 1) * sizeof *s->ea);
    s->eb = malloc((n + 1) * sizeof *s->eb);
    ok = s->ea && s->eb;
  } else if (ok) {
    s->ia = malloc((2 * n + 1) * sizeof *s->ia);
    s->ib = malloc((2 * n + 1) * sizeof *s->ib);
    ok = s->ia && s->ib;
  }
  if (ok) tables(s);
  if (ok) ok = (s->w = work_alloc(s, 0)) != NULL;
  if (!ok) {
    hop_seq_free(s);
    HOP_ERROR_NULL(HOP_ENOMEM, "cannot allocate a sequence network of %zu neurons and %zu patterns",
                   n, p_max);
  }
  return s;
}

void hop_seq_free(hop_seq *s) {
  if (!s) return;
  free(s->xi), free(s->bitsT), free(s->ea), free(s->eb), free(s->ia), free(s->ib), free(s->Y),
      free(s->Z);
  work_free(s->w);
  free(s);
}

int hop_seq_store(hop_seq *s, const signed char *xi, size_t p) {
  if (p == 0 || p > s->p_max)
    HOP_ERROR(HOP_EBADLEN, "%zu patterns do not fit a network made for 1..%zu", p, s->p_max);
  int r = hop_math_check_pm1(xi, p * s->n, "pattern");
  if (r) return r;
  s->p = p;
  memcpy(s->xi, xi, p * s->n);
  memset(s->bitsT, 0, s->words * s->pstride * sizeof *s->bitsT);
  for (size_t k = 0; k < p; k++)
    for (size_t i = 0; i < s->n; i++)
      if (xi[k * s->n + i] > 0) s->bitsT[(i / 64) * s->pstride + k] |= (uint64_t)1 << (i % 64);
  free(s->Y), free(s->Z);
  s->Y = s->Z = NULL;
  return HOP_OK;
}

size_t hop_seq_patterns(const hop_seq *s) { return s->p; }
size_t hop_seq_neurons(const hop_seq *s) { return s->n; }
const signed char *hop_seq_pattern(const hop_seq *s, size_t k) {
  return k < s->p ? s->xi + k * s->n : NULL;
}

int hop_seq_set_self(hop_seq *s, int include) {
  if (include != 0 && include != 1)
    HOP_ERROR(HOP_EINVAL, "self term: %d (0 excluded, 1 included)", include);
  s->self = include;
  tables(s);
  return HOP_OK;
}

int hop_seq_set_prune(hop_seq *s, int t) {
  if (t < -1) HOP_ERROR(HOP_EINVAL, "pruning threshold %d (use -1 for automatic, 0 for off)", t);
  s->prune = t;
  return HOP_OK;
}

void hop_seq_stats(const hop_seq *s, uint64_t *certified, uint64_t *full) {
  if (certified) *certified = s->certified;
  if (full) *full = s->full;
}
void hop_seq_stats_reset(hop_seq *s) { s->certified = s->full = 0; }

/* ---- the overlap pass ----------------------------------------------------------- */
static int have_pass(hop_seq_pass p) {
  switch (p) {
    case HOP_SEQ_PASS_AVX512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
    case HOP_SEQ_PASS_AVX2: return __builtin_cpu_supports("avx2");
    default: return 1;
  }
}

hop_seq_pass hop_seq_pass_best(void) {
  return have_pass(HOP_SEQ_PASS_AVX512) ? HOP_SEQ_PASS_AVX512
         : have_pass(HOP_SEQ_PASS_AVX2) ? HOP_SEQ_PASS_AVX2
                                        : HOP_SEQ_PASS_PLAIN;
}

int hop_seq_set_pass(hop_seq *s, hop_seq_pass p) {
  if (p < HOP_SEQ_PASS_AUTO || p > HOP_SEQ_PASS_AVX512 || !have_pass(p))
    HOP_ERROR(HOP_EINVAL, "overlap pass %d: not available on this CPU", (int)p);
  s->pass = p;
  return HOP_OK;
}

/* m[q][k] = n - 2 popcount(query q ^ pattern k) for k in [k0, k1), multiples of 8. */
__attribute__((target("avx512f,avx512vpopcntdq"))) static void pass_avx512(const hop_seq *s,
                                                                           const uint64_t *q,
                                                                           size_t nq, size_t k0,
                                                                           size_t k1, int16_t *m) {
  const __m512i nn = _mm512_set1_epi64((long long)s->n);
  for (size_t a = 0; a < nq; a++) {
    const uint64_t *qa = q + a * s->words;
    int16_t *ma = m + a * s->pstride;
    for (size_t k = k0; k < k1; k += 8) {
      __m512i acc = _mm512_setzero_si512();
      for (size_t w = 0; w < s->words; w++) {
        __m512i x = _mm512_loadu_si512((const void *)(s->bitsT + w * s->pstride + k));
        acc = _mm512_add_epi64(
            acc, _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_set1_epi64((long long)qa[w]))));
      }
      acc = _mm512_sub_epi64(nn, _mm512_add_epi64(acc, acc));
      _mm_storeu_si128((__m128i *)(void *)(ma + k), _mm512_cvtepi64_epi16(acc));
    }
  }
}

/* The same on AVX2: popcount of 4 words at once by nibble lookup (vpshufb), byte counts
 * summed over up to 31 words (at most 248 a byte), then per word lane by vpsadbw. */
__attribute__((target("avx2"))) static void pass_avx2(const hop_seq *s, const uint64_t *q,
                                                      size_t nq, size_t k0, size_t k1, int16_t *m) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                       1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
  for (size_t a = 0; a < nq; a++) {
    const uint64_t *qa = q + a * s->words;
    int16_t *ma = m + a * s->pstride;
    for (size_t k = k0; k < k1; k += 4) {
      __m256i acc = zero;
      for (size_t w0 = 0; w0 < s->words; w0 += 31) {
        size_t w1 = w0 + 31 < s->words ? w0 + 31 : s->words;
        __m256i bytes = zero;
        for (size_t w = w0; w < w1; w++) {
          __m256i x = _mm256_xor_si256(
              _mm256_loadu_si256((const __m256i *)(const void *)(s->bitsT + w * s->pstride + k)),
              _mm256_set1_epi64x((long long)qa[w]));
          __m256i c = _mm256_add_epi8(
              _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low)),
              _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low)));
          bytes = _mm256_add_epi8(bytes, c);
        }
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(bytes, zero));
      }
      long long pc[4];
      _mm256_storeu_si256((__m256i *)(void *)pc, acc);
      for (int i = 0; i < 4; i++) ma[k + (size_t)i] = (int16_t)((long long)s->n - 2 * pc[i]);
    }
  }
}

/* The portable pass (libgcc's popcount unless the compiler is told of POPCNT). */
static void pass_plain(const hop_seq *s, const uint64_t *q, size_t nq, size_t k0, size_t k1,
                       int16_t *m) {
  for (size_t a = 0; a < nq; a++)
    for (size_t k = k0; k < k1; k++) {
      long pc = 0;
      for (size_t w = 0; w < s->words; w++)
        pc += __builtin_popcountll(s->bitsT[w * s->pstride + k] ^ q[a * s->words + w]);
      m[a * s->pstride + k] = (int16_t)((long)s->n - 2 * pc);
    }
}

/* Overlaps of nq <= QB queries (bits) with every stored pattern, blocked so that a block
 * of patterns stays in L1 while every query passes over it. */
static void pass(const hop_seq *s, const uint64_t *q, size_t nq, int16_t *m) {
  size_t used = (s->p + 7) / 8 * 8, block = 4096 / s->words / 8 * 8;
  if (block < 8) block = 8;
  hop_seq_pass how = s->pass == HOP_SEQ_PASS_AUTO ? hop_seq_pass_best() : s->pass;
  for (size_t k0 = 0; k0 < used; k0 += block) {
    size_t k1 = k0 + block < used ? k0 + block : used;
    if (how == HOP_SEQ_PASS_AVX512)
      pass_avx512(s, q, nq, k0, k1, m);
    else if (how == HOP_SEQ_PASS_AVX2)
      pass_avx2(s, q, nq, k0, k1, m);
    else
      pass_plain(s, q, nq, k0, k1, m);
  }
}

static void pack(const hop_seq *s, const signed char *st, uint64_t *q) {
  memset(q, 0, s->words * sizeof *q);
  for (size_t i = 0; i < s->n; i++)
    if (st[i] > 0) q[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline size_t wrap(const hop_seq *s, size_t k, int o) {
  long r = ((long)k + o) % (long)s->p;
  return (size_t)(r < 0 ? r + (long)s->p : r);
}

/* ---- fields --------------------------------------------------------------------- */
/* x^d, rect x^d: exact int64 sums; out = sign (0 on a tie), h (optional) as double. */
static void field_int(const hop_seq *s, work *w, const signed char *st, const int16_t *m,
                      signed char *out, double *h) {
  size_t n = s->n;
  int64_t *acc = w->acc;
  memset(acc, 0, s->ntaps * n * sizeof *acc);
  for (size_t k = 0; k < s->p; k++) {
    int64_t a = s->ia[m[k] + (long)n], b = s->ib[m[k] + (long)n];
    const signed char *x0 = s->xi + k * n;
    for (size_t t = 0; t < s->ntaps; t++) {
      const signed char *x1 = s->xi + wrap(s, k, s->taps[t].offset) * n;
      int64_t *ac = acc + t * n;
      for (size_t i = 0; i < n; i++) ac[i] += x1[i] * (a - b * (x0[i] * st[i]));
    }
  }
  for (size_t i = 0; i < n; i++) {
    double v;
    if (s->int_taps) {
      int64_t sum = 0;
      for (size_t t = 0; t < s->ntaps; t++) sum += (int64_t)s->taps[t].weight * acc[t * n + i];
      v = (double)sum;
      out[i] = (signed char)((sum > 0) - (sum < 0));
    } else {
      v = 0.0;
      for (size_t t = 0; t < s->ntaps; t++) v += s->taps[t].weight * (double)acc[t * n + i];
      out[i] = (signed char)((v > 0) - (v < 0));
    }
    if (h) h[i] = v;
  }
}

/* exp: neuron i's field over every pattern, in pattern order. */
static double exp_full(const hop_seq *s, const signed char *st, const int16_t *m, int mmax,
                       size_t i) {
  size_t n = s->n;
  double v = 0.0;
  for (size_t k = 0; k < s->p; k++) {
    size_t j = (size_t)((mmax - m[k]) / 2);
    double c = s->ea[j] - s->eb[j] * (s->xi[k * n + i] * st[i]);
    for (size_t t = 0; t < s->ntaps; t++)
      v += s->taps[t].weight * s->xi[wrap(s, k, s->taps[t].offset) * n + i] * c;
  }
  return v;
}

/* Largest of m[0..p-1], and the indices k with m[k] >= thr into act (returns how many).
 * AVX-512BW where the CPU has it: 32 overlaps per compare, the rare hits by their mask. */
__attribute__((target("avx512f,avx512bw"))) static int scan_max_avx512(const int16_t *m, size_t p) {
  __m512i top = _mm512_set1_epi16(INT16_MIN);
  size_t k = 0;
  for (; k + 32 <= p; k += 32)
    top = _mm512_max_epi16(top, _mm512_loadu_si512((const void *)(m + k)));
  int16_t lanes[32];
  _mm512_storeu_si512((void *)lanes, top);
  int best = INT16_MIN;
  for (int j = 0; j < 32; j++) best = lanes[j] > best ? lanes[j] : best;
  for (; k < p; k++) best = m[k] > best ? m[k] : best;
  return best;
}

__attribute__((target("avx512f,avx512bw"))) static size_t scan_hits_avx512(const int16_t *m,
                                                                           size_t p, int thr,
                                                                           size_t *act) {
  __m512i t = _mm512_set1_epi16((short)(thr < INT16_MIN ? INT16_MIN : thr));
  size_t na = 0, k = 0;
  for (; k + 32 <= p; k += 32) {
    uint32_t mask = _mm512_cmpge_epi16_mask(_mm512_loadu_si512((const void *)(m + k)), t);
    while (mask) {
      act[na++] = k + (size_t)__builtin_ctz(mask);
      mask &= mask - 1;
    }
  }
  for (; k < p; k++)
    if (m[k] >= thr) act[na++] = k;
  return na;
}

static int have_bw(void) {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}

static int scan_max(const int16_t *m, size_t p) {
  if (have_bw()) return scan_max_avx512(m, p);
  int best = INT16_MIN;
  for (size_t k = 0; k < p; k++) best = m[k] > best ? m[k] : best;
  return best;
}

static size_t scan_hits(const int16_t *m, size_t p, int thr, size_t *act) {
  if (have_bw()) return scan_hits_avx512(m, p, thr, act);
  size_t na = 0;
  for (size_t k = 0; k < p; k++)
    if (m[k] >= thr) act[na++] = k;
  return na;
}

/* exp: pruned and certified (prune != 0), or the full sum for every neuron. The pruned
 * patterns have M_k <= max M - T' (T' the smallest even number above T), so each of their
 * terms is at most sum|w| e^{1 - T'}: that times their count bounds their sum. */
static void field_exp(const hop_seq *s, work *w, const signed char *st, const int16_t *m,
                      signed char *out, double *h, int prune) {
  size_t n = s->n;
  int mmax = scan_max(m, s->p);
  long T = 4L * 32768; /* no pruning */
  if (prune > 0)
    T = prune;
  else if (prune < 0)
    T = (long)ceil(log((double)s->p * s->wabs) + 31.0);
  size_t na = s->p;
  double bound = 0.0, sact = 0.0;
  if (T < 2L * (long)n) {
    na = scan_hits(m, s->p, (int)(mmax - T), w->act);
    long tp = (T / 2 + 1) * 2; /* smallest even gap above T */
    bound = (double)(s->p - na) * exp(1.0 - (double)tp);
  } else
    for (size_t k = 0; k < s->p; k++) w->act[k] = k;
  for (size_t a = 0; a < na; a++) {
    size_t j = (size_t)((mmax - m[w->act[a]]) / 2);
    w->ca[a] = s->ea[j], w->cb[a] = s->eb[j];
    sact += s->ea[j] + s->eb[j];
  }
  bound *= s->wabs, sact *= s->wabs;
  double *hd = w->hd;
  memset(hd, 0, n * sizeof *hd);
  for (size_t a = 0; a < na; a++) {
    size_t k = w->act[a];
    const signed char *x0 = s->xi + k * n;
    double ca = w->ca[a], cb = w->cb[a];
    for (size_t t = 0; t < s->ntaps; t++) {
      const signed char *x1 = s->xi + wrap(s, k, s->taps[t].offset) * n;
      double wt = s->taps[t].weight;
      for (size_t i = 0; i < n; i++) hd[i] += wt * x1[i] * (ca - cb * (x0[i] * st[i]));
    }
  }
  double margin = 2.0 * bound + 1e-12 * (sact + bound);
  for (size_t i = 0; i < n; i++) {
    double v = hd[i];
    if (bound > 0 && !(fabs(v) > margin)) {
      v = exp_full(s, st, m, mmax, i);
      w->full++;
    } else
      w->certified++;
    out[i] = (signed char)((v > 0) - (v < 0));
    if (h) h[i] = v;
  }
}

static void field(const hop_seq *s, work *w, const signed char *st, const int16_t *m,
                  signed char *out, double *h, int prune) {
  if (s->is_exp)
    field_exp(s, w, st, m, out, h, prune);
  else
    field_int(s, w, st, m, out, h);
}

/* ---- one state ------------------------------------------------------------------ */
static int ready(const hop_seq *s) {
  if (s->p == 0) HOP_ERROR(HOP_EINVAL, "no sequence stored");
  return HOP_OK;
}

int hop_seq_overlaps(hop_seq *s, const signed char *state, int32_t *m) {
  int r = ready(s);
  if (!r) r = hop_math_check_pm1(state, s->n, "state");
  if (r) return r;
  pack(s, state, s->w->q);
  pass(s, s->w->q, 1, s->w->m);
  for (size_t k = 0; k < s->p; k++) m[k] = s->w->m[k];
  return HOP_OK;
}

static int one(hop_seq *s, const signed char *state, signed char *out, double *h, int prune) {
  int r = ready(s);
  if (!r) r = hop_math_check_pm1(state, s->n, "state");
  if (r) return r;
  work *w = s->w;
  memcpy(w->st, state, s->n);
  pack(s, w->st, w->q);
  pass(s, w->q, 1, w->m);
  w->certified = w->full = 0;
  field(s, w, w->st, w->m, out ? out : w->out, h, prune);
  s->certified += w->certified, s->full += w->full;
  return HOP_OK;
}

int hop_seq_step(hop_seq *s, const signed char *state, signed char *out) {
  return one(s, state, out, NULL, s->prune);
}
int hop_seq_field(hop_seq *s, const signed char *state, double *h) {
  return one(s, state, NULL, h, 0);
}

/* ---- transitions ---------------------------------------------------------------- */
static uint32_t count_wrong(const signed char *out, const signed char *target, size_t n) {
  uint32_t e = 0;
  for (size_t i = 0; i < n; i++) e += out[i] != target[i];
  return e;
}

/* The dgemm engine: x^d / rect x^d with integer taps, p n small enough to keep Y and Z
 * as doubles, every sum an integer below 2^53, hence exact in any summation order. */
static int use_gemm(const hop_seq *s) {
  if (s->is_exp || !s->int_taps || s->p * s->n > GEMM_MAX_ENTRIES || s->p < 64) return 0;
  return (double)s->p * pow((double)s->n + 1, s->f.n) * s->wabs < TWO53;
}

static int gemm_prepare(hop_seq *s) {
  if (s->Y) return HOP_OK;
  size_t n = s->n, p = s->p;
  s->Y = calloc(p * n, sizeof *s->Y);
  s->Z = calloc(p * n, sizeof *s->Z);
  if (!s->Y || !s->Z) {
    free(s->Y), free(s->Z);
    s->Y = s->Z = NULL;
    HOP_ERROR(HOP_ENOMEM, "cannot allocate the %zu x %zu product matrices", p, n);
  }
  for (size_t k = 0; k < p; k++)
    for (size_t t = 0; t < s->ntaps; t++) {
      const signed char *x0 = s->xi + k * n, *x1 = s->xi + wrap(s, k, s->taps[t].offset) * n;
      for (size_t i = 0; i < n; i++) {
        s->Y[k * n + i] += s->taps[t].weight * x1[i];
        s->Z[k * n + i] += s->taps[t].weight * x1[i] * x0[i];
      }
    }
  return HOP_OK;
}

static void load_queries(const hop_seq *s, work *w, size_t t0, size_t nq) {
  for (size_t a = 0; a < nq; a++) {
    size_t t = (t0 + a) % s->p;
    for (size_t wd = 0; wd < s->words; wd++)
      w->q[a * s->words + wd] = s->bitsT[wd * s->pstride + t];
  }
  pass(s, w->q, nq, w->m);
}

/* Queries t0..t0+nq-1 (stored patterns), nq <= QB: overlaps, fields, errors. */
static void block(const hop_seq *s, work *w, size_t t0, size_t nq, uint32_t *wrong) {
  size_t n = s->n, p = s->p;
  load_queries(s, w, t0, nq);
  for (size_t a = 0; a < nq; a++) {
    size_t t = (t0 + a) % p;
    field(s, w, s->xi + t * n, w->m + a * s->pstride, w->out, NULL, s->prune);
    wrong[a] = count_wrong(w->out, s->xi + ((t + 1) % p) * n, n);
  }
}

/* The same for nq <= GQ queries by two dgemm (BLAS threads inside). */
static void block_gemm(const hop_seq *s, work *w, size_t t0, size_t nq, uint32_t *wrong) {
  size_t n = s->n, p = s->p;
  for (size_t a0 = 0; a0 < nq; a0 += QB) {
    size_t sub = nq - a0 < QB ? nq - a0 : QB;
    load_queries(s, w, t0 + a0, sub);
    for (size_t a = 0; a < sub; a++)
      for (size_t k = 0; k < p; k++) {
        int mk = w->m[a * s->pstride + k];
        w->a[(a0 + a) * p + k] = (double)s->ia[mk + (long)n];
        w->b[(a0 + a) * p + k] = (double)s->ib[mk + (long)n];
      }
  }
  hop_math_gemm(nq, n, p, 1.0, w->a, s->Y, 0, 0.0, w->h1);
  hop_math_gemm(nq, n, p, 1.0, w->b, s->Z, 0, 0.0, w->h2);
  for (size_t a = 0; a < nq; a++) {
    size_t t = (t0 + a) % p;
    const signed char *st = s->xi + t * n, *target = s->xi + ((t + 1) % p) * n;
    uint32_t e = 0;
    for (size_t i = 0; i < n; i++) {
      double v = w->h1[a * n + i] - st[i] * w->h2[a * n + i];
      e += ((v > 0) - (v < 0)) != target[i];
    }
    wrong[a] = e;
  }
}

int hop_seq_transitions(hop_seq *s, size_t first, size_t count, int stop_at_error, uint32_t *wrong,
                        size_t *checked) {
  int r = ready(s);
  if (r) return r;
  if (!wrong || !checked) HOP_ERROR(HOP_EINVAL, "NULL output");
  *checked = 0;
  if (count == 0) return HOP_OK;
  int gemm = use_gemm(s);
  work *gw = NULL;
  if (gemm) {
    if ((r = gemm_prepare(s))) return r;
    if (!(gw = work_alloc(s, GQ)))
      HOP_ERROR(HOP_ENOMEM, "cannot allocate the scratch of the dgemm engine");
  }
  size_t chunk = stop_at_error ? QB : count, done = 0;
  int failed = 0;
  uint64_t cert = 0, full = 0;
  while (done < count && !failed) {
    size_t len = count - done < chunk ? count - done : chunk;
    if (gemm) { /* serial over blocks; the BLAS threads share each product */
      for (size_t j0 = 0; j0 < len; j0 += GQ)
        block_gemm(s, gw, first + done + j0, len - j0 < GQ ? len - j0 : GQ, wrong + done + j0);
    } else {
      size_t blocks = (len + QB - 1) / QB;
      int nomem = 0;
#pragma omp parallel reduction(+ : cert, full) reduction(| : nomem)
      {
        work *w = work_alloc(s, 0);
        if (!w) nomem = 1;
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < blocks; b++) {
          if (!w) continue;
          size_t j0 = b * QB, nq = len - j0 < QB ? len - j0 : QB;
          block(s, w, first + done + j0, nq, wrong + done + j0);
        }
        if (w) cert += w->certified, full += w->full;
        work_free(w);
      }
      if (nomem) {
        work_free(gw);
        HOP_ERROR(HOP_ENOMEM, "cannot allocate the per-thread scratch of the transition pass");
      }
    }
    if (stop_at_error)
      for (size_t j = 0; j < len; j++)
        if (wrong[done + j]) {
          len = j + 1, failed = 1;
          break;
        }
    done += len;
    if (stop_at_error && chunk < 64 * QB * 16) chunk *= 2;
  }
  work_free(gw);
  s->certified += cert, s->full += full;
  *checked = done;
  return HOP_OK;
}
