if x then do
end