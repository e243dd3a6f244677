-- scripts/lib/tween.lua: tweens as plain data. A tween is a table you keep in `self` (so it
-- is part of the world hash and survives hot reload); its easing is a name looked up in
-- lib/ease.lua on every step, so a reload of the curves applies to running tweens at once.
local ease = require("lib.ease")

local tween = {}

--- A tween over `seconds`, eased by the curve called `easing` (see lib/ease.lua). `mode` is
--- "once" (stops at the end), "loop" (starts again) or "ping_pong" (goes back and forth).
function tween.new(seconds, easing, mode)
  assert(ease[easing], "unknown easing " .. tostring(easing))
  return { seconds = seconds, easing = easing, mode = mode or "once", t = 0, done = false }
end

--- Advances the tween by `dt` and returns its eased progress (0 to 1, or a little past).
function tween.step(tw, dt)
  tw.t = tw.t + dt
  local k = tw.t / tw.seconds
  if tw.mode == "once" then
    if k >= 1 then
      k, tw.done = 1, true
    end
  elseif tw.mode == "loop" then
    k = k % 1
  else -- ping_pong
    k = k % 2
    if k > 1 then
      k = 2 - k
    end
  end
  return ease[tw.easing](k)
end

--- Writes into `out` the point `k` of the way from `a` to `b`, in place, and returns `out`.
function tween.lerp_into(out, a, b, k)
  return out:set(a):scale(1 - k):add_scaled(b, k)
end

return tween
