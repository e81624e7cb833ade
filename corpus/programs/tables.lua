-- Lua workload for the trace corpus: a table-heavy simulation (particles in a grid of
-- buckets), string building, and a sort. Usage: lua5.4 tables.lua PARTICLES STEPS
local n, steps = tonumber(arg[1]) or 4000, tonumber(arg[2]) or 20
local seed = 12345
local function rand() seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 end
local ps = {}
for i = 1, n do ps[i] = { x = rand() * 100, y = rand() * 100, vx = rand() - 0.5, vy = rand() - 0.5 } end
local collisions = 0
for _ = 1, steps do
  local grid = {}
  for _, p in ipairs(ps) do
    p.x = (p.x + p.vx) % 100; p.y = (p.y + p.vy) % 100
    local key = math.floor(p.x / 2) * 64 + math.floor(p.y / 2)
    local cell = grid[key]
    if cell then collisions = collisions + #cell; cell[#cell + 1] = p else grid[key] = { p } end
  end
end
table.sort(ps, function(a, b) return a.x < b.x end)
local parts = {}
for i = 1, #ps, 97 do parts[#parts + 1] = string.format("%.3f", ps[i].x) end
print(collisions, #parts, table.concat(parts, " "):sub(1, 60))
