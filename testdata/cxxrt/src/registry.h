// cxxrt: a small C++ program for the emulated process on the target's own C++ runtime
// (libstdc++, libgcc_eh, glibc): exceptions thrown and caught across objects, iostream,
// std::string, static constructors and destructors in several translation units, atexit.
#pragma once

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

// Records construction and destruction of globals; prints each event to std::cout.
struct Tracer {
  std::string name;
  explicit Tracer(std::string n);
  ~Tracer();
};

// An error with a code, thrown in one object and caught in another.
class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string &what, int line) : std::runtime_error(what), line_(line) {}
  int line() const { return line_; }

 private:
  int line_;
};

// Commands by name, registered by static constructors of several objects.
using Command = std::function<long(const std::vector<long> &)>;
std::map<std::string, Command> &registry();
bool register_command(const std::string &name, Command command);

// shapes.cpp: parses "name arg arg ..." lines; throws ParseError.
std::vector<long> parse_numbers(const std::string &text, int line);
long run_line(const std::string &line, int number);

// threads.cpp: runs four std::thread workers and prints their results in order.
void run_threads();
