// Shared helpers for the API tests: default options, a RAII context and
// bit-for-bit result comparison (generators live in generators.h).
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "generators.h"

namespace isn_test {

inline isn_anneal_options default_anneal() {
    isn_anneal_options o;
    EXPECT_EQ(isn_anneal_options_default(&o), ISN_STATUS_OK);
    return o;
}

inline isn_empathy_options default_empathy() {
    isn_empathy_options o;
    o.anneal = default_anneal();
    EXPECT_EQ(isn_weights_default(&o.weights), ISN_STATUS_OK);
    return o;
}

class Context {
public:
    explicit Context(int32_t threads = 1) { EXPECT_EQ(isn_context_create_cpu(threads, &ctx_), ISN_STATUS_OK); }
    ~Context() { isn_context_destroy(ctx_); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    isn_context* get() const { return ctx_; }

private:
    isn_context* ctx_ = nullptr;
};

inline void expect_same_result(const isn_empathy_result& a, const isn_empathy_result& b) {
    EXPECT_EQ(bits(a.score), bits(b.score));
    EXPECT_EQ(bits(a.state_overlap), bits(b.state_overlap));
    EXPECT_EQ(bits(a.energy_error), bits(b.energy_error));
    EXPECT_EQ(bits(a.magnetization_error), bits(b.magnetization_error));
    EXPECT_EQ(bits(a.coupling_similarity), bits(b.coupling_similarity));
    EXPECT_EQ(bits(a.predicted_energy), bits(b.predicted_energy));
    EXPECT_EQ(bits(a.actual_energy), bits(b.actual_energy));
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.trials, b.trials);
    EXPECT_EQ(a.accepted, b.accepted);
}

}  // namespace isn_test
