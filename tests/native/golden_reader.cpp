#include "golden_reader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace isn_test {

double bits_to_double(uint64_t b) {
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
}

const std::vector<std::string>& GoldenCase::values(const std::string& key) const {
    const auto it = fields.find(key);
    if (it == fields.end()) throw std::runtime_error(file + ": case '" + name + "' has no '" + key + "'");
    return it->second;
}

int64_t GoldenCase::integer(const std::string& key) const { return std::stoll(values(key).at(0)); }

uint64_t GoldenCase::hex(const std::string& key) const { return std::stoull(values(key).at(0), nullptr, 16); }

double GoldenCase::real(const std::string& key) const { return bits_to_double(hex(key)); }

std::vector<double> GoldenCase::reals(const std::string& key) const {
    std::vector<double> out;
    for (const auto& v : values(key)) out.push_back(bits_to_double(std::stoull(v, nullptr, 16)));
    return out;
}

std::vector<int8_t> GoldenCase::spins(const std::string& key) const {
    std::vector<int8_t> out;
    for (const auto& v : values(key)) out.push_back(static_cast<int8_t>(std::stoi(v)));
    return out;
}

std::vector<GoldenCase> parse_golden(const std::string& text, const std::string& file) {
    std::vector<GoldenCase> cases;
    std::istringstream in(text);
    std::string line;
    int lineno = 0;
    bool header = false, open = false;
    while (std::getline(in, line)) {
        ++lineno;
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::string key;
        if (!(words >> key)) continue;
        const std::string where = file + ":" + std::to_string(lineno);
        if (!header) {
            std::string version;
            words >> version;
            if (key != "isingnative-golden" || version != "1")
                throw std::runtime_error(where + ": expected 'isingnative-golden 1'");
            header = true;
            continue;
        }
        if (key == "case") {
            if (open) throw std::runtime_error(where + ": 'case' before 'end'");
            GoldenCase c;
            c.file = file;
            if (!(words >> c.name)) throw std::runtime_error(where + ": case without a name");
            cases.push_back(c);
            open = true;
        } else if (key == "end") {
            if (!open) throw std::runtime_error(where + ": 'end' without 'case'");
            open = false;
        } else {
            if (!open) throw std::runtime_error(where + ": '" + key + "' outside a case");
            std::vector<std::string> values;
            for (std::string v; words >> v;) values.push_back(v);
            cases.back().fields[key] = values;
        }
    }
    if (open) throw std::runtime_error(file + ": last case has no 'end'");
    return cases;
}

std::vector<GoldenCase> load_golden_dir(const std::string& dir) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(dir))
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().extension() == ".golden") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<GoldenCase> all;
    for (const auto& f : files) {
        std::ifstream in(f);
        std::stringstream ss;
        ss << in.rdbuf();
        auto cases = parse_golden(ss.str(), f.filename().string());
        all.insert(all.end(), cases.begin(), cases.end());
    }
    return all;
}

}  // namespace isn_test
