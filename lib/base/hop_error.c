/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_error.c: the per-thread error record behind HOP_ERROR. */
#include "hop_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local struct {
  int code;          /* last status raised, HOP_OK if none */
  int line;          /* line that raised it */
  const char *file;  /* source file that raised it */
  char message[512]; /* formatted reason */
} last = {HOP_OK, 0, "", ""};

int hop_error_raise(int code, const char *file, int line, const char *fmt, ...) {
  va_list ap;
  char m[sizeof last.message]; /* the reason may quote hop_error_message() itself */
  va_start(ap, fmt);
  vsnprintf(m, sizeof m, fmt, ap);
  va_end(ap);
  last.code = code;
  last.file = file;
  last.line = line;
  memcpy(last.message, m, sizeof m);
  return code;
}

const char *hop_error_message(void) { return last.message; }
const char *hop_error_file(void) { return last.file; }
int hop_error_line(void) { return last.line; }
int hop_error_code(void) { return last.code; }

void hop_error_clear(void) {
  last.code = HOP_OK;
  last.file = "";
  last.line = 0;
  last.message[0] = '\0';
}

const char *hop_error_name(int code) {
  switch (code) {
    case HOP_OK: return "success";
    case HOP_EINVAL: return "invalid argument";
    case HOP_ENOMEM: return "out of memory";
    case HOP_EIO: return "input/output error";
    case HOP_EFORMAT: return "malformed file";
    case HOP_EDOM: return "input outside the domain";
    case HOP_ERANGE: return "size out of range";
    case HOP_EMAXITER: return "iteration cap reached";
    case HOP_EBADLEN: return "size does not fit the workspace";
    case HOP_ETOOBIG: return "more than the machine can hold";
    default: return "unknown error";
  }
}
