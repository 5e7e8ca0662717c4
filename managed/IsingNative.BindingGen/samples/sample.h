/*
 * sample.h - exercises every shape IsingNative.BindingGen maps. Its expected output
 * is samples/sample.generated.cs (regenerate/check it with the commands in README).
 */
#ifndef SAMPLE_H
#define SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(_WIN32)
#  define SMP_API __declspec(dllexport)
#else
#  define SMP_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- constants ------------------------------------------------------------ */
/* Version of this sample. */
#define SMP_VERSION 3
#define SMP_BIG 100000000000LL          /* needs 64 bits */
#define SMP_MASK 0xFFFF0000u
#define SMP_NEGATIVE (-42)
#define SMP_HEX_SIGNED 0x7f
#define SMP_OCTAL 017
#define SMP_UNSIGNED_MINUS_ONE (-1u)
#define SMP_HALF 0.5
#define SMP_SCALE 2.f
#define SMP_ALIAS SMP_VERSION
// Line comment doc for a constant.
#define SMP_CAPACITY 64
#define SMP_EXPRESSION (1 << 4)
#define SMP_NAME "sample"
#define SMP_SQUARE(x) ((x) * (x))

/* ---- enums ---------------------------------------------------------------- */
/** Result of every call. Values are stable: <, > and & must be escaped. */
typedef enum smp_status {
    SMP_STATUS_OK = 0,
    SMP_STATUS_BAD_ARGUMENT = 1,   /* argument out of range */
    SMP_STATUS_FAILED = -1         /* anything else */
} smp_status;

enum smp_flags {
    SMP_FLAG_NONE = 0,
    SMP_FLAG_FAST = 0x1,
    SMP_FLAG_EXACT = 0x2,
    SMP_FLAG_ALL = 0x80000000u
};

typedef enum {
    SMP_MODE_2D = 2,
    SMP_MODE_3D = 3
} smp_mode_t;

/* ---- structs -------------------------------------------------------------- */
typedef struct smp_engine smp_engine;   /* opaque */
struct smp_stream;                      /* opaque, never typedef'd */

/// A 2-D point.
typedef struct smp_point {
    double x;  ///< horizontal
    double y;  ///< vertical
} smp_point;

typedef struct {
    int8_t small;
    /* Padding the compiler inserts goes here (7 bytes). */
    int64_t big;
    uint8_t flags[3];
    char name[16];
    double matrix[2][3];
    smp_point corners[4];
    smp_mode_t modes[2];
    bool enabled;
    size_t count;
    const char* label;
    smp_point* points;
    smp_engine* owner;
    struct { int32_t a; int32_t b; } inner;
    void (*on_event)(void* user, int32_t code);
} smp_config;

typedef union smp_value {
    int64_t as_int;
    double as_double;
    uint8_t bytes[8];
} smp_value;

#pragma pack(push, 1)
typedef struct smp_packed {
    uint8_t tag;
    uint32_t value;
} smp_packed;
#pragma pack(pop)

typedef void (*smp_log_fn)(void* user, const char* message, int32_t level);

/* ---- functions ------------------------------------------------------------ */

/**
 * @brief Creates an engine.
 * @param threads number of worker threads (0 = all cores)
 * @param[out] out_engine receives the engine; NULL on failure
 * @return SMP_STATUS_OK or an error
 */
SMP_API smp_status smp_engine_create(int32_t threads, smp_engine** out_engine);
/* Destroys an engine (NULL is fine). */
SMP_API void smp_engine_destroy(smp_engine* engine);
SMP_API smp_status smp_engine_run(smp_engine* engine, const smp_config* config,
    const int32_t values[], size_t count, uint64_t seed, double* out, int8_t* spins);
SMP_API const char* smp_status_text(smp_status status);
SMP_API smp_status smp_set_logger(smp_engine* engine, smp_log_fn log, void* user);
SMP_API int32_t smp_flags_of(enum smp_flags flags, smp_mode_t mode, int params, bool object);
SMP_API smp_point smp_midpoint(smp_point a, smp_point b);
SMP_API smp_value smp_make_value(int64_t bits);
SMP_API int32_t smp_stream_read(struct smp_stream* stream, uint8_t* buffer, int32_t capacity);
SMP_API uint32_t smp_unnamed(int32_t, double);
SMP_API uint32_t smp_sizes(unsigned int a, long b, unsigned long long c, uintptr_t d, ptrdiff_t e);
SMP_API void smp_no_args(void);

static inline int32_t smp_inline_helper(int32_t x) { return x + 1; }

#ifdef __cplusplus
}
#endif

#endif /* SAMPLE_H */
