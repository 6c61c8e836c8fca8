/*
 * pgo_train.c - the training run for profile-guided optimization of the
 * generated guest code: runs each program given (the stdlib corpus) a few
 * times in a sandbox built from instrumented objects. Untraced only: trained
 * on traced runs too, the profile made untraced code slower (measured).
 *
 * usage: pgo_train FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "eryx.h"

int main(int argc, char **argv) {
    eryx_sandbox *sandbox;
    char err[256];
    if (eryx_sandbox_new(NULL, &sandbox, err, sizeof err) != ERYX_OK) {
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
        for (int run = 0; run < 3; run++) {
            eryx_result *r = NULL;
            if (eryx_execute(sandbox, program, len, &r) != ERYX_OK) return 1;
            eryx_result_free(r);
        }
    }
    eryx_sandbox_free(sandbox);
    return 0;
}
