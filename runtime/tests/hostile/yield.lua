function update(self)
  coroutine.yield(1)
end
