/* Option matching shared by every subcommand. Hand-written rather than
 * getopt_long so that options may follow positional arguments in any order
 * and every error names the command it belongs to. */
#define _POSIX_C_SOURCE 200809L /* fileno, isatty */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sipcode: %s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sipcode: %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'sipcode --help')\n");
    return CLI_EXIT_USAGE;
}

int cli_match_option(int argc, char **argv, int *i, const char *name, char short_name,
                     const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) == 0 && (arg[n] == '\0' || (value && arg[n] == '='))) {
        if (!value)
            return 1;
        if (arg[n] == '=') {
            *value = arg + n + 1;
            return 1;
        }
    } else if (!(short_name && arg[0] == '-' && arg[1] == short_name && arg[2] == '\0')) {
        return 0;
    } else if (!value) {
        return 1;
    }
    if (*i + 1 >= argc) {
        cli_usage_error(arg, "option needs a value");
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int cli_common_option(struct cli *cli, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int m;
    if ((m = cli_match_option(argc, argv, i, "--format", 'f', &v)) != 0) {
        if (m < 0)
            return -1;
        if (strcmp(v, "text") == 0)
            cli->format = CLI_FORMAT_TEXT;
        else if (strcmp(v, "json") == 0)
            cli->format = CLI_FORMAT_JSON;
        else if (strcmp(v, "tsv") == 0)
            cli->format = CLI_FORMAT_TSV;
        else {
            cli_usage_error("--format", "'%s' is not text, json or tsv", v);
            return -1;
        }
        return 1;
    }
    if ((m = cli_match_option(argc, argv, i, "--color", 0, &v)) != 0) {
        if (m < 0)
            return -1;
        if (strcmp(v, "auto") == 0)
            cli->color_choice = -1;
        else if (strcmp(v, "always") == 0)
            cli->color_choice = 1;
        else if (strcmp(v, "never") == 0)
            cli->color_choice = 0;
        else {
            cli_usage_error("--color", "'%s' is not auto, always or never", v);
            return -1;
        }
        return 1;
    }
    if (cli_match_option(argc, argv, i, "--no-color", 0, NULL)) {
        cli->color_choice = 0;
        return 1;
    }
    return 0;
}

void cli_finish_options(struct cli *cli)
{
    /* no-color.org: a non-empty NO_COLOR turns colour off, whatever else says. */
    const char *no_color = getenv("NO_COLOR");
    if ((no_color && *no_color) || cli->format != CLI_FORMAT_TEXT)
        cli->color = 0;
    else if (cli->color_choice >= 0)
        cli->color = cli->color_choice;
    else
        cli->color = isatty(fileno(cli->out));
}

int cli_finish_output(struct cli *cli, int status)
{
    if (fflush(cli->out) != 0 || ferror(cli->out)) {
        cli_error("output", "write failed");
        return CLI_EXIT_IO;
    }
    return status;
}
