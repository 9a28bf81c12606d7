/* embed.c - the redaction engine inside another C program (an ingest
 * agent): compile once, one scratch per thread, scan many buffers.
 *
 *   make && cc -std=c11 -Isrc examples/embed.c build/libleakguard-redact.a \
 *        -lhs -lyaml -lsodium -lm -o embed && ./embed */
#include <stdio.h>
#include <string.h>

#include "redact/rd.h"

int main(int argc, char **argv)
{
    lg_err e;
    rd_engine *eng = rd_engine_new(NULL, &e); /* NULL: the default policy */
    if (!eng) {
        fprintf(stderr, "%s\n", e.msg);
        return 2;
    }
    rd_scratch *s = rd_scratch_new(eng);
    const char *t = argc > 1 ? argv[1] : "mail jane.doe at contoso dot com";
    const rd_match *m;
    size_t n = rd_scan(eng, s, t, strlen(t), NULL, &m);
    for (size_t i = 0; i < n; i++) /* never print the value itself */
        printf("%s %zu-%zu\n", rd_type_name(eng, m[i].type), m[i].start,
               m[i].end);
    rd_scratch_free(s);
    rd_engine_free(eng);
    return 0;
}
