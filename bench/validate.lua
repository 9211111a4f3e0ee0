-- wrk script: POST /api/tickets/validate, each request a different ticket's QR code (one
-- per line in $ADMIT_QR_CODES) scanned by the organizer ($ADMIT_TOKEN). Counts results.
local token = os.getenv("ADMIT_TOKEN")
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local codes = common.lines("ADMIT_QR_CODES")

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
  io.write(string.format("STATUS valid=%d already_used=%d other=%d\n", common.total("valid"),
    common.total("used"), common.total("other")))
end
