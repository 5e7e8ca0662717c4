// Timing and reporting for bench_gpu: wall-clock samples of synchronous C API
// calls (every isn_* call returns only when its results are on the host, so a
// host steady_clock around the call times the whole device round trip),
// median and spread over repeats, and the output as a table or JSON rows.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace isn_bench {

// Seconds of each timed repeat (warm-up calls excluded).
struct Samples {
    std::vector<double> seconds;
    double median() const {
        std::vector<double> s = seconds;
        std::sort(s.begin(), s.end());
        const size_t m = s.size() / 2;
        return s.size() % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }
    double min() const { return *std::min_element(seconds.begin(), seconds.end()); }
    double max() const { return *std::max_element(seconds.begin(), seconds.end()); }
};

// Runs fn `warmup` times untimed, then at least `min_repeats` and at most
// `max_repeats` timed times, stopping early once `budget_s` seconds of timed
// runs have passed (so a slow workload still finishes in bounded time).
inline Samples time_calls(const std::function<void()>& fn, int warmup, int min_repeats, int max_repeats,
                          double budget_s) {
    using clock = std::chrono::steady_clock;
    for (int i = 0; i < warmup; ++i) fn();
    Samples s;
    double spent = 0.0;
    for (int i = 0; i < max_repeats; ++i) {
        const auto t0 = clock::now();
        fn();
        const double dt = std::chrono::duration<double>(clock::now() - t0).count();
        s.seconds.push_back(dt);
        spent += dt;
        if (i + 1 >= min_repeats && spent >= budget_s) break;
    }
    return s;
}

struct Row {
    std::string metric;
    double value;
    std::string unit;
    std::string backend;  // the CLI's names: "gpu" or "native-cpu"
    std::string device;
    std::string library;  // isn_version_string(), e.g. "1.0.0+cpu+cuda"
    double median_s;  // of one call; 0 when the row is not a timing
    double min_s;
    double max_s;
    int repeats;
    std::string note;
};

inline std::string json_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') {
            o += '\\';
            o += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            o += buf;
        } else {
            o += c;
        }
    }
    return o;
}

// A JSON number, or null where the value is not finite (e.g. a marginal rate
// whose longer run was not slower: noise larger than the signal).
inline std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// One JSON array, one row object per line.
inline void print_json(std::FILE* f, const std::vector<Row>& rows) {
    std::fprintf(f, "[\n");
    for (size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        std::fprintf(f,
                     "  {\"metric\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"backend\": \"%s\", \"device\": \"%s\", "
                     "\"library\": \"%s\", \"median_s\": %.6g, \"min_s\": %.6g, \"max_s\": %.6g, \"repeats\": %d, "
                     "\"note\": \"%s\"}%s\n",
                     json_escape(r.metric).c_str(), json_number(r.value).c_str(), json_escape(r.unit).c_str(), json_escape(r.backend).c_str(),
                     json_escape(r.device).c_str(), json_escape(r.library).c_str(), r.median_s, r.min_s, r.max_s,
                     r.repeats, json_escape(r.note).c_str(), i + 1 < rows.size() ? "," : "");
    }
    std::fprintf(f, "]\n");
}

// The human table: value, the per-call median and the min..max spread.
inline void print_table(std::FILE* f, const std::vector<Row>& rows) {
    std::fprintf(f, "%-38s %14s %-12s %12s %22s %4s  %s\n", "metric", "value", "unit", "median/call", "spread (min..max)",
                 "reps", "note");
    for (const Row& r : rows) {
        if (r.repeats > 0)
            std::fprintf(f, "%-38s %14.4g %-12s %10.3f ms %9.3f..%-9.3f ms %4d  %s\n", r.metric.c_str(), r.value,
                         r.unit.c_str(), 1e3 * r.median_s, 1e3 * r.min_s, 1e3 * r.max_s, r.repeats, r.note.c_str());
        else
            std::fprintf(f, "%-38s %14.4g %-12s %12s %22s %4s  %s\n", r.metric.c_str(), r.value, r.unit.c_str(), "-", "-",
                         "-", r.note.c_str());
    }
}

}  // namespace isn_bench
