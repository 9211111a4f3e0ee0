-- wrk script: POST /api/tickets/validate, each request a different ticket's QR code (one
-- per line in $ADMIT_QR_CODES) scanned by the organizer ($ADMIT_TOKEN). Counts results.
local token = os.getenv("ADMIT_TOKEN")
local codes = {}
for line in io.lines(os.getenv("ADMIT_QR_CODES")) do codes[#codes + 1] = line end
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  next_code = id
  step = 2
  valid, used, other = 0, 0, 0
end

function request()
  local code = codes[(next_code % #codes) + 1]
  next_code = next_code + step
  return wrk.format("POST", "/api/tickets/validate",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    '{"qrCode":"' .. code .. '"}')
end

function response(status, headers, body)
  if status == 200 and body:find('"result":"valid"', 1, true) then
    valid = valid + 1
  elseif status == 200 and body:find('"result":"already_used"', 1, true) then
    used = used + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local v, u, o = 0, 0, 0
  for _, t in ipairs(threads) do v = v + t:get("valid"); u = u + t:get("used"); o = o + t:get("other") end
  io.write(string.format("STATUS valid=%d already_used=%d other=%d\n", v, u, o))
end
