/* libFuzzer: (2-byte little-endian type selector, value bytes) against the real finney
 * spec-393 V15 registry, or (selector bit 15 set) the hand-built fixture registry that has every
 * primitive kind (the fixture alone when the shared data is absent).
 * Decoding must never crash; a successful decode must re-encode to exactly the consumed
 * bytes, the bare visitor (with and without typed callbacks) must agree with the tree, every
 * node must answer every accessor and every path the walk prints must resolve back to the
 * node; the tree rebuilt node by node through the builder must encode to the same bytes; the
 * JSON must render (compact, pretty, into a buffer of every short size) and parse back.
 * The value bytes are also fed to the UTF-8 validators (the codec's and the JSON-RPC codec's
 * must agree) and, as decimal text, to the big-integer parsers (which must round-trip). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/scale/value_fixture.h"
#include "btq/metadata.h"
#include "btq/value.h"
#include "btq/value_json.h"
#include "rpc/jsonrpc.h"
#include "value_internal.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

static btq_metadata *g_md;
static const btq_registry *g_real;
static const btq_registry *g_fix;
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
        if (btq_metadata_parse(buf, n, &g_md, NULL) == 0) g_real = btq_metadata_registry(g_md);
    }
    g_fix = fixture_registry();
    if (!g_real) {
        fprintf(stderr, "fuzz_value: %s not loaded, using the fixture registry\n", path);
        g_real = g_fix;
    }
    g_doc = btq_value_doc_new();
    return 0;
}

/* ---- visitors ------------------------------------------------------------------------------ */
typedef struct vstate {
    size_t nodes;
    size_t stop_at; /* return an error at this node (0 = never) */
} vstate;

static int node(vstate *s)
{
    return ++s->nodes == s->stop_at ? BTQ_ECANCELED : 0;
}
static int count_node(void *u, const btq_visit_info *info, size_t n)
{
    ++*(size_t *)u;
    return 0;
}
static int v_bool(void *u, const btq_visit_info *i, bool v)
{
    return node(u);
}
static int v_u64(void *u, const btq_visit_info *i, uint64_t v)
{
    return node(u);
}
static int v_i64(void *u, const btq_visit_info *i, int64_t v)
{
    return node(u);
}
static int v_big(void *u, const btq_visit_info *i, const uint8_t *le, size_t n, bool s)
{
    return node(u);
}
static int v_char(void *u, const btq_visit_info *i, uint32_t cp)
{
    return node(u);
}
static int v_str(void *u, const btq_visit_info *i, const char *p, size_t n)
{
    CHECK(btq_utf8_valid(p, n));
    return node(u);
}
static int v_bytes(void *u, const btq_visit_info *i, const uint8_t *p, size_t n)
{
    return node(u);
}
static int v_bits(void *u, const btq_visit_info *i, const uint8_t *w, size_t wl, size_t nbits)
{
    return node(u);
}
static int v_begin(void *u, const btq_visit_info *i, size_t n)
{
    return node(u);
}
static int v_end(void *u, const btq_visit_info *i)
{
    return 0;
}

/* ---- accessors and paths ------------------------------------------------------------------- */
static void access_all(const btq_value *v)
{
    bool b;
    uint64_t u;
    int64_t i;
    btq_u128 u128;
    btq_u256 u256;
    uint32_t cp;
    const uint8_t *p;
    const char *s;
    size_t n;
    (void)btq_value_bool(v, &b);
    (void)btq_value_u64(v, &u);
    (void)btq_value_i64(v, &i);
    (void)btq_value_u128(v, &u128);
    (void)btq_value_u256(v, &u256);
    (void)btq_value_char(v, &cp);
    if (btq_value_bytes(v, &p, &n) == 0) CHECK(n == 0 || p != NULL);
    if (btq_value_str(v, &s, &n) == 0) CHECK(btq_utf8_valid(s, n));
    (void)btq_value_bit(v, 0, &b);
    (void)btq_value_type(v);
    (void)strlen(btq_value_type_path(v));
    const char *name;
    uint8_t idx;
    if (btq_value_variant(v, &name, &idx) == 0) CHECK(name != NULL);
    if (btq_value_get_kind(v) == BTQ_VALUE_BITSEQ) {
        size_t nb = btq_value_count(v);
        for (size_t k = 0; k < nb && k < 64; k++)
            CHECK(btq_value_bit(v, k, &b) == 0);
        CHECK(btq_value_bit(v, nb, &b) == BTQ_ENOTFOUND);
    }
}

static size_t walk_budget; /* nodes whose path is looked up again (bounds the quadratic part) */

static void walk(const btq_value *root, const btq_value *v, char *path, size_t plen, int depth)
{
    access_all(v);
    if (plen && walk_budget) {
        walk_budget--;
        const btq_value *got = NULL;
        CHECK(btq_value_path(root, path, &got) == 0 && got != NULL);
        uint64_t u;
        btq_u128 w;
        (void)btq_value_path_u64(root, path, &u);
        (void)btq_value_path_u128(root, path, &w);
    }
    btq_value_kind k = btq_value_get_kind(v);
    if (k < BTQ_VALUE_COMPOSITE || depth > 40) return;
    size_t n = btq_value_count(v);
    CHECK(btq_value_at(v, n) == NULL);
    for (size_t i = 0; i < n && i < 64; i++) {
        const btq_value *c = btq_value_at(v, i);
        CHECK(c != NULL);
        const char *fname = btq_value_name(c);
        if (fname) CHECK(btq_value_field(v, fname) != NULL);
        /* children by index: the path form errors print ("3.0") */
        int w = snprintf(path + plen, 4096 - plen, "%s%zu", plen ? "." : "", i);
        if (w > 0 && plen + (size_t)w < 4000) walk(root, c, path, plen + (size_t)w, depth + 1);
        path[plen] = 0;
    }
    (void)btq_value_field(v, "no_such_field");
}

static void bad_paths(const btq_value *root)
{
    const btq_value *got;
    static const char *const paths[] = {"",
                                        ".",
                                        "0.",
                                        ".0",
                                        "99999999999999999999",
                                        "x.y.z",
                                        "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",
                                        "data.free"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        (void)btq_value_path(root, paths[i], &got);
}

/* ---- rebuild through the builder ----------------------------------------------------------- */
static btq_value *rebuild(btq_value_doc *d, const btq_registry *reg, const btq_value *v, int typed)
{
    btq_value *out = NULL;
    size_t n = btq_value_count(v);
    switch (btq_value_get_kind(v)) {
    case BTQ_VALUE_BOOL: {
        bool b = false;
        CHECK(btq_value_bool(v, &b) == 0);
        out = btq_value_new_bool(d, b);
        break;
    }
    case BTQ_VALUE_UINT:
    case BTQ_VALUE_INT: {
        btq_u256 x;
        int neg = 0;
        CHECK(btq__value_int(v, &x, &neg) == 0);
        uint64_t u;
        int64_t i;
        if (btq_value_get_kind(v) == BTQ_VALUE_UINT && btq_value_u64(v, &u) == 0 && (n & 1)) {
            out = btq_value_new_u64(d, u);
        } else if (btq_value_get_kind(v) == BTQ_VALUE_INT && btq_value_i64(v, &i) == 0 && (n & 1)) {
            out = btq_value_new_i64(d, i);
        } else {
            uint8_t le[32];
            for (int k = 0; k < 32; k++)
                le[k] = (uint8_t)(x.limb[k / 8] >> (8 * (k % 8)));
            out = btq_value_new_big(d, le, 32, btq_value_get_kind(v) == BTQ_VALUE_INT);
        }
        break;
    }
    case BTQ_VALUE_CHAR: {
        uint32_t cp = 0;
        CHECK(btq_value_char(v, &cp) == 0);
        out = btq_value_new_char(d, cp);
        break;
    }
    case BTQ_VALUE_STR: {
        const char *s;
        size_t len;
        CHECK(btq_value_str(v, &s, &len) == 0);
        out = btq_value_new_str(d, s, len);
        break;
    }
    case BTQ_VALUE_BYTES: {
        const uint8_t *p;
        size_t len;
        CHECK(btq_value_bytes(v, &p, &len) == 0);
        out = btq_value_new_bytes(d, p, len);
        break;
    }
    case BTQ_VALUE_BITSEQ: {
        bool *bits = malloc(n ? n : 1);
        CHECK(bits != NULL);
        for (size_t k = 0; k < n; k++)
            CHECK(btq_value_bit(v, k, &bits[k]) == 0);
        out = btq_value_new_bits(d, bits, n);
        free(bits);
        break;
    }
    case BTQ_VALUE_VARIANT: {
        const char *name;
        uint8_t idx;
        CHECK(btq_value_variant(v, &name, &idx) == 0);
        out = btq_value_new_variant(d, name, n);
        break;
    }
    default:
        out = btq_value_new_container(d, btq_value_get_kind(v), n);
        break;
    }
    CHECK(out != NULL);
    if (btq_value_get_kind(v) >= BTQ_VALUE_COMPOSITE) {
        for (size_t i = 0; i < n; i++) {
            const btq_value *c = btq_value_at(v, i);
            btq_value *nc = rebuild(d, reg, c, typed);
            CHECK(btq_value_set(d, out, i, btq_value_name(c), nc) == 0);
        }
    }
    if (typed && btq_value_type_id(v) != UINT32_MAX)
        btq_value_set_type(out, reg, btq_value_type_id(v));
    return out;
}

static int has_bitseq(const btq_value *v)
{
    if (btq_value_get_kind(v) == BTQ_VALUE_BITSEQ) return 1;
    if (btq_value_get_kind(v) < BTQ_VALUE_COMPOSITE) return 0;
    for (size_t i = 0; i < btq_value_count(v); i++)
        if (has_bitseq(btq_value_at(v, i))) return 1;
    return 0;
}

static int fake_ss58(const uint8_t id[32], char *out, size_t cap, void *user)
{
    if (id[0] == 0xFF) return BTQ_EINVAL; /* the printer must pass the error on */
    int n = snprintf(out, cap, "acct%02x%02x", id[0], id[31]);
    return n < 0 || (size_t)n >= cap ? BTQ_ENOSPACE : n;
}

/* ---- side checks: UTF-8 and decimal big integers ------------------------------------------- */
static void side_checks(const uint8_t *b, size_t n)
{
    CHECK(!btq_utf8_valid((const char *)b, n) == !btq_jr_utf8_valid(b, n));
    if (n > 90) return;
    btq_u128 a;
    char dec[96];
    if (btq_u128_from_dec((const char *)b, n, &a) == 0) {
        CHECK(btq_u128_to_dec(a, dec, sizeof dec) >= 0);
        btq_u128 again;
        CHECK(btq_u128_from_dec(dec, strlen(dec), &again) == 0);
        CHECK(again.lo == a.lo && again.hi == a.hi);
        (void)btq_u128_to_dec(a, dec, 3); /* too small: an error, never an overrun */
    }
    btq_u256 c;
    if (btq_u256_from_dec((const char *)b, n, &c) == 0) {
        CHECK(btq_u256_to_dec(&c, dec, sizeof dec) >= 0);
        btq_u256 again;
        CHECK(btq_u256_from_dec(dec, strlen(dec), &again) == 0);
        CHECK(memcmp(&again, &c, sizeof c) == 0);
        (void)btq_u256_to_dec(&c, dec, 5);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint32_t sel = (uint32_t)(data[0] | data[1] << 8);
    const btq_registry *reg = (sel & 0x8000) ? g_fix : g_real;
    uint32_t type = (sel & 0x7FFF) % (reg->ntypes + 1); /* +1: a bad id */
    const uint8_t *b = data + 2;
    size_t n = size - 2, used = 0, used_v = 0, begins = 0;
    side_checks(b, n);
    const btq_value *root = NULL;
    btq_error err;
    int rc = btq_value_doc_decode(g_doc, reg, type, b, n, 0, &root, &used, &err);
    btq_visitor vis = {0};
    vis.begin = count_node;
    int rc_v = btq_value_visit(reg, type, b, n, 0, &vis, &begins, &used_v, NULL);
    CHECK(rc == rc_v);
    /* every typed callback, stopping at a node chosen by the input */
    btq_visitor all = {v_bool, v_u64, v_i64, v_big, v_char, v_str, v_bytes, v_bits, v_begin, v_end};
    vstate st = {0, n ? b[n - 1] : 0};
    int rc_a =
        btq_value_visit(reg, type, b, n, size & 2 ? BTQ_VALUE_EXACT : 0, &all, &st, NULL, &err);
    if (rc == 0 && st.stop_at == 0 && !(size & 2)) CHECK(rc_a == 0);
    if (rc) return 0;
    CHECK(used == used_v && used <= n);
    {
        /* the direct decoder's tree is the visitor-built one, node for node */
        static btq_value_doc *vdoc;
        if (!vdoc) vdoc = btq_value_doc_new();
        const btq_value *vroot = NULL;
        size_t vused = 0;
        CHECK(vdoc &&
              btq__value_doc_decode_visitor(vdoc, reg, type, b, n, 0, &vroot, &vused, NULL) == 0);
        CHECK(vused == used && btq__value_same(root, vroot));
    }

    btq_writer w;
    btq_writer_init(&w);
    if (btq_value_encode(reg, type, root, &w, &err) != 0) {
        fprintf(stderr, "type %u: re-encode failed: %s (%s) %s\n", type, btq_err_name(err.code),
                err.path, err.message);
        abort();
    }
    CHECK(w.len == used && (!used || memcmp(w.buf, b, used) == 0));

    static char path[4096];
    path[0] = 0;
    walk_budget = 256;
    walk(root, root, path, 0, 0);
    bad_paths(root);

    /* the same value built node by node must encode to the same bytes */
    btq_value_doc *d = btq_value_doc_new();
    CHECK(d != NULL);
    btq_value *copy = rebuild(d, reg, root, (size & 4) != 0);
    btq_writer_reset(&w);
    if (btq_value_encode(reg, type, copy, &w, &err) != 0) {
        fprintf(stderr, "type %u: rebuilt tree does not encode: %s (%s) %s\n", type,
                btq_err_name(err.code), err.path, err.message);
        abort();
    }
    /* Bit sequences: the padding bits of the last store word are not checked on decode (as in
     * parity-scale-codec's bitvec) and the builder's bools cannot carry them, so there only the
     * length must agree. */
    CHECK(w.len == used);
    if (used && memcmp(w.buf, b, used) != 0) CHECK(has_bitseq(root));

    btq_writer_reset(&w);
    btq_json_opts o = {size & 1, (size & 8) ? fake_ss58 : NULL, NULL};
    int jrc = btq_value_to_json(root, &o, &w);
    if (!o.account_id) CHECK(jrc == 0);
    if (jrc == 0) {
        /* the builder's tree prints the same when typed */
        btq_writer w2;
        btq_writer_init(&w2);
        if (btq_value_to_json(copy, &o, &w2) == 0 && (size & 4))
            CHECK(w2.len == w.len && memcmp(w2.buf, w.buf, w.len) == 0);
        btq_writer_free(&w2);
        /* into caller buffers: exact fit, one short, tiny */
        char *buf = malloc(w.len + 1);
        CHECK(buf != NULL);
        size_t len = 0;
        CHECK(btq_value_to_json_buf(root, &o, buf, w.len + 1, &len) == 0 && len == w.len);
        CHECK(memcmp(buf, w.buf, w.len) == 0 && buf[len] == 0);
        CHECK(btq_value_to_json_buf(root, &o, buf, w.len, NULL) == BTQ_ENOSPACE);
        free(buf);
        /* The JSON must parse back for the type; it may encode to other bytes only where the
         * canonical form is ambiguous (Option<Option<T>>), so only a crash counts here. Deep
         * values exceed the JSON nesting limit on purpose. */
        btq_writer out;
        btq_writer_init(&out);
        btq_value_encode_json(reg, type, (const char *)w.buf, w.len, &out, NULL);
        btq_writer_reset(&out);
        btq_value_encode_json_ss58(reg, type, (const char *)w.buf, w.len, 42, &out, NULL);
        btq_writer_free(&out);
    }
    btq_value_doc_free(d);
    btq_writer_free(&w);
    return 0;
}
