#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>

#include "registry.h"

static Tracer main_tracer("main.cpp global");

static void farewell() { std::cout << "atexit: farewell\n"; }

struct Guard {
  const char *what;
  ~Guard() { std::cout << "  leave " << what << '\n'; }
};

[[gnu::noinline]] static long nested(int depth, const std::string &line, int number) {
  Guard guard{depth == 0 ? "innermost frame" : "outer frame"};
  if (depth == 0) return run_line(line, number);
  return nested(depth - 1, line, number);
}

int main(int argc, char **argv) {
  std::atexit(farewell);
  std::cout << "commands:";
  for (const auto &entry : registry()) std::cout << ' ' << entry.first;
  std::cout << '\n';
  run_threads();
  int failures = 0;
  int number = 0;
  std::string line;
  // Lines come from the file argv[1], or from stdin without arguments.
  std::ifstream file;
  if (argc > 1) {
    file.open(argv[1]);
    if (!file) {
      std::cerr << "cxxrt: cannot open " << argv[1] << '\n';
      return 100;
    }
  }
  std::istream &in = argc > 1 ? static_cast<std::istream &>(file) : std::cin;
  while (std::getline(in, line)) {
    ++number;
    try {
      long value = nested(2, line, number);
      std::cout << std::setw(3) << number << ": " << line << " = " << value << '\n';
    } catch (const ParseError &e) {
      ++failures;
      std::cout << std::setw(3) << number << ": parse error at line " << e.line() << ": "
                << e.what() << '\n';
    } catch (const std::logic_error &e) {
      ++failures;
      std::cout << std::setw(3) << number << ": logic error: " << e.what() << '\n';
    } catch (const std::exception &e) {
      ++failures;
      std::cerr << "error: " << e.what() << '\n';
    }
  }
  try {
    try {
      throw std::make_unique<int>(7);
    } catch (std::unique_ptr<int> &p) {
      std::cout << "caught unique_ptr " << *p << ", rethrowing\n";
      throw;
    }
  } catch (...) {
    std::cout << "caught again with catch (...)\n";
  }
  std::cout << "failures: " << failures << std::endl;
  return failures;
}
