/* load.c - reading, JSON parsing with positions, format detection and
 * dispatch to the platform readers. */
#include "load.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonloc.h"
#include "platforms.h"

static const char *const fmt_names[] = {"auto", "azure", "aws", "gcp",
                                        "iptables", "nft", "terraform"};

int nr_format_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof fmt_names / sizeof fmt_names[0]); i++)
        if (strcmp(name, fmt_names[i]) == 0)
            return i;
    if (strcmp(name, "nftables") == 0)
        return NR_FMT_NFT;
    return -1;
}

const char *nr_format_name(nr_format f)
{
    return (unsigned)f < sizeof fmt_names / sizeof fmt_names[0] ? fmt_names[f] : "?";
}

static char *read_all(const char *path, size_t *len, lg_err *e)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        lg_err_at(e, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                lg_err_at(e, path, 0, 0, "out of memory");
                buf = NULL;
                goto out;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        lg_err_at(e, path, 0, 0, "read error: %s", strerror(errno));
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = 0;
    *len = n;
out:
    if (f != stdin)
        fclose(f);
    return buf;
}

static int add_input(nr_inputs *ins, const char *name, char *text, size_t len,
                     nr_format force, lg_err *e)
{
    size_t i = ins->n;
    ins->in = realloc(ins->in, (i + 1) * sizeof *ins->in);
    ins->fmt = realloc(ins->fmt, (i + 1) * sizeof *ins->fmt);
    nr_input *in = &ins->in[i];
    memset(in, 0, sizeof *in);
    in->path = strdup(name);
    in->text = text;
    in->len = len;
    ins->fmt[i] = NR_FMT_AUTO;
    ins->n++;

    size_t k = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
        (unsigned char)text[2] == 0xbf)
        k = 3; /* UTF-8 byte order mark, as PowerShell writes */
    while (k < len && (text[k] == ' ' || text[k] == '\n' || text[k] == '\r' || text[k] == '\t'))
        k++;
    if (k == len)
        return lg_err_at(e, name, 0, 0, "empty input: expected a rules export");
    bool looks_json = text[k] == '{' || text[k] == '[';
    if (force == NR_FMT_IPT)
        looks_json = false;
    if (looks_json || (force != NR_FMT_AUTO && force != NR_FMT_IPT)) {
        json_error_t je;
        json_t *j = json_loadb(text + k, len - k, JSON_REJECT_DUPLICATES, &je);
        if (!j) {
            /* jansson counts lines from the start of what it was given */
            long line = je.line, col = je.column > 0 ? je.column : 1;
            for (size_t q = 0; q < k; q++)
                if (text[q] == '\n')
                    line++;
            return lg_err_at(e, name, line, col, "invalid JSON: %s", je.text);
        }
        in->json = j;
    }
    if (force != NR_FMT_AUTO) {
        ins->fmt[i] = force;
        return 0;
    }
    if (!in->json) {
        if (nr_ipt_detect(in)) {
            ins->fmt[i] = NR_FMT_IPT;
            return 0;
        }
        long line = 1;
        return lg_err_at(e, name, line, 1,
                         "unknown format: expected JSON (Azure, AWS, GCP, nft -j) "
                         "or iptables-save text (use --format to say which)");
    }
    if (nr_tf_detect(in))
        ins->fmt[i] = NR_FMT_TERRAFORM;
    else if (nr_nft_detect(in))
        ins->fmt[i] = NR_FMT_NFT;
    else if (nr_aws_detect(in))
        ins->fmt[i] = NR_FMT_AWS;
    else if (nr_gcp_detect(in))
        ins->fmt[i] = NR_FMT_GCP;
    else if (nr_azure_detect(in))
        ins->fmt[i] = NR_FMT_AZURE;
    else
        return lg_err_at(e, name, 1, 1,
                         "unknown JSON document: expected an Azure NSG/ARM export, "
                         "AWS describe-security-groups/-network-acls, GCP "
                         "firewall-rules list, nft -j list ruleset or "
                         "terraform show -json "
                         "(use --format to say which)");
    return 0;
}

static int dispatch(nr_snapshot *s, nr_inputs *ins, const nr_opts *o, lg_err *e)
{
    static int (*const loaders[])(nr_snapshot *, const nr_input *const *, size_t,
                                  const nr_opts *, lg_err *) = {
        NULL, nr_azure_load, nr_aws_load, nr_gcp_load, nr_ipt_load, nr_nft_load,
        nr_tf_load};
    const nr_input **group = calloc(ins->n + 1, sizeof *group);
    int rc = 0;
    for (int f = NR_FMT_AZURE; f <= NR_FMT_TERRAFORM && rc == 0; f++) {
        size_t m = 0;
        for (size_t i = 0; i < ins->n; i++)
            if (ins->fmt[i] == f)
                group[m++] = &ins->in[i];
        if (m)
            rc = loaders[f](s, group, m, o, e);
    }
    free(group);
    return rc;
}

int nr_load(nr_snapshot *s, nr_inputs *ins, const char *const *paths,
            size_t npaths, nr_format force, const nr_opts *o, lg_err *e)
{
    for (size_t i = 0; i < npaths; i++) {
        size_t len = 0;
        char *text = read_all(paths[i], &len, e);
        if (!text)
            return -1;
        if (add_input(ins, strcmp(paths[i], "-") == 0 ? "<stdin>" : paths[i],
                      text, len, force, e) < 0)
            return -1;
    }
    return dispatch(s, ins, o, e);
}

int nr_load_mem(nr_snapshot *s, nr_inputs *ins, const char *name,
                const char *text, size_t len, nr_format force,
                const nr_opts *o, lg_err *e)
{
    char *copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    if (add_input(ins, name, copy, len, force, e) < 0)
        return -1;
    return dispatch(s, ins, o, e);
}

void nr_inputs_free(nr_inputs *ins)
{
    for (size_t i = 0; i < ins->n; i++) {
        free((char *)ins->in[i].path);
        free((char *)ins->in[i].text);
        if (ins->in[i].json)
            json_decref(ins->in[i].json);
        lg_json_index_free(ins->in[i].locidx);
    }
    free(ins->in);
    free(ins->fmt);
    memset(ins, 0, sizeof *ins);
}
