/* Shared test harness: every tests/<layer>/test_*.c defines btq_test_suite(); the common
 * main (check_main.c) runs it in Check's fork mode. Helpers to find and read shared data. */
#ifndef BTQ_TEST_H
#define BTQ_TEST_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

Suite *btq_test_suite(void);

/* Path of a file under ../shared (env BTQ_SHARED_DIR), e.g. "chain/metadata/x.scale".
 * Returns a static buffer, overwritten by the next call. */
const char *btq_test_shared_path(const char *rel);
/* Path of a file in the source tree (env BTQ_SOURCE_DIR), e.g. "vectors/compact.json". */
const char *btq_test_source_path(const char *rel);
/* Whole file into a malloc'd buffer (NUL-terminated for text convenience); NULL on failure.
 * Free with free(). */
uint8_t *btq_test_read_file(const char *path, size_t *len);
/* A file whose content is either raw bytes or "0x…" hex text, as raw bytes. */
uint8_t *btq_test_read_bytes_or_hex(const char *path, size_t *len);
/* Hex string (optional 0x) to a malloc'd buffer; aborts the test on bad hex. */
uint8_t *btq_test_unhex(const char *hex, size_t *len);

/* Slowdown factor for waits and deadlines in tests: env BTQ_TEST_TIME_SCALE (an integer >= 1,
 * default 1), set by tools/valgrind.sh because everything runs 10-50x slower under memcheck.
 * btq_test_ms(ms) is ms times that factor. Scale only how long a test is willing to wait for
 * something to happen, never a duration whose exact value the test asserts. */
int btq_test_time_scale(void);
int btq_test_ms(int ms);

#endif
