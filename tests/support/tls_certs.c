/* Run-time generation of the wss:// test certificates (see tls_certs.h). */
#define _GNU_SOURCE
#include "tls_certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* sh script, $1 = the directory. */
static const char GEN_SH[] =
    "set -e\n"
    "cd \"$1\"\n"
    "cat > openssl.cnf <<'CNF'\n"
    "[req]\n"
    "distinguished_name = dn\n"
    "prompt = no\n"
    "[dn]\n"
    "CN = btq test\n"
    "[v3_ca]\n"
    "basicConstraints = critical,CA:TRUE\n"
    "keyUsage = critical,keyCertSign,cRLSign\n"
    "subjectKeyIdentifier = hash\n"
    "[srv_good]\n"
    "basicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost,IP:127.0.0.1\n"
    "[srv_wrong]\n"
    "basicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:wrong.example\n"
    "[srv_wrong_ip]\n"
    "basicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost,IP:10.11.12.13\n"
    "[ca]\n"
    "default_ca = testca\n"
    "[testca]\n"
    "dir = .\n"
    "database = index.txt\n"
    "serial = serial.txt\n"
    "new_certs_dir = .\n"
    "default_md = sha256\n"
    "policy = pol\n"
    "unique_subject = no\n"
    "email_in_dn = no\n"
    "[pol]\n"
    "commonName = supplied\n"
    "CNF\n"
    ": > index.txt\n"
    "echo 1000 > serial.txt\n"
    "key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out \"$1\"; }\n"
    "key ca.key\n"
    "key ca2.key\n"
    "key server.key\n"
    "openssl req -config openssl.cnf -x509 -new -key ca.key -subj \"/CN=btq test CA\" -days 3 "
    "-extensions v3_ca -out ca.pem\n"
    "openssl req -config openssl.cnf -x509 -new -key ca2.key -subj \"/CN=btq unknown CA\" -days 3 "
    "-extensions v3_ca -out ca2.pem\n"
    "openssl req -config openssl.cnf -new -key server.key -subj \"/CN=localhost\" -out "
    "localhost.csr\n"
    "openssl req -config openssl.cnf -new -key server.key -subj \"/CN=wrong.example\" -out "
    "wrong.csr\n"
    "openssl x509 -req -in localhost.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 3 -extfile "
    "openssl.cnf -extensions srv_good -out good.pem\n"
    "openssl x509 -req -in wrong.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 3 -extfile "
    "openssl.cnf -extensions srv_wrong -out wrong_name.pem\n"
    "openssl x509 -req -in localhost.csr -CA ca.pem -CAkey ca.key -set_serial 4 -days 3 -extfile "
    "openssl.cnf -extensions srv_wrong_ip -out wrong_ip.pem\n"
    "openssl req -config openssl.cnf -x509 -new -key server.key -subj \"/CN=localhost\" -days 3 "
    "-extensions srv_good -out self_signed.pem\n"
    "openssl ca -batch -config openssl.cnf -name testca -notext -cert ca.pem -keyfile ca.key -in "
    "localhost.csr -startdate 20200101000000Z -enddate 20200102000000Z -extensions srv_good -out "
    "expired.pem\n"
    "openssl x509 -req -in localhost.csr -CA ca2.pem -CAkey ca2.key -set_serial 3 -days 3 -extfile "
    "openssl.cnf -extensions srv_good -out unknown_ca.pem\n";

static int path_in(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, TLS_CERTS_PATH_MAX, "%s/%s", dir, name);
    return n > 0 && n < TLS_CERTS_PATH_MAX ? 0 : -1;
}

int tls_certs_make(tls_certs *c)
{
    memset(c, 0, sizeof *c);
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strchr(tmp, '\'')) tmp = "/tmp"; /* paths are quoted for sh */
    if (path_in(c->dir, tmp, "btq-tls-XXXXXX") != 0 || !mkdtemp(c->dir)) {
        c->dir[0] = 0;
        return -1;
    }
    char script[TLS_CERTS_PATH_MAX], log[TLS_CERTS_PATH_MAX];
    if (path_in(script, c->dir, "gen.sh") || path_in(log, c->dir, "gen.log")) goto fail;
    FILE *f = fopen(script, "w");
    if (!f) goto fail;
    size_t w = fwrite(GEN_SH, 1, sizeof GEN_SH - 1, f);
    if (fclose(f) != 0 || w != sizeof GEN_SH - 1) goto fail;
    char cmd[3 * TLS_CERTS_PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "sh '%s' '%s' >'%s' 2>&1", script, c->dir, log);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s' >&2", log);
        if (system(cmd) != 0) fprintf(stderr, "tls_certs: openssl failed\n");
        goto fail;
    }
    if (path_in(c->ca, c->dir, "ca.pem") || path_in(c->key, c->dir, "server.key") ||
        path_in(c->good, c->dir, "good.pem") || path_in(c->wrong_name, c->dir, "wrong_name.pem") ||
        path_in(c->wrong_ip, c->dir, "wrong_ip.pem") ||
        path_in(c->self_signed, c->dir, "self_signed.pem") ||
        path_in(c->expired, c->dir, "expired.pem") ||
        path_in(c->unknown_ca, c->dir, "unknown_ca.pem"))
        goto fail;
    return 0;
fail:
    tls_certs_remove(c);
    return -1;
}

void tls_certs_remove(tls_certs *c)
{
    if (!c || !c->dir[0]) return;
    /* only ever a directory made by mkdtemp above (no quote can occur in it) */
    if (!strstr(c->dir, "/btq-tls-") || strchr(c->dir, '\'')) return;
    char cmd[TLS_CERTS_PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", c->dir);
    if (system(cmd) != 0) fprintf(stderr, "tls_certs: cannot remove %s\n", c->dir);
    memset(c, 0, sizeof *c);
}
