/*
 * A libFuzzer front end for a .NET fuzz target that runs SharpFuzz's
 * Fuzzer.LibFuzzer.Run loop (SharpFuzz 2.x) in a child process.
 *
 * libFuzzer lives in this (native) process: it mutates, keeps the corpus, detects
 * timeouts and writes crash artifacts. The managed target runs in one long-lived
 * child; the two talk over the protocol SharpFuzz's Fuzzer.LibFuzzer expects:
 *
 *   - one System V shared memory segment: COVERAGE_BYTES of edge counters, which the
 *     SharpFuzz-instrumented assembly increments, followed by up to MAX_INPUT bytes of
 *     input; its id is in the environment variable __LIBFUZZER_SHM_ID;
 *   - a control pipe (driver -> child, fd number in __LIBFUZZER_CONTROL_PIPE_ID): a
 *     little-endian int32 input length per run;
 *   - a status pipe (child -> driver, fd in __LIBFUZZER_STATUS_PIPE_ID): an int32 once
 *     when the child is ready, then one per run, 0 for a clean run and non-zero when an
 *     exception escaped the target (the child printed it and exits).
 *
 * After each run the counters are copied into this process's extra-counters section,
 * which libFuzzer reads as coverage, so the mutator is guided by the managed code's
 * branches. A reported exception, or a child that dies mid-run (stack overflow,
 * FailFast, the kernel's OOM killer), aborts here, so libFuzzer saves the input as a
 * crash artifact. The child is killed with this process (PR_SET_PDEATHSIG), also when
 * libFuzzer ends a timeout with _Exit, and the segment is marked for removal as soon
 * as the child has attached it, so nothing outlives a run.
 *
 * The target is named by the environment, not by flags, so libFuzzer sees only its own:
 *   ISING_FUZZ_TARGET      the program to start (looked up in PATH), e.g. dotnet
 *   ISING_FUZZ_TARGET_ARG  optional single argument, e.g. path/IsingNative.Fuzz.dll
 *
 * Build: clang -O1 -g -fsanitize=fuzzer dotnet-driver.c -o dotnet-driver
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* SharpFuzz's map size (Fuzzer.MapSize) and the input room libfuzzer-dotnet provides. */
#define COVERAGE_BYTES (1 << 16)
#define MAX_INPUT (1 << 20)
/* Fixed descriptor numbers in the child, above anything the runtime opens early. */
#define CONTROL_FD 198
#define STATUS_FD 199

/* libFuzzer adds every byte of this section to its coverage features. */
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t extra_counters[COVERAGE_BYTES];

static int control_fd = -1, status_fd = -1;
static uint8_t *shared;
static pid_t child;

static void die(const char *what)
{
    fprintf(stderr, "dotnet-driver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int read_full(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = read(fd, (char *)buf + done, len - done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = write(fd, (const char *)buf + done, len - done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return 0;
}

/* Says how the child ended, for the crash report. */
static void report_child_end(void)
{
    int status;
    if (waitpid(child, &status, 0) == child) {
        if (WIFSIGNALED(status))
            fprintf(stderr, "dotnet-driver: the target died of signal %d\n", WTERMSIG(status));
        else if (WIFEXITED(status))
            fprintf(stderr, "dotnet-driver: the target exited with code %d\n", WEXITSTATUS(status));
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *target = getenv("ISING_FUZZ_TARGET");
    const char *target_arg = getenv("ISING_FUZZ_TARGET_ARG");
    if (!target || !*target) {
        fprintf(stderr, "dotnet-driver: set ISING_FUZZ_TARGET (and ISING_FUZZ_TARGET_ARG) to the .NET fuzz target.\n");
        exit(1);
    }

    int control[2], status[2];
    if (pipe(control) || pipe(status)) die("pipe");
    int shm_id = shmget(IPC_PRIVATE, COVERAGE_BYTES + MAX_INPUT, IPC_CREAT | IPC_EXCL | 0600);
    if (shm_id < 0) die("shmget");
    shared = shmat(shm_id, NULL, 0);
    if (shared == (void *)-1) {
        shmctl(shm_id, IPC_RMID, NULL);
        die("shmat");
    }

    pid_t parent = getpid();
    child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        /* Die with the driver, however it ends (libFuzzer's timeout path calls _Exit). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);
        if (dup2(control[0], CONTROL_FD) < 0 || dup2(status[1], STATUS_FD) < 0) die("dup2");
        close(control[0]);
        close(control[1]);
        close(status[0]);
        close(status[1]);
        char id[16];
        snprintf(id, sizeof id, "%d", shm_id);
        if (setenv("__LIBFUZZER_SHM_ID", id, 1) || setenv("__LIBFUZZER_CONTROL_PIPE_ID", "198", 1) ||
            setenv("__LIBFUZZER_STATUS_PIPE_ID", "199", 1))
            die("setenv");
        if (target_arg && *target_arg)
            execlp(target, target, target_arg, (char *)NULL);
        else
            execlp(target, target, (char *)NULL);
        fprintf(stderr, "dotnet-driver: cannot start %s: %s\n", target, strerror(errno));
        _exit(127);
    }

    close(control[0]);
    close(status[1]);
    control_fd = control[1];
    status_fd = status[0];
    /* A child that exits early must not kill this process with SIGPIPE; write() reports it. */
    signal(SIGPIPE, SIG_IGN);

    int32_t ready;
    int ok = read_full(status_fd, &ready, sizeof ready);
    /* The child has attached (or failed): the segment now lives exactly as long as its users. */
    shmctl(shm_id, IPC_RMID, NULL);
    if (ok != 0) {
        fprintf(stderr, "dotnet-driver: the target did not start the SharpFuzz libFuzzer loop "
                        "(Fuzzer.LibFuzzer.Run) before ending.\n");
        report_child_end();
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT) {
        /* libFuzzer never passes more than -max_len; refuse a bigger one loudly. */
        fprintf(stderr, "dotnet-driver: input of %zu bytes exceeds the %d-byte window; run with -max_len<=%d.\n",
                size, MAX_INPUT, MAX_INPUT);
        exit(1);
    }
    memset(shared, 0, COVERAGE_BYTES);
    if (size) memcpy(shared + COVERAGE_BYTES, data, size);

    int32_t length = (int32_t)size, status;
    if (write_full(control_fd, &length, sizeof length) != 0 || read_full(status_fd, &status, sizeof status) != 0) {
        fprintf(stderr, "dotnet-driver: the target ended during this input.\n");
        report_child_end();
        abort(); /* libFuzzer saves the input as a crash */
    }
    memcpy(extra_counters, shared, COVERAGE_BYTES);
    if (status != 0) {
        fprintf(stderr, "dotnet-driver: the target reported a finding (status %d); its exception is above.\n", status);
        abort();
    }
    return 0;
}
