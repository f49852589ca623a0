/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the Moving MNIST generator and its downscaling, and of the raw video
 * frame loader (hop_data_frames_load): sizes, truncation, motion, determinism. */
#include "helpers.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hop_data.h"
#include "hop_error.h"
#include "hop_movmnist.h"
#include "hop_rng.h"

Test(movmnist, downscale_keeps_constants_and_mass) {
  unsigned char in[64 * 64], out[28 * 28];
  memset(in, 200, sizeof in);
  hop_movmnist_downscale(in, out);
  for (int k = 0; k < 784; k++) cr_assert_eq(out[k], 200);
  /* one white input pixel at (0,0): output (0,0) covers it whole, weight 49/256 of 255 */
  memset(in, 0, sizeof in);
  in[0] = 255;
  hop_movmnist_downscale(in, out);
  cr_assert_eq(out[0], (49 * 255 + 128) / 256);
  for (int k = 1; k < 784; k++) cr_assert_eq(out[k], 0);
  /* a left half white: columns 0..13 white, 14..27 black (64/2 = 32 = 14 * 16/7 exactly) */
  for (int i = 0; i < 64; i++)
    for (int j = 0; j < 64; j++) in[i * 64 + j] = j < 32 ? 255 : 0;
  hop_movmnist_downscale(in, out);
  for (int r = 0; r < 28; r++)
    for (int c = 0; c < 28; c++) cr_assert_eq(out[r * 28 + c], c < 14 ? 255 : 0, "(%d,%d)", r, c);
}

Test(movmnist, downscale_equals_the_area_average_on_random_images) {
  /* the definition, written out: output (r, c) averages the 16/7-pixel square it covers,
   * in 49ths of an input pixel, rounded half up; on random images of every gray level */
  unsigned char in[64 * 64], out[28 * 28];
  gsl_rng *r = hop_rng_alloc(11, 2);
  for (int t = 0; t < 20; t++) {
    for (int k = 0; k < 64 * 64; k++) in[k] = (unsigned char)gsl_rng_uniform_int(r, 256);
    hop_movmnist_downscale(in, out);
    for (int o = 0; o < 28 * 28; o++) {
      int rr = o / 28, cc = o % 28;
      long acc = 0;
      for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++) {
          int wr = (7 * i + 7 < 16 * rr + 16 ? 7 * i + 7 : 16 * rr + 16) -
                   (7 * i > 16 * rr ? 7 * i : 16 * rr),
              wc = (7 * j + 7 < 16 * cc + 16 ? 7 * j + 7 : 16 * cc + 16) -
                   (7 * j > 16 * cc ? 7 * j : 16 * cc);
          if (wr > 0 && wc > 0) acc += (long)wr * wc * in[i * 64 + j];
        }
      cr_assert_eq(out[o], (acc + 128) / 256, "image %d output (%d, %d)", t, rr, cc);
    }
  }
  gsl_rng_free(r);
}

Test(movmnist, clips_move_at_the_stated_speed_and_repeat_for_a_seed) {
  /* one digit image: a single bright pixel at (14, 14); its trace in the frames moves by
   * 3.6 pixels a frame (up to rounding and reflections) */
  unsigned char *dig = calloc(784, 1), *a = malloc(20 * 4096), *b = malloc(20 * 4096);
  dig[14 * 28 + 14] = 255;
  gsl_rng *r1 = hop_rng_alloc(5, 1), *r2 = hop_rng_alloc(5, 1);
  size_t w1[2], w2[2];
  cr_assert_eq(hop_movmnist_clip(dig, 1, 20, r1, a, w1), HOP_OK);
  cr_assert_eq(hop_movmnist_clip(dig, 1, 20, r2, b, w2), HOP_OK);
  cr_assert_eq(memcmp(a, b, 20 * 4096), 0, "same seed, different clip");
  for (int f = 0; f < 20; f++) {
    int lit = 0;
    for (int k = 0; k < 4096; k++) lit += a[f * 4096 + k] == 255;
    cr_assert(lit == 1 || lit == 2, "frame %d has %d lit pixels", f, lit);
  }
  int moved = 0;
  for (int f = 1; f < 20;
       f++) { /* each lit pixel of frame f is within 4.6 px of one of frame f-1 */
    for (int k = 0; k < 4096; k++) {
      if (a[f * 4096 + k] != 255) continue;
      double best = 1e9;
      for (int q = 0; q < 4096; q++)
        if (a[(f - 1) * 4096 + q] == 255) {
          double d = hypot(k / 64 - q / 64, k % 64 - q % 64);
          best = d < best ? d : best;
        }
      cr_assert(best <= 3.6 * 1.0 + 1.0 + 1e-9, "frame %d: a jump of %.2f pixels", f, best);
      moved += best > 0;
    }
  }
  cr_assert(moved > 10, "the digits hardly moved");
  cr_assert_eq(hop_movmnist_clip(dig, 0, 20, r1, a, NULL), HOP_EINVAL);
  free(dig), free(a), free(b);
  gsl_rng_free(r1), gsl_rng_free(r2);
}

Test(frames, load_whole_frames_and_refuse_truncated_files) {
  char dir[64], path[256];
  tmpdir_make(dir, sizeof dir);
  unsigned char buf[3 * 12];
  for (int k = 0; k < 36; k++) buf[k] = (unsigned char)k;
  file_write(dir, "ok.raw", buf, 36, path, sizeof path);
  hop_dataset d;
  cr_assert_eq(hop_data_frames_load(path, 4, 3, 0, &d), HOP_OK);
  cr_assert_eq(d.n, 3);
  cr_assert_eq(d.dim, 12);
  cr_assert_eq(d.x[35], 35);
  hop_data_free(&d);
  cr_assert_eq(hop_data_frames_load(path, 4, 3, 2, &d), HOP_OK);
  cr_assert_eq(d.n, 2);
  hop_data_free(&d);
  file_write(dir, "short.raw", buf, 35, path, sizeof path);
  cr_assert_eq(hop_data_frames_load(path, 4, 3, 0, &d), HOP_EFORMAT);
  cr_assert(strstr(hop_error_message(), "short.raw") != NULL);
  cr_assert_eq(hop_data_frames_load(path, 0, 3, 0, &d), HOP_EINVAL);
  file_write(dir, "empty.raw", buf, 0, path, sizeof path);
  cr_assert_eq(hop_data_frames_load(path, 4, 3, 0, &d), HOP_EFORMAT);
  snprintf(path, sizeof path, "%s/missing.raw", dir);
  cr_assert_eq(hop_data_frames_load(path, 4, 3, 0, &d), HOP_EIO);
}
