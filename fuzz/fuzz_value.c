/* libFuzzer: (2-byte little-endian type selector, value bytes) against the real finney
 * spec-393 V15 registry (hand-built fixture registry when the shared data is absent).
 * Decoding must never crash; a successful decode must re-encode to exactly the consumed
 * bytes, the bare visitor must agree with the tree, and the JSON must render and parse back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/scale/value_fixture.h"
#include "btq/metadata.h"
#include "btq/value.h"
#include "btq/value_json.h"

static btq_metadata *g_md;
static const btq_registry *g_reg;
static btq_value_doc *g_doc;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("BTQ_SHARED_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/chain/metadata/finney_spec393_v15.scale", dir ? dir : ".");
    FILE *f = fopen(path, "rb");
    if (f) {
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (btq_metadata_parse(buf, n, &g_md, NULL) == 0) g_reg = btq_metadata_registry(g_md);
    }
    if (!g_reg) {
        fprintf(stderr, "fuzz_value: %s not loaded, using the fixture registry\n", path);
        g_reg = fixture_registry();
    }
    g_doc = btq_value_doc_new();
    return 0;
}

static int count_node(void *u, const btq_visit_info *info, size_t n)
{
    ++*(size_t *)u;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint32_t type = (uint32_t)(data[0] | data[1] << 8) % (g_reg->ntypes + 1); /* +1: bad id */
    const uint8_t *b = data + 2;
    size_t n = size - 2, used = 0, used_v = 0, begins = 0;
    const btq_value *root = NULL;
    btq_error err;
    int rc = btq_value_doc_decode(g_doc, g_reg, type, b, n, 0, &root, &used, &err);
    btq_visitor vis = {0};
    vis.begin = count_node;
    int rc_v = btq_value_visit(g_reg, type, b, n, 0, &vis, &begins, &used_v, NULL);
    if (rc != rc_v) abort();
    if (rc) return 0;
    if (used != used_v || used > n) abort();

    btq_writer w;
    btq_writer_init(&w);
    if (btq_value_encode(g_reg, type, root, &w, &err) != 0) {
        fprintf(stderr, "type %u: re-encode failed: %s (%s) %s\n", type, btq_err_name(err.code),
                err.path, err.message);
        abort();
    }
    if (w.len != used || (used && memcmp(w.buf, b, used) != 0)) abort();

    btq_writer_reset(&w);
    btq_json_opts o = {size & 1, NULL, NULL};
    if (btq_value_to_json(root, &o, &w) != 0) abort();
    /* The JSON must parse back for the type; it may encode to other bytes only where the
     * canonical form is ambiguous (Option<Option<T>>), so only a crash counts here. Deep
     * values exceed the JSON nesting limit on purpose. */
    btq_writer out;
    btq_writer_init(&out);
    btq_value_encode_json(g_reg, type, (const char *)w.buf, w.len, &out, NULL);
    btq_writer_free(&out);
    btq_writer_free(&w);
    return 0;
}
