function x(..., a)
end