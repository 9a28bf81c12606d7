/* load.h - read rule files, detect their format and hand them to the
 * platform readers (platforms.h). */
#ifndef NR_LOAD_H
#define NR_LOAD_H

#include "model.h"

typedef enum nr_format {
    NR_FMT_AUTO = 0, NR_FMT_AZURE, NR_FMT_AWS, NR_FMT_GCP, NR_FMT_IPT, NR_FMT_NFT,
    NR_FMT_TERRAFORM
} nr_format;

/* "azure" ... -> format; NR_FMT_AUTO for "auto"; -1 if unknown. */
int nr_format_parse(const char *name);
const char *nr_format_name(nr_format f);

/* A set of loaded inputs; owns the file texts and parsed JSON. */
typedef struct nr_inputs {
    nr_input *in;
    int *fmt;
    bool *stream;   /* large top-level array, parsed later batch by batch */
    bool *mapped;   /* text is a read-only file mapping (large JSON) */
    size_t n;
} nr_inputs;

/* Read every path ("-" is stdin), parse JSON where the text is JSON,
 * detect formats (or use `force`), and build the snapshot.  On error
 * returns -1 with e naming file:line:col. */
int nr_load(nr_snapshot *s, nr_inputs *inputs, const char *const *paths,
            size_t npaths, nr_format force, const nr_opts *o, lg_err *e);
/* Parse one in-memory input (used by fuzz targets and tests). */
int nr_load_mem(nr_snapshot *s, nr_inputs *inputs, const char *name,
                const char *text, size_t len, nr_format force,
                const nr_opts *o, lg_err *e);
void nr_inputs_free(nr_inputs *inputs);

#endif
