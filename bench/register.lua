-- wrk script: POST /api/registrations for one event, each request as the next of many
-- attendees (their access tokens, one per line, in $ADMIT_TOKENS). Counts statuses, and
-- appends every issued ticket's QR code to $ADMIT_QR_OUT for the validation benchmark.
-- With $ADMIT_BODIES (a file of request bodies, one JSON object a line) the requests cycle
-- through those bodies instead of ordering one seat of the event's first type.
local event_id = os.getenv("ADMIT_EVENT")
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local tokens = common.lines("ADMIT_TOKENS")

function init(args)
  next_token = id * 7919
  created, sold_out, other = 0, 0, 0
  body = '{"eventId":"' .. event_id .. '"}'
  bodies = os.getenv("ADMIT_BODIES") and common.lines("ADMIT_BODIES") or { body }
  local out = os.getenv("ADMIT_QR_OUT")
  if out then qr_file = io.open(out .. "." .. id, "w") end
end

function request()
  next_token = next_token + 1
  local token = tokens[(next_token % #tokens) + 1]
  return wrk.format("POST", "/api/registrations",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    bodies[(next_token % #bodies) + 1])
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    if qr_file then
      for code in body:gmatch('"qrCode":"(A[A-Z2-7]+)"') do qr_file:write(code, "\n") end
    end
  elseif status == 409 then
    sold_out = sold_out + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("STATUS created=%d sold_out=%d other=%d\n", common.total("created"),
    common.total("sold_out"), common.total("other")))
end
