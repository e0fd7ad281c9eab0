/* Compiles a model with the installed compiler library, as the command
 * line `xfc MODEL -o LIBRARY` would, then checks that a bad option is a
 * message and a failure, not an exit. Usage: compile_model MODEL LIBRARY */

#include <stdio.h>
#include <string.h>

#include <xfc/Compiler/xfc_compiler.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: compile_model MODEL LIBRARY\n");
    return 2;
  }
  if (strcmp(xfc_compiler_version(), EXPECTED_VERSION) != 0) {
    fprintf(stderr, "compile_model: the compiler is %s, the package %s\n",
            xfc_compiler_version(), EXPECTED_VERSION);
    return 1;
  }
  const char *args[] = {argv[1], "-o", argv[2]};
  char *messages = NULL;
  int status = xfc_compiler_run(3, args, &messages);
  printf("%s", messages ? messages : "");
  xfc_compiler_free(messages);
  if (status != 0)
    return 1;

  const char *bad[] = {argv[1], "-o", argv[2], "--target=tpu"};
  status = xfc_compiler_run(4, bad, &messages);
  int named = messages && strstr(messages, "unknown target 'tpu'") != NULL;
  xfc_compiler_free(messages);
  if (status == 0 || !named) {
    fprintf(stderr, "compile_model: --target=tpu was not refused by name\n");
    return 1;
  }
  return 0;
}
