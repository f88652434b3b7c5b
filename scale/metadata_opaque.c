/* Option<OpaqueMetadata>, the wrapper Metadata_metadata_at_version answers with: read by the
 * client, the CLI and the tests alike, so it lives beside the parser. */
#include "btq/metadata.h"
#include "btq/scale.h"

int btq_metadata_unwrap_opaque(const void *bytes, size_t len, const uint8_t **inner,
                               size_t *inner_len)
{
    if (!inner || !inner_len || (!bytes && len)) return BTQ_EINVAL;
    btq_reader r;
    btq_reader_init(&r, bytes, len);
    bool some;
    int rc = btq_read_option_tag(&r, &some);
    if (rc) return rc;
    const uint8_t *p = NULL;
    size_t n = 0;
    if (some && (rc = btq_read_byte_vec(&r, &p, &n)) != 0) return rc;
    if ((rc = btq_reader_expect_end(&r)) != 0) return rc;
    *inner = p;
    *inner_len = n;
    return 0;
}
