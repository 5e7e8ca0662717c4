/*
 * isingnative.h - the one public C header of the IsingNative engine.
 *
 * Plain C (C99), no C++ types, so that a libclang-based binding generator
 * (or a hand-written P/Invoke layer) can read it without help:
 *   - every struct is plain data with fixed-width members and explicit padding
 *     members named `reserved*` (always write 0), so the layout is the same on
 *     every 64-bit ABI; isn_struct_size()/isn_struct_offset() let managed code
 *     verify it at run time;
 *   - enums have explicit values and are passed as int32_t in function
 *     signatures (an enum's size is compiler-defined, int32_t is not);
 *   - the context is an opaque handle (`isn_context*`).
 *
 * Semantics: docs/MODEL.md; bit-exact algorithm: docs/ALGORITHM.md.
 * Every backend (this library's CPU and GPU executors and the managed engine)
 * returns bit-identical results for the same inputs and seeds.
 *
 * Error handling: every function returning isn_status validates all of its
 * arguments before touching any output; on failure nothing is written and
 * isn_last_error_message() (per calling thread) names the argument and value.
 * No C++ exception ever crosses this boundary.
 *
 * Systems in batches: an array of isn_system_view, each pointing at the
 * caller's own flat arrays (row-major n*n couplings, n fields, n spins).
 * Nothing is copied or retained beyond the call. Outputs that hold spins for
 * several systems are concatenated: the spins for system k start at offset
 * n_0 + n_1 + ... + n_(k-1) (see each function).
 *
 * Threads: every function may be called from any thread; calls on one
 * context (or agent set) run one at a time. A call reads the arrays of the
 * views it is given while it runs, and only then: the caller must not write
 * them (nor free them) until the call returns. A concurrent write is a data
 * race with an undefined result (the call may compute on a mix of old and new
 * values, or refuse the input, e.g. as "not symmetric"); the managed layer
 * detects its own mutations and reports them (docs/MANAGED-API.md, "Threads").
 * An agent set holds copies: only isn_agent_set_create, isn_agent_set_update
 * and isn_agent_set_update_spins read views; isn_set_* calls never read the
 * members' original arrays.
 */
#ifndef ISINGNATIVE_H
#define ISINGNATIVE_H

#include <stdint.h>

#if defined(_WIN32)
#  if defined(ISN_BUILDING_LIBRARY)
#    define ISN_API __declspec(dllexport)
#  else
#    define ISN_API __declspec(dllimport)
#  endif
#else
#  define ISN_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ----------------------------------------------------------- */
#define ISN_VERSION_MAJOR 1
#define ISN_VERSION_MINOR 4
#define ISN_VERSION_PATCH 0
/* isn_version() == ISN_VERSION_MAJOR * 10000 + ISN_VERSION_MINOR * 100 + ISN_VERSION_PATCH */
#define ISN_VERSION 10400

/* ---- limits (docs/ALGORITHM.md section 12) ----------------------------- */
#define ISN_MAX_SPINS 16384
#define ISN_MAX_STEPS 100000000
#define ISN_MAX_TRIALS_PER_STEP 1000000
#define ISN_MAX_TOTAL_TRIALS 100000000000LL
#define ISN_MAX_BATCH 2000000000
/* Most members of an agent set, and most agents of isn_empathy_matrix. */
#define ISN_MAX_AGENTS 1048576
/* Accepted magnitudes (docs/ALGORITHM.md section 12 derives them): every
 * coupling and field |J_ij|, |h_i| <= ISN_MAX_MAGNITUDE; every inverse
 * temperature (beta_start, beta_end, the beta of isn_sample) in
 * [ISN_MIN_BETA, ISN_MAX_BETA]; early_stop_beta in [0, ISN_MAX_BETA]. Within
 * them every computed quantity is finite for every n <= ISN_MAX_SPINS, in
 * double and in single precision; values beyond them are rejected
 * (ISN_STATUS_INVALID_ARGUMENT, naming the argument, the index and the value). */
#define ISN_MAX_MAGNITUDE 1e30
#define ISN_MIN_BETA 1e-30
#define ISN_MAX_BETA 1e30
/* A buffer of this many bytes always holds isn_context_describe's text. */
#define ISN_MESSAGE_CAPACITY 512

/* ---- enums --------------------------------------------------------------- */
typedef enum isn_status {
    ISN_STATUS_OK = 0,
    ISN_STATUS_INVALID_ARGUMENT = 1,  /* a bad argument; the message names it */
    ISN_STATUS_INVALID_HANDLE = 2,    /* null, destroyed or foreign context or agent set */
    ISN_STATUS_DEVICE_UNAVAILABLE = 3,/* no GPU, or built without GPU support */
    ISN_STATUS_DEVICE_ERROR = 4,      /* GPU runtime failure (message has the runtime's text) */
    ISN_STATUS_OUT_OF_MEMORY = 5,
    ISN_STATUS_INTERNAL = 6,          /* a bug: please report the message */
    ISN_STATUS_CANCELLED = 7          /* the caller's cancel flag was seen set between two tiles */
} isn_status;

typedef enum isn_backend {
    ISN_BACKEND_CPU = 1,
    ISN_BACKEND_GPU = 2
} isn_backend;

typedef enum isn_acceptance {
    ISN_ACCEPTANCE_METROPOLIS = 0,      /* min(1, exp(-beta dE)); detailed balance */
    ISN_ACCEPTANCE_SEED_COMPATIBLE = 1  /* max(exp(-beta dE), 0.1/(1+beta)); NO detailed balance */
} isn_acceptance;

typedef enum isn_precision {
    ISN_PRECISION_DOUBLE = 0,
    ISN_PRECISION_SINGLE = 1            /* J, h, local fields in float (ALGORITHM section 9) */
} isn_precision;

/* Which site each anneal trial visits (ALGORITHM section 4.1). */
typedef enum isn_sweep_order {
    ISN_SWEEP_RANDOM = 0,               /* a uniformly random site per trial (MODEL section 3) */
    ISN_SWEEP_SEQUENTIAL = 1            /* site g mod n (neal's order); random numbers only where needed */
} isn_sweep_order;

/* Ids for the ABI introspection functions, one per public struct. */
typedef enum isn_struct_id {
    ISN_STRUCT_SYSTEM_VIEW = 1,
    ISN_STRUCT_ANNEAL_OPTIONS = 2,
    ISN_STRUCT_WEIGHTS = 3,
    ISN_STRUCT_EMPATHY_OPTIONS = 4,
    ISN_STRUCT_PAIR = 5,
    ISN_STRUCT_ANNEAL_STATS = 6,
    ISN_STRUCT_EMPATHY_RESULT = 7,
    ISN_STRUCT_EMOTION = 8,
    ISN_STRUCT_OBSERVABLES = 9,
    ISN_STRUCT_QUICK_ESTIMATE = 10,
    ISN_STRUCT_SAMPLE_STATS = 11,
    ISN_STRUCT_EDGE = 12,
    ISN_STRUCT_RUN_CONTROL = 13,
    ISN_STRUCT_AGENT_SET_INFO = 14,
    ISN_STRUCT_ESTIMATE_OPTIONS = 15
} isn_struct_id;

/* Which quick estimate (ALGORITHM sections 7 and 7.1). */
typedef enum isn_quick_method {
    ISN_QUICK_SEED = 0,                 /* the roadmap's 0.7 (1 - min(|Es - Eo| / scale, 1)) + 0.3 c */
    ISN_QUICK_QUENCH = 1                /* zero-temperature quench of other's J, h from all +1, scored like the empathy */
} isn_quick_method;

/* ---- structs ------------------------------------------------------------- */

/* One Ising system, borrowed for the duration of a call.
 * couplings: n*n row-major, symmetric within 1e-12*max(1,|Jij|,|Jji|), diagonal
 *            |Jii| <= 1e-12, finite. The matrix is used exactly as given: pass an
 *            exactly symmetric matrix with a zero diagonal (the managed engine
 *            always does) to be bit-identical with the other backends.
 * fields:    n finite values.
 * spins:     n values, each -1 or +1; may be NULL where a function says so. */
typedef struct isn_system_view {
    int32_t n;
    int32_t reserved0;
    const double* couplings;
    const double* fields;
    const int8_t* spins;
} isn_system_view;

/* The anneal schedule (ALGORITHM section 4). Defaults: steps 100,
 * trials_per_step 10, beta_start 0.1, beta_end 0.1*e^10, everything else 0. */
typedef struct isn_anneal_options {
    int32_t steps;              /* T, 1..ISN_MAX_STEPS (ignored when adaptive_steps != 0) */
    int32_t trials_per_step;    /* K, 1..ISN_MAX_TRIALS_PER_STEP */
    double beta_start;          /* in [ISN_MIN_BETA, ISN_MAX_BETA] */
    double beta_end;            /* in [ISN_MIN_BETA, ISN_MAX_BETA] */
    int32_t adaptive_steps;     /* 0 or 1: T = 50 + n/10 per system */
    int32_t acceptance;         /* isn_acceptance */
    int32_t precision;          /* isn_precision */
    int32_t early_stop_window;  /* W >= 1 enables early stop; 0 disables it */
    double early_stop_beta;     /* threshold beta in [0, ISN_MAX_BETA] (checked when W >= 1) */
    int32_t sweep_order;        /* isn_sweep_order */
    int32_t reserved0;          /* must be 0 */
} isn_anneal_options;

/* Score weights (MODEL section 6); finite, >= 0, not all 0. */
typedef struct isn_weights {
    double overlap;
    double energy;
    double coupling;
    double magnetization;
} isn_weights;

typedef struct isn_empathy_options {
    isn_anneal_options anneal;
    isn_weights weights;
} isn_empathy_options;

/* One empathy job: self = systems[self_index] simulates other = systems[other_index]. */
typedef struct isn_pair {
    int32_t self_index;
    int32_t other_index;
    uint64_t seed;
} isn_pair;

typedef struct isn_anneal_stats {
    int32_t steps;       /* T actually scheduled */
    int32_t reserved0;
    int64_t trials;      /* trials actually run (fewer than T*K after an early stop) */
    int64_t accepted;
    double energy;       /* energy of the final spins (ALGORITHM section 3) */
} isn_anneal_stats;

typedef struct isn_empathy_result {
    double score;
    double state_overlap;
    double energy_error;
    double magnetization_error;
    double coupling_similarity;
    double predicted_energy;
    double actual_energy;
    int32_t steps;
    int32_t reserved0;
    int64_t trials;
    int64_t accepted;
} isn_empathy_result;

typedef struct isn_emotion {
    double valence;
    double arousal;
    double tension;
    double coherence;
} isn_emotion;

typedef struct isn_observables {
    double energy;
    double magnetization;
    double frustration;
    isn_emotion emotion;
} isn_observables;

typedef struct isn_quick_estimate {
    double score;
    double coupling_similarity;
    double energy_difference;   /* SEED: |E_self - E_other|; QUENCH: |E(quenched) - E(other's spins)| */
} isn_quick_estimate;

/* Options of isn_estimate_batch / isn_set_estimate; isn_estimate_options_default
 * fills them (method ISN_QUICK_QUENCH, scale 100, the default weights). Every
 * field is validated whichever method reads it. */
typedef struct isn_estimate_options {
    int32_t method;             /* isn_quick_method */
    int32_t reserved0;          /* must be 0 */
    double scale;               /* read by ISN_QUICK_SEED: finite and > 0 */
    isn_weights weights;        /* read by ISN_QUICK_QUENCH: the empathy's weights (MODEL section 6) */
} isn_estimate_options;

typedef struct isn_sample_stats {
    int64_t trials;
    int64_t accepted;
    double acceptance;          /* accepted / trials */
} isn_sample_stats;

/* One directed edge of a swarm's attention graph: self attends to other
 * (members of an agent set). Its seed is the matrix entry's (see
 * isn_set_empathy_edges), so edges are a sparse subset of the K x K matrix. */
typedef struct isn_edge {
    int32_t self_index;
    int32_t other_index;
} isn_edge;

/* Reports progress: `done` of `total` jobs finished. Called on the calling
 * thread between tiles (never concurrently, never after the call returns),
 * with the context locked: it must not call this library on the same context. */
typedef void (*isn_progress_fn)(void* user_data, int64_t done, int64_t total);

/* Optional controls of a long set call (pass NULL for none). Work is cut into
 * tiles (at most 2^16 jobs, fewer for large n; with a control, sized by time
 * since 1.4: the first is small and each next aims at ~30 ms from the measured
 * rate, so a cancel is seen within about that; where the tiles are cut never
 * changes a result, and `done` values are not fixed); before every tile the library reads
 * *cancel (when not NULL; an int32_t the caller may set to nonzero from any
 * thread), after every tile, the last one included (done == total), it calls
 * progress (when not NULL). A call that sees the flag set returns
 * ISN_STATUS_CANCELLED: the outputs of the tiles already finished are written,
 * the rest untouched (a flag set before the call: nothing is written). */
typedef struct isn_run_control {
    isn_progress_fn progress;
    void* user_data;
    const int32_t* cancel;
} isn_run_control;

/* What an agent set holds (isn_agent_set_get_info). */
typedef struct isn_agent_set_info {
    int32_t count;              /* members */
    int32_t max_n;              /* largest member n */
    int64_t host_bytes;         /* the library's host copy (J, h, spins, per-member data) */
    int64_t device_bytes;       /* the device-resident copy (0 on CPU contexts) */
} isn_agent_set_info;

/* ---- library ------------------------------------------------------------- */

/* ISN_VERSION of the loaded library (compare with the header's ISN_VERSION). */
ISN_API int32_t isn_version(void);
/* "1.3.0+cpu" or "1.3.0+cpu+hip" / "+cuda" (the GPU plug-in built with this
 * library; whether it loads is for the GPU calls to say): static string, never NULL. */
ISN_API const char* isn_version_string(void);
/* Message of this thread's most recent status-returning call: "" when it
 * succeeded, else "<function>: <what is wrong, naming the argument and value>".
 * Valid until the thread's next call into this library. Never NULL. */
ISN_API const char* isn_last_error_message(void);
/* sizeof the struct named by id (isn_struct_id), or -1 for an unknown id. */
ISN_API int32_t isn_struct_size(int32_t struct_id);
/* offsetof the field_index-th member (declaration order, from 0, reserved
 * members included) of the struct named by id, or -1 when out of range. */
ISN_API int32_t isn_struct_offset(int32_t struct_id, int32_t field_index);
/* Number of members of the struct (reserved included), or -1. */
ISN_API int32_t isn_struct_field_count(int32_t struct_id);

/* Fill *options / *weights with the documented defaults. */
ISN_API isn_status isn_anneal_options_default(isn_anneal_options* options);
ISN_API isn_status isn_weights_default(isn_weights* weights);
ISN_API isn_status isn_estimate_options_default(isn_estimate_options* options);

/* Number of usable GPUs (0 when none, or when the GPU plug-in or its runtime
 * is missing; never fails for a missing device). Loads the plug-in on first use. */
ISN_API isn_status isn_gpu_device_count(int32_t* count);

/* ---- contexts ------------------------------------------------------------ */
/* An isn_context* is an opaque handle value, not the address of an object:
 * never dereference it. Each create returns a value never returned before in
 * the life of the process, so a destroyed, doubly destroyed or forged handle
 * is always ISN_STATUS_INVALID_HANDLE and can never reach another owner's
 * context, however many contexts were created since. */
typedef struct isn_context isn_context;

/* CPU context running batches on `threads` worker threads (0 = hardware
 * concurrency, 1..1024 otherwise). */
ISN_API isn_status isn_context_create_cpu(int32_t threads, isn_context** out_context);
/* GPU context on device `device` (>= 0). ISN_STATUS_DEVICE_UNAVAILABLE when
 * there is no such device, or the GPU plug-in (libisingnative_gpu, beside this
 * library or at $ISN_GPU_PLUGIN; loaded on first use) or its runtime is missing
 * or from another build: the message then names the file and the loader's reason. */
ISN_API isn_status isn_context_create_gpu(int32_t device, isn_context** out_context);
/* Destroys the context; NULL is a no-op returning OK; a destroyed or foreign
 * handle is detected (ISN_STATUS_INVALID_HANDLE), never dereferenced (the
 * library looks handles up in its registry of live contexts; a second destroy
 * of one handle fails, also after a new context was created). Calls on one
 * context from several threads are safe but run one at a time (use one
 * context per thread, or one multi-threaded CPU context, for parallelism);
 * destroying a context waits for a call in progress on it. */
ISN_API isn_status isn_context_destroy(isn_context* context);
/* *out_backend = isn_backend of the context. */
ISN_API isn_status isn_context_backend(isn_context* context, int32_t* out_backend);
/* Human-readable description ("cpu, 2 threads", "gpu 0: <name> (gfx90a)")
 * written NUL-terminated into buffer (capacity bytes, truncated to fit). */
ISN_API isn_status isn_context_describe(isn_context* context, char* buffer, int32_t capacity);
/* Device memory held by the context: *current_bytes now, *peak_bytes the
 * high-water mark since the context was created (the GPU backend's buffers
 * only grow, so peak is what a workload needs). CPU contexts report 0 for
 * both. Either output may be NULL when not wanted. */
ISN_API isn_status isn_context_memory_stats(isn_context* context, int64_t* current_bytes, int64_t* peak_bytes);
/* Bytes the context has copied host -> device and device -> host since it was
 * created (every hipMemcpy counted exactly; CPU contexts report 0 for both).
 * Either output may be NULL. */
ISN_API isn_status isn_context_transfer_stats(isn_context* context, int64_t* host_to_device_bytes,
    int64_t* device_to_host_bytes);

/* ---- work ---------------------------------------------------------------- */

/* Anneal each systems[k]'s J and h (spins ignored, may be NULL) from random
 * spins with seeds[k]. spins_out: concatenated (sum of n) final spins;
 * stats_out: count entries (may be NULL). One kernel launch on the GPU. */
ISN_API isn_status isn_anneal_batch(isn_context* context,
    const isn_system_view* systems, int32_t count, const uint64_t* seeds,
    const isn_anneal_options* options, int8_t* spins_out, isn_anneal_stats* stats_out);

/* Empathy for each pair (ALGORITHM section 5). The other system of every pair
 * needs spins; self needs only couplings and the same n as other.
 * results: pair_count entries. */
ISN_API isn_status isn_empathy_batch(isn_context* context,
    const isn_system_view* systems, int32_t system_count,
    const isn_pair* pairs, int32_t pair_count,
    const isn_empathy_options* options, isn_empathy_result* results);

/* Social attention of self over others[0..count) with seeds seed_base + k
 * (ALGORITHM section 7). weights_out, results_out: count entries each
 * (results_out may be NULL); collective_out, most_empathic_out: one each. */
ISN_API isn_status isn_social_attention(isn_context* context,
    const isn_system_view* self_system, const isn_system_view* others, int32_t count,
    uint64_t seed_base, const isn_empathy_options* options,
    double* weights_out, isn_empathy_result* results_out,
    isn_emotion* collective_out, int32_t* most_empathic_out);

/* K x K empathy matrix, row a = self, column b = other, seed
 * seed_base + a*K + b, diagonal included. scores_out: K*K row-major;
 * results_out: K*K or NULL. All agents need spins and equal n. */
ISN_API isn_status isn_empathy_matrix(isn_context* context,
    const isn_system_view* agents, int32_t count, uint64_t seed_base,
    const isn_empathy_options* options, double* scores_out, isn_empathy_result* results_out);

/* Observables and emotion of each system (spins required). One launch on the GPU. */
ISN_API isn_status isn_observe_batch(isn_context* context,
    const isn_system_view* systems, int32_t count, isn_observables* results);

/* Deprecated: a forward to isn_estimate_batch with method ISN_QUICK_SEED and
 * options.scale = scale; use isn_estimate_batch with ISN_QUICK_SEED.
 * The roadmap's quick estimate (Tier 3c) for each pair (seeds ignored);
 * scale > 0, finite. It does not rank pairs like the empathy; the quench of
 * isn_estimate_batch does (docs/PERFORMANCE.md, "Quick estimators"). Both
 * systems of a pair need spins and equal n. Computed on the host. */
ISN_API isn_status isn_quick_estimate_batch(isn_context* context,
    const isn_system_view* systems, int32_t system_count,
    const isn_pair* pairs, int32_t pair_count, double scale, isn_quick_estimate* results);

/* Quick estimate of either method (options->method) for each pair (seeds
 * ignored). ISN_QUICK_SEED: the roadmap's quick estimate (Tier 3c) with
 * scale = options->scale (what the deprecated isn_quick_estimate_batch
 * gives); ISN_QUICK_QUENCH quenches other's J, h from all +1 (ALGORITHM
 * section 7.1, no random numbers) and scores the quenched state against
 * other's spins with options->weights, as the empathy scores its anneal's
 * state. Both systems of a pair need spins and equal n. Computed on
 * the host in every backend (bit-identical everywhere). */
ISN_API isn_status isn_estimate_batch(isn_context* context,
    const isn_system_view* systems, int32_t system_count,
    const isn_pair* pairs, int32_t pair_count, const isn_estimate_options* options,
    isn_quick_estimate* results);

/* Coupling similarity in [0,1] for each pair (seeds ignored, spins not needed,
 * equal n). Computed on the host. */
ISN_API isn_status isn_coupling_similarity_batch(isn_context* context,
    const isn_system_view* systems, int32_t system_count,
    const isn_pair* pairs, int32_t pair_count, double* results);

/* Fixed-beta Metropolis sampling (ALGORITHM section 10): start from the
 * system's spins, or INIT_SPINS when system->spins is NULL; burn_in sweeps
 * (a sweep = n trials), then `samples` times: run `thin` sweeps and record.
 * beta in [ISN_MIN_BETA, ISN_MAX_BETA]; samples >= 1; thin >= 1; burn_in >= 0;
 * n * (burn_in + samples*thin) <= ISN_MAX_TOTAL_TRIALS.
 * states_out: samples*n spins; energies_out: samples; stats_out may be NULL.
 * Computed on the host (one sequential chain). */
ISN_API isn_status isn_sample(isn_context* context, const isn_system_view* system,
    double beta, int32_t samples, int32_t thin, int32_t burn_in, uint64_t seed,
    int32_t acceptance, int8_t* states_out, double* energies_out, isn_sample_stats* stats_out);

/* ---- agent sets: create once, run many ------------------------------------
 *
 * An agent set is K member systems copied into the engine once: each member
 * is validated once, its per-member constants (coupling norm, energy of its
 * actual spins) computed once, and on a GPU context the whole set is uploaded
 * once and stays device-resident. Every call below then reads the resident
 * copy: no re-validation, no re-upload. Updating a member re-validates and
 * re-copies that member only (on a GPU, the member's bytes only, when its n
 * is unchanged; a member whose n changes re-lays the set out, one upload).
 *
 * A set belongs to the context it was created on: passing it with another
 * context, or after isn_agent_set_destroy, fails with ISN_STATUS_INVALID_HANDLE
 * (sets, like contexts, are handle values never reused in the life of the
 * process, looked up in a registry, never dereferenced).
 * Destroy every set before its context; a set outliving its context answers
 * ISN_STATUS_INVALID_HANDLE to everything except destroy.
 *
 * Members are named by index 0..K-1. A member's spins may be NULL at create
 * or update time ("no spins"); calls that need them (the other of an empathy,
 * both members of a quick estimate, observe) then fail naming the member.
 * Results are bit-identical to the borrowed-view calls on the same systems
 * and seeds, on every backend. Long calls (anneal, empathy, matrix, edges,
 * social attention via isn_set_social_attention_run) are tiled inside the
 * engine and take an optional isn_run_control. */
typedef struct isn_agent_set isn_agent_set;

/* Copies systems[0..count) into a new set on `context` (1 <= count <= ISN_MAX_AGENTS).
 * Validation as for the borrowed-view calls; spins are checked when present. */
ISN_API isn_status isn_agent_set_create(isn_context* context, const isn_system_view* systems, int32_t count,
    isn_agent_set** out_set);
/* Replaces member `index` with a copy of *system (any valid n; spins may be NULL).
 * On failure the set is unchanged. */
ISN_API isn_status isn_agent_set_update(isn_agent_set* set, int32_t index, const isn_system_view* system);
/* Replaces only member `index`'s spins (n values, each -1 or +1): the cheap
 * path after a spin-only change; J and h are neither validated nor copied. */
ISN_API isn_status isn_agent_set_update_spins(isn_agent_set* set, int32_t index, const int8_t* spins);
ISN_API isn_status isn_agent_set_get_info(isn_agent_set* set, isn_agent_set_info* out_info);
/* Destroys the set; NULL is a no-op returning OK; destroyed or foreign
 * pointers are ISN_STATUS_INVALID_HANDLE. Waits for a call in progress on it. */
ISN_API isn_status isn_agent_set_destroy(isn_agent_set* set);

/* Anneals members[k]'s J and h from random spins with seeds[k] (as
 * isn_anneal_batch). spins_out: concatenated final spins (sum of the members'
 * n); stats_out: count entries or NULL. */
ISN_API isn_status isn_set_anneal(isn_context* context, isn_agent_set* set, const int32_t* members,
    int32_t count, const uint64_t* seeds, const isn_anneal_options* options, int8_t* spins_out,
    isn_anneal_stats* stats_out, const isn_run_control* control);

/* Observables and emotion of members[0..count) (NULL members: every member in
 * order, count must then be the set's size). */
ISN_API isn_status isn_set_observe(isn_context* context, isn_agent_set* set, const int32_t* members,
    int32_t count, isn_observables* results);

/* Empathy for each pair of member indices (as isn_empathy_batch). */
ISN_API isn_status isn_set_empathy(isn_context* context, isn_agent_set* set, const isn_pair* pairs,
    int32_t pair_count, const isn_empathy_options* options, isn_empathy_result* results,
    const isn_run_control* control);

/* Social attention of member self_index over members others[0..count) with
 * seeds seed_base + k (as isn_social_attention). */
ISN_API isn_status isn_set_social_attention(isn_context* context, isn_agent_set* set, int32_t self_index,
    const int32_t* others, int32_t count, uint64_t seed_base, const isn_empathy_options* options,
    double* weights_out, isn_empathy_result* results_out, isn_emotion* collective_out,
    int32_t* most_empathic_out);

/* isn_set_social_attention with run control (since 1.4; control may be NULL):
 * the empathies run in tiles, progress counts them (total = count); a cancel
 * returns ISN_STATUS_CANCELLED with NOTHING written (the aggregate needs every
 * other). Uncancelled results are isn_set_social_attention's, bit for bit. */
ISN_API isn_status isn_set_social_attention_run(isn_context* context, isn_agent_set* set, int32_t self_index,
    const int32_t* others, int32_t count, uint64_t seed_base, const isn_empathy_options* options,
    double* weights_out, isn_empathy_result* results_out, isn_emotion* collective_out,
    int32_t* most_empathic_out, const isn_run_control* control);

/* The K x K matrix of the whole set (as isn_empathy_matrix: seed
 * seed_base + a*K + b). scores_out: K*K; results_out: K*K or NULL. */
ISN_API isn_status isn_set_empathy_matrix(isn_context* context, isn_agent_set* set, uint64_t seed_base,
    const isn_empathy_options* options, double* scores_out, isn_empathy_result* results_out,
    const isn_run_control* control);

/* The sparse matrix: empathy of edges[e].self_index towards
 * edges[e].other_index with the matrix entry's seed seed_base + a*K + b
 * (K = the set's size), so an edge's result equals that matrix entry.
 * scores_out: edge_count (may be NULL when results_out is not);
 * results_out: edge_count or NULL. */
ISN_API isn_status isn_set_empathy_edges(isn_context* context, isn_agent_set* set, const isn_edge* edges,
    int32_t edge_count, uint64_t seed_base, const isn_empathy_options* options, double* scores_out,
    isn_empathy_result* results_out, const isn_run_control* control);

/* Deprecated: a forward to isn_set_estimate with method ISN_QUICK_SEED and
 * options.scale = scale; use isn_set_estimate with ISN_QUICK_SEED.
 * The roadmap's quick estimates (Tier 3c) for pairs of members (seeds
 * ignored; as isn_quick_estimate_batch). */
ISN_API isn_status isn_set_quick_estimate(isn_context* context, isn_agent_set* set, const isn_pair* pairs,
    int32_t pair_count, double scale, isn_quick_estimate* results);

/* Quick estimates of either method for pairs of members (seeds ignored; as
 * isn_estimate_batch, bit for bit). */
ISN_API isn_status isn_set_estimate(isn_context* context, isn_agent_set* set, const isn_pair* pairs,
    int32_t pair_count, const isn_estimate_options* options, isn_quick_estimate* results);

/* Coupling similarity for pairs of members (seeds ignored; from the cached norms). */
ISN_API isn_status isn_set_coupling_similarity(isn_context* context, isn_agent_set* set, const isn_pair* pairs,
    int32_t pair_count, double* results);

#ifdef __cplusplus
}
#endif

#endif /* ISINGNATIVE_H */
