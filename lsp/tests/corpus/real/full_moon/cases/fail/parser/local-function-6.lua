local function x(,,,)
end