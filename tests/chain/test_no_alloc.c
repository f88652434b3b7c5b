/* The chain primitives never allocate: with an allocator that fails every request (and counts
 * them), hashing, storage keys into a caller buffer, base58 and SS58 all still work. */
#include <string.h>

#include "btq/alloc.h"
#include "btq/chain.h"
#include "btq_test.h"

static int requests;

static void *fail_malloc(size_t n, void *user)
{
    (void)n;
    (void)user;
    requests++;
    return NULL;
}

static void *fail_realloc(void *p, size_t n, void *user)
{
    (void)p;
    (void)n;
    (void)user;
    requests++;
    return NULL;
}

static void never_free(void *p, void *user)
{
    (void)p;
    (void)user;
}

START_TEST(chain_functions_work_when_every_allocation_fails)
{
    const btq_allocator failing = {fail_malloc, fail_realloc, never_free, NULL};
    ck_assert_int_eq(btq_set_allocator(&failing), 0);
    requests = 0;

    uint8_t id[32];
    memset(id, 0x11, sizeof id);
    uint8_t out[128];
    size_t n = 0;
    for (int h = 0; h < BTQ_HASHER_COUNT; h++)
        ck_assert_int_eq(btq_hash((btq_hasher)h, id, sizeof id, out, sizeof out, &n), 0);
    btq_storage_key_part part = {BTQ_HASHER_BLAKE2_128_CONCAT, id, sizeof id};
    ck_assert_int_eq(btq_storage_key("System", 6, "Account", 7, &part, 1, out, sizeof out, &n), 0);
    uint8_t fixed[80];
    btq_writer w;
    btq_writer_init_fixed(&w, fixed, sizeof fixed);
    ck_assert_int_eq(btq_storage_key_write_prefix(&w, "System", 6, "Account", 7), 0);
    ck_assert_int_eq(btq_storage_key_write_part(&w, BTQ_HASHER_BLAKE2_128_CONCAT, id, 32), 0);
    ck_assert_mem_eq(fixed, out, 80);

    char addr[BTQ_SS58_ADDRESS_CAP];
    ck_assert_int_eq(btq_ss58_encode(42, id, sizeof id, addr, sizeof addr, &n, NULL), 0);
    uint16_t prefix = 0;
    ck_assert_int_eq(btq_ss58_decode(addr, n, 42, &prefix, out, sizeof out, &n, NULL), 0);
    ck_assert_mem_eq(out, id, 32);
    char text[200];
    ck_assert_int_eq(btq_base58_encode(id, sizeof id, text, sizeof text, &n), 0);
    ck_assert_int_eq(btq_base58_decode(text, n, out, sizeof out, &n, NULL), 0);

    ck_assert_int_eq(requests, 0);
    ck_assert_int_eq(btq_set_allocator(NULL), 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("chain/no_alloc");
    TCase *tc = tcase_create("no_alloc");
    tcase_add_test(tc, chain_functions_work_when_every_allocation_fails);
    suite_add_tcase(s, tc);
    return s;
}
