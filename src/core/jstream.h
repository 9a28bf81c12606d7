/* jstream.h - read a huge top-level JSON array element by element.
 *
 * yajl parses (about 7x faster than jansson's own reader on a 600 MB
 * Azure export) and each element is built as an ordinary jansson value, so
 * the readers keep working on json_t.  Elements are handed over in batches
 * of about `batch_bytes` of text, from inside the parse right after an
 * element ends; a batch is freed when its callback returns, which bounds
 * memory by the batch, not the file.
 *
 * While a stream runs, jansson allocates from the stream's arena (its
 * allocator hooks are global: swapped in, and back on return).  So a
 * callback must not keep any jansson value, or make one that outlives it,
 * and no other thread may use jansson meanwhile.  The line of
 * every object is recorded while parsing (jansson keeps no positions), so
 * findings can name a line without scanning the text again.
 *
 * Duplicate keys, NUL bytes in strings or keys, numbers that overflow,
 * nesting deeper than jansson allows, and what yajl reads more loosely than
 * JSON (\v and \f as whitespace, lone surrogate escapes, a cut-off token
 * after the array) stop the stream like a syntax error:
 * the caller re-reads the document with jansson for the exact message, so
 * both paths accept and reject the same documents. */
#ifndef LG_JSTREAM_H
#define LG_JSTREAM_H

#include <jansson.h>
#include <stddef.h>

typedef struct lg_jstream lg_jstream;

/* batch: an array of consecutive elements, the first being element number
 * `first` of the document's array; `upto`: offset in the text just past the
 * batch's last element.  Return 0 to go on, anything else to stop (it is
 * passed back by lg_jstream_array). */
typedef int (*lg_jstream_cb)(void *ctx, const lg_jstream *js, json_t *batch,
                             size_t first, size_t upto);

/* Streams text[off..len), which must start (after whitespace) with '['.
 * Returns 0 when the whole document was read, the callback's non-zero
 * value if it stopped, or -1 if the text is not valid JSON (or hits one of
 * the limits above); then *err_off is the offset where reading stopped. */
int lg_jstream_array(const char *text, size_t len, size_t off, size_t batch_bytes,
                     lg_jstream_cb cb, void *ctx, size_t *err_off);

/* Line (1-based) where an object of the current batch begins, 0 if obj is
 * not one of them. */
long lg_jstream_line(const lg_jstream *js, const json_t *obj);

#endif
