/* An outside program built against the INSTALLED libbtq with pkg-config only. */
#include <btq.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    const uint8_t in[] = {0x15, 0x01}; /* compact 69 */
    btq_reader r;
    uint64_t v = 0;
    btq_reader_init(&r, in, sizeof in);
    if (btq_read_compact_u64(&r, &v) != 0 || v != 69) return 1;
    if (strcmp(btq_err_name(BTQ_ESHORT), "BTQ_ESHORT") != 0) return 2;
    printf("libbtq %s ok\n", btq_version());
    return 0;
}
