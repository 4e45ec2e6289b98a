/* sipcode - the command: a thin layer of option parsing and output over
 * libsipcode. Protocol knowledge lives in the library, never here. */
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: sipcode [OPTIONS] CODE|PHRASE          explain a response code\n"
    "       sipcode explain [OPTIONS] CODE|PHRASE\n"
    "       sipcode list [OPTIONS] [--class N] [--status S]\n"
    "       sipcode search [OPTIONS] WORD...\n"
    "       sipcode format [OPTIONS] CODE [--reason TEXT]\n"
    "       sipcode parse [OPTIONS] [--lenient] [--stream] [FILE|-]\n"
    "       sipcode parse [OPTIONS] [--lenient] --line TEXT\n"
    "       sipcode q850 [OPTIONS] [--profile NAME] CAUSE | --from-sip CODE\n"
    "       sipcode q850 [OPTIONS] --list | --profiles\n"
    "       sipcode lint [OPTIONS] [--lenient] [FILE|-] | --rules\n"
    "       sipcode pick [OPTIONS] [--policy P] [--cancelled] CODE[L]...\n"
    "       sipcode pick [OPTIONS] --compare [--cancelled] CODE[L]...\n"
    "       sipcode stats [OPTIONS] FILE...|-\n"
    "       sipcode stats [OPTIONS] -i IFACE [-f FILTER] [--duration S] [--interval S]\n"
    "                     [--listen ADDRESS:PORT]\n"
    "       sipcode respond [OPTIONS] [--listen PROTO:ADDR:PORT]... [--code N] ...\n"
    "       sipcode help | --help | --version\n"
    "\n"
    "Know, check and produce SIP response codes (100 Trying .. 608 Rejected).\n"
    "\n"
    "Commands:\n"
    "  explain CODE|PHRASE   what a code means: phrase, class, status, RFC and\n"
    "                        section, meaning, what to check, expected headers;\n"
    "                        an unregistered code in 100..699 is explained as\n"
    "                        receivers treat it: as the x00 of its class, or\n"
    "                        183 for a provisional code\n"
    "  list                  every code sipcode knows, by code\n"
    "  search WORD...        codes whose phrase, name or meaning has every WORD\n"
    "                        (prefix match, case-insensitive)\n"
    "  format CODE           the status line for CODE, CRLF included, with the\n"
    "                        registered phrase or --reason TEXT\n"
    "  parse [FILE|-]        checks one SIP message (request or response) and\n"
    "                        shows its start line, top Via, Call-ID, CSeq, tags,\n"
    "                        Reason, Warning and header fields; exit 1 with the\n"
    "                        fault and its byte offset when it is malformed\n"
    "  lint [FILE|-]         checks every SIP response in the input: code status,\n"
    "                        phrase, headers the code needs, Reason, Warning,\n"
    "                        tags, the CSeq method; exit 1 on error findings\n"
    "  q850 CAUSE            the SIP response a gateway sends for a Q.850 cause\n"
    "                        (0..127), with the cause's name and the rule and\n"
    "                        source that decide it (RFC 3398 by default)\n"
    "  pick CODE[L]...       the response a forking proxy forwards, given each\n"
    "                        branch's final response (L or :local: made up by\n"
    "                        the proxy, e.g. 408L for a timeout), and the rule\n"
    "                        that chose it (RFC 3261 16.7 by default)\n"
    "  stats FILE...|-       counts SIP requests and responses (by code, method,\n"
    "                        retransmission, timing, Reason) in pcap/pcapng files\n"
    "                        or live on an interface (-i), and serves them to\n"
    "                        Prometheus (--listen)\n"
    "  respond               answers SIP requests over UDP/TCP with the codes\n"
    "                        you choose, built as RFC 3261 says (a test UAS)\n"
    "\n";

/* Split up: ISO C only promises string literals of 4095 bytes. */
static const char usage_stats[] =
    "Options of stats:\n"
    "      --format FORMAT   text, json, csv, openmetrics, or prometheus (the\n"
    "                        Prometheus text format 0.0.4); in stats, -f is the\n"
    "                        filter, as in tshark\n"
    "  -f, --filter EXPR     BPF capture filter (pcap-filter(7)), files or live\n"
    "  -i, --interface IF    count live on interface IF (needs root or\n"
    "                        CAP_NET_RAW); stops on Ctrl-C or SIGTERM\n"
    "      --duration S      stop the live capture after S seconds\n"
    "      --interval S      a report every S seconds, counts since the start\n"
    "                        (json: one object per line)\n"
    "      --listen A:P      serve /metrics to Prometheus on address A, port P\n"
    "                        (127.0.0.1:9100, [::1]:9100; port 0: any free one,\n"
    "                        printed on stderr)\n"
    "      --port N          look for SIP only on UDP/TCP port N (repeatable)\n"
    "      --progress        progress bar on stderr even when not a terminal\n"
    "      --no-progress     no progress bar (default: on when stderr is a\n"
    "                        terminal and the input a regular file)\n"
    "      --threads N       parse pcap files with N threads (default: one per\n"
    "                        CPU); the counts are the same for any N\n"
    "\n"
    "Exit status: 0 success, 1 rejected (not a code, nothing found),\n"
    "2 usage error (or a bad stats filter), 3 I/O error (or an interface that\n"
    "cannot be opened), 4 truncated capture. See sipcode(1).\n";

static const char usage_respond[] =
    "Options of respond:\n"
    "      --listen P:A:PORT udp|tcp, 127.0.0.1 or [::1] or any address, port\n"
    "                        (0: any free one); repeatable; default\n"
    "                        udp:127.0.0.1:5060\n"
    "      --ports-file FILE write 'udp 127.0.0.1 40123' per listener once bound\n"
    "      --code N          default final code (200)\n"
    "      --method M=N      final code N for method M (INVITE=486); repeatable\n"
    "      --dial            a Request-URI user of three digits (sip:503@h) is\n"
    "                        answered with that code\n"
    "      --mix C:W,...     weighted random code (200:70,486:20,503:10)\n"
    "      --seed N          seed of --mix, for repeatable runs\n"
    "      --rules FILE      rules file, first match wins (see sipcode(1))\n"
    "      --delay MS        wait before the final response\n"
    "      --ring C,...      provisionals before an INVITE's final (100,180)\n"
    "      --reason SPEC     Reason header: sip, q850 or a literal value\n"
    "      --warning VALUE   Warning header: '399 host \"text\"'\n"
    "      --phrase TEXT     reason phrase instead of the registered one\n"
    "      --contact URI     Contact of 3xx (default sip:alt@<listen address>)\n"
    "      --retry-after S   Retry-After on 503 and codes that take it\n"
    "      --realm R         Digest realm of 401/407 (sipcode)\n"
    "      --max-transactions N  transaction table cap (65536)\n"
    "      --rate N          requests per second per source; more are dropped\n"
    "      --duration S      stop after S seconds (else on Ctrl-C or SIGTERM)\n"
    "  -q, --quiet           no listening lines, no text summary\n"
    "\n";

static const char usage_options[] =
    "Options (any command):\n"
    "  -f, --format FORMAT   text (default), json or tsv\n"
    "      --color WHEN      auto (default: only on a terminal), always, never;\n"
    "                        a non-empty NO_COLOR environment variable wins\n"
    "      --no-color        same as --color never\n"
    "  -h, --help            this help\n"
    "  -V, --version         version of sipcode and of its registry data\n"
    "\n"
    "Options of list:\n"
    "  -c, --class N         only class N (1..6, or 7 for stack-internal codes)\n"
    "  -s, --status S        only status S: current, deprecated, historic,\n"
    "                        unregistered, or registered (current + deprecated)\n"
    "\n"
    "Options of parse:\n"
    "  -l, --lenient         accept the tolerances seen in the wild: bare LF,\n"
    "                        extra spaces, no SP after the code, sip/2.0,\n"
    "                        any printable reason phrase\n"
    "      --stream          frame as on TCP: Content-Length is mandatory\n"
    "      --line TEXT       parse one status or request line (CRLF optional)\n"
    "\n"
    "Options of lint:\n"
    "  -l, --lenient         frame with the same tolerances as parse --lenient\n"
    "      --rules           list every check: id, severity, summary, reference\n"
    "\n"
    "Options of q850:\n"
    "  -p, --profile NAME    mapping profile: rfc3398 (default), freeswitch,\n"
    "                        asterisk, oracle-sbc (see --profiles)\n"
    "      --from-sip CODE   the other way: the Q.850 cause for a SIP response\n"
    "      --list            the Q.850 cause table\n"
    "      --profiles        the mapping profiles with their title and source\n"
    "\n"
    "Options of pick:\n"
    "      --policy P        rfc3261 (default), kamailio or opensips: whose\n"
    "                        choice to reproduce (the stacks' tm modules)\n"
    "      --cancelled       the request was cancelled (CANCEL received)\n"
    "      --compare         what every policy forwards, side by side\n"
    "\n"
    "Options of format:\n"
    "  -r, --reason TEXT     reason phrase to use instead of the registered one\n"
    "\n";

static int print_version(void)
{
    size_t i, registered = 0;
    for (i = 0; i < sipcode_registry_count(); i++) {
        const struct sipcode_info *e = sipcode_registry_at(i);
        if (e->status == SIPCODE_STATUS_CURRENT || e->status == SIPCODE_STATUS_DEPRECATED)
            registered++;
    }
    printf("sipcode %s (registry %s: %zu registered codes, %zu entries)\n", sipcode_version(),
           sipcode_registry_version(), registered, sipcode_registry_count());
    return CLI_EXIT_OK;
}

static int looks_like_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0;
}

int main(int argc, char **argv)
{
    struct cli cli;
    int i;
    static const struct {
        const char *name;
        int (*run)(struct cli *, int, char **);
    } commands[] = {
        {"explain", cmd_explain},
        {"list", cmd_list},
        {"search", cmd_search},
        {"format", cmd_format},
        {"parse", cmd_parse},
        {"lint", cmd_lint},
        {"q850", cmd_q850},
        {"pick", cmd_pick},
        {"stats", cmd_stats},
        {"respond", cmd_respond},
    };
    size_t c;

    memset(&cli, 0, sizeof cli);
    cli.out = stdout;
    cli.format = CLI_FORMAT_TEXT;
    cli.color_choice = -1;

    for (i = 1; i < argc; i++) {
        if (looks_like_help(argv[i])) {
            fputs(usage_text, stdout);
            fputs(usage_options, stdout);
            fputs(usage_respond, stdout);
            fputs(usage_stats, stdout);
            return cli_finish_output(&cli, CLI_EXIT_OK);
        }
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0)
            return print_version();
    }

    /* The first argument that is not a common option names the command. */
    for (i = 1; i < argc; i++) {
        int m = cli_common_option(&cli, argc, argv, &i);
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (m == 0)
            break;
    }
    if (i == argc)
        return cli_usage_error("usage", "no command or code given");
    if (argv[i][0] == '-' && argv[i][1] != '\0')
        return cli_usage_error(argv[i], "unknown option");
    for (c = 0; c < sizeof commands / sizeof *commands; c++)
        if (strcmp(argv[i], commands[c].name) == 0)
            return commands[c].run(&cli, argc - i - 1, argv + i + 1);
    /* "sipcode 486" and "sipcode 'busy here'" explain. */
    return cmd_explain(&cli, argc - i, argv + i);
}
