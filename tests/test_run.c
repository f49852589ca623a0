/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests: lib/run/ (hop_file atomic files and CSV quoting, hop_claims, hop_manifest, hop_grid,
 * hop_progress). */
#include "helpers.h"
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hop_error.h"
#include "hop_claims.h"
#include "hop_file.h"
#include "hop_grid.h"
#include "hop_jobs.h"
#include "hop_manifest.h"
#include "hop_par.h"
#include "hop_progress.h"

static char dir[64];
static void setup(void) { tmpdir_make(dir, sizeof dir); }
TestSuite(out, .init = setup);

Test(out, file_appears_only_when_closed) {
  char fin[256], tmp[256], text[256];
  snprintf(fin, sizeof fin, "%s/sub/a.csv", dir);
  snprintf(tmp, sizeof tmp, "%s/sub/.a.csv.tmp", dir);
  char sub[200];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  hop_file *f = hop_file_open(sub, "a.csv", "x,y");
  cr_assert_not_null(f, "%s", hop_error_message());
  hop_file_printf(f, "%d,%.3f\n", 1, 2.385);
  cr_assert(file_exists(tmp));
  cr_assert(!file_exists(fin), "final name must not exist before close");
  cr_assert_eq(hop_file_close(f), HOP_OK);
  cr_assert(!file_exists(tmp));
  cr_assert_eq(file_read(fin, text, sizeof text), 12);
  cr_assert_str_eq(text, "x,y\n1,2.385\n");
  f = hop_file_open(sub, "b.csv", "h"); /* an aborted run leaves nothing */
  hop_file_discard(f);
  snprintf(fin, sizeof fin, "%s/sub/b.csv", dir);
  snprintf(tmp, sizeof tmp, "%s/sub/.b.csv.tmp", dir);
  cr_assert(!file_exists(fin) && !file_exists(tmp));
  hop_file_discard(NULL);
}

Test(out, a_stage_finishes_all_its_files_or_none) {
  char p[4][256];
  const char *names[4] = {"c.csv", "d.csv", ".c.csv.tmp", ".d.csv.tmp"};
  for (int k = 0; k < 4; k++) snprintf(p[k], sizeof p[k], "%s/%s", dir, names[k]);
  hop_file *f[2] = {hop_file_open(dir, "c.csv", "c"), hop_file_open(dir, "d.csv", "d")};
  cr_assert_eq(hop_file_finish(f, 2, HOP_EDOM), HOP_EDOM, "a failed stage keeps its status");
  for (int k = 0; k < 4; k++) cr_assert(!file_exists(p[k]), "%s left by a failed stage", p[k]);
  hop_file *g[3] = {hop_file_open(dir, "c.csv", "c"), NULL, hop_file_open(dir, "d.csv", "d")};
  cr_assert_eq(hop_file_finish(g, 3, HOP_ENOMEM), HOP_ENOMEM,
               "NULL entries (files never opened) are accepted");
  hop_file *h[2] = {hop_file_open(dir, "c.csv", "c"), hop_file_open(dir, "d.csv", "d")};
  cr_assert_eq(hop_file_finish(h, 2, HOP_OK), HOP_OK);
  cr_assert(file_exists(p[0]) && file_exists(p[1]) && !file_exists(p[2]) && !file_exists(p[3]));
}

Test(out, open_fails_cleanly_where_it_cannot_write) {
  char bad[256];
  snprintf(bad, sizeof bad, "%s/plain", dir);
  char p[256];
  file_write(dir, "plain", "x", 1, p, sizeof p); /* a file where a directory is wanted */
  cr_assert_null(hop_file_open(bad, "a.csv", NULL));
  cr_assert(hop_error_code() == HOP_EIO);
  cr_assert_eq(hop_file_mkdirs(""), HOP_EINVAL);
}

Test(out, a_link_or_file_planted_at_the_temporary_name_is_refused) {
  char victim[256], link[256], text[64];
  file_write(dir, "victim", "keep", 4, victim, sizeof victim);
  snprintf(link, sizeof link, "%s/.e.csv.tmp", dir);
  cr_assert_eq(symlink(victim, link), 0);
  cr_assert_null(hop_file_open(dir, "e.csv", "x"),
                 "a symbolic link at the temporary name must not be followed");
  cr_assert(strstr(hop_error_message(), ".e.csv.tmp") && strstr(hop_error_message(), "exists"),
            "%s", hop_error_message());
  cr_assert_eq(file_read(victim, text, sizeof text), 4);
  cr_assert_str_eq(text, "keep", "the link's target is untouched");
}

/* A write error names the file and strerror: the file-size limit (RLIMIT_FSIZE, with
 * SIGXFSZ ignored) makes write() fail with EFBIG, as a full disk fails with ENOSPC. */
Test(out, a_write_error_names_the_file_and_the_reason) {
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {4096, 4096};
    setrlimit(RLIMIT_FSIZE, &rl);
    hop_file *f = hop_file_open(dir, "big.csv", NULL);
    if (!f) _exit(10);
    for (int i = 0; i < 2000; i++) hop_file_printf(f, "%d,0123456789\n", i);
    if (hop_file_close(f) != HOP_EIO) _exit(11);
    const char *m = hop_error_message();
    char p[300], tmp[300];
    snprintf(p, sizeof p, "%s/big.csv", dir);
    snprintf(tmp, sizeof tmp, "%s/.big.csv.tmp", dir);
    if (!strstr(m, "big.csv") || !strstr(m, strerror(EFBIG))) _exit(12);
    _exit(file_exists(p) || file_exists(tmp) ? 13 : 0);
  }
  int status;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}

/* The result directory of a run: the previous run stays whole until the new one is
 * complete, then is replaced in one step; an abandoned run leaves nothing. */
Test(out, a_staged_run_replaces_the_directory_only_when_complete) {
  char fin[256], p[300], text[64];
  snprintf(fin, sizeof fin, "%s/res", dir);
  hop_file_mkdirs(fin);
  file_write(dir, "res/old.csv", "old", 3, p, sizeof p);
  file_write(dir, "res/manifest.txt", "experiment: t\n", 14, p, sizeof p);
  const char *stage;
  cr_assert_eq(hop_file_stage_begin(fin, "t", 0, &stage), HOP_OK, "%s", hop_error_message());
  cr_assert(strstr(stage, "/.res.staging-"), "%s", stage);
  hop_file *f = hop_file_open(stage, "new.csv", "n");
  cr_assert_eq(hop_file_close(f), HOP_OK);
  cr_assert_eq(hop_file_close(hop_file_open(stage, "manifest.txt", "experiment: t")), HOP_OK);
  snprintf(p, sizeof p, "%s/old.csv", fin);
  cr_assert(file_exists(p), "the previous run is intact while the new one runs");
  snprintf(p, sizeof p, "%s/new.csv", fin);
  cr_assert(!file_exists(p));
  cr_assert_eq(hop_file_stage_commit(), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(file_read(p, text, sizeof text), 2);
  snprintf(p, sizeof p, "%s/old.csv", fin);
  cr_assert(!file_exists(p), "the new run replaces the old one whole");
  struct stat st;
  cr_assert_eq(stat(fin, &st), 0);
  cr_assert((st.st_mode & 0777) != 0700, "the staging mode (0700) is widened by the umask");
  /* abandoned: nothing appears, no staging directory is left */
  cr_assert_eq(hop_file_stage_begin(fin, "t", 0, &stage), HOP_OK);
  char st_path[300];
  snprintf(st_path, sizeof st_path, "%s", stage);
  f = hop_file_open(stage, "half.csv", "h");
  hop_file_printf(f, "1\n");
  hop_file_discard(f);
  hop_file_stage_abort();
  cr_assert(!file_exists(st_path), "the staging directory is removed");
  snprintf(p, sizeof p, "%s/new.csv", fin);
  cr_assert(file_exists(p), "an abandoned run leaves the previous complete run");
  cr_assert_eq(hop_file_stage_commit(), HOP_EINVAL, "nothing to commit after an abort");
  /* names a run cannot replace, and a file in the way */
  cr_assert_eq(hop_file_stage_begin(".", "t", 0, &stage), HOP_EINVAL);
  cr_assert_eq(hop_file_stage_begin("a/..", "t", 0, &stage), HOP_EINVAL);
  snprintf(p, sizeof p, "%s/res/new.csv", dir);
  cr_assert_eq(hop_file_stage_begin(p, "t", 0, &stage), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "not a directory"), "%s", hop_error_message());
}

/* A run in a child process: it stages fin (writing file into it when not NULL), sends its
 * staging path back and waits for a signal. */
static pid_t live_run(const char *fin, const char *file, char *stage, size_t cap) {
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  pid_t pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    const char *st;
    if (hop_file_stage_begin(fin, "t", 0, &st)) _exit(10);
    if (file) {
      hop_file *f = hop_file_open(st, file, "x");
      hop_file_printf(f, "1\n");
      if (hop_file_close(f)) _exit(11);
    }
    size_t n = strlen(st) + 1;
    if (write(fds[1], st, n) != (ssize_t)n) _exit(12);
    for (;;) pause();
  }
  cr_assert(read(fds[0], stage, cap) > 0);
  close(fds[0]), close(fds[1]);
  return pid;
}

Test(out, a_signal_removes_the_staging_directory_and_keeps_its_exit_status) {
  char fin[256], p[300];
  snprintf(fin, sizeof fin, "%s/sig", dir);
  hop_file_mkdirs(fin);
  file_write(dir, "sig/manifest.txt", "experiment: t\n", 14, p, sizeof p);
  file_write(dir, "sig/old.csv", "old", 3, p, sizeof p);
  char stage[300] = "";
  pid_t pid = live_run(fin, "part.csv", stage, sizeof stage);
  cr_assert(file_exists(stage), "%s", stage);
  kill(pid, SIGTERM);
  int status;
  waitpid(pid, &status, 0);
  cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
            "ended by SIGTERM's default action (status %d)", status);
  cr_assert(!file_exists(stage), "SIGTERM removes the staging directory");
  cr_assert(file_exists(p), "and leaves the previous run");
}

static void pause_ms(long ms) {
  struct timespec t = {ms / 1000, ms % 1000 * 1000000};
  nanosleep(&t, NULL);
}

/* 1 when path is gone within about 3 s. */
static int gone_soon(const char *path) {
  for (int k = 0; k < 300 && file_exists(path); k++) pause_ms(10);
  return !file_exists(path);
}

/* A run killed outright (no handler runs) is cleaned up by its watcher, the previous
 * run intact; a run that committed and then died loses nothing to it. */
Test(out, a_run_killed_outright_is_removed_by_its_watcher) {
  char fin[256], p[300];
  snprintf(fin, sizeof fin, "%s/kill", dir);
  hop_file_mkdirs(fin);
  file_write(dir, "kill/manifest.txt", "experiment: t\n", 14, p, sizeof p);
  char stage[300] = "";
  pid_t pid = live_run(fin, "part.csv", stage, sizeof stage);
  cr_assert(file_exists(stage), "%s", stage);
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  cr_assert(gone_soon(stage), "the watcher removes the staging directory of a killed run");
  cr_assert(file_exists(p), "and leaves the previous run");

  pid = fork();
  cr_assert(pid >= 0);
  if (pid == 0) {
    const char *st;
    if (hop_file_stage_begin(fin, "t", 0, &st)) _exit(10);
    hop_file *f = hop_file_open(st, "manifest.txt", NULL);
    hop_file_printf(f, "experiment: t\nnew\n");
    if (hop_file_close(f) || hop_file_stage_commit()) _exit(11);
    raise(SIGKILL);
  }
  waitpid(pid, &status, 0);
  cr_assert(WIFSIGNALED(status), "status %d", status);
  pause_ms(500); /* the watcher has woken and looked by now */
  char text[64] = "";
  file_read(p, text, sizeof text);
  cr_assert_str_eq(text, "experiment: t\nnew\n", "the committed run stays");
}

/* --out replaces only what is ours: a missing or empty directory, or a result of the
 * same program; anything else is refused, or with force kept aside under a visible name. */
Test(out, only_our_own_directories_are_replaced) {
  char fin[256], p[300], q[320];
  const char *stage;
  snprintf(fin, sizeof fin, "%s/user", dir);
  hop_file_mkdirs(fin);
  file_write(dir, "user/a.txt", "x", 1, p, sizeof p);
  cr_assert_eq(hop_file_stage_begin(fin, "t", 0, &stage), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "'a.txt'") && strstr(hop_error_message(), "--force"), "%s",
            hop_error_message());
  cr_assert(file_exists(p), "a refused --out is left as it was");
  file_write(dir, "user/manifest.txt", "experiment: other\n", 18, q, sizeof q);
  cr_assert_eq(hop_file_stage_begin(fin, "t", 0, &stage), HOP_EINVAL, "another program's result");
  /* --force: the new run takes the name, the old contents stay beside it */
  cr_assert_eq(hop_file_stage_begin(fin, "t", 1, &stage), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(hop_file_close(hop_file_open(stage, "manifest.txt", "experiment: t")), HOP_OK);
  cr_assert_eq(hop_file_stage_commit(), HOP_OK, "%s", hop_error_message());
  snprintf(q, sizeof q, "%s/user.replaced-1/a.txt", dir);
  cr_assert(file_exists(q), "the replaced contents are kept as DIR.replaced-1");
  cr_assert(hop_file_stage_kept() && strstr(hop_file_stage_kept(), "/user.replaced-1"));
  cr_assert(!file_exists(p));
  /* now it is ours: replaced without force, and deleted (it is a result of this program) */
  cr_assert_eq(hop_file_stage_begin(fin, "t", 0, &stage), HOP_OK, "%s", hop_error_message());
  cr_assert_eq(hop_file_close(hop_file_open(stage, "manifest.txt", "experiment: t")), HOP_OK);
  cr_assert_eq(hop_file_stage_commit(), HOP_OK, "%s", hop_error_message());
  snprintf(q, sizeof q, "%s/user.replaced-2", dir);
  cr_assert(!file_exists(q));
  cr_assert_null(hop_file_stage_kept(), "a result of this program is replaced, not kept");
  /* a read-only directory is never replaced, even with force (and even by root) */
  chmod(fin, 0555);
  cr_assert_eq(hop_file_stage_begin(fin, "t", 1, &stage), HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "read-only"), "%s", hop_error_message());
  chmod(fin, 0755);
  /* a control character in the name is refused */
  snprintf(q, sizeof q, "%s/a\nb", dir);
  cr_assert_eq(hop_file_stage_begin(q, "t", 0, &stage), HOP_EINVAL);
  cr_assert(!file_exists(q));
}

/* Liveness is the lock, not the PID: a live run's staging directory survives another
 * run's sweep even under a name whose PID is dead here (as a run in another PID namespace
 * looks); once its run is killed outright, the next run removes it; a staging directory
 * without a lock file, or of another host, is never removed. */
Test(out, a_live_run_is_known_by_its_lock_and_never_swept) {
  char fin[256], other[256], p[420], renamed[400], nolock[300], foreign[300], longer[400];
  snprintf(fin, sizeof fin, "%s/live", dir);
  snprintf(other, sizeof other, "%s/other", dir);
  char stage[300] = "";
  pid_t pid = live_run(fin, NULL, stage, sizeof stage);
  /* give it the PID 999999999 (no such process) in its name, and keep the host */
  char *pidp = strrchr(stage, '-'); /* ...-PID-XXXXXX */
  *pidp = '\0';
  char *pid_at = strrchr(stage, '-');
  *pidp = '-';
  snprintf(renamed, sizeof renamed, "%.*s-999999999%s", (int)(pid_at - stage), stage, pidp);
  cr_assert_eq(rename(stage, renamed), 0);
  snprintf(nolock, sizeof nolock, "%.*s-999999998-AAAAAA", (int)(pid_at - stage), stage);
  cr_assert_eq(mkdir(nolock, 0700), 0);
  snprintf(longer, sizeof longer, "%.*s-2-999999996-CCCCCC", (int)(pid_at - stage), stage);
  cr_assert_eq(mkdir(longer, 0700), 0); /* host "HOST-2", whose name starts with ours */
  snprintf(p, sizeof p, "%s/.lock", longer);
  cr_assert_eq(close(open(p, O_CREAT | O_WRONLY, 0600)), 0);
  snprintf(foreign, sizeof foreign, "%s/.live.staging-elsewhere-999999997-BBBBBB", dir);
  cr_assert_eq(mkdir(foreign, 0700), 0);
  file_write(dir, ".live.staging-elsewhere-999999997-BBBBBB/.lock", "", 0, p, sizeof p);
  const char *mine;
  cr_assert_eq(hop_file_stage_begin(other, "t", 0, &mine), HOP_OK, "%s", hop_error_message());
  hop_file_stage_abort();
  int kept = file_exists(renamed);
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  cr_assert(kept, "a live run's staging directory is kept: %s", renamed);
  cr_assert(file_exists(renamed), "SIGKILL leaves it (its watcher knows only its first name)");
  cr_assert_eq(hop_file_stage_begin(other, "t", 0, &mine), HOP_OK, "%s", hop_error_message());
  hop_file_stage_abort();
  cr_assert(!file_exists(renamed), "a dead run's staging directory is removed by the next run");
  cr_assert(file_exists(nolock), "no lock file: in doubt, kept");
  cr_assert(file_exists(foreign), "another host's: kept");
  cr_assert(file_exists(longer), "a host whose name extends ours: kept");
}

Test(out, csv_fields_are_quoted_when_needed) {
  hop_file *f = hop_file_open(dir, "q.csv", NULL);
  hop_file_csv_field(f, "plain");
  hop_file_printf(f, ",");
  hop_file_csv_field(f, "a, b");
  hop_file_printf(f, ",");
  hop_file_csv_field(f, "say \"hi\"");
  cr_assert_eq(hop_file_close(f), HOP_OK);
  char p[256], text[128];
  snprintf(p, sizeof p, "%s/q.csv", dir);
  file_read(p, text, sizeof text);
  cr_assert_str_eq(text, "plain,\"a, b\",\"say \"\"hi\"\"\"");
}

Test(out, claims_rows_and_verdicts) {
  hop_claims *c = hop_claims_new("capacity");
  cr_assert_eq(hop_claims_add(c, "C1", "collapse near 0.138, finite N", "0.138", "0.141", "0.01",
                              hop_claims_verdict(0.141, 0.138, 0.01)),
               HOP_OK);
  cr_assert_eq(hop_claims_add(c, "C9", "d", "p", "m", "t", "maybe"), HOP_EINVAL);
  cr_assert_eq(hop_claims_add(c, "X", "extra", "-", "3", "-", "beyond paper"), HOP_OK);
  cr_assert_eq(
      hop_claims_addf(c, "Y", "formatted", "1", "-", "beyond paper", "%.2f +- %d", 0.125, 3),
      HOP_OK);
  cr_assert_eq(hop_claims_addf(c, "Z", "d", "p", "t", "maybe", "%d", 1), HOP_EINVAL);
  cr_assert_eq(hop_claims_write(c, dir), HOP_OK);
  hop_claims_free(c);
  char p[256], text[512];
  snprintf(p, sizeof p, "%s/claims.csv", dir);
  file_read(p, text, sizeof text);
  cr_assert_str_eq(text, HOP_CLAIMS_HEADER
                   "\n"
                   "capacity,C1,\"collapse near 0.138, finite N\",0.138,0.141,0.01,reproduced\n"
                   "capacity,X,extra,-,3,-,beyond paper\n"
                   "capacity,Y,formatted,1,0.12 +- 3,-,beyond paper\n");
  cr_assert_str_eq(hop_claims_verdict(0.2, 0.138, 0.01), "not reproduced");
  cr_assert_str_eq(hop_claims_verdict(NAN, 0.138, 0.01), "not reproduced");
}

Test(out, manifest_records_the_run) {
  hop_cli cli;
  hop_cli_init(&cli, "demo", "a demo", 17);
  char *argv[] = {"demo", "--seed", "5", NULL};
  int action;
  cr_assert_eq(hop_cli_parse(&cli, 3, argv, NULL, 0, &action), HOP_OK);
  cli.out = dir;
  char data[256];
  file_write(dir, "d.bin", "abc", 3, data, sizeof data);
  const char *ds[1] = {data};
  cr_assert_eq(hop_manifest_write(&cli, ds, 1), HOP_OK, "%s", hop_error_message());
  char p[256], text[4096];
  snprintf(p, sizeof p, "%s/manifest.txt", dir);
  file_read(p, text, sizeof text);
  cr_assert(strstr(text, "command: demo --seed 5\n"));
  cr_assert(strstr(text, "seed: 5\n"));
  cr_assert(strstr(text, "blas: OpenBLAS"));
  cr_assert(strstr(text, "wall time: "));
  /* sha256("abc"), FIPS 180-2 appendix B.1 */
  cr_assert(strstr(text, "sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            "%s", text);
}

Test(out, image_grid_layout) {
  /* two 1x2 gray images in one row, pad 1: width 2*2+3 = 7, height 1+2 = 3 */
  float img[4] = {0.0f, 1.0f, 0.5f, 2.0f};
  cr_assert_eq(hop_grid_write(dir, "g.csv", img, 2, 1, 1, 2, 2, 1), HOP_OK);
  char p[256], text[1024];
  snprintf(p, sizeof p, "%s/g.csv", dir);
  file_read(p, text, sizeof text);
  int lines = 0;
  for (char *c = text; *c; c++) lines += *c == '\n';
  cr_assert_eq(lines, 1 + 7 * 3);
  cr_assert(strstr(text, "\n1,1,0\n2,1,255\n3,1,255\n4,1,128\n5,1,255\n"), "%s", text);
  cr_assert_eq(hop_grid_write(dir, "g.csv", img, 2, 2, 1, 2, 2, 1), HOP_EINVAL);
}

Test(out, progress_plain_lines_when_not_a_terminal) {
  FILE *f = tmpfile();
  hop_progress p;
  hop_progress_start(&p, f, "demo", 40);
  for (int i = 0; i < 40; i++) hop_progress_add(&p, 1);
  hop_progress_end(&p);
  rewind(f);
  char text[4096];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  int lines = 0;
  for (char *c = text; *c; c++) lines += *c == '\n';
  cr_assert(lines >= 10 && lines <= 21, "%d lines:\n%s", lines, text); /* one per 5 % step */
  cr_assert(strstr(text, "demo: 100% (40/40)") && strstr(text, "done"));
}

/* ---- hop_jobs ------------------------------------------------------------------ */

typedef struct {
  size_t in;
  double out;
  int thread;
} square_job;

static int square(void *job, size_t index, int thread, void *ctx) {
  square_job *j = job;
  const double *scale = ctx;
  if (j->in == 13) return HOP_RAISE(HOP_EDOM, "job %zu refuses 13", index);
  j->out = *scale * (double)(j->in * j->in);
  j->thread = thread;
  return HOP_OK;
}

Test(jobs, results_in_push_order_for_any_thread_count) {
  double scale = 2.385;
  for (int threads = 1; threads <= 2; threads++) {
    hop_jobs *q = hop_jobs_new(40, sizeof(square_job));
    cr_assert_not_null(q);
    for (size_t k = 0; k < 40; k++)
      cr_assert_eq(hop_jobs_push(q, &(square_job){.in = 40 - k, .thread = -1}), HOP_OK);
    cr_assert_eq(hop_jobs_push(q, &(square_job){.in = 1}), HOP_EBADLEN, "a full queue must refuse");
    cr_assert_eq(hop_jobs_count(q), 40);
    cr_assert_eq(hop_jobs_run(q, square, &scale, threads), HOP_EDOM, "job 27 (in = 13) fails");
    cr_assert(strstr(hop_error_message(), "job 27") && strstr(hop_error_message(), "refuses 13"),
              "%s", hop_error_message());
    for (size_t k = 0; k < 40; k++) {
      const square_job *j = hop_jobs_at(q, k);
      if (j->in == 13) continue;
      cr_assert_eq(j->out, scale * (double)((40 - k) * (40 - k)), "job %zu", k);
      cr_assert(j->thread >= 0 && j->thread < threads);
    }
    cr_assert_null(hop_jobs_at(q, 40));
    hop_jobs_clear(q);
    cr_assert_eq(hop_jobs_count(q), 0);
    cr_assert_eq(hop_jobs_run(q, square, &scale, threads), HOP_OK, "an empty queue runs nothing");
    hop_jobs_free(q);
  }
  cr_assert_null(hop_jobs_new(0, 8));
}

/* The log of batches (the manifest's "jobs:" lines): one entry per run, each job's seconds;
 * HOP_JOBS_FAIL_RANK naming this process (rank 0) fails its jobs (tests/mpi.sh's fault). */
Test(jobs, batches_are_logged_and_a_failure_can_be_injected) {
  double scale = 1.0;
  const hop_jobs_batch *b;
  size_t before = hop_jobs_log(&b);
  hop_jobs *q = hop_jobs_new(5, sizeof(square_job));
  for (size_t k = 0; k < 5; k++) hop_jobs_push(q, &(square_job){.in = k + 1});
  cr_assert_eq(hop_jobs_run(q, square, &scale, 2), HOP_OK);
  cr_assert_eq(hop_jobs_log(&b), before + 1);
  cr_assert(b[before].n == 5 && b[before].threads == 2 && b[before].wall >= 0);
  for (size_t k = 0; k < 5; k++) cr_assert(b[before].seconds[k] >= 0);
  setenv("HOP_JOBS_FAIL_RANK", "0", 1);
  int st = hop_jobs_run(q, square, &scale, 1);
  unsetenv("HOP_JOBS_FAIL_RANK");
  cr_assert_eq(st, HOP_EINVAL);
  cr_assert(strstr(hop_error_message(), "job 0: a failure injected"), "%s", hop_error_message());
  cr_assert(hop_par_shared_error(), "a job's failure is every rank's");
  hop_jobs_free(q);
}

/* A process that is not the writer opens, writes and closes as usual, and nothing
 * appears on disk. */
Test(out, a_sink_writes_nothing) {
  char dir[] = "/tmp/hopsink-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  hop_file_sink(1);
  hop_file *f = hop_file_open(dir, "a.csv", "x,y");
  cr_assert_not_null(f);
  cr_assert_eq(hop_file_printf(f, "1,2\n"), HOP_OK);
  int st = hop_file_close(f);
  hop_file *g = hop_file_open(dir, "b.csv", NULL);
  hop_file_discard(g);
  hop_file_sink(0);
  cr_assert_eq(st, HOP_OK);
  char p[64];
  snprintf(p, sizeof p, "%s/a.csv", dir);
  cr_assert(access(p, F_OK) != 0, "the sink wrote %s", p);
  snprintf(p, sizeof p, "%s/.a.csv.tmp", dir);
  cr_assert(access(p, F_OK) != 0);
  cr_assert_eq(rmdir(dir), 0, "the directory is left empty");
}
