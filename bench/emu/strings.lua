-- Lua string library: format, rep, gsub with patterns and functions, find, byte/char,
-- upper/lower, concatenation in a buffer. arg[1] scales it.
local n = tonumber(arg[1]) or 20000
local buf = {}
for i = 1, n do
  buf[#buf + 1] = string.format("%05d:%s:%x;", i, ("ab"):rep(i % 7 + 1), i * 2654435761 % 4294967296)
end
local s = table.concat(buf)
local vowels = select(2, s:gsub("[aeiou]", ""))
local swapped = s:gsub("(%d+):(%a+)", function(d, w) return w:upper() .. "=" .. #d end)
local count, pos = 0, 1
while true do
  local a, b = s:find("ab:", pos, true)
  if not a then break end
  count, pos = count + 1, b + 1
end
local sum = 0
for i = 1, #s, 97 do sum = sum + s:byte(i) end
local rev = s:sub(1, 5000):reverse():lower()
local words = 0
for w in swapped:gmatch("%u+=%d") do words = words + 1 end
print(#s, vowels, #swapped, count, sum, rev:sub(1, 20), words)
