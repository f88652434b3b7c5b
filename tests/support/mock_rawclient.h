/* A tiny blocking websocket client on a raw socket (no libwebsockets): used to test the mock
 * node on its own and to measure the mock's ceiling (bench/bench_transport_ceiling.c). Only
 * 127.0.0.1. Frames it sends are masked (as a client must); it reassembles fragments. */
#ifndef BTQ_MOCK_RAWCLIENT_H
#define BTQ_MOCK_RAWCLIENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct mock_raw {
    int fd;
    uint8_t *buf; /* received, not yet consumed */
    size_t off, len, cap;
    int closed;
} mock_raw;

/* Connect to 127.0.0.1:port and do the websocket handshake. NULL on failure (refused,
 * closed before the 101, timeout). */
mock_raw *mock_raw_open(int port, int timeout_ms);
void mock_raw_close(mock_raw *c);
/* Send one masked frame: b0 = FIN|opcode (0x81 = final text). 0 or -1. */
int mock_raw_send_frame(mock_raw *c, uint8_t b0, const void *p, size_t len);
/* One final text frame. 0 or -1. */
int mock_raw_send(mock_raw *c, const char *text);
/* Append one masked final text frame to out (for pre-built pipelines); returns bytes added. */
size_t mock_raw_build_frame(uint8_t *out, const void *p, size_t len);
/* Write all bytes. 0 or -1. */
int mock_raw_write_all(mock_raw *c, const void *p, size_t len);

/* Receive one whole message (fragments reassembled; control frames skipped, a close frame
 * ends the connection). Returns 1 with *msg (malloc'd, NUL-terminated), *len and *frames
 * (frames it was made of); 0 when the connection ended (close frame or EOF; *partial set to 1
 * if it ended inside a message); -1 on timeout. */
int mock_raw_recv(mock_raw *c, char **msg, size_t *len, unsigned *frames, int *partial,
                  int timeout_ms);
/* Count whole final data frames as they arrive without keeping them (benchmark): reads what is
 * available within timeout_ms and returns the number of complete frames consumed, -1 when the
 * connection ended. */
long mock_raw_count_frames(mock_raw *c, int timeout_ms);

#endif
