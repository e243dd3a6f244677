-- scripts/lib/ease.lua: easing curves, each mapping progress 0..1 to 0..1 (some overshoot).
-- Loaded once per world with `require("lib.ease")` and shared by every script that asks.
local ease = {}

--- No easing: constant speed.
function ease.linear(k)
  return k
end

--- Starts slow, ends fast.
function ease.in_quad(k)
  return k * k
end

--- Starts fast, ends slow.
function ease.out_quad(k)
  return k * (2 - k)
end

--- Slow at both ends.
function ease.in_out_cubic(k)
  if k < 0.5 then
    return 4 * k * k * k
  end
  local f = 2 * k - 2
  return 1 + f * f * f / 2
end

--- Overshoots the end a little, then settles.
function ease.out_back(k)
  local s = 1.70158
  local f = k - 1
  return 1 + f * f * ((s + 1) * f + s)
end

--- Falls to the end and bounces three times.
function ease.out_bounce(k)
  if k < 1 / 2.75 then
    return 7.5625 * k * k
  elseif k < 2 / 2.75 then
    k = k - 1.5 / 2.75
    return 7.5625 * k * k + 0.75
  elseif k < 2.5 / 2.75 then
    k = k - 2.25 / 2.75
    return 7.5625 * k * k + 0.9375
  end
  k = k - 2.625 / 2.75
  return 7.5625 * k * k + 0.984375
end

return ease
