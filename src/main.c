/* main.c - the command table: git-style subcommands of one binary. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmds.h"

#define LG_VERSION "0.1.0"

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"audit", cmd_audit, "which data-store ports a ruleset opens to the Internet"},
    {"flow", cmd_flow, "verdict and deciding rule for flows read from stdin"},
    {"redact", cmd_redact, "redact PII and secrets in text, NDJSON, CSV, ES bulk"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: leakguard <command> [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nleakguard <command> --help shows a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("leakguard %s\n", LG_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "leakguard: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
