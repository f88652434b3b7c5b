/* Helpers shared by the tests/chain files: load a vectors/chain JSON file, read its fields. */
#ifndef BTQ_CHAIN_VECTORS_H
#define BTQ_CHAIN_VECTORS_H

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "btq_test.h"

/* The parsed file (free with cJSON_Delete); fails the test if missing or not JSON. */
static inline cJSON *chain_vectors_load(const char *rel)
{
    size_t len = 0;
    uint8_t *text = btq_test_read_file(btq_test_source_path(rel), &len);
    ck_assert_msg(text != NULL, "cannot read %s", rel);
    cJSON *root = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    ck_assert_msg(root != NULL, "%s is not JSON", rel);
    return root;
}

/* The "cases" array of a vectors file, with at least min entries. */
static inline const cJSON *chain_vectors_cases(const cJSON *root, int min)
{
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    ck_assert(cJSON_IsArray(cases));
    ck_assert_int_ge(cJSON_GetArraySize(cases), min);
    return cases;
}

/* A string field (fails the test when absent). */
static inline const char *chain_vectors_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ck_assert_msg(cJSON_IsString(v), "field %s missing", key);
    return v->valuestring;
}

/* An integer field, or dflt when absent. */
static inline int chain_vectors_int(const cJSON *obj, const char *key, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valueint : dflt;
}

#endif
