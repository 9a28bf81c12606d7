/* jsonloc.h - find the line and column of a value in JSON text by its JSON
 * pointer (RFC 6901).  jansson keeps no positions for values, so semantic
 * errors ("priority must be a number") and SARIF locations use this to name
 * a line.  Works on the raw text; assumes it already parsed as JSON. */
#ifndef LG_JSONLOC_H
#define LG_JSONLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true and sets line and col (1-based) if the pointer resolves. */
bool lg_json_locate(const char *text, size_t len, const char *pointer,
                    long *line, long *col);

/* Offset just past the JSON value that starts at or after `off` (leading
 * whitespace skipped), or 0 if there is no well-formed-looking value.  Used
 * to cut a large top-level array into elements without parsing it. */
size_t lg_json_value_end(const char *text, size_t len, size_t off);
/* First offset at or after `off` that is not JSON whitespace. */
size_t lg_json_skip_ws(const char *text, size_t len, size_t off);

/* Many lookups in one document (a line for every finding of a large
 * export): an index that memoizes container offsets and array element
 * starts, so each part of the text is scanned at most once overall instead
 * of once per lookup. */
typedef struct lg_json_index lg_json_index;
lg_json_index *lg_json_index_new(const char *text, size_t len);
bool lg_json_index_locate(lg_json_index *ix, const char *pointer, long *line,
                          long *col);
void lg_json_index_free(lg_json_index *ix);

#endif
