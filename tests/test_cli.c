/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/run/hop_cli (common options, ranges, lists). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <string.h>
#include "hop_cli.h"
#include "hop_error.h"

static long sweeps = 100;
static double beta = 2.5;
static const char *name = "dot";
static int flag = 0;
static hop_opt opts[7];
static hop_cli_numbers betas;
static hop_cli_names sims;
static int mode;
static const char *const sim_names[] = {"dot", "cosine", "l1", NULL};
static const char *const mode_names[] = {"auto", "official", "approx", NULL};

static void setup(void) {
  sweeps = 100;
  beta = 2.5;
  name = "dot";
  flag = 0;
  hop_opt o[7] = {
      {"max-sweeps", HOP_OPT_INT, &sweeps, 1, 1000, "cap", "100", .quick = "5"},
      {"beta", HOP_OPT_DOUBLE, &beta, 1e-9, 1e9, "inverse temperature", "2.5", .quick = NULL},
      {"similarity", HOP_OPT_STRING, &name, 0, 0, "name", "dot", .quick = NULL},
      {"sync", HOP_OPT_FLAG, &flag, 0, 0, "flag", "off", .quick = NULL},
      {"betas", HOP_OPT_LIST, &betas, 0.5, 8, "list", "1,2.385,4", .quick = "1"},
      {"sims", HOP_OPT_WORDS, &sims, 0, 0, "words", "dot,l1", .quick = "cosine",
       .names = sim_names},
      {"mode", HOP_OPT_WORD, &mode, 0, 0, "one word", "auto", .quick = NULL, .names = mode_names},
  };
  memcpy(opts, o, sizeof o);
}
TestSuite(cli, .init = setup);

static int parse(hop_cli *cli, int argc, char **argv, int *action) {
  hop_cli_init(cli, "demo", "a demo", 17);
  return hop_cli_parse(cli, argc, argv, opts, 7, action);
}

Test(cli, defaults_and_values) {
  hop_cli cli;
  int action;
  char *argv[] = {
      "demo", "--max-sweeps", "7",      "--beta=0.125", "--similarity", "l1", "--sync", "--seed",
      "3",    "--out",        "/tmp/x", "--quick",      "--threads",    "1"};
  cr_assert_eq(parse(&cli, 14, argv, &action), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(action, HOP_CLI_RUN);
  cr_assert_eq(sweeps, 7);
  cr_assert_float_eq(beta, 0.125, 0);
  cr_assert_str_eq(name, "l1");
  cr_assert(flag && cli.quick && opts[0].set && !opts[4].set);
  cr_assert(betas.n == 1 && betas.v[0] == 1.0, "--quick gives the quick list");
  cr_assert(sims.n == 1 && sims.v[0] == 1 && mode == 0);
  cr_assert_eq(cli.seed, 3);
  cr_assert_str_eq(cli.out, "/tmp/x");
  cr_assert_eq(cli.threads, 1);
  char *plain[] = {"demo"};
  cr_assert_eq(parse(&cli, 1, plain, &action), HOP_OK);
  cr_assert_str_eq(cli.out, "results/demo");
  cr_assert_eq(cli.seed, 17);
  cr_assert(sweeps == 100 && betas.n == 3 && betas.v[1] == 2.385 && sims.n == 2 && sims.v[1] == 2);
  cr_assert(cli.threads >= 1);
}

Test(cli, help_prints_every_default) {
  hop_cli cli;
  int action;
  char *argv[] = {"demo", "--help"};
  cr_assert_eq(parse(&cli, 2, argv, &action), HOP_OK);
  cr_assert_eq(action, HOP_CLI_HELP);
  char buf[4096];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  hop_cli_usage(f, &cli, opts, 7);
  fclose(f);
  cr_assert(strstr(buf, "--max-sweeps N") && strstr(buf, "[100; quick: 5]"), "%s", buf);
  cr_assert(strstr(buf, "[1,2.385,4; quick: 1]") && strstr(buf, "one or more of: dot cosine l1"));
  cr_assert(strstr(buf, "[2.5]") && strstr(buf, "[dot]") && strstr(buf, "[off]"));
  cr_assert(strstr(buf, "--seed N           random seed [17]"));
  cr_assert(strstr(buf, "[results/demo]"));
}

static void expect_bad(int argc, char **argv, const char *words) {
  hop_cli cli;
  int action;
  cr_assert_eq(parse(&cli, argc, argv, &action), HOP_EINVAL, "accepted %s", argv[1]);
  cr_assert(strstr(hop_error_message(), words), "'%s' lacks '%s'", hop_error_message(), words);
}

Test(cli, bad_options_name_the_option) {
  char *a1[] = {"demo", "--max-sweeps", "0"};
  expect_bad(3, a1, "--max-sweeps");
  char *a2[] = {"demo", "--beta", "-1"};
  expect_bad(3, a2, "--beta");
  char *a3[] = {"demo", "--beta", "nan"};
  expect_bad(3, a3, "--beta");
  char *a4[] = {"demo", "--max-sweeps", "3x"};
  expect_bad(3, a4, "not a whole number");
  char *a5[] = {"demo", "--nope"};
  expect_bad(2, a5, "unknown option '--nope'");
  char *a6[] = {"demo", "--beta"};
  expect_bad(2, a6, "needs a value");
  char *a7[] = {"demo", "stray"};
  expect_bad(2, a7, "unexpected argument");
  char *a8[] = {"demo", "--threads", "0"};
  expect_bad(3, a8, "--threads");
  char *a9[] = {"demo", "--sync=1"};
  expect_bad(2, a9, "takes no value");
  char *a10[] = {"demo", "--similarity", ""};
  expect_bad(3, a10, "--similarity");
  char *a11[] = {"demo", "--beta", "1", "--beta", "2"};
  expect_bad(5, a11, "given twice");
  char *a12[] = {"demo", "--seed", "1", "--seed=2"};
  expect_bad(4, a12, "given twice");
  char *a13[] = {"demo", "--betas", "1,9"};
  expect_bad(3, a13, "--betas");
  char *a14[] = {"demo", "--sims", "dot,nope"};
  expect_bad(3, a14, "'nope'");
  char *a15[] = {"demo", "--mode", "exact"};
  expect_bad(3, a15, "not one of auto, official, approx");
  /* strict: decimal only, no leading space, no flag twice (issue 23) */
  char *a16[] = {"demo", "--max-sweeps", " 5"};
  expect_bad(3, a16, "not a whole number");
  char *a17[] = {"demo", "--betas", "1,0x2"};
  expect_bad(3, a17, "not a finite number");
  char *a18[] = {"demo", "--beta", "0x1p1"};
  expect_bad(3, a18, "--beta");
  char *a19[] = {"demo", "--quick", "--quick"};
  expect_bad(3, a19, "--quick given twice");
  char *a20[] = {"demo", "--sync", "--sync"};
  expect_bad(3, a20, "given twice");
  char *a21[] = {"demo", "--seed", "0x10"};
  expect_bad(3, a21, "--seed");
  char *a22[] = {"demo", "--force", "--force"};
  expect_bad(3, a22, "--force given twice");
  char *a23[] = {"demo", "--beta", "\t2"};
  expect_bad(3, a23, "--beta");
}

Test(cli, a_bad_default_or_quick_value_is_caught) {
  hop_cli cli;
  int action;
  char *plain[] = {"demo"}, *quick[] = {"demo", "--quick"};
  opts[0].def = "5000"; /* outside [1, 1000] */
  cr_assert_eq(parse(&cli, 1, plain, &action), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "default value '5000'"), "%s", hop_error_message());
  opts[0].def = "100";
  opts[4].quick = "0.1"; /* outside [0.5, 8] */
  cr_assert_eq(parse(&cli, 1, plain, &action), HOP_OK);
  cr_assert_eq(parse(&cli, 2, quick, &action), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "quick value '0.1'"), "%s", hop_error_message());
}

Test(cli, number_lists) {
  double v[4];
  cr_assert_eq(hop_cli_list("100,200,0.5", "sizes", 0, 1e4, v, 4), 3);
  cr_assert_float_eq(v[2], 0.5, 0);
  cr_assert_eq(hop_cli_list("1,,2", "sizes", 0, 9, v, 4), 0);
  cr_assert(strstr(hop_error_message(), "--sizes"));
  cr_assert_eq(hop_cli_list("1,2,", "sizes", 0, 9, v, 4), 0);
  cr_assert_eq(hop_cli_list("", "sizes", 0, 9, v, 4), 0);
  cr_assert_eq(hop_cli_list("1,2,3,4,5", "sizes", 0, 9, v, 4), 0);
  cr_assert_eq(hop_cli_list("1,20", "sizes", 0, 9, v, 4), 0);
  cr_assert(strstr(hop_error_message(), "outside"));
  /* a repeated entry would repeat rows and bias choices: refused, also when spelled differently */
  cr_assert_eq(hop_cli_list("1,2,1", "sizes", 0, 9, v, 4), 0);
  cr_assert(strstr(hop_error_message(), "1 is repeated"), "%s", hop_error_message());
  cr_assert_eq(hop_cli_list("2,2.0", "sizes", 0, 9, v, 4), 0);
  cr_assert_eq(hop_cli_list("1,2,3,4", "sizes", 0, 9, v, 4), 4, "distinct values pass: %s",
               hop_error_message());
}

Test(cli, whole_number_lists_and_ranges_that_fit_the_arithmetic) {
  hop_cli_numbers ks;
  double big;
  hop_opt o[2] = {{"k", HOP_OPT_INTS, &ks, 1, 100, "wells", "1,2,5", .quick = NULL},
                  {"beta", HOP_OPT_DOUBLE, &big, 1e-30, 1e30, "a float beta", "1", .quick = NULL}};
  hop_cli cli;
  int action;
  hop_cli_init(&cli, "demo", "a demo", 1);
  char *good[] = {"demo", "--k", "3,50"};
  cr_assert_eq(hop_cli_parse(&cli, 3, good, o, 2, &action), HOP_OK, "%s", hop_error_message());
  cr_assert(ks.n == 2 && ks.v[1] == 50);
  char *frac[] = {"demo", "--k", "3,2.5"};
  cr_assert_eq(hop_cli_parse(&cli, 3, frac, o, 2, &action), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "2.5 is not a whole number"), "%s", hop_error_message());
  char *rep[] = {"demo", "--k", "5,5"};
  cr_assert_eq(hop_cli_parse(&cli, 3, rep, o, 2, &action), HOP_EINVAL);
  char *over[] = {"demo", "--beta", "1e300"}; /* finite as a double, infinite as a float */
  cr_assert_eq(hop_cli_parse(&cli, 3, over, o, 2, &action), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "outside"), "%s", hop_error_message());
}

Test(cli, memory_requests_are_compared_with_the_machine) {
  cr_assert_eq(hop_cli_check_memory(1e6, 0.8, "a small run"), HOP_OK);
  cr_assert_eq(hop_cli_check_memory(1e18, 0.8, "P x N = 1e18 bytes"), HOP_ETOOBIG);
  cr_assert(strstr(hop_error_message(), "P x N = 1e18 bytes needs") &&
                strstr(hop_error_message(), "GiB of memory"),
            "%s", hop_error_message());
}

Test(cli, name_lists) {
  const char *const names[] = {"pixel", "global", "pix"};
  int k[3];
  cr_assert_eq(hop_cli_words("global,pix,pixel", "standardise", names, 3, k, 3), 3);
  cr_assert(k[0] == 1 && k[1] == 2 && k[2] == 0, "%d %d %d", k[0], k[1], k[2]);
  cr_assert_eq(hop_cli_words("pixels", "standardise", names, 3, k, 3), 0);
  cr_assert(strstr(hop_error_message(), "--standardise") &&
            strstr(hop_error_message(), "'pixels'"));
  cr_assert_eq(hop_cli_words("pixel,", "standardise", names, 3, k, 3), 0);
  cr_assert_eq(hop_cli_words("", "standardise", names, 3, k, 3), 0);
  cr_assert_eq(hop_cli_words("pixel,,global", "standardise", names, 3, k, 3), 0);
  cr_assert_eq(hop_cli_words("pix,pix,pix,pix", "standardise", names, 3, k, 3), 0);
  cr_assert(strstr(hop_error_message(), "'pix' is repeated"), "a repeated name is refused: %s",
            hop_error_message());
  cr_assert_eq(hop_cli_words("global,pix,global", "standardise", names, 3, k, 3), 0);
  cr_assert(strstr(hop_error_message(), "repeated"));
}

/* --scale: quick is --quick, paper takes a row's paper text (else its default), default
 * takes the defaults; the two spellings of quick together, or an unknown scale, refused. */
Test(cli, scale_presets) {
  hop_cli cli;
  int action;
  opts[0].paper = "900";
  char *paper[] = {"demo", "--scale", "paper"};
  cr_assert_eq(parse(&cli, 3, paper, &action), HOP_OK, "%s", hop_error_message());
  cr_assert(cli.paper && !cli.quick && sweeps == 900 && betas.n == 3, "paper text, else default");
  opts[0].paper = "900";
  char *quick[] = {"demo", "--scale=quick"};
  cr_assert_eq(parse(&cli, 2, quick, &action), HOP_OK, "%s", hop_error_message());
  cr_assert(cli.quick && !cli.paper && sweeps == 5 && betas.n == 1, "--scale quick is --quick");
  char *def[] = {"demo", "--scale", "default", "--max-sweeps", "7"};
  cr_assert_eq(parse(&cli, 5, def, &action), HOP_OK);
  cr_assert(!cli.quick && !cli.paper && sweeps == 7, "the command line wins over a preset");
  char *both[] = {"demo", "--quick", "--scale", "quick"};
  cr_assert_eq(parse(&cli, 4, both, &action), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "--quick is --scale quick"), "%s", hop_error_message());
  char *odd[] = {"demo", "--scale", "huge"};
  cr_assert_eq(parse(&cli, 3, odd, &action), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "'huge'"), "%s", hop_error_message());
  char *twice[] = {"demo", "--scale", "paper", "--scale", "paper"};
  cr_assert_eq(parse(&cli, 5, twice, &action), HOP_EINVAL);
}
