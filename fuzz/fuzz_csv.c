/* fuzz_csv.c - CSV: the first line is the header, the rest rows. */
#include "fuzz_redact.h"

static int first;

static rd_role role(const char *p, size_t n, int reset)
{
    if (reset) {
        first = 1;
        return RD_ROLE_TEXT;
    }
    if (first) {
        first = 0;
        lg_err e;
        rd_columns_free(&fz_cols);
        if (rd_columns_parse(&fz_cols, fz_eng, p, n, &e))
            rd_columns_free(&fz_cols);
        fz_w.cols = fz_s.cols = &fz_cols;
        return RD_ROLE_VERBATIM;
    }
    return RD_ROLE_CSV;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_records(d, n, role);
}
