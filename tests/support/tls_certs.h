/* Test certificates for the wss:// tests, generated at run time with the openssl CLI into a
 * fresh mktemp directory (no key is ever committed). EC P-256 keys; every server certificate
 * uses the same key (key). Certificates:
 *   ca          the test CA (give it as btq_rpc_options.ca_file)
 *   good        CN=localhost, SAN DNS:localhost + IP:127.0.0.1, signed by the CA, valid now
 *   wrong_name  CN=wrong.example, SAN DNS:wrong.example only (no IP), signed by the CA
 *   wrong_ip    CN=localhost, SAN DNS:localhost + IP:10.11.12.13 (right name, wrong IP), signed
 *               by the CA
 *   self_signed CN=localhost, SAN DNS:localhost + IP:127.0.0.1, self-signed
 *   expired     like good, signed by the CA, valid 2020-01-01 .. 2020-01-02 only (openssl ca
 *               -startdate/-enddate)
 *   unknown_ca  like good, signed by another CA that nobody trusts */
#ifndef BTQ_TLS_CERTS_H
#define BTQ_TLS_CERTS_H

#define TLS_CERTS_PATH_MAX 512

typedef struct tls_certs {
    char dir[TLS_CERTS_PATH_MAX];
    char ca[TLS_CERTS_PATH_MAX];
    char key[TLS_CERTS_PATH_MAX];
    char good[TLS_CERTS_PATH_MAX];
    char wrong_name[TLS_CERTS_PATH_MAX];
    char wrong_ip[TLS_CERTS_PATH_MAX];
    char self_signed[TLS_CERTS_PATH_MAX];
    char expired[TLS_CERTS_PATH_MAX];
    char unknown_ca[TLS_CERTS_PATH_MAX];
} tls_certs;

/* Create the directory ($TMPDIR or /tmp) and every file above. 0, or -1 (then nothing is
 * left behind; the openssl output went to stderr). */
int tls_certs_make(tls_certs *c);
/* Delete the directory and its files. Safe on a zeroed or already removed struct. */
void tls_certs_remove(tls_certs *c);

#endif
