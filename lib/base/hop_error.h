/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hop_error.h: status codes and the one error mechanism of libhopfield.
 *
 * Every failing library call returns a nonzero status (or NULL) and records a
 * message with the file and line that raised it; the library never prints and
 * never exits. Set one breakpoint in hop_error_raise() to catch every error.
 * The record is per thread (C11 _Thread_local). */
#ifndef HOP_ERROR_H
#define HOP_ERROR_H

enum {
  HOP_OK = 0,
  HOP_EINVAL = 1,   /* invalid argument (shape, range, NULL) */
  HOP_ENOMEM = 2,   /* allocation failed */
  HOP_EIO = 3,      /* cannot open, read, write or rename a file */
  HOP_EFORMAT = 4,  /* a file's content is malformed (magic, sizes, length) */
  HOP_EDOM = 5,     /* mathematically undefined input (NaN, all -inf) */
  HOP_ERANGE = 6,   /* a size or product overflows what can be represented */
  HOP_EMAXITER = 7, /* an iteration cap was reached before convergence */
  HOP_EBADLEN = 8,  /* a size does not fit the workspace or buffer the caller passed */
  HOP_ETOOBIG = 9   /* a request the machine cannot hold (memory, address space) */
};

/* Records the error (printf-style reason) and returns code. */
int hop_error_raise(int code, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Raise and return from the current function: HOP_ERROR(HOP_EINVAL, "n = %zu", n); */
#define HOP_ERROR(code, ...) return hop_error_raise((code), __FILE__, __LINE__, __VA_ARGS__)
/* Raise and return NULL (for *_alloc). */
#define HOP_ERROR_NULL(code, ...)                             \
  do {                                                        \
    hop_error_raise((code), __FILE__, __LINE__, __VA_ARGS__); \
    return NULL;                                              \
  } while (0)
/* Record without returning (for cleanup paths); evaluates to code. */
#define HOP_RAISE(code, ...) hop_error_raise((code), __FILE__, __LINE__, __VA_ARGS__)

const char *hop_error_message(void); /* last reason, "" if none */
const char *hop_error_file(void);    /* source file that raised it */
int hop_error_line(void);
int hop_error_code(void);
const char *hop_error_name(int code); /* short name of a status code */
void hop_error_clear(void);

#endif
