-- Closures, upvalues, varargs and coroutines (generators, a producer/consumer pipeline).
-- arg[1] scales it.
local n = tonumber(arg[1]) or 20000
local function counter(step)
  local c = 0
  return function(...) c = c + step + select("#", ...) return c end
end
local fs = {}
for i = 1, 50 do fs[i] = counter(i) end
local acc = 0
for i = 1, n * 10 do acc = acc + fs[i % 50 + 1](i, i) end
local function gen(limit)
  return coroutine.wrap(function()
    for i = 1, limit do coroutine.yield(i * i % 1000) end
  end)
end
local function filter(src, pred)
  return coroutine.wrap(function()
    for v in src do if pred(v) then coroutine.yield(v) end end
  end)
end
local total, seen = 0, 0
for v in filter(gen(n * 10), function(x) return x % 3 == 0 end) do
  total, seen = total + v, seen + 1
end
local co = coroutine.create(function(a)
  local s = a
  while true do s = s + coroutine.yield(s) end
end)
local last
for i = 1, n * 5 do last = select(2, coroutine.resume(co, i)) end
print(acc, total, seen, last)
