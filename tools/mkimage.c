/*
 * mkimage.c - the build step that initializes the interpreter once and
 * saves the result as the image every sandbox starts from.
 *
 * usage: mkimage OUT
 * Linked with the library's objects but no image, so vm.c runs the guest's
 * initialization; the image is then embedded into the library.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vm.h"

const uint8_t image_blob[1];
const size_t image_blob_size = 0;
const char build_identity[64];

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: mkimage OUT\n");
        return 2;
    }
    const char *problem = vm_image_error();
    if (!problem && vm_image_write(argv[1]) != 0) problem = strerror(errno);
    if (problem) {
        fprintf(stderr, "mkimage: %s\n", problem);
        return 1;
    }
    return 0;
}
