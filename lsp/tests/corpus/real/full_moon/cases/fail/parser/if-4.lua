if x then
elseif y then