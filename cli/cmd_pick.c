/* sipcode pick CODE... [--policy P] [--cancelled] [--compare]: the response a
 * forking proxy forwards, given each branch's final response. A code
 * suffixed with "L" or ":local" was made up by the proxy itself (a timeout's
 * 408, a transport error's 503). */
#include <string.h>

#include "cli.h"

#define MAX_BRANCHES 64
#define WRAP_WIDTH   78
#define POLICY_COUNT 3

static const char *phrase_of(int code)
{
    const char *p = sipcode_phrase(code);
    return p ? p : "";
}

/* "486", "408L", "408:local": three digits in 100..699, then nothing, "L"
 * or ":local". Returns 0 on success. */
static int parse_branch(const char *arg, struct sipcode_branch_reply *out)
{
    size_t len = strlen(arg), digits = len;
    int local = 0, code = 0;
    if (len > 1 && arg[len - 1] == 'L') {
        digits = len - 1;
        local = 1;
    } else if (len > 6 && strcmp(arg + len - 6, ":local") == 0) {
        digits = len - 6;
        local = 1;
    }
    if (sipcode_parse_code(arg, digits, &code) != SIPCODE_OK)
        return -1;
    out->code = code;
    out->local = local;
    return 0;
}

static int all_policies_agree(const struct sipcode_pick_result *r)
{
    int p;
    for (p = 1; p < POLICY_COUNT; p++)
        if (r[p].code != r[0].code || r[p].branch != r[0].branch)
            return 0;
    return 1;
}

/* ---- text ------------------------------------------------------------------ */

static void label(struct cli *cli, const char *name)
{
    fprintf(cli->out, "  %s%-8s%s ", cli_style(cli, "label"), name, cli_style(cli, "reset"));
}

#define LABEL_INDENT "           "

static void text_code(struct cli *cli, int code)
{
    int eff = sipcode_effective(code);
    fprintf(cli->out, "%s%d%s ", cli_class_style(cli, code / 100), code, cli_style(cli, "reset"));
    if (sipcode_phrase(code))
        fputs(sipcode_phrase(code), cli->out);
    else /* RFC 3261 8.1.3.2 */
        fprintf(cli->out, "(unregistered: acts as %d %s)", eff, phrase_of(eff));
}

static void text_from(struct cli *cli, const struct sipcode_branch_reply *b,
                      const struct sipcode_pick_result *r)
{
    if (r->branch == (size_t)-1) {
        fputs("no branch: no final response was received\n", cli->out);
        return;
    }
    fprintf(cli->out, "branch %zu, ", r->branch);
    text_code(cli, r->chosen);
    fprintf(cli->out, "%s\n", b[r->branch].local ? " (made locally)" : "");
}

static void text_one(struct cli *cli, const struct sipcode_branch_reply *b,
                     const struct sipcode_pick_result *r, enum sipcode_pick_policy policy)
{
    fputs(cli_style(cli, "bold"), cli->out);
    text_code(cli, r->code);
    fprintf(cli->out, "%s\n", cli_style(cli, "reset"));
    label(cli, "from");
    text_from(cli, b, r);
    if (r->remapped_503) {
        label(cli, "remapped");
        fputs("the chosen 503 goes upstream as 500\n", cli->out);
    }
    if (r->aggregate_challenges) {
        label(cli, "merge");
        fputs("add every other 401/407's WWW-Authenticate and Proxy-Authenticate\n", cli->out);
    }
    if (r->code == 487 && r->chosen != 487 && r->branch != (size_t)-1) {
        label(cli, "replaced");
        fputs("the locally made winner of a cancelled request goes upstream as 487\n", cli->out);
    }
    label(cli, "rule");
    fprintf(cli->out, "%s\n", sipcode_pick_rule_name(r->rule));
    label(cli, "why");
    cli_wrap_hanging(cli->out, 11, LABEL_INDENT, r->why, WRAP_WIDTH);
    label(cli, "policy");
    fprintf(cli->out, "%s\n", sipcode_policy_name(policy));
}

static void text_compare(struct cli *cli, const struct sipcode_branch_reply *b,
                         const struct sipcode_pick_result *r)
{
    int p;
    for (p = 0; p < POLICY_COUNT; p++) {
        fprintf(cli->out, "%s%-9s%s ", cli_style(cli, "bold"),
                sipcode_policy_name((enum sipcode_pick_policy)p), cli_style(cli, "reset"));
        text_code(cli, r[p].code);
        fputc('\n', cli->out);
        label(cli, "from");
        text_from(cli, b, &r[p]);
        label(cli, "rule");
        fprintf(cli->out, "%s\n", sipcode_pick_rule_name(r[p].rule));
        label(cli, "why");
        cli_wrap_hanging(cli->out, 11, LABEL_INDENT, r[p].why, WRAP_WIDTH);
    }
    fprintf(cli->out, "%s\n",
            all_policies_agree(r) ? "The policies agree." : "The policies differ.");
}

/* ---- JSON and TSV ----------------------------------------------------------- */

static void json_branches(struct cli_json *j, const struct sipcode_branch_reply *b, size_t n)
{
    size_t i;
    cli_json_key(j, "branches");
    cli_json_array_begin(j);
    for (i = 0; i < n; i++) {
        cli_json_object_begin(j);
        cli_json_key(j, "code");
        cli_json_int(j, b[i].code);
        cli_json_key(j, "local");
        cli_json_bool(j, b[i].local);
        cli_json_object_end(j);
    }
    cli_json_array_end(j);
}

/* The members of one result; the caller has opened the object. */
static void json_result(struct cli_json *j, const struct sipcode_pick_result *r,
                        enum sipcode_pick_policy policy)
{
    cli_json_key(j, "code");
    cli_json_int(j, r->code);
    cli_json_key(j, "phrase");
    cli_json_string(j, phrase_of(r->code));
    cli_json_key(j, "chosen");
    if (r->branch == (size_t)-1)
        cli_json_null(j);
    else
        cli_json_int(j, r->chosen);
    cli_json_key(j, "branch");
    if (r->branch == (size_t)-1)
        cli_json_null(j);
    else
        cli_json_int(j, (long long)r->branch);
    cli_json_key(j, "rule");
    cli_json_string(j, sipcode_pick_rule_name(r->rule));
    cli_json_key(j, "why");
    cli_json_string(j, r->why);
    cli_json_key(j, "remapped_503");
    cli_json_bool(j, r->remapped_503);
    cli_json_key(j, "aggregate_challenges");
    cli_json_bool(j, r->aggregate_challenges);
    cli_json_key(j, "policy");
    cli_json_string(j, sipcode_policy_name(policy));
}

static void tsv_result(struct cli *cli, const struct sipcode_pick_result *r,
                       enum sipcode_pick_policy policy)
{
    fprintf(cli->out, "%s\t%d\t", sipcode_policy_name(policy), r->code);
    if (r->branch == (size_t)-1)
        fputs("\t\t", cli->out);
    else
        fprintf(cli->out, "%d\t%zu\t", r->chosen, r->branch);
    fprintf(cli->out, "%s\t%d\t%d\t%s\n", sipcode_pick_rule_name(r->rule), r->remapped_503,
            r->aggregate_challenges, r->why);
}

/* ---- the command ------------------------------------------------------------ */

int cmd_pick(struct cli *cli, int argc, char **argv)
{
    struct sipcode_branch_reply branches[MAX_BRANCHES];
    struct sipcode_pick_result results[POLICY_COUNT];
    struct sipcode_pick_options opt;
    const char *policy_text = NULL;
    size_t n = 0;
    int i, m, p, compare = 0;

    memset(&opt, 0, sizeof opt);
    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &i, "--policy", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            policy_text = v;
        } else if (cli_match_option(argc, argv, &i, "--cancelled", 0, NULL)) {
            opt.cancelled = 1;
        } else if (cli_match_option(argc, argv, &i, "--compare", 0, NULL)) {
            compare = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error(argv[i], "unknown option for pick");
        } else if (n == MAX_BRANCHES) {
            return cli_usage_error("pick", "at most %d branch responses", MAX_BRANCHES);
        } else if (parse_branch(argv[i], &branches[n]) != 0) {
            cli_error(argv[i], "not a branch response: three digits in 100..699, optionally "
                               "followed by L or :local");
            return CLI_EXIT_REJECTED;
        } else {
            n++;
        }
    }
    if (policy_text) {
        if (compare)
            return cli_usage_error("--policy", "--compare shows every policy; drop --policy");
        if (sipcode_policy_from_name(policy_text, strlen(policy_text), &opt.policy) != SIPCODE_OK)
            return cli_usage_error("--policy", "'%s' is not rfc3261, kamailio or opensips",
                                   policy_text);
    }
    cli_finish_options(cli);

    for (p = 0; p < POLICY_COUNT; p++) {
        struct sipcode_pick_options o = opt;
        if (!compare && p > 0)
            break;
        if (compare)
            o.policy = (enum sipcode_pick_policy)p;
        if (sipcode_pick_best(branches, n, &o, &results[p]) != SIPCODE_OK) {
            cli_error("pick", "cannot choose a response");
            return CLI_EXIT_REJECTED;
        }
    }

    if (cli->format == CLI_FORMAT_JSON) {
        struct cli_json j;
        cli_json_init(&j, cli->out);
        cli_json_object_begin(&j);
        if (compare) {
            json_branches(&j, branches, n);
            cli_json_key(&j, "cancelled");
            cli_json_bool(&j, opt.cancelled);
            cli_json_key(&j, "agree");
            cli_json_bool(&j, all_policies_agree(results));
            cli_json_key(&j, "results");
            cli_json_array_begin(&j);
            for (p = 0; p < POLICY_COUNT; p++) {
                cli_json_object_begin(&j);
                json_result(&j, &results[p], (enum sipcode_pick_policy)p);
                cli_json_object_end(&j);
            }
            cli_json_array_end(&j);
        } else {
            json_result(&j, &results[0], opt.policy);
            cli_json_key(&j, "cancelled");
            cli_json_bool(&j, opt.cancelled);
            json_branches(&j, branches, n);
        }
        cli_json_object_end(&j);
        cli_json_end(&j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fputs("policy\tcode\tchosen\tbranch\trule\tremapped_503\taggregate_challenges\twhy\n",
              cli->out);
        for (p = 0; p < (compare ? POLICY_COUNT : 1); p++)
            tsv_result(cli, &results[p], compare ? (enum sipcode_pick_policy)p : opt.policy);
    } else if (compare) {
        text_compare(cli, branches, results);
    } else {
        text_one(cli, branches, &results[0], opt.policy);
    }
    return cli_finish_output(cli, CLI_EXIT_OK);
}
