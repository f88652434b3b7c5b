/* Library version string. */
#include "btq.h"

#define BTQ_STR2_(x) #x
#define BTQ_STR_(x) BTQ_STR2_(x)

const char *btq_version(void)
{
    return BTQ_STR_(BTQ_VERSION_MAJOR) "." BTQ_STR_(BTQ_VERSION_MINOR) "." BTQ_STR_(
        BTQ_VERSION_PATCH);
}
