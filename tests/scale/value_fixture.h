/* A hand-built type registry covering the eight kinds and every primitive, shared by the
 * value tests (tests/scale/test_value_*.c). Ids are named below. */
#ifndef BTQ_VALUE_FIXTURE_H
#define BTQ_VALUE_FIXTURE_H

#include "btq/registry.h"

enum {
    T_U8 = 0,
    T_U16,
    T_U32,
    T_U64,
    T_U128,
    T_BOOL,
    T_STR,
    T_CHAR,
    T_I8,
    T_I16,
    T_I32,
    T_I64,
    T_I128,
    T_U256,
    T_I256,
    T_COMPACT_U32 = 15,
    T_COMPACT_U128,
    T_VEC_U8,
    T_ARR_U8_4,
    T_ACCOUNT_ID,
    T_ARR_U8_32,
    T_ACCOUNT_DATA = 21,
    T_ACCOUNT_INFO,
    T_NETUID,
    T_OPTION_U64,
    T_ENUM,
    T_TUPLE_U16_BOOL,
    T_VEC_TUPLE = 27,
    T_BITVEC_U8_LSB0,
    T_LSB0,
    T_VEC_NETUID,
    T_UNIT,
    T_VEC_UNIT,
    T_COMPACT_U8 = 33,
    T_MSB0,
    T_BITVEC_U32_MSB0,
    T_VEC_STR,
    T_PAIR,
    T_COMPACT_NETUID,
    T_COUNT
};

static inline const btq_registry *fixture_registry(void)
{
    static const btq_field account_id_f[] = {{NULL, T_ARR_U8_32, "[u8; 32]"}};
    static const btq_field account_data_f[] = {{"free", T_U64, "Balance"},
                                               {"reserved", T_U64, "Balance"},
                                               {"frozen", T_U64, "Balance"},
                                               {"flags", T_U128, "ExtraFlags"}};
    static const btq_field account_info_f[] = {{"nonce", T_U32, "Nonce"},
                                               {"consumers", T_U32, "RefCount"},
                                               {"providers", T_U32, "RefCount"},
                                               {"sufficients", T_U32, "RefCount"},
                                               {"data", T_ACCOUNT_DATA, "AccountData"}};
    static const btq_field netuid_f[] = {{NULL, T_U16, "u16"}};
    static const btq_field some_f[] = {{NULL, T_U64, "T"}};
    static const btq_variant option_v[] = {{"None", 0, 0, NULL}, {"Some", 1, 1, some_f}};
    static const btq_field b_f[] = {{"x", T_U32, NULL}, {"y", T_BOOL, NULL}};
    static const btq_field c_f[] = {{NULL, T_U8, NULL}, {NULL, T_U16, NULL}};
    static const btq_field d_f[] = {{NULL, T_STR, NULL}};
    static const btq_variant enum_v[] = {
        {"A", 0, 0, NULL}, {"B", 1, 2, b_f}, {"C", 5, 2, c_f}, {"D", 7, 1, d_f}};
    static const uint32_t tuple_e[] = {T_U16, T_BOOL};
    static const btq_field pair_f[] = {{NULL, T_U8, NULL}, {NULL, T_U16, NULL}};
#define P(prim)                                                                                    \
    {                                                                                              \
        BTQ_TYPE_PRIMITIVE, "", 0, NULL, 0,                                                        \
        {                                                                                          \
            .primitive = (prim)                                                                    \
        }                                                                                          \
    }
    static const btq_type types[T_COUNT] = {
        P(BTQ_PRIM_U8),
        P(BTQ_PRIM_U16),
        P(BTQ_PRIM_U32),
        P(BTQ_PRIM_U64),
        P(BTQ_PRIM_U128),
        P(BTQ_PRIM_BOOL),
        P(BTQ_PRIM_STR),
        P(BTQ_PRIM_CHAR),
        P(BTQ_PRIM_I8),
        P(BTQ_PRIM_I16),
        P(BTQ_PRIM_I32),
        P(BTQ_PRIM_I64),
        P(BTQ_PRIM_I128),
        P(BTQ_PRIM_U256),
        P(BTQ_PRIM_I256),
        [T_COMPACT_U32] = {BTQ_TYPE_COMPACT, "", 0, NULL, 0, {.compact = {T_U32}}},
        [T_COMPACT_U128] = {BTQ_TYPE_COMPACT, "", 0, NULL, 0, {.compact = {T_U128}}},
        [T_VEC_U8] = {BTQ_TYPE_SEQUENCE, "", 0, NULL, 0, {.sequence = {T_U8}}},
        [T_ARR_U8_4] = {BTQ_TYPE_ARRAY, "", 0, NULL, 0, {.array = {4, T_U8}}},
        [T_ACCOUNT_ID] = {BTQ_TYPE_COMPOSITE,
                          "sp_core::crypto::AccountId32",
                          0,
                          NULL,
                          0,
                          {.composite = {1, account_id_f}}},
        [T_ARR_U8_32] = {BTQ_TYPE_ARRAY, "", 0, NULL, 0, {.array = {32, T_U8}}},
        [T_ACCOUNT_DATA] = {BTQ_TYPE_COMPOSITE,
                            "pallet_balances::types::AccountData",
                            0,
                            NULL,
                            0,
                            {.composite = {4, account_data_f}}},
        [T_ACCOUNT_INFO] = {BTQ_TYPE_COMPOSITE,
                            "frame_system::AccountInfo",
                            0,
                            NULL,
                            0,
                            {.composite = {5, account_info_f}}},
        [T_NETUID] = {BTQ_TYPE_COMPOSITE,
                      "subtensor_runtime_common::NetUid",
                      0,
                      NULL,
                      0,
                      {.composite = {1, netuid_f}}},
        [T_OPTION_U64] = {BTQ_TYPE_VARIANT, "Option", 0, NULL, 0, {.variant = {2, option_v}}},
        [T_ENUM] = {BTQ_TYPE_VARIANT, "test::MyEnum", 0, NULL, 0, {.variant = {4, enum_v}}},
        [T_TUPLE_U16_BOOL] = {BTQ_TYPE_TUPLE, "", 0, NULL, 0, {.tuple = {2, tuple_e}}},
        [T_VEC_TUPLE] = {BTQ_TYPE_SEQUENCE, "", 0, NULL, 0, {.sequence = {T_TUPLE_U16_BOOL}}},
        [T_BITVEC_U8_LSB0] = {BTQ_TYPE_BITSEQ,
                              "",
                              0,
                              NULL,
                              0,
                              {.bitseq = {T_U8, T_LSB0, BTQ_BITSTORE_U8, BTQ_BITORDER_LSB0}}},
        [T_LSB0] =
            {BTQ_TYPE_COMPOSITE, "bitvec::order::Lsb0", 0, NULL, 0, {.composite = {0, NULL}}},
        [T_VEC_NETUID] = {BTQ_TYPE_SEQUENCE, "", 0, NULL, 0, {.sequence = {T_NETUID}}},
        [T_UNIT] = {BTQ_TYPE_TUPLE, "", 0, NULL, 0, {.tuple = {0, NULL}}},
        [T_VEC_UNIT] = {BTQ_TYPE_SEQUENCE, "", 0, NULL, 0, {.sequence = {T_UNIT}}},
        [T_COMPACT_U8] = {BTQ_TYPE_COMPACT, "", 0, NULL, 0, {.compact = {T_U8}}},
        [T_MSB0] =
            {BTQ_TYPE_COMPOSITE, "bitvec::order::Msb0", 0, NULL, 0, {.composite = {0, NULL}}},
        [T_BITVEC_U32_MSB0] = {BTQ_TYPE_BITSEQ,
                               "",
                               0,
                               NULL,
                               0,
                               {.bitseq = {T_U32, T_MSB0, BTQ_BITSTORE_U32, BTQ_BITORDER_MSB0}}},
        [T_VEC_STR] = {BTQ_TYPE_SEQUENCE, "", 0, NULL, 0, {.sequence = {T_STR}}},
        [T_PAIR] = {BTQ_TYPE_COMPOSITE, "test::Pair", 0, NULL, 0, {.composite = {2, pair_f}}},
        [T_COMPACT_NETUID] = {BTQ_TYPE_COMPACT, "", 0, NULL, 0, {.compact = {T_NETUID}}},
    };
#undef P
    static const btq_registry reg = {T_COUNT, types};
    return &reg;
}

/* The 56-byte AccountInfo used across the tests: nonce 7, consumers 1, providers 2,
 * sufficients 0, free 123456789012, reserved 5, frozen 0, flags 2^127. */
static inline const uint8_t *fixture_account_info(void)
{
    static const uint8_t b[56] = {7,    0,    0,    0,    1,    0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
                                  0x14, 0x1a, 0x99, 0xbe, 0x1c, 0, 0, 0, /* 123456789012 */
                                  5,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                  0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80};
    return b;
}

#endif
