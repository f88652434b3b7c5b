/* btq ss58 — placeholder until its issue lands. */
#include "cli.h"

int btq_cmd_ss58(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return btq_cli_fail(BTQ_EXIT_FAILURE, "ss58", "not implemented yet");
}
