function init(self)
  if self then
    print("no end")
end
