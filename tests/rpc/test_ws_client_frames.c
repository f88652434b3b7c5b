/* The websocket client side without I/O (src/rpc/ws_client_frames.c): the server frame parser
 * (every length form, any split of the input, control frames inside fragmented messages, every
 * protocol violation refused with a reason) and the check of the server's upgrade answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/error.h"
#include "btq_test.h"
#include "rpc/ws_client_frames.h"

/* ---- a recorder of what the parser delivers ------------------------------------------------ */
/* Events are written as text: "D<len>[F][W]:" then the bytes for a data piece, "C<op>:" then
 * the payload for a control frame, each followed by '|'. Data pieces of one message are joined
 * ("M" + whole message) so that any split of the input must give the same log. */
typedef struct rec {
    char *log;
    size_t len, cap;
    unsigned char msg[1 << 17]; /* current data message so far */
    size_t msg_len;
    int pieces, wholes, finals;
    int stop_at_control; /* return -7 from the control callback */
} rec;

static void rec_add(rec *r, const void *p, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        r->cap = (r->len + n + 1) * 2;
        r->log = realloc(r->log, r->cap);
        ck_assert_ptr_nonnull(r->log);
    }
    memcpy(r->log + r->len, p, n);
    r->len += n;
    r->log[r->len] = 0;
}

static int on_data(void *user, unsigned char *p, size_t n, int final, int whole)
{
    rec *r = user;
    r->pieces++;
    if (whole) {
        r->wholes++;
        ck_assert_msg(final, "a whole message is also final");
        ck_assert_msg(r->msg_len == 0, "a whole message has no earlier piece");
    }
    ck_assert_uint_le(r->msg_len + n, sizeof r->msg);
    memcpy(r->msg + r->msg_len, p, n);
    r->msg_len += n;
    if (final) {
        r->finals++;
        char h[32];
        int hl = snprintf(h, sizeof h, "M%zu:", r->msg_len);
        rec_add(r, h, (size_t)hl);
        rec_add(r, r->msg, r->msg_len);
        rec_add(r, "|", 1);
        r->msg_len = 0;
    }
    return 0;
}

static int on_control(void *user, unsigned op, const unsigned char *p, size_t n)
{
    rec *r = user;
    ck_assert_uint_le(n, 125);
    char h[32];
    int hl = snprintf(h, sizeof h, "C%X:", op);
    rec_add(r, h, (size_t)hl);
    rec_add(r, p, n);
    rec_add(r, "|", 1);
    return r->stop_at_control ? -7 : 0;
}

static rec *rec_new(void)
{
    rec *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    rec_add(r, "", 0);
    return r;
}

static void rec_free(rec *r)
{
    free(r->log);
    free(r);
}

/* Feed in[0..n) in pieces cut at the given offsets (ascending, 0 < cut < n); returns the feed
 * result (first non-zero) and the recorder. */
static int feed_cuts(const unsigned char *in, size_t n, const size_t *cuts, size_t ncuts, rec *r,
                     const char **why)
{
    unsigned char *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    if (n) memcpy(copy, in, n);
    btq_ws_rx s;
    btq_ws_rx_reset(&s);
    btq_ws_rx_cb cb = {on_data, on_control, r};
    size_t at = 0;
    int rc = 0;
    for (size_t i = 0; i <= ncuts && rc == 0; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        rc = btq_ws_rx_feed(&s, copy + at, end - at, &cb);
        at = end;
    }
    if (why) *why = rc == BTQ_EPROTOCOL ? s.why : NULL;
    free(copy);
    return rc;
}

static int feed_all(const unsigned char *in, size_t n, rec *r, const char **why)
{
    return feed_cuts(in, n, NULL, 0, r, why);
}

/* Append one server frame (unmasked unless mask) to buf at *len; the length form follows the
 * payload size unless force_len (126 or 127) asks for a longer one. */
static void frame(unsigned char *buf, size_t *len, unsigned b0, const void *pl, size_t n,
                  unsigned force_len)
{
    unsigned char *o = buf + *len;
    *o++ = (unsigned char)b0;
    if (n < 126 && !force_len) {
        *o++ = (unsigned char)n;
    } else if (n <= 0xFFFF && force_len != 127) {
        *o++ = 126;
        *o++ = (unsigned char)(n >> 8);
        *o++ = (unsigned char)n;
    } else {
        *o++ = 127;
        for (int i = 7; i >= 0; i--)
            *o++ = (unsigned char)((uint64_t)n >> (8 * i));
    }
    if (n) memcpy(o, pl, n);
    o += n;
    *len = (size_t)(o - buf);
}

/* The same log for one-shot, byte-at-a-time and every 2-piece split of in. */
static void check_every_split(const unsigned char *in, size_t n, const char *want)
{
    rec *r = rec_new();
    ck_assert_int_eq(feed_all(in, n, r, NULL), 0);
    ck_assert_str_eq(r->log, want);
    rec_free(r);
    size_t *cuts = malloc(n * sizeof *cuts + 1);
    ck_assert_ptr_nonnull(cuts);
    for (size_t i = 1; i < n; i++)
        cuts[i - 1] = i;
    r = rec_new();
    ck_assert_int_eq(feed_cuts(in, n, cuts, n ? n - 1 : 0, r, NULL), 0);
    ck_assert_msg(strcmp(r->log, want) == 0, "byte at a time: %s", r->log);
    rec_free(r);
    free(cuts);
    for (size_t c = 1; c < n; c++) {
        r = rec_new();
        ck_assert_int_eq(feed_cuts(in, n, &c, 1, r, NULL), 0);
        ck_assert_msg(strcmp(r->log, want) == 0, "split at %zu: %s", c, r->log);
        rec_free(r);
    }
}

/* ---- frames ------------------------------------------------------------------------------- */
START_TEST(seven_bit_length_frame_is_one_whole_message)
{
    unsigned char in[64];
    size_t n = 0;
    frame(in, &n, 0x81, "{\"id\":1}", 8, 0);
    rec *r = rec_new();
    ck_assert_int_eq(feed_all(in, n, r, NULL), 0);
    ck_assert_str_eq(r->log, "M8:{\"id\":1}|");
    ck_assert_int_eq(r->pieces, 1);
    ck_assert_int_eq(r->wholes, 1);
    rec_free(r);
    check_every_split(in, n, "M8:{\"id\":1}|");
}
END_TEST

START_TEST(sixteen_bit_length_frame_split_anywhere_gives_same_message)
{
    static unsigned char in[400], pl[300];
    for (size_t i = 0; i < sizeof pl; i++)
        pl[i] = (unsigned char)('a' + i % 26);
    size_t n = 0;
    frame(in, &n, 0x81, pl, sizeof pl, 0);
    ck_assert_uint_eq(in[1], 126);
    ck_assert_uint_eq(n, 4 + sizeof pl);
    char want[400];
    snprintf(want, sizeof want, "M300:%.*s|", 300, (const char *)pl);
    check_every_split(in, n, want);
    /* a 126 form for a short payload is accepted too (not minimal, still valid) */
    n = 0;
    frame(in, &n, 0x82, "ab", 2, 126);
    check_every_split(in, n, "M2:ab|");
}
END_TEST

START_TEST(sixty_four_bit_length_frame_split_anywhere_gives_same_message)
{
    size_t pl_len = 70000;
    unsigned char *pl = malloc(pl_len), *in = malloc(pl_len + 16);
    ck_assert_ptr_nonnull(pl);
    ck_assert_ptr_nonnull(in);
    for (size_t i = 0; i < pl_len; i++)
        pl[i] = (unsigned char)('0' + i % 10);
    size_t n = 0;
    frame(in, &n, 0x81, pl, pl_len, 0);
    ck_assert_uint_eq(in[1], 127);
    ck_assert_uint_eq(n, 10 + pl_len);
    /* one-shot, byte at a time and 2-piece splits around the header and at a few places */
    size_t cuts_at[] = {1, 2, 3, 5, 9, 10, 11, 1000, n - 1};
    rec *ref = rec_new();
    ck_assert_int_eq(feed_all(in, n, ref, NULL), 0);
    ck_assert_int_eq(ref->wholes, 1);
    ck_assert_uint_eq(ref->len, strlen("M70000:") + pl_len + 1);
    for (size_t i = 0; i < sizeof cuts_at / sizeof cuts_at[0]; i++) {
        rec *r = rec_new();
        ck_assert_int_eq(feed_cuts(in, n, &cuts_at[i], 1, r, NULL), 0);
        ck_assert_uint_eq(r->len, ref->len);
        ck_assert_msg(memcmp(r->log, ref->log, r->len) == 0, "split at %zu", cuts_at[i]);
        /* whole (in place) only when the payload came in one feed */
        ck_assert_int_eq(r->wholes, cuts_at[i] <= 10 ? 1 : 0);
        ck_assert_int_eq(r->finals, 1);
        rec_free(r);
    }
    size_t *cuts = malloc(n * sizeof *cuts);
    ck_assert_ptr_nonnull(cuts);
    for (size_t i = 1; i < n; i++)
        cuts[i - 1] = i;
    rec *r = rec_new();
    ck_assert_int_eq(feed_cuts(in, n, cuts, n - 1, r, NULL), 0);
    ck_assert_uint_eq(r->len, ref->len);
    ck_assert(memcmp(r->log, ref->log, r->len) == 0);
    rec_free(r);
    rec_free(ref);
    free(cuts);
    free(pl);
    free(in);
}
END_TEST

START_TEST(fragmented_message_with_ping_in_the_middle)
{
    unsigned char in[128];
    size_t n = 0;
    frame(in, &n, 0x01, "{\"a\":", 5, 0); /* text, not final */
    frame(in, &n, 0x89, "hi", 2, 0);      /* ping */
    frame(in, &n, 0x00, "1", 1, 0);       /* continuation */
    frame(in, &n, 0x8A, "", 0, 0);        /* pong, empty */
    frame(in, &n, 0x80, "}", 1, 0);       /* final continuation */
    frame(in, &n, 0x81, "[]", 2, 0);      /* next message */
    const char *want = "C9:hi|CA:|M7:{\"a\":1}|M2:[]|";
    check_every_split(in, n, want);
    rec *r = rec_new();
    ck_assert_int_eq(feed_all(in, n, r, NULL), 0);
    ck_assert_int_eq(r->wholes, 1); /* only "[]" was whole */
    ck_assert_int_eq(r->finals, 2);
    rec_free(r);
}
END_TEST

START_TEST(empty_payloads_are_delivered)
{
    unsigned char in[64];
    size_t n = 0;
    frame(in, &n, 0x81, "", 0, 0);   /* empty whole message */
    frame(in, &n, 0x01, "", 0, 0);   /* empty first fragment */
    frame(in, &n, 0x00, "x", 1, 0);  /* middle */
    frame(in, &n, 0x80, "", 0, 0);   /* empty final fragment */
    frame(in, &n, 0x88, "", 0, 0);   /* close without status */
    frame(in, &n, 0x82, "", 0, 127); /* empty, 64-bit length form */
    check_every_split(in, n, "M0:|M1:x|C8:|M0:|");
    rec *r = rec_new();
    ck_assert_int_eq(feed_all(in, n, r, NULL), 0);
    ck_assert_int_eq(r->wholes, 2);
    ck_assert_int_eq(r->pieces, 5);
    rec_free(r);
}
END_TEST

START_TEST(callback_error_stops_the_feed)
{
    unsigned char in[64];
    size_t n = 0;
    frame(in, &n, 0x88, "\x03\xe8", 2, 0);
    frame(in, &n, 0x81, "after", 5, 0);
    rec *r = rec_new();
    r->stop_at_control = 1;
    ck_assert_int_eq(feed_all(in, n, r, NULL), -7);
    ck_assert_str_eq(r->log, "C8:\x03\xe8|"); /* nothing after the close */
    rec_free(r);
}
END_TEST

/* One bad input: refused with BTQ_EPROTOCOL and a reason containing `why`, whatever the split,
 * after delivering exactly `before`. */
static void check_refused(const unsigned char *in, size_t n, const char *before, const char *why)
{
    for (size_t c = 0; c < n; c++) {
        rec *r = rec_new();
        const char *reason = NULL;
        int rc = c ? feed_cuts(in, n, &c, 1, r, &reason) : feed_all(in, n, r, &reason);
        ck_assert_msg(rc == BTQ_EPROTOCOL, "split %zu: rc %d", c, rc);
        ck_assert_ptr_nonnull(reason);
        ck_assert_msg(strstr(reason, why) != NULL, "reason '%s', wanted '%s'", reason, why);
        ck_assert_str_eq(r->log, before);
        rec_free(r);
    }
}

START_TEST(masked_server_frame_is_refused)
{
    unsigned char in[] = {0x81, 0x82, 1, 2, 3, 4, 'a' ^ 1, 'b' ^ 2};
    check_refused(in, sizeof in, "", "masked");
}
END_TEST

START_TEST(rsv_bits_are_refused)
{
    for (unsigned bit = 0x10; bit <= 0x40; bit <<= 1) {
        unsigned char in[] = {(unsigned char)(0x81 | bit), 1, 'x'};
        check_refused(in, sizeof in, "", "RSV");
    }
}
END_TEST

START_TEST(unknown_opcodes_are_refused)
{
    for (unsigned op = 3; op <= 7; op++) {
        unsigned char in[] = {(unsigned char)(0x80 | op), 0};
        check_refused(in, sizeof in, "", "unknown data opcode");
    }
    for (unsigned op = 0xB; op <= 0xF; op++) {
        unsigned char in[] = {(unsigned char)(0x80 | op), 0};
        check_refused(in, sizeof in, "", "unknown control opcode");
    }
}
END_TEST

START_TEST(control_frame_longer_than_125_is_refused)
{
    unsigned char in[200];
    unsigned char pl[126] = {0};
    size_t n = 0;
    frame(in, &n, 0x81, "ok", 2, 0);
    frame(in, &n, 0x89, pl, sizeof pl, 0);
    check_refused(in, n, "M2:ok|", "longer than 125");
    /* exactly 125 is fine */
    n = 0;
    frame(in, &n, 0x89, pl, 125, 0);
    rec *r = rec_new();
    ck_assert_int_eq(feed_all(in, n, r, NULL), 0);
    ck_assert_uint_eq(r->len, 3 + 125 + 1);
    rec_free(r);
}
END_TEST

START_TEST(non_final_control_frame_is_refused)
{
    unsigned char in[] = {0x09, 0x01, 'p'};
    check_refused(in, sizeof in, "", "fragmented control");
}
END_TEST

START_TEST(continuation_of_nothing_is_refused)
{
    unsigned char in[64];
    size_t n = 0;
    frame(in, &n, 0x81, "a", 1, 0);
    frame(in, &n, 0x80, "b", 1, 0);
    check_refused(in, n, "M1:a|", "continuation frame outside a message");
}
END_TEST

START_TEST(new_message_inside_another_is_refused)
{
    unsigned char in[64];
    size_t n = 0;
    frame(in, &n, 0x01, "a", 1, 0);
    frame(in, &n, 0x81, "b", 1, 0);
    check_refused(in, n, "", "inside a fragmented message");
}
END_TEST

START_TEST(sixty_four_bit_length_with_top_bit_set_is_refused)
{
    unsigned char in[] = {0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 'x'};
    check_refused(in, sizeof in, "", "top bit");
}
END_TEST

/* ---- the upgrade answer ------------------------------------------------------------------- */
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

static const char *hs(const char *answer)
{
    static char why[128];
    return btq_ws_hs_check(answer, strlen(answer), ACCEPT, why, sizeof why);
}

START_TEST(handshake_good_answer_is_accepted)
{
    ck_assert_ptr_null(hs("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n"));
    /* header names and the Upgrade value are case-insensitive, spaces around values ignored */
    ck_assert_ptr_null(hs("HTTP/1.1 101 OK\r\nupgrade:WebSocket\r\nCONNECTION:  upgrade \r\n"
                          "sec-websocket-accept:\t" ACCEPT "\r\nServer: x\r\n\r\n"));
}
END_TEST

START_TEST(handshake_connection_list_with_upgrade_is_accepted)
{
    ck_assert_ptr_null(hs("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: " ACCEPT
                          "\r\n\r\n"));
    /* a token that only contains "upgrade" is not it */
    const char *why =
        hs("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
           "Connection: keep-alive, upgraded\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "Connection"));
}
END_TEST

START_TEST(handshake_status_other_than_101_is_refused_with_the_status)
{
    const char *why = hs("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "status 200"));
    why = hs("HTTP/1.1 301 Moved Permanently\r\nLocation: ws://x/\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "status 301"));
}
END_TEST

START_TEST(handshake_missing_upgrade_is_refused)
{
    const char *why = hs("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "Upgrade: websocket"));
    why = hs("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "Upgrade: websocket"));
}
END_TEST

START_TEST(handshake_wrong_accept_is_refused)
{
    const char *why = hs("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                         "s3pPLMBiTxaQ9kYGzzhZRbK+xOp=\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "Sec-WebSocket-Accept"));
    why = hs("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "Sec-WebSocket-Accept"));
}
END_TEST

START_TEST(handshake_unasked_extension_is_refused)
{
    const char *why = hs("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT
                         "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_nonnull(strstr(why, "extension"));
}
END_TEST

START_TEST(handshake_answer_not_http_is_refused)
{
    const char *bad[] = {"", "HTTP/1.1", "SSH-2.0-OpenSSH_9.6\r\n\r\n",
                         "HTTP/1.0 101 Switching Protocols\r\n\r\n", "\x16\x03\x01\x02\x00\x01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = hs(bad[i]);
        ck_assert_msg(why && strstr(why, "not an HTTP answer"), "answer %zu: %s", i,
                      why ? why : "(accepted)");
    }
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("ws_client_frames");
    TCase *tc = tcase_create("frames");
    tcase_add_test(tc, seven_bit_length_frame_is_one_whole_message);
    tcase_add_test(tc, sixteen_bit_length_frame_split_anywhere_gives_same_message);
    tcase_add_test(tc, sixty_four_bit_length_frame_split_anywhere_gives_same_message);
    tcase_add_test(tc, fragmented_message_with_ping_in_the_middle);
    tcase_add_test(tc, empty_payloads_are_delivered);
    tcase_add_test(tc, callback_error_stops_the_feed);
    tcase_add_test(tc, masked_server_frame_is_refused);
    tcase_add_test(tc, rsv_bits_are_refused);
    tcase_add_test(tc, unknown_opcodes_are_refused);
    tcase_add_test(tc, control_frame_longer_than_125_is_refused);
    tcase_add_test(tc, non_final_control_frame_is_refused);
    tcase_add_test(tc, continuation_of_nothing_is_refused);
    tcase_add_test(tc, new_message_inside_another_is_refused);
    tcase_add_test(tc, sixty_four_bit_length_with_top_bit_set_is_refused);
    suite_add_tcase(s, tc);
    TCase *th = tcase_create("handshake");
    tcase_add_test(th, handshake_good_answer_is_accepted);
    tcase_add_test(th, handshake_connection_list_with_upgrade_is_accepted);
    tcase_add_test(th, handshake_status_other_than_101_is_refused_with_the_status);
    tcase_add_test(th, handshake_missing_upgrade_is_refused);
    tcase_add_test(th, handshake_wrong_accept_is_refused);
    tcase_add_test(th, handshake_unasked_extension_is_refused);
    tcase_add_test(th, handshake_answer_not_http_is_refused);
    suite_add_tcase(s, th);
    return s;
}
