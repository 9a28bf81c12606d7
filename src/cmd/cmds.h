/* cmds.h - the subcommands; each is one file with one entry function. */
#ifndef LG_CMDS_H
#define LG_CMDS_H

int cmd_audit(int argc, char **argv);
int cmd_flow(int argc, char **argv);
int cmd_redact(int argc, char **argv);

#endif
