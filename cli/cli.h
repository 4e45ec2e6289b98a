/* Private to the sipcode command: shared context, option helpers, output. */
#ifndef SIPCODE_CLI_H
#define SIPCODE_CLI_H

#include <stdio.h>

#include <sipcode.h>

/* Exit statuses, documented in docs/sipcode.1 (EXIT STATUS). */
enum cli_exit {
    CLI_EXIT_OK = 0,       /* done; the answer is yes */
    CLI_EXIT_REJECTED = 1, /* input understood but rejected: not a code, no match */
    CLI_EXIT_USAGE = 2,    /* bad command line */
    CLI_EXIT_IO = 3,       /* reading input or writing output failed */
    CLI_EXIT_TRUNCATED = 4 /* stats: a capture ends mid-record; what was read is shown */
};

enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_JSON, CLI_FORMAT_TSV };

struct cli {
    FILE *out;
    enum cli_format format;
    int color_choice; /* --color: -1 auto, 0 never, 1 always */
    int color;        /* resolved: 1 to emit ANSI colour on text output */
};

/* ---- options (cli/options.c) --------------------------------------------- */

/* Matches argv[*i] against --name / -s (s may be 0). For an option taking a
 * value (value != NULL) accepts "--name=V", "--name V" and "-s V", advancing
 * *i past a separate value. Returns 1 on a match, 0 when argv[*i] is another
 * argument, -1 (after printing a usage error) when the value is missing. */
int cli_match_option(int argc, char **argv, int *i, const char *name, char short_name,
                     const char **value);

/* Handles the options every command takes (--format, --color, --no-color).
 * Returns 1 when argv[*i] was one, 0 when not, -1 after a usage error. */
int cli_common_option(struct cli *cli, int argc, char **argv, int *i);

/* Prints "sipcode: <what>: <message>" on stderr. */
void cli_error(const char *what, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A usage error: the message, a pointer to --help, and CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Resolves the colour choice once the options are known. */
void cli_finish_options(struct cli *cli);

/* Flushes and checks the output stream; CLI_EXIT_IO on a write error. */
int cli_finish_output(struct cli *cli, int status);

/* Reads all of f into a malloc'd buffer (cli/input.c); NULL with errno set
 * on failure, EFBIG past the size limit. */
char *cli_read_all(FILE *f, size_t *len);

/* Reads the file at *path (NULL or "-": standard input, and *path becomes
 * "<stdin>"); on failure prints the one-line error and returns NULL. */
char *cli_read_input(const char **path, size_t *len);

/* ---- text output (cli/text.c) ------------------------------------------ */

/* ANSI escape for a role when colour is on, else "". */
const char *cli_style(const struct cli *cli, const char *role);
const char *cli_class_style(const struct cli *cli, int klass);
/* Prints text wrapped to width, each line prefixed by indent. */
void cli_wrap(FILE *out, const char *indent, const char *text, int width);
/* Same, for text that continues a line already at column start_col: the
 * first line goes on from there, the rest start with indent. */
void cli_wrap_hanging(FILE *out, int start_col, const char *indent, const char *text, int width);
void cli_text_entry_row(struct cli *cli, const struct sipcode_info *info);
void cli_text_table_header(struct cli *cli);

/* ---- TSV output (cli/text.c) --------------------------------------------- */
void cli_tsv_header(struct cli *cli);
void cli_tsv_entry(struct cli *cli, const struct sipcode_info *info);

/* ---- JSON output (cli/json.c) ------------------------------------------ */

#define CLI_JSON_MAX_DEPTH 16

/* A streaming JSON writer: pretty-printed, UTF-8 passed through, control
 * characters escaped. Keys and values must alternate inside objects. */
struct cli_json {
    FILE *out;
    int depth;
    int count[CLI_JSON_MAX_DEPTH]; /* members written at each depth */
    int after_key;
    int compact; /* 1: no newlines or indentation (JSON Lines); set after init */
};

void cli_json_init(struct cli_json *j, FILE *out);
void cli_json_object_begin(struct cli_json *j);
void cli_json_object_end(struct cli_json *j);
void cli_json_array_begin(struct cli_json *j);
void cli_json_array_end(struct cli_json *j);
void cli_json_key(struct cli_json *j, const char *key);
void cli_json_string(struct cli_json *j, const char *s);
void cli_json_string_n(struct cli_json *j, const char *s, size_t len);
void cli_json_int(struct cli_json *j, long long v);
void cli_json_bool(struct cli_json *j, int v);
void cli_json_null(struct cli_json *j);
void cli_json_end(struct cli_json *j); /* final newline */
/* Writes a registry entry as one object (the shape documented in sipcode(1)). */
void cli_json_entry(struct cli_json *j, const struct sipcode_info *info);
/* Writes a ";"-separated list as an array of trimmed strings. */
void cli_json_split_list(struct cli_json *j, const char *list, char sep);

/* ---- the metrics exporter of stats --listen (cli/exporter.c) ---------- */

/* Writes the metrics to out: OpenMetrics when openmetrics is 1, else the
 * Prometheus text format 0.0.4. */
typedef void (*cli_render_fn)(void *arg, FILE *out, int openmetrics);

struct cli_exporter;
struct pollfd;

#define CLI_EXPORTER_FDS 9 /* poll slots the exporter uses: listener + connections */

/* Binds ADDRESS:PORT ("127.0.0.1:9100", "[::1]:0") and prints the bound
 * address on stderr. Returns CLI_EXIT_OK, or an exit status after printing
 * the error. */
int cli_exporter_open(const char *spec, cli_render_fn render, void *arg, struct cli_exporter **out);
/* Fills pfd[0..CLI_EXPORTER_FDS) (fd -1 for unused slots); returns the count. */
size_t cli_exporter_pollfds(const struct cli_exporter *ex, struct pollfd *pfd, size_t cap);
/* Accepts, reads, answers and times out connections after poll() returned. */
void cli_exporter_handle(struct cli_exporter *ex, const struct pollfd *pfd, size_t n);
void cli_exporter_close(struct cli_exporter *ex);
/* Routes a complete HTTP request head req[0..len) (read no further): 200 for
 * GET or HEAD of /metrics, with *openmetrics set when the Accept header asks
 * for application/openmetrics-text (q above 0) and *head_only for HEAD; 404
 * for another path, 405 for another method, 400 when the request line has
 * no two spaces. */
int cli_http_route(const char *req, size_t len, int *openmetrics, int *head_only);

/* ---- subcommands --------------------------------------------------------- */
int cmd_explain(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_format(struct cli *cli, int argc, char **argv);
int cmd_parse(struct cli *cli, int argc, char **argv);
int cmd_q850(struct cli *cli, int argc, char **argv);
int cmd_lint(struct cli *cli, int argc, char **argv);

int cmd_pick(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_respond(struct cli *cli, int argc, char **argv);
#endif
