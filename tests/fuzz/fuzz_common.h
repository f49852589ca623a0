/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_common.h: the loaders read files, so each libFuzzer harness writes its input to
 * one temporary file per process (under $TMPDIR or /tmp) and loads that. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fuzz_file(const uint8_t *data, size_t size) {
  static char path[512];
  if (!path[0]) {
    const char *t = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/hopfuzz-%ld", t && *t ? t : "/tmp", (long)getpid());
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) abort();
  for (size_t done = 0; done < size;) {
    ssize_t w = write(fd, data + done, size - done);
    if (w <= 0) abort();
    done += (size_t)w;
  }
  close(fd);
  return path;
}

#endif
