#include "registry.h"

#include <iostream>

Tracer::Tracer(std::string n) : name(std::move(n)) { std::cout << "construct " << name << '\n'; }
Tracer::~Tracer() { std::cout << "destroy " << name << '\n'; }

static Tracer registry_tracer("registry.cpp global");

std::map<std::string, Command> &registry() {
  static std::map<std::string, Command> commands;  // function-local static: guard + atexit
  return commands;
}

bool register_command(const std::string &name, Command command) {
  registry()[name] = std::move(command);
  return true;
}

static bool sum_registered = register_command("sum", [](const std::vector<long> &v) {
  long total = 0;
  for (long x : v)
    if (__builtin_add_overflow(total, x, &total)) throw std::overflow_error("sum overflows");
  return total;
});

static bool div_registered = register_command("div", [](const std::vector<long> &v) -> long {
  if (v.size() != 2) throw std::invalid_argument("div takes two numbers");
  if (v[1] == 0) throw std::domain_error("division by zero");
  return v[0] / v[1];
});
