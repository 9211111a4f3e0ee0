-- wrk script: POST /api/registrations for one event, each request as the next of many
-- attendees (their access tokens, one per line, in $ADMIT_TOKENS). Counts statuses, and
-- appends every issued ticket's QR code to $ADMIT_QR_OUT for the validation benchmark.
local event_id = os.getenv("ADMIT_EVENT")
local tokens = {}
for line in io.lines(os.getenv("ADMIT_TOKENS")) do tokens[#tokens + 1] = line end
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  next_token = id * 7919
  created, sold_out, other = 0, 0, 0
  body = '{"eventId":"' .. event_id .. '"}'
  local out = os.getenv("ADMIT_QR_OUT")
  if out then qr_file = io.open(out .. "." .. id, "w") end
end

function request()
  next_token = next_token + 1
  local token = tokens[(next_token % #tokens) + 1]
  return wrk.format("POST", "/api/registrations",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
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
  local c, s, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); s = s + t:get("sold_out"); o = o + t:get("other")
  end
  io.write(string.format("STATUS created=%d sold_out=%d other=%d\n", c, s, o))
end
