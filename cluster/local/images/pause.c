/*
 * Pause container of the local cluster: the first process of every pod sandbox. It holds the pod's namespaces
 * open, reaps the zombies that end up parented to it, and exits 0 on SIGINT or SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_stop(int sig) {
    (void)sig;
    stopping = 1;
}

static void on_child(int sig) {
    int saved = errno;
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

static void handle(int sig, void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigfillset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0) {
        perror("pause: sigaction");
        _exit(2);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        puts("pause 3.10-local (redis-charts)");
        return 0;
    }
    if (getpid() != 1) {
        fputs("pause: not PID 1: orphans of this namespace are not reaped here\n", stderr);
    }

    /* Signals stay blocked except inside sigsuspend, so one that arrives between the check of `stopping`
     * and the wait cannot be lost. */
    sigset_t blocked, waiting;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGCHLD);
    sigprocmask(SIG_BLOCK, &blocked, &waiting);
    sigdelset(&waiting, SIGINT);
    sigdelset(&waiting, SIGTERM);
    sigdelset(&waiting, SIGCHLD);

    handle(SIGINT, on_stop, 0);
    handle(SIGTERM, on_stop, 0);
    handle(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART);

    while (!stopping) {
        sigsuspend(&waiting);
    }
    return 0;
}
