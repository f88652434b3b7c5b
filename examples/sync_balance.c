/* Balance of one account, blocking API.
 *
 *   example_sync_balance URL|NETWORK ADDRESS
 *   example_sync_balance finney 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
 */
#include <stdio.h>
#include <string.h>

#include "btq.h"
#include "btq/client.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s URL|NETWORK ADDRESS\n", argv[0]);
        return 2;
    }
    btq_client_options o;
    btq_client_options_init(&o);
    if (strstr(argv[1], "://"))
        o.url = argv[1];
    else
        o.network = argv[1];
    btq_error err;
    btq_error_clear(&err);
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    int rc = btq_client_new(&o, &c, &err);
    if (!rc) rc = btq_client_pin(c, NULL, &pin, &err); /* the head, with its runtime */
    btq_balance b = {0};
    const char *addr = argv[2];
    if (!rc) rc = btq_balances(pin, &addr, 1, &b, &err);
    if (rc) {
        fprintf(stderr, "error: %s (%s)\n", err.message, btq_err_name(rc));
    } else {
        char f[48], r[48], z[48];
        btq_format_tao(b.free, f, sizeof f);
        btq_format_tao(b.reserved, r, sizeof r);
        btq_format_tao(b.frozen, z, sizeof z);
        printf("block %s\nfree %s\nreserved %s\nfrozen %s\n", btq_pin_hash(pin), f, r, z);
    }
    btq_pin_free(pin);
    btq_client_free(c);
    return rc ? 1 : 0;
}
