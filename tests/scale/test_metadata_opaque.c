/* btq_metadata_unwrap_opaque: the Option<OpaqueMetadata> answer of Metadata_metadata_at_version. */
#include <stdlib.h>
#include <string.h>

#include "btq/metadata.h"
#include "btq_test.h"

START_TEST(recorded_some_answer_unwraps_to_the_v15_metadata_file)
{
    size_t wlen, flen, n;
    uint8_t *wrapped =
        btq_test_read_bytes_or_hex(btq_test_shared_path("chain/recorded/async-substrate-interface/"
                                                        "integration_websocket_at_version.txt"),
                                   &wlen);
    uint8_t *file =
        btq_test_read_file(btq_test_shared_path("chain/metadata/finney_spec393_v15.scale"), &flen);
    ck_assert_ptr_nonnull(wrapped);
    ck_assert_ptr_nonnull(file);
    const uint8_t *inner = NULL;
    ck_assert_int_eq(btq_metadata_unwrap_opaque(wrapped, wlen, &inner, &n), 0);
    ck_assert_uint_eq(n, flen);
    ck_assert_int_eq(memcmp(inner, file, n), 0);
    free(wrapped);
    free(file);
}
END_TEST

START_TEST(none_gives_null_inner)
{
    const uint8_t none[] = {0x00};
    const uint8_t *inner = none;
    size_t n = 99;
    ck_assert_int_eq(btq_metadata_unwrap_opaque(none, 1, &inner, &n), 0);
    ck_assert_ptr_null(inner);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(bad_tag_short_length_and_trailing_bytes_are_errors)
{
    const uint8_t bad_tag[] = {0x02, 0x10, 'm', 'e', 't', 'a'};
    const uint8_t short_len[] = {0x01, 0x14, 'm', 'e', 't', 'a'}; /* says 5 bytes, 4 follow */
    const uint8_t trailing[] = {0x01, 0x10, 'm', 'e', 't', 'a', 0x00};
    const uint8_t *inner;
    size_t n;
    ck_assert_int_eq(btq_metadata_unwrap_opaque(bad_tag, sizeof bad_tag, &inner, &n),
                     BTQ_EBADVARIANT);
    ck_assert_int_eq(btq_metadata_unwrap_opaque(short_len, sizeof short_len, &inner, &n),
                     BTQ_ESHORT);
    ck_assert_int_eq(btq_metadata_unwrap_opaque(trailing, sizeof trailing, &inner, &n),
                     BTQ_ETRAILING);
    ck_assert_int_eq(btq_metadata_unwrap_opaque(NULL, 0, &inner, &n), BTQ_ESHORT);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/metadata_opaque");
    TCase *tc = tcase_create("unwrap");
    tcase_add_test(tc, recorded_some_answer_unwraps_to_the_v15_metadata_file);
    tcase_add_test(tc, none_gives_null_inner);
    tcase_add_test(tc, bad_tag_short_length_and_trailing_bytes_are_errors);
    suite_add_tcase(s, tc);
    return s;
}
