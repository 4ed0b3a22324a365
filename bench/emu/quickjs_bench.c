/* QuickJS (the quickjs sdist's upstream-quickjs): evaluate SCRIPT with a print() that
   writes its arguments to stdout; the script's arguments are in scriptArgs. */
#include "common.h"
#include "quickjs.h"

static JSValue js_print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  for (int i = 0; i < argc; i++) {
    const char *s = JS_ToCString(ctx, argv[i]);
    if (!s) return JS_EXCEPTION;
    fputs(s, stdout);
    putchar(i + 1 < argc ? ' ' : '\n');
    JS_FreeCString(ctx, s);
  }
  return JS_UNDEFINED;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s SCRIPT [ARG...]\n", argv[0]); return 2; }
  size_t n;
  unsigned char *source = read_file(argv[1], &n);
  JSRuntime *rt = JS_NewRuntime();
  JSContext *ctx = JS_NewContext(rt);
  JSValue global = JS_GetGlobalObject(ctx);
  JS_SetPropertyStr(ctx, global, "print", JS_NewCFunction(ctx, js_print, "print", 1));
  JSValue args = JS_NewArray(ctx);
  for (int i = 2; i < argc; i++)
    JS_SetPropertyUint32(ctx, args, i - 2, JS_NewString(ctx, argv[i]));
  JS_SetPropertyStr(ctx, global, "scriptArgs", args);
  JS_FreeValue(ctx, global);
  JSValue result = JS_Eval(ctx, (const char *)source, n, argv[1], JS_EVAL_TYPE_GLOBAL);
  int status = 0;
  if (JS_IsException(result)) {
    JSValue e = JS_GetException(ctx);
    const char *s = JS_ToCString(ctx, e);
    fprintf(stderr, "%s\n", s ? s : "exception");
    JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, e);
    status = 1;
  }
  JS_FreeValue(ctx, result);
  JS_FreeContext(ctx);
  JS_FreeRuntime(rt);
  return status;
}
