/*===- xfc_compiler.h - the compiler's C interface -------------------------===*
 *
 * libxfc_compiler.so is xfc in a library, for programs (and the Python
 * package) that compile in their own process rather than run the `xfc`
 * binary. It takes the same options as the command line and checks them
 * the same way: `xfc --help` documents both.
 *
 *===----------------------------------------------------------------------===*/

#ifndef XFC_COMPILER_XFC_COMPILER_H
#define XFC_COMPILER_XFC_COMPILER_H

#ifdef __cplusplus
extern "C" {
#endif

#define XFC_COMPILER_API __attribute__((visibility("default")))

/* Compiles as `xfc ARGS...` would, where ARGS are the `count` strings of
 * `args` (no program name first): e.g. {"model.onnx", "-o", "model.so",
 * "--target=cuda"}. Returns 0 on success, else 1. When `messages` is not
 * NULL, *messages receives what xfc prints on stderr (errors naming the
 * ONNX node or tensor, the files written), to be freed with
 * xfc_compiler_free; progress lines of a long compile still go to stderr
 * unless --quiet, and IR or listings asked for with "-o -" go to stdout.
 * --help and --version, which would end the process, are refused. Calls
 * from several threads run one at a time. */
XFC_COMPILER_API int xfc_compiler_run(int count, const char *const *args,
                                      char **messages);

/* The version of this xfc, e.g. "0.4.0" (`xfc --version` prints it). */
XFC_COMPILER_API const char *xfc_compiler_version(void);

/* Frees what xfc_compiler_run put in *messages. */
XFC_COMPILER_API void xfc_compiler_free(char *messages);

#ifdef __cplusplus
}
#endif

#endif /* XFC_COMPILER_XFC_COMPILER_H */
