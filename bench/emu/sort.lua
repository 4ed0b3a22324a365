-- table.sort with Lua comparators over records, strings and numbers; metatables
-- (__lt, __index) for a class of points. arg[1] scales it.
local n = tonumber(arg[1]) or 20000
local seed = 42
local function rnd(m) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % m end
local recs = {}
for i = 1, n do recs[i] = {id = i, age = rnd(90), name = "n" .. rnd(5000)} end
table.sort(recs, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  if a.name ~= b.name then return a.name < b.name end
  return a.id < b.id
end)
local Point = {}
Point.__index = Point
Point.__lt = function(a, b) return a.x * a.x + a.y * a.y < b.x * b.x + b.y * b.y end
function Point.new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:norm1() return math.abs(self.x) + math.abs(self.y) end
local pts = {}
for i = 1, n do pts[i] = Point.new(rnd(2001) - 1000, rnd(2001) - 1000) end
table.sort(pts)
local strs = {}
for i = 1, n do strs[i] = string.format("%x", rnd(1 << 30)) end
table.sort(strs, function(a, b) return a > b end)
local nums = {}
for i = 1, n * 2 do nums[i] = rnd(1000000) / 7 end
table.sort(nums)
print(recs[1].id, recs[n].id, pts[1]:norm1(), pts[n]:norm1(), strs[1], strs[n],
      string.format("%.4f %.4f", nums[1], nums[n * 2]))
