-- scripts/alarm.lua: no subscriptions, only `on_event`, which every broadcast reaches. It counts
-- the lever's pulls, and when a door jams it locks the lever with a message to it alone.
function init(self)
  self.pulls_heard = 0
end

function on_event(self, name, data)
  if name == "lever" then
    self.pulls_heard = self.pulls_heard + 1
  elseif name == "jammed" then
    log.warn(string.format("%s jammed at pull %d", data.door, data.pull))
    -- Sent while events are being delivered: it arrives in the next pass of the same delivery.
    world.find("lever"):send("lock", { reason = data.door .. " is jammed" })
  end
end
