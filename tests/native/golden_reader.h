// Reader of the golden test vectors (format: golden/README.md): cases of
// "key value..." lines, doubles as 16 hex digits of their IEEE-754 bits.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace isn_test {

struct GoldenCase {
    std::string name, file;
    std::map<std::string, std::vector<std::string>> fields;

    bool has(const std::string& key) const { return fields.count(key) != 0; }
    const std::vector<std::string>& values(const std::string& key) const;  // throws if missing
    int64_t integer(const std::string& key) const;
    uint64_t hex(const std::string& key) const;
    double real(const std::string& key) const;  // from hex bits
    std::vector<double> reals(const std::string& key) const;
    std::vector<int8_t> spins(const std::string& key) const;
};

// Parses one file's text; throws std::runtime_error naming file:line on bad input.
std::vector<GoldenCase> parse_golden(const std::string& text, const std::string& file);
// Every *.golden file of a directory (sorted by name); empty if none.
std::vector<GoldenCase> load_golden_dir(const std::string& dir);

double bits_to_double(uint64_t b);

}  // namespace isn_test
