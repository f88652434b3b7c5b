/* btq balance ADDR… | --wallet NAME: free / reserved / frozen / total at one pinned block. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "cli.h"
#include "cli_net.h"

static const char help[] =
    "usage: btq balance [OPTIONS] ADDRESS...\n"
    "       btq balance [OPTIONS] --wallet NAME [--wallet-path DIR]\n\n"
    "Free, reserved, frozen and total balance (free + reserved) of each account and their sum,\n"
    "all read at one block (the head, fetched once, unless --block is given). Amounts print\n"
    "in TAO like btcli (τ1,234.567890000); with --json in rao (1 TAO = 10^9 rao):\n"
    "  {\"block\": \"0x…\", \"accounts\": [{\"address\": SS58, \"free\": N, \"reserved\": N,\n"
    "   \"frozen\": N, \"total\": N}, …]}\n\n"
    "options:\n"
    "  --wallet NAME        the coldkey of a bittensor wallet (NAME/coldkeypub.txt)\n"
    "  --wallet-path DIR    wallets folder (default ~/.bittensor/wallets)\n\n"
    "examples:\n"
    "  btq balance 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n"
    "  btq balance --network local --json 5F3sa2TJAWMqDhXG6jhV4N8ko9SxwGy8TpaNS1repo5EYjQX\n"
    "  btq balance --wallet default --block 4000000\n\n";

static void sum_u64(uint64_t *acc, uint64_t v, int *overflow)
{
    if (*acc > UINT64_MAX - v) *overflow = 1;
    *acc += v;
}

int btq_cmd_balance(int argc, char **argv)
{
    const char *cmd = "balance";
    const char *wallet = NULL, *wallets_dir = NULL;
    btq_cli_opt extra[] = {
        {"--wallet", &wallet, NULL}, {"--wallet-path", &wallets_dir, NULL}, {NULL, NULL, NULL}};
    btq_cli_net net;
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    if (!pos) return btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
    int rc = btq_cli_net_parse(argc, argv, cmd, help, extra, &net, pos, &npos);
    if (rc >= 0) goto out_pos;
    char wallet_addr[BTQ_SS58_ADDRESS_CAP];
    if (wallet) {
        if (npos) {
            rc = btq_cli_fail(BTQ_EXIT_USAGE, cmd, "give addresses or --wallet, not both");
            goto out_pos;
        }
        btq_error e;
        btq_error_clear(&e);
        int w = btq_wallet_coldkey(wallets_dir, wallet, wallet_addr, &e);
        if (w) {
            rc = btq_cli_report(cmd, w, &e);
            goto out_pos;
        }
        pos[npos++] = wallet_addr;
    }
    if (npos == 0) {
        rc = btq_cli_fail(BTQ_EXIT_USAGE, cmd, "no address given (see btq balance --help)");
        goto out_pos;
    }
    /* validate every address before touching the network */
    for (int i = 0; i < npos; i++) {
        btq_error e;
        btq_error_clear(&e);
        int v = btq_ss58_validate(pos[i], strlen(pos[i]), (int32_t)net.ss58_prefix, &e);
        if (v) {
            rc = btq_cli_fail(btq_cli_exit_for(v), cmd, "invalid address '%s': %s", pos[i],
                              e.message[0] ? e.message : btq_strerror(v));
            goto out_pos;
        }
    }
    btq_client *c = NULL;
    if ((rc = btq_cli_connect(&net, cmd, &c)) != 0) goto out_pos;
    btq_pin *pin = NULL;
    btq_balance *b = calloc((size_t)npos, sizeof *b);
    if (!b) {
        rc = btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
        goto out;
    }
    if ((rc = btq_cli_pin(c, &net, cmd, &pin)) != 0) goto out;
    btq_error err;
    btq_error_clear(&err);
    int q = btq_balances(pin, (const char *const *)pos, (size_t)npos, b, &err);
    if (q) {
        rc = btq_cli_report(cmd, q, &err);
        goto out;
    }
    uint64_t tf = 0, tr = 0, tz = 0, tt = 0;
    int ovf = 0;
    if (net.json) {
        printf("{\"block\": \"%s\", \"accounts\": [", btq_pin_hash(pin));
        for (int i = 0; i < npos; i++) {
            uint64_t total = b[i].free;
            int o1 = 0;
            sum_u64(&total, b[i].reserved, &o1);
            if (o1) {
                rc = btq_cli_fail(BTQ_EXIT_NODE, cmd, "total of %s overflows u64", pos[i]);
                goto out;
            }
            printf("%s{\"address\": \"%s\", \"free\": ", i ? ", " : "", pos[i]);
            btq_cli_json_u64(b[i].free);
            printf(", \"reserved\": ");
            btq_cli_json_u64(b[i].reserved);
            printf(", \"frozen\": ");
            btq_cli_json_u64(b[i].frozen);
            printf(", \"total\": ");
            btq_cli_json_u64(total);
            printf("}");
        }
        printf("]}\n");
    } else {
        char f1[48], f2[48], f3[48], f4[48];
        printf("block %s\n", btq_pin_hash(pin));
        printf("%-48s  %22s  %22s  %22s  %22s\n", "address", "free", "reserved", "frozen", "total");
        for (int i = 0; i < npos; i++) {
            uint64_t total = b[i].free;
            int o1 = 0;
            sum_u64(&total, b[i].reserved, &o1);
            if (o1) ovf = 1;
            sum_u64(&tf, b[i].free, &ovf);
            sum_u64(&tr, b[i].reserved, &ovf);
            sum_u64(&tz, b[i].frozen, &ovf);
            sum_u64(&tt, total, &ovf);
            btq_format_tao(b[i].free, f1, sizeof f1);
            btq_format_tao(b[i].reserved, f2, sizeof f2);
            btq_format_tao(b[i].frozen, f3, sizeof f3);
            btq_format_tao(total, f4, sizeof f4);
            /* τ is 2 bytes for 1 column: widen by one */
            printf("%-48s  %23s  %23s  %23s  %23s\n", pos[i], f1, f2, f3, f4);
        }
        if (ovf) {
            rc = btq_cli_fail(BTQ_EXIT_NODE, cmd, "the sum of the balances overflows u64");
            goto out;
        }
        btq_format_tao(tf, f1, sizeof f1);
        btq_format_tao(tr, f2, sizeof f2);
        btq_format_tao(tz, f3, sizeof f3);
        btq_format_tao(tt, f4, sizeof f4);
        printf("%-48s  %23s  %23s  %23s  %23s\n", "total", f1, f2, f3, f4);
    }
    rc = BTQ_EXIT_OK;
out:
    free(b);
    btq_pin_free(pin);
    btq_client_free(c);
out_pos:
    free(pos);
    return rc;
}
