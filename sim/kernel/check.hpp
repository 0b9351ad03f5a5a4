#pragma once
// Invariant checks: programmer mistakes and broken model invariants. Compiled in when
// EXPOFLOW_CHECKS is defined (debug and test builds), out of release builds.
#include <cstdio>
#include <cstdlib>

#if defined(EXPOFLOW_CHECKS)
#define EXPOFLOW_CHECK(cond, msg)                                                       \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant violated: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, msg);                                                         \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
#else
#define EXPOFLOW_CHECK(cond, msg) \
  do {                            \
  } while (0)
#endif
