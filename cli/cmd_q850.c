/* sipcode q850: Q.850 cause -> SIP response, SIP response -> cause (--from-sip),
 * under a mapping profile (--profile); the cause table (--list) and the
 * profiles (--profiles). The mapping itself is libsipcode's. */
#include <string.h>

#include "cli.h"

/* A cause on the command line: 0..127, decimal, no sign, no leading zero. */
static int parse_cause(const char *s, int *cause)
{
    size_t n = strlen(s), i;
    int v = 0;
    if (n == 0 || n > 3 || (s[0] == '0' && n > 1))
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (v > 127)
        return 0;
    *cause = v;
    return 1;
}

/* TSV cells cannot hold tabs or line ends. */
static void tsv_cell(FILE *out, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void json_string_or_null(struct cli_json *j, const char *s)
{
    if (s)
        cli_json_string(j, s);
    else
        cli_json_null(j);
}

static void json_int_or_null(struct cli_json *j, int v)
{
    if (v)
        cli_json_int(j, v);
    else
        cli_json_null(j);
}

static int list_causes(struct cli *cli)
{
    size_t i;
    struct cli_json j;
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_init(&j, cli->out);
        cli_json_array_begin(&j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fputs("cause\tname\tclass\tmeaning\n", cli->out);
    } else {
        fprintf(cli->out, "%sCAUSE  NAME (CLASS)%s\n", cli_style(cli, "bold"),
                cli_style(cli, "reset"));
    }
    for (i = 0; i < sipcode_q850_count(); i++) {
        const struct sipcode_q850_info *e = sipcode_q850_at(i);
        if (cli->format == CLI_FORMAT_JSON) {
            cli_json_object_begin(&j);
            cli_json_key(&j, "cause");
            cli_json_int(&j, e->cause);
            cli_json_key(&j, "name");
            cli_json_string(&j, e->name);
            cli_json_key(&j, "class");
            cli_json_string(&j, e->klass);
            cli_json_key(&j, "meaning");
            cli_json_string(&j, e->meaning);
            cli_json_object_end(&j);
        } else if (cli->format == CLI_FORMAT_TSV) {
            fprintf(cli->out, "%d\t", e->cause);
            tsv_cell(cli->out, e->name);
            fputc('\t', cli->out);
            tsv_cell(cli->out, e->klass);
            fputc('\t', cli->out);
            tsv_cell(cli->out, e->meaning);
            fputc('\n', cli->out);
        } else {
            fprintf(cli->out, "%s%5d%s  %s %s(%s)%s\n", cli_style(cli, "bold"), e->cause,
                    cli_style(cli, "reset"), e->name, cli_style(cli, "dim"), e->klass,
                    cli_style(cli, "reset"));
        }
    }
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_array_end(&j);
        cli_json_end(&j);
    }
    return cli_finish_output(cli, CLI_EXIT_OK);
}

static int list_profiles(struct cli *cli)
{
    size_t i;
    struct cli_json j;
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_init(&j, cli->out);
        cli_json_array_begin(&j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fputs("name\ttitle\tsource\n", cli->out);
    }
    for (i = 0; i < sipcode_q850_profile_count(); i++) {
        const struct sipcode_q850_profile *p = sipcode_q850_profile_at(i);
        if (cli->format == CLI_FORMAT_JSON) {
            cli_json_object_begin(&j);
            cli_json_key(&j, "name");
            cli_json_string(&j, sipcode_q850_profile_name(p));
            cli_json_key(&j, "title");
            cli_json_string(&j, sipcode_q850_profile_title(p));
            cli_json_key(&j, "source");
            cli_json_string(&j, sipcode_q850_profile_source(p));
            cli_json_key(&j, "default");
            cli_json_bool(&j, i == 0);
            cli_json_object_end(&j);
        } else if (cli->format == CLI_FORMAT_TSV) {
            fprintf(cli->out, "%s\t", sipcode_q850_profile_name(p));
            tsv_cell(cli->out, sipcode_q850_profile_title(p));
            fputc('\t', cli->out);
            tsv_cell(cli->out, sipcode_q850_profile_source(p));
            fputc('\n', cli->out);
        } else {
            fprintf(cli->out, "%s%s%s%s\n", i ? "\n" : "", cli_style(cli, "bold"),
                    sipcode_q850_profile_name(p), cli_style(cli, "reset"));
            cli_wrap(cli->out, "  ", sipcode_q850_profile_title(p), 79);
            fprintf(cli->out, "  %ssource%s ", cli_style(cli, "label"), cli_style(cli, "reset"));
            cli_wrap_hanging(cli->out, 9, "         ", sipcode_q850_profile_source(p), 79);
        }
    }
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_array_end(&j);
        cli_json_end(&j);
    }
    return cli_finish_output(cli, CLI_EXIT_OK);
}

static void text_label(struct cli *cli, const char *label)
{
    fprintf(cli->out, "%s%-8s%s ", cli_style(cli, "label"), label, cli_style(cli, "reset"));
}

static void text_cause(struct cli *cli, int cause)
{
    const struct sipcode_q850_info *e = sipcode_q850_lookup(cause);
    text_label(cli, "cause");
    if (e)
        fprintf(cli->out, "%s%d%s %s (%s)\n", cli_style(cli, "bold"), cause,
                cli_style(cli, "reset"), e->name, e->klass);
    else if (cause == 0)
        fputs("0 (no cause)\n", cli->out);
    else
        fprintf(cli->out, "%d (a value Q.850 does not define)\n", cause);
}

static void text_sip(struct cli *cli, int code)
{
    const char *phrase = sipcode_phrase(code);
    text_label(cli, "sip");
    fprintf(cli->out, "%s%d%s %s\n", cli_class_style(cli, code / 100), code,
            cli_style(cli, "reset"), phrase && *phrase ? phrase : "(no registered phrase)");
}

/* p may be NULL: the default profile, as for the library. */
static int show_mapping(struct cli *cli, const struct sipcode_q850_profile *p, int from_sip,
                        const struct sipcode_mapping *m)
{
    const struct sipcode_q850_info *e = sipcode_q850_lookup(m->cause);
    const char *rule = m->from_reason  ? "Reason header"
                       : m->from_table ? "table row"
                                       : "default rule";
    if (cli->format == CLI_FORMAT_JSON) {
        struct cli_json j;
        cli_json_init(&j, cli->out);
        cli_json_object_begin(&j);
        cli_json_key(&j, "profile");
        cli_json_string(&j, sipcode_q850_profile_name(p));
        cli_json_key(&j, "direction");
        cli_json_string(&j, from_sip ? "sip-to-cause" : "cause-to-sip");
        cli_json_key(&j, "code");
        json_int_or_null(&j, m->sip);
        cli_json_key(&j, "phrase");
        json_string_or_null(&j, m->sip ? sipcode_phrase(m->sip) : NULL);
        cli_json_key(&j, "cause");
        /* The cause asked about stays a number, even 0; a cause the profile
         * does not give is null. */
        if (from_sip)
            json_int_or_null(&j, m->cause);
        else
            cli_json_int(&j, m->cause);
        cli_json_key(&j, "cause_name");
        json_string_or_null(&j, e ? e->name : NULL);
        cli_json_key(&j, "cause_class");
        json_string_or_null(&j, e ? e->klass : NULL);
        cli_json_key(&j, "from_table");
        cli_json_bool(&j, m->from_table);
        cli_json_key(&j, "from_reason");
        cli_json_bool(&j, m->from_reason);
        cli_json_key(&j, "why");
        cli_json_string(&j, m->why);
        cli_json_object_end(&j);
        cli_json_end(&j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fputs("profile\tdirection\tcode\tcause\tcause_name\tfrom_table\twhy\n", cli->out);
        fprintf(cli->out, "%s\t%s\t", sipcode_q850_profile_name(p),
                from_sip ? "sip-to-cause" : "cause-to-sip");
        if (m->sip)
            fprintf(cli->out, "%d", m->sip);
        fputc('\t', cli->out);
        if (m->cause || !from_sip)
            fprintf(cli->out, "%d", m->cause);
        fputc('\t', cli->out);
        tsv_cell(cli->out, e ? e->name : "");
        fprintf(cli->out, "\t%d\t", m->from_table);
        tsv_cell(cli->out, m->why);
        fputc('\n', cli->out);
    } else {
        if (from_sip) {
            text_sip(cli, m->sip);
            if (m->cause) {
                text_cause(cli, m->cause);
            } else {
                text_label(cli, "cause");
                fputs("none: the profile gives no cause for this response\n", cli->out);
            }
        } else {
            text_cause(cli, m->cause);
            if (m->sip) {
                text_sip(cli, m->sip);
            } else {
                text_label(cli, "sip");
                fputs("none: the profile sends no response for this cause\n", cli->out);
            }
        }
        text_label(cli, "profile");
        fprintf(cli->out, "%s, %s\n", sipcode_q850_profile_name(p), rule);
        text_label(cli, "why");
        cli_wrap_hanging(cli->out, 9, "         ", m->why, 79);
    }
    return cli_finish_output(cli, CLI_EXIT_OK);
}

int cmd_q850(struct cli *cli, int argc, char **argv)
{
    const char *cause_text = NULL, *code_text = NULL, *profile_name = NULL;
    const struct sipcode_q850_profile *profile = NULL;
    int i, m, want_list = 0, want_profiles = 0;
    struct sipcode_mapping map;

    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &i, "--profile", 'p', &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            profile_name = v;
        } else if ((m = cli_match_option(argc, argv, &i, "--from-sip", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (code_text)
                return cli_usage_error("--from-sip", "given twice");
            code_text = v;
        } else if (cli_match_option(argc, argv, &i, "--list", 0, NULL)) {
            want_list = 1;
        } else if (cli_match_option(argc, argv, &i, "--profiles", 0, NULL)) {
            want_profiles = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0' &&
                   !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
            /* "-1" is a (bad) cause, not an option. */
            return cli_usage_error(argv[i], "unknown option for q850");
        } else if (cause_text) {
            return cli_usage_error("q850", "one cause only, got '%s' too", argv[i]);
        } else {
            cause_text = argv[i];
        }
    }
    if (want_list + want_profiles + !!cause_text + !!code_text > 1)
        return cli_usage_error("q850", "give one of CAUSE, --from-sip CODE, --list, --profiles");
    if (!want_list && !want_profiles && !cause_text && !code_text)
        return cli_usage_error("q850", "no cause given");
    if (profile_name) {
        profile = sipcode_q850_profile(profile_name, strlen(profile_name));
        if (!profile)
            return cli_usage_error("--profile",
                                   "'%s' is not a profile (see 'sipcode q850 "
                                   "--profiles')",
                                   profile_name);
    }
    cli_finish_options(cli);

    if (want_list)
        return list_causes(cli);
    if (want_profiles)
        return list_profiles(cli);
    if (code_text) {
        int code = 0;
        if (sipcode_parse_code(code_text, strlen(code_text), &code) != SIPCODE_OK) {
            cli_error(code_text, "not a SIP response code: it must be three digits in 100..699");
            return CLI_EXIT_REJECTED;
        }
        if (sipcode_sip_to_q850(profile, code, NULL, 0, &map) != SIPCODE_OK) {
            cli_error(code_text, "not a SIP response code: it must be three digits in 100..699");
            return CLI_EXIT_REJECTED;
        }
        return show_mapping(cli, profile, 1, &map);
    }
    {
        int cause = 0;
        if (!parse_cause(cause_text, &cause) ||
            sipcode_q850_to_sip(profile, cause, &map) != SIPCODE_OK) {
            cli_error(cause_text, "not a Q.850 cause: it must be a number in 0..127");
            return CLI_EXIT_REJECTED;
        }
    }
    return show_mapping(cli, profile, 0, &map);
}
