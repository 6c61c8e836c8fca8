/*
 * install_prog.c - a program built against an installed eryx with
 * `cc install_prog.c $(pkg-config --cflags --libs eryx)`.
 */
#include <eryx.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    eryx_sandbox *sandbox;
    char err[256];
    if (eryx_sandbox_new(NULL, &sandbox, err, sizeof err) != ERYX_OK) {
        fprintf(stderr, "sandbox: %s\n", err);
        return 1;
    }
    const char *code = "result = sum(range(10))";
    eryx_result *r;
    if (eryx_execute(sandbox, code, strlen(code), &r) != ERYX_OK) return 1;
    printf("%s\n", eryx_result_json(r));
    eryx_result_free(r);
    eryx_sandbox_free(sandbox);
    return 0;
}
