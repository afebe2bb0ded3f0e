/* The C tests' check: counts passes and failures, reports each failure with its line. */
#ifndef CAUSEWAY_TESTS_CHECK_H
#define CAUSEWAY_TESTS_CHECK_H

#include <stdio.h>

static unsigned passed, failed;

#define CHECK(cond)                                                             \
  do {                                                                          \
    if (cond) {                                                                 \
      passed++;                                                                 \
    } else {                                                                    \
      failed++;                                                                 \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                           \
  } while (0)

#endif
