#include <cstdlib>
#include <sstream>

#include "registry.h"

static Tracer shapes_tracer("shapes.cpp global");

static bool max_registered = register_command("max", [](const std::vector<long> &v) {
  if (v.empty()) throw std::out_of_range("max of nothing");
  long best = v[0];
  for (long x : v) best = x > best ? x : best;
  return best;
});

std::vector<long> parse_numbers(const std::string &text, int line) {
  std::istringstream in(text);
  std::vector<long> numbers;
  std::string word;
  while (in >> word) {
    char *end = nullptr;
    long value = std::strtol(word.c_str(), &end, 10);
    if (*end != '\0') throw ParseError("not a number: '" + word + "'", line);
    numbers.push_back(value);
  }
  return numbers;
}

long run_line(const std::string &line, int number) {
  std::istringstream in(line);
  std::string name;
  in >> name;
  auto found = registry().find(name);
  if (found == registry().end()) throw ParseError("unknown command '" + name + "'", number);
  std::string rest;
  std::getline(in, rest);
  return found->second(parse_numbers(rest, number));
}
