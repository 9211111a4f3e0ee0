-- What the wrk scripts here share: loaded first by each with
--   local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
-- It numbers wrk's threads (each script's init() sees its own `id`) and keeps them, so that
-- done() can add up the counters every thread kept.
local common = {}

threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- The lines of the file named by the environment variable `name`, as a list.
function common.lines(name)
  local out = {}
  for line in io.lines(os.getenv(name)) do out[#out + 1] = line end
  return out
end

-- The sum of the global `counter` over every thread.
function common.total(counter)
  local sum = 0
  for _, thread in ipairs(threads) do sum = sum + thread:get(counter) end
  return sum
end

return common
