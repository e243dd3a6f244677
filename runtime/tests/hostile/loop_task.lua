function init(self)
  task.spawn(function()
    task.wait_frames(1)
    while true do end
  end)
end
