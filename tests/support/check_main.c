/* The one main of every Check test executable. */
#include <stdlib.h>

#include "btq_test.h"

int main(void)
{
    SRunner *sr = srunner_create(btq_test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
