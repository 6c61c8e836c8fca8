/*
 * pgo_train.c - the training run for profile-guided optimization of the
 * generated guest code: runs each program given (the stdlib corpus) a few
 * times in a sandbox built from instrumented objects, and once more traced,
 * so that the file tracer's paths are not laid out as cold code.
 *
 * usage: pgo_train FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "eryx.h"

static void ignore_event(void *userdata, const eryx_trace_event *event) {
    (void)userdata;
    (void)event;
}

int main(int argc, char **argv) {
    eryx_sandbox *sandbox;
    char err[256];
    eryx_config *config = eryx_config_new();
    if (!config) return 1;
    eryx_config_set_trace(config, ignore_event, NULL, 0);
    if (eryx_sandbox_new(config, &sandbox, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "pgo_train: %s\n", err);
        return 1;
    }
    static char program[1 << 20];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "pgo_train: cannot read %s\n", argv[i]);
            return 1;
        }
        size_t len = fread(program, 1, sizeof program, f);
        fclose(f);
        for (int run = 0; run < 4; run++) {
            eryx_exec_options options = {.trace = run == 3 ? 1 : -1};
            eryx_result *r = NULL;
            if (eryx_execute_ex(sandbox, program, len, &options, &r) != ERYX_OK) return 1;
            eryx_result_free(r);
        }
    }
    eryx_sandbox_free(sandbox);
    eryx_config_free(config);
    return 0;
}
