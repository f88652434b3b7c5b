/* btq constant — placeholder until its issue lands. */
#include "cli.h"

int btq_cmd_constant(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return btq_cli_fail(BTQ_EXIT_FAILURE, "constant", "not implemented yet");
}
